/**
 * Goal: the frame scanner takes exactly the whole, valid frames of a buffer however it is split,
 * and classifies damage. Method: encode random entries into frames, split the bytes at random
 * points, flip random bytes.
 */
import { crc32 as nativeCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 as pureCrc32 } from '../base/crc32.js';
import { encodeEntry, encodedEntryBytes, viewOf } from './entry-codec.js';
import { type ScanState, isValidFrameAfter, scanFrames } from './frame-scan.js';
import type { LogEntry, NewLogEntry } from './log-entry.js';
import { PositionsInterner } from './positions-interner.js';
import {
  FRAME_HEADER_BYTES,
  decodeSegmentHeader,
  encodeSegmentHeader,
  parseSegmentFileName,
  segmentFileName,
  writeFrameHeader,
} from './segment-format.js';

function frames(entries: NewLogEntry[], firstOffset: number, crc: (d: Uint8Array) => number): { bytes: Uint8Array; ends: number[] } {
  const sizes = entries.map((e) => FRAME_HEADER_BYTES + encodedEntryBytes(e));
  const bytes = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  const view = viewOf(bytes);
  const ends: number[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    const end = encodeEntry(e, firstOffset + i, bytes, view, at + FRAME_HEADER_BYTES);
    writeFrameHeader(bytes, at, end - at - FRAME_HEADER_BYTES, crc(bytes.subarray(at + FRAME_HEADER_BYTES, end)));
    at = end;
    ends.push(end);
  });
  return { bytes, ends };
}

const entryArb: fc.Arbitrary<NewLogEntry> = fc.record({
  term: fc.integer({ min: 0, max: 9 }),
  kind: fc.constant('put' as const),
  insertTsMs: fc.integer({ min: 0, max: 2 ** 45 }),
  indexPositions: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  row: fc.uint8Array({ maxLength: 80 }),
});

function scanAll(bytes: Uint8Array, splits: number[], firstOffset: number, crc: (d: Uint8Array) => number): LogEntry[] {
  // Feed the scanner growing prefixes, as a reader sees a file grow or reads it in chunks.
  const seen: LogEntry[] = [];
  const state: ScanState = { pos: 0, nextOffset: firstOffset };
  const options = { crc32: crc, interner: new PositionsInterner(), fromOffset: 1, toOffset: Infinity, maxEntries: Infinity, visit: (e: LogEntry) => seen.push(e) };
  for (const end of [...splits.sort((a, b) => a - b), bytes.length]) {
    const stop = scanFrames(bytes, viewOf(bytes), end, state, options, { visited: 0 });
    expect(stop.kind).toBe('needMore');
  }
  return seen;
}

