import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { indexKey } from '../protocol/row-key.js';
import type { Value } from '../protocol/schema.js';
import type { MemTable } from './mem-table.js';
import { idsOf, index, row, table, value } from './mem-table.fixtures.js';

/** Every row once, as [id, insertTsMs]. */
function visited(t: MemTable): [Value, number | undefined][] {
  const out: [Value, number | undefined][] = [];
  t.forEachRow((r, ts) => out.push([t.codec.decodeColumn(r, 0), ts]));
  return out;
}

describe('MemTable.addIndex', () => {
  it('appends an empty index; backfilled and new rows are found through it', () => {
    const t = table([index('by_c1', ['c1'], 'c7')]);
    for (let i = 1; i <= 20; i++) value(t.put(row(t, i, `k${i % 3}`, `g${i % 2}`, 1000 + i), 5));
    expect(value(t.addIndex(index('by_c2', ['c2'], 'c7')))).toBe(1);
    expect(t.indexCount).toBe(2);
    expect(idsOf(t, 1, 'g0')).toEqual([]);
    // Backfill as the tablet does: every stored row put again into the new index only.
    const existing: Uint8Array[] = [];
    t.forEachRow((r) => existing.push(r));
    for (const r of existing) value(t.put(r, 5, [1]));
    value(t.put(row(t, 21, 'k0', 'g1', 2000), 6));
    expect(idsOf(t, 1, 'g1')).toEqual([21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1]);
    expect(idsOf(t, 1, 'g0')).toEqual([20, 18, 16, 14, 12, 10, 8, 6, 4, 2]);
    expect(idsOf(t, 0, 'k0')).toEqual([21, 18, 15, 12, 9, 6, 3]);
    t.checkInvariants();
  });

  it('keeps a row held by two indexes alive until both let it go (holder counts added on the second index)', () => {
    const t = table([index('by_c1', ['c1'], 'c7')]);
    value(t.put(row(t, 1, 'a', 'x', 100), 1));
    value(t.addIndex(index('by_c2', ['c2'], 'c7')));
    value(t.put(row(t, 2, 'a', 'x', 200), 2));
    t.checkInvariants();
    expect(t.stats().rowCount).toBe(2);
    // Deleting the key through the first index removes row 2 from the second index too.
    expect(value(t.deleteKey(0, indexKey(['a'], ['string'])))).toBe(2);
    expect(idsOf(t, 1, 'x')).toEqual([]);
    expect(t.stats().rowCount).toBe(0);
    t.checkInvariants();
  });

  it('refuses an index that is invalid, a duplicate name, or a missing column', () => {
    const t = table([index('by_c1', ['c1'], 'c7')]);
    const dup = t.addIndex(index('BY_C1', ['c2']));
    expect(dup.ok ? 0 : dup.code).toBe(Code.invalidParameter);
    expect(dup.ok ? '' : dup.message).toMatch(/already has an index/);
    const missing = t.addIndex(index('x', ['nope']));
    expect(missing.ok ? '' : missing.message).toMatch(/nope/);
    const badTs = t.addIndex(index('y', ['c1'], 'c2'));
    expect(badTs.ok ? '' : badTs.message).toMatch(/not bigint or timestamp/);
    expect(t.indexCount).toBe(1);
  });
});

describe('MemTable.forEachRow', () => {
  it('visits each row once with its insert time when an index without ts holds it', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'])]);
    value(t.put(row(t, 1, 'a', 'x', 100), 11));
    value(t.put(row(t, 2, 'b', 'x', 50), 12));
    value(t.put(row(t, 3, 'a', 'y', 70), 13, [0]));
    const seen = visited(t).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(seen).toEqual([
      [1, 11],
      [2, 12],
      [3, undefined],
    ]);
  });

  it('with heldBy, visits the rows of one index with insert times from an index that keeps them', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'])]);
    value(t.put(row(t, 1, 'a', 'x', 100), 11));
    value(t.put(row(t, 2, 'b', 'x', 50), 12, [0]));
    value(t.put(row(t, 3, 'a', 'y', 70), 13, [1]));
    const seen: [Value, number | undefined][] = [];
    value(t.forEachRow((r, ts) => seen.push([t.codec.decodeColumn(r, 0), ts]), 0));
    expect(seen.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 11],
      [2, undefined],
    ]);
    const byC2: Value[] = [];
    value(t.forEachRow((r) => byC2.push(t.codec.decodeColumn(r, 0)), 1));
    expect(byC2).toEqual([1, 3]);
    expect(t.forEachRow(() => {}, 2).ok).toBe(false);
  });

  it('visits every row exactly once whatever subset of indexes holds it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c1: fc.constantFrom('a', 'b', 'c'), c2: fc.constantFrom('x', 'y'), subset: fc.constantFrom<readonly number[] | undefined>([0], [1], [0, 1], undefined) }), {
          maxLength: 60,
        }),
        (rows) => {
          const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'])]);
          rows.forEach((r, i) => {
            value(t.put(row(t, i, r.c1, r.c2, 1000 - i), 100 + i, r.subset));
          });
          const seen = visited(t).map(([id]) => id as number);
          expect(seen.sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
          for (const [id, ts] of visited(t)) {
            const subset = rows[id as number]!.subset;
            expect(ts).toBe(subset === undefined || subset.includes(1) ? 100 + (id as number) : undefined);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
