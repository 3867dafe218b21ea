/**
 * Goal: entry codec version 2 (puts carrying a request id, feature idempotentPut) round-trips,
 * entries without a request id stay byte-identical version 1 (what 0.1.0 builds read), and a log
 * written by a 0.1.0 build (golden bytes below) is still read. Method: fast-check plus golden bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, encodedEntryBytes, viewOf } from './entry-codec.js';
import type { LogEntry, NewLogEntry } from './log-entry.js';
import { PositionsInterner } from './positions-interner.js';

const requestIdArb = fc
  .record({
    clientId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    seq: fc.integer({ min: 0, max: 2 ** 50 }),
    rowCount: fc.integer({ min: 1, max: 10_000 }),
  })
  .chain((r) => fc.integer({ min: 0, max: r.rowCount - 1 }).map((rowIndex) => ({ ...r, rowIndex })));

const putArb = fc.record({
  term: fc.integer({ min: 0, max: 2 ** 40 }),
  kind: fc.constant('put' as const),
  insertTsMs: fc.integer({ min: 0, max: 2 ** 50 }),
  indexPositions: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }),
  row: fc.uint8Array({ maxLength: 200 }),
});

function encode(entry: NewLogEntry, offset: number): Uint8Array {
  const bytes = new Uint8Array(encodedEntryBytes(entry));
  const end = encodeEntry(entry, offset, bytes, viewOf(bytes), 0);
  expect(end).toBe(bytes.length);
  return bytes;
}

function decode(bytes: Uint8Array): LogEntry | string {
  return decodeEntry(bytes, viewOf(bytes), 0, bytes.length, new PositionsInterner());
}

/** A put written by a 0.1.0 build: offset 7, term 3, insertTsMs 1000, positions [0, 2], row 'abc'. */
const V1_PUT = Uint8Array.from([
  1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 28, 64, 0, 0, 0, 0, 0, 0, 8, 64, 0, 0, 0, 0, 0, 64, 143, 64, 0, 0, 2, 0, 97, 98, 99,
]);

describe('entry codec version 2 (request ids)', () => {
  it('round-trips puts with a request id and marks them version 2', () => {
    fc.assert(
      fc.property(putArb, requestIdArb, fc.integer({ min: 1, max: 2 ** 50 }), (put, requestId, offset) => {
        const bytes = encode({ ...put, requestId }, offset);
        expect(bytes[0]).toBe(2);
        const d = decode(bytes) as LogEntry;
        expect(typeof d).toBe('object');
        expect(d.requestId).toEqual(requestId);
        expect([...d.row!]).toEqual([...put.row]);
        expect(d.indexPositions).toEqual(put.indexPositions);
        expect(d).toMatchObject({ offset, term: put.term, insertTsMs: put.insertTsMs, kind: 'put' });
      }),
    );
  });

  it('writes entries without a request id as version 1, exactly as 0.1.0 did', () => {
    const bytes = encode({ term: 3, kind: 'put', insertTsMs: 1000, indexPositions: [0, 2], row: Uint8Array.from([97, 98, 99]) }, 7);
    expect([...bytes]).toEqual([...V1_PUT]);
    const withUndefinedId = encode(
      { term: 3, kind: 'put', insertTsMs: 1000, indexPositions: [0, 2], row: Uint8Array.from([97, 98, 99]), requestId: undefined },
      7,
    );
    expect([...withUndefinedId]).toEqual([...V1_PUT]);
  });

  it('reads what 0.1.0 wrote', () => {
    const d = decode(V1_PUT) as LogEntry;
    expect(d).toMatchObject({ offset: 7, term: 3, insertTsMs: 1000, kind: 'put', indexPositions: [0, 2] });
    expect(d.requestId).toBeUndefined();
    expect([...d.row!]).toEqual([97, 98, 99]);
  });

  it('refuses damaged request ids with a message, never throws', () => {
    const good = encode(
      { term: 1, kind: 'put', insertTsMs: 5, indexPositions: [0], row: Uint8Array.from([1, 2]), requestId: { clientId: 'c1', seq: 9, rowIndex: 0, rowCount: 1 } },
      1,
    );
    const positionsEnd = 28 + 2;
    const zeroLength = good.slice();
    zeroLength[positionsEnd] = 0;
    expect(decode(zeroLength)).toMatch(/client id bytes does not fit/);
    const tooLong = good.slice();
    tooLong[positionsEnd] = 200;
    expect(decode(tooLong)).toMatch(/does not fit the entry/);
    const badRow = good.slice();
    new DataView(badRow.buffer).setUint32(positionsEnd + 1 + 2 + 8, 5, true); // rowIndex 5 of 1
    expect(decode(badRow)).toMatch(/row 5 of 1 is out of range/);
    const deleteV2 = encode({ term: 1, kind: 'delete', insertTsMs: 5, delete: { indexPos: 0, key: 'k' } }, 1);
    deleteV2[0] = 2;
    expect(decode(deleteV2)).toMatch(/only used for puts/);
    // Cut anywhere before the row (whose length is the frame's business): a message.
    const rowStart = positionsEnd + 1 + 2 + 16;
    for (let cut = 0; cut < rowStart; cut++) expect(typeof decodeEntry(good, viewOf(good), 0, cut, new PositionsInterner())).toBe('string');
  });
});
