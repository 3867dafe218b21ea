/**
 * Goal: the entry codec is a faithful round trip for every valid entry and refuses bytes that
 * are not an entry with a message instead of throwing. Method: fast-check over random entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_HEADER_BYTES, decodeEntry, encodeEntry, encodedEntryBytes, utf8Length, viewOf } from './entry-codec.js';
import { type LogEntry, type NewLogEntry, deleteMatches } from './log-entry.js';
import { PositionsInterner } from './positions-interner.js';

const safeTime = fc.integer({ min: 0, max: 2 ** 50 });
const putArb: fc.Arbitrary<NewLogEntry> = fc.record({
  term: fc.integer({ min: 0, max: 2 ** 40 }),
  kind: fc.constant('put' as const),
  insertTsMs: safeTime,
  indexPositions: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }),
  row: fc.uint8Array({ maxLength: 300 }),
});
const deleteArb: fc.Arbitrary<NewLogEntry> = fc.record({
  term: fc.integer({ min: 0, max: 2 ** 40 }),
  kind: fc.constant('delete' as const),
  insertTsMs: safeTime,
  delete: fc.record(
    {
      indexPos: fc.integer({ min: 0, max: 0xffff }),
      key: fc.string({ unit: 'grapheme', maxLength: 20 }),
      fromTsMs: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
      toTsMs: safeTime,
    },
    { requiredKeys: ['indexPos'] },
  ),
});
const entryArb = fc.oneof(putArb, deleteArb);

function encode(entry: NewLogEntry, offset: number, at = 0): { bytes: Uint8Array; end: number } {
  const size = encodedEntryBytes(entry);
  const bytes = new Uint8Array(at + size + 3);
  const end = encodeEntry(entry, offset, bytes, viewOf(bytes), at);
  return { bytes, end };
}

describe('entry codec', () => {
  it('round-trips every valid entry at any position in a buffer', () => {
    fc.assert(
      fc.property(entryArb, fc.integer({ min: 1, max: 2 ** 50 }), fc.integer({ min: 0, max: 17 }), (entry, offset, at) => {
        const { bytes, end } = encode(entry, offset, at);
        expect(end - at).toBe(encodedEntryBytes(entry));
        const decoded = decodeEntry(bytes, viewOf(bytes), at, end, new PositionsInterner());
        expect(typeof decoded).toBe('object');
        const d = decoded as LogEntry;
        expect(d.offset).toBe(offset);
        expect({ ...d, offset: undefined, row: d.row ? [...d.row] : undefined }).toEqual({
          ...entry,
          offset: undefined,
          row: entry.row ? [...entry.row] : undefined,
        });
      }),
    );
  });

  it('measures UTF-8 exactly as TextEncoder writes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
  });

  it('returns a message, never throws, for truncated or mangled bytes', () => {
    fc.assert(
      fc.property(entryArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (entry, cutSeed, flipSeed, mask) => {
        const { bytes, end } = encode(entry, 7);
        const interner = new PositionsInterner();
        const cut = cutSeed % end;
        const truncated = decodeEntry(bytes, viewOf(bytes), 0, cut, interner);
        if (cut < ENTRY_HEADER_BYTES) expect(typeof truncated).toBe('string');
        const mangled = bytes.slice();
        mangled[flipSeed % end]! ^= mask;
        const result = decodeEntry(mangled, viewOf(mangled), 0, end, interner);
        expect(['string', 'object']).toContain(typeof result);
      }),
    );
  });

  it('names an unsupported codec version', () => {
    const { bytes, end } = encode({ term: 1, kind: 'put', insertTsMs: 5, indexPositions: [0], row: new Uint8Array([1]) }, 1);
    bytes[0] = 9;
    expect(decodeEntry(bytes, viewOf(bytes), 0, end, new PositionsInterner())).toMatch(/version 9 is not supported/);
  });

  it('shares index position arrays between entries with the same positions', () => {
    const interner = new PositionsInterner();
    const a = encode({ term: 1, kind: 'put', insertTsMs: 5, indexPositions: [0, 2], row: new Uint8Array([1]) }, 1);
    const b = encode({ term: 1, kind: 'put', insertTsMs: 6, indexPositions: [0, 2], row: new Uint8Array([2]) }, 2);
    const c = encode({ term: 1, kind: 'put', insertTsMs: 6, indexPositions: [1], row: new Uint8Array([2]) }, 3);
    const pa = (decodeEntry(a.bytes, viewOf(a.bytes), 0, a.end, interner) as LogEntry).indexPositions;
    const pc = (decodeEntry(c.bytes, viewOf(c.bytes), 0, c.end, interner) as LogEntry).indexPositions;
    const pb = (decodeEntry(b.bytes, viewOf(b.bytes), 0, b.end, interner) as LogEntry).indexPositions;
    expect(pa).toBe(pb);
    expect(pc).toEqual([1]);
    expect(Object.isFrozen(pa)).toBe(true);
  });
});

describe('deleteMatches', () => {
  it('matches the key and the half-open time range [fromTsMs, toTsMs)', () => {
    const spec = { indexPos: 0, key: 'k', fromTsMs: 10, toTsMs: 20 };
    expect([9, 10, 19, 20].map((ts) => deleteMatches(spec, 'k', ts))).toEqual([false, true, true, false]);
    expect(deleteMatches(spec, 'other', 15)).toBe(false);
    expect(deleteMatches({ indexPos: 0, key: 'k' }, 'k', -5)).toBe(true);
    expect(deleteMatches({ indexPos: 0, toTsMs: 3 }, 'any', 2)).toBe(true);
  });
});