describe('scanFrames', () => {
  for (const [name, crc] of [
    ['pure crc32', pureCrc32],
    ['node:zlib crc32', (d: Uint8Array) => nativeCrc32(d)],
  ] as const) {
    it(`returns every entry once, in order, however the bytes arrive (${name})`, () => {
      fc.assert(
        fc.property(fc.array(entryArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: 1, max: 1000 }), (entries, cuts, first) => {
          const { bytes } = frames(entries, first, crc);
          const seen = scanAll(bytes, cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)), first, crc);
          expect(seen.map((e) => e.offset)).toEqual(entries.map((_, i) => first + i));
          expect(seen.map((e) => [...e.row!])).toEqual(entries.map((e) => [...e.row!]));
        }),
      );
    });
  }

  it('stops at the first damaged frame, with the position of its start', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 12 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (entries, seed, mask) => {
        const { bytes, ends } = frames(entries, 1, pureCrc32);
        const at = seed % bytes.length;
        bytes[at]! ^= mask;
        const damaged = ends.findIndex((end) => at < end);
        const state: ScanState = { pos: 0, nextOffset: 1 };
        const options = { crc32: pureCrc32, interner: new PositionsInterner(), fromOffset: 1, toOffset: Infinity, maxEntries: Infinity };
        const stop = scanFrames(bytes, viewOf(bytes), bytes.length, state, options, { visited: 0 });
        expect(state.pos).toBe(damaged === 0 ? 0 : ends[damaged - 1]);
        expect(state.nextOffset).toBe(damaged + 1);
        // A length made longer looks like an incomplete frame; everything else is reported as bad.
        expect(['bad', 'needMore']).toContain(stop.kind);
      }),
    );
  });

  it('honours maxEntries, toOffset and fromOffset', () => {
    const entries = Array.from({ length: 10 }, (_, i): NewLogEntry => ({ term: 1, kind: 'put', insertTsMs: i, indexPositions: [0], row: new Uint8Array([i]) }));
    const { bytes } = frames(entries, 1, pureCrc32);
    const seen: number[] = [];
    const base = { crc32: pureCrc32, interner: new PositionsInterner(), visit: (e: LogEntry) => seen.push(e.offset) };
    const state: ScanState = { pos: 0, nextOffset: 1 };
    expect(scanFrames(bytes, viewOf(bytes), bytes.length, state, { ...base, fromOffset: 4, toOffset: 8, maxEntries: 3 }, { visited: 0 }).kind).toBe('limit');
    expect(seen).toEqual([4, 5, 6]);
    expect(scanFrames(bytes, viewOf(bytes), bytes.length, state, { ...base, fromOffset: 4, toOffset: 8, maxEntries: 9 }, { visited: 0 }).kind).toBe('limit');
    expect(seen).toEqual([4, 5, 6, 7, 8]);
    expect(state.nextOffset).toBe(9);
  });

  it('reports an offset that does not follow the previous one', () => {
    const entries: NewLogEntry[] = [{ term: 1, kind: 'put', insertTsMs: 1, indexPositions: [], row: new Uint8Array(3) }];
    const { bytes } = frames(entries, 5, pureCrc32);
    const state: ScanState = { pos: 0, nextOffset: 4 };
    const stop = scanFrames(bytes, viewOf(bytes), bytes.length, state, { crc32: pureCrc32, interner: new PositionsInterner(), fromOffset: 1, toOffset: Infinity, maxEntries: Infinity }, { visited: 0 });
    expect(stop).toMatchObject({ kind: 'bad', problem: 'offsetGap' });
  });

  it('recognises a valid frame only where one starts, with a newer offset', () => {
    const entries: NewLogEntry[] = [1, 2].map((i) => ({ term: 1, kind: 'put', insertTsMs: i, indexPositions: [0], row: new Uint8Array(10) }));
    const { bytes, ends } = frames(entries, 1, pureCrc32);
    expect(isValidFrameAfter(bytes, ends[0]!, 1, pureCrc32)).toBe(true);
    expect(isValidFrameAfter(bytes, ends[0]!, 2, pureCrc32)).toBe(false);
    expect(isValidFrameAfter(bytes, ends[0]! + 1, 0, pureCrc32)).toBe(false);
  });
});

describe('segment header and names', () => {
  it('round-trips and detects damage', () => {
    const bytes = encodeSegmentHeader({ firstOffset: 123_456_789_012, sequence: 42 }, pureCrc32);
    expect(decodeSegmentHeader(bytes, pureCrc32)).toEqual({ formatVersion: 1, firstOffset: 123_456_789_012, sequence: 42 });
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i]! ^= 0x10;
      expect(typeof decodeSegmentHeader(copy, pureCrc32)).toBe('string');
    }
    expect(decodeSegmentHeader(bytes.subarray(0, 10), pureCrc32)).toMatch(/header is 10 bytes/);
  });

  it('names segments with 8 digits', () => {
    expect(segmentFileName(7)).toBe('00000007.log');
    expect(parseSegmentFileName('00000007.log')).toBe(7);
    expect(parseSegmentFileName('0000007.log')).toBeUndefined();
    expect(parseSegmentFileName('00000007.log.tmp')).toBeUndefined();
  });
});
