import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { indexKey } from '../protocol/row-key.js';
import type { TableSchema } from '../protocol/schema.js';
import { MemTable } from './mem-table.js';
import { columns, idsOf, index, row, table as tableWith, value } from './mem-table.fixtures.js';

function tableOf(indexes: Parameters<typeof tableWith>[0]) {
  return tableWith(indexes, { keyListChunkSlots: 16 });
}

describe('MemTable.dropIndex', () => {
  it('frees the key lists, and the rows only the dropped index held', () => {
    const t = tableOf([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    // 100 rows under both indexes, 50 more only under by_c2 (a partition that holds them for that index only).
    for (let i = 0; i < 100; i++) value(t.put(row(t, i, `k${i % 7}`, `g${i}`, 1000 + i), 5));
    for (let i = 100; i < 150; i++) value(t.put(row(t, i, `k${i % 7}`, `g${i}`, 1000 + i), 5, [1]));
    const before = t.stats();
    expect(before.rowCount).toBe(150);
    expect(before.keyCount[1]).toBe(150);

    value(t.dropIndex(1));
    t.checkInvariants();
    const after = t.stats();
    expect(after.rowCount).toBe(100);
    expect(after.keyCount).toEqual([7, 0]);
    expect(after.entryCount).toEqual([100, 0]);
    expect(after.memBytes).toBeLessThan(before.memBytes);
    expect(t.isDropped(1)).toBe(true);
    // The rows the first index holds are intact.
    expect(idsOf(t, 0, 'k3')).toEqual([94, 87, 80, 73, 66, 59, 52, 45, 38, 31, 24, 17, 10, 3]);
  });

  it('frees every row when the table is emptied through the remaining index', () => {
    const t = tableOf([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    for (let i = 0; i < 40; i++) value(t.put(row(t, i, `k${i % 4}`, `g${i % 5}`, 1000 + i), 5));
    value(t.dropIndex(1));
    for (let k = 0; k < 4; k++) value(t.deleteKey(0, indexKey([`k${k}`], ['string'])));
    t.checkInvariants();
    expect(t.stats().rowCount).toBe(0);
  });

  it('puts skip the dropped position; its name is no longer found', () => {
    const t = tableOf([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7'), index('by_id', ['id'])]);
    value(t.dropIndex(1));
    value(t.put(row(t, 1, 'a', 'x', 1000), 5));
    value(t.put(row(t, 2, 'a', 'x', 1001), 5, [0, 1]));
    // A put naming only the dropped position stores nothing.
    value(t.put(row(t, 3, 'a', 'x', 1002), 5, [1]));
    t.checkInvariants();
    expect(t.stats().rowCount).toBe(2);
    expect(t.stats().entryCount).toEqual([2, 0, 1]);
    expect(idsOf(t, 1, 'x')).toEqual([]);
    const byName = t.indexPosition('by_c2');
    expect(byName.ok).toBe(false);
    if (!byName.ok) {
      expect(byName.code).toBe(Code.indexNotFound);
      expect(byName.message).toContain('indexes: by_c1, by_id');
    }
    expect(value(t.indexPosition('by_id'))).toBe(2);
  });

  it('an index of the dropped name can be added again, at a new position', () => {
    const t = tableOf([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    value(t.put(row(t, 1, 'a', 'x', 1000), 5));
    value(t.dropIndex(1));
    expect(value(t.addIndex(index('by_c2', ['c2'], 'c7')))).toBe(2);
    expect(value(t.indexPosition('by_c2'))).toBe(2);
    value(t.put(row(t, 2, 'a', 'x', 1001), 5));
    expect(idsOf(t, 2, 'x')).toEqual([2]);
    expect(idsOf(t, 1, 'x')).toEqual([]);
    t.checkInvariants();
  });

  it('refuses the first index; a second drop is a no-op', () => {
    const t = tableOf([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    const first = t.dropIndex(0);
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.message).toContain("drop index 'by_c1' failed: the first index");
    expect(t.dropIndex(5).ok).toBe(false);
    value(t.dropIndex(1));
    value(t.dropIndex(1));
    expect(t.indexCount).toBe(2);
  });

  it('create accepts a schema whose dropped index shares a name with a live one', () => {
    const schema: TableSchema = {
      columns: [...columns],
      indexes: [index('by_c1', ['c1'], 'c7'), { ...index('by_c2', ['c2'], 'c7'), dropped: true }, index('by_c2', ['c2'], 'c7')],
    };
    expect(MemTable.create(schema).ok).toBe(true);
    const twice: TableSchema = { columns: [...columns], indexes: [index('by_c1', ['c1']), index('by_c1', ['c2'])] };
    expect(MemTable.create(twice).ok).toBe(false);
  });
});
