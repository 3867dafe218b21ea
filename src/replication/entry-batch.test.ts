import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../binlog/log-entry.js';
import { ENTRY_BATCH_VERSION, EntryBatchDecoder, encodeEntryBatch } from './entry-batch.js';

const entryArb: fc.Arbitrary<LogEntry> = fc.oneof(
  fc.record({
    term: fc.nat(1000),
    offset: fc.integer({ min: 1, max: 2 ** 40 }),
    kind: fc.constant('put' as const),
    insertTsMs: fc.integer({ min: 0, max: 2 ** 45 }),
    indexPositions: fc.array(fc.nat(20), { minLength: 1, maxLength: 4 }),
    row: fc.uint8Array({ maxLength: 200 }),
  }),
  fc.record(
    {
      term: fc.nat(1000),
      offset: fc.integer({ min: 1, max: 2 ** 40 }),
      kind: fc.constant('delete' as const),
      insertTsMs: fc.integer({ min: 0, max: 2 ** 45 }),
      delete: fc.record({ indexPos: fc.nat(10), key: fc.string(), fromTsMs: fc.nat(), toTsMs: fc.nat() }, { requiredKeys: ['indexPos'] }),
    },
    { requiredKeys: ['term', 'offset', 'kind', 'insertTsMs', 'delete'] },
  ),
);

function plain(e: LogEntry): unknown {
  return { ...e, ...(e.row ? { row: [...e.row] } : {}), ...(e.indexPositions ? { indexPositions: [...e.indexPositions] } : {}) };
}

describe('entry batch codec', () => {
  it('round-trips any list of entries', () => {
    const decoder = new EntryBatchDecoder();
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 20 }), (entries) => {
        const decoded = decoder.decode(encodeEntryBatch(entries), 100);
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(decoded.value.map(plain)).toEqual(entries.map(plain));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses truncated, padded, oversized and unknown-version batches with a message', () => {
    const decoder = new EntryBatchDecoder();
    const e: LogEntry = { term: 1, offset: 1, kind: 'put', insertTsMs: 5, indexPositions: [0], row: new Uint8Array([1, 2, 3]) };
    const bytes = encodeEntryBatch([e, { ...e, offset: 2 }]);
    const cases: [Uint8Array, RegExp][] = [
      [bytes.subarray(0, 5), /shorter than its 8-byte header/],
      [bytes.subarray(0, bytes.length - 1), /entry 2 of 2 .* runs past the end/],
      [new Uint8Array([...bytes, 0]), /1 bytes follow the last entry/],
      [new Uint8Array([ENTRY_BATCH_VERSION + 1, ...bytes.subarray(1)]), /format version 2 is not supported/],
    ];
    for (const [input, message] of cases) {
      const r = decoder.decode(input, 100);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
    const tooMany = decoder.decode(bytes, 1);
    expect(!tooMany.ok && tooMany.message).toMatch(/declares 2 entries, the limit is 1/);
  });
});
