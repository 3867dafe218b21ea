import { describe, expect, it } from 'vitest';
import { Code, type Result } from '../base/status.js';
import { INDEX_KEY_EMPTY, INDEX_KEY_NULL, indexKey } from '../protocol/row-key.js';
import type { IndexDef, TableSchema, Ttl, Value } from '../protocol/schema.js';
import { MemTable, type MemTableOptions, type TraverseCursor, type TsRow } from './mem-table.js';

const NO_TTL: Ttl = { type: 'absolute', absMinutes: 0, latCount: 0 };
const NOW = 1_590_738_999_000;

const columns = [
  { name: 'id', type: 'int', notNull: false },
  { name: 'c1', type: 'string', notNull: false },
  { name: 'c2', type: 'smallint', notNull: false },
  { name: 'c4', type: 'bigint', notNull: false },
  { name: 'c7', type: 'timestamp', notNull: false },
] as const;

function index(name: string, keyColumns: string[], tsColumn?: string, ttl: Ttl = NO_TTL): IndexDef {
  return tsColumn === undefined ? { name, keyColumns, ttl } : { name, keyColumns, tsColumn, ttl };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function table(indexes: IndexDef[], options: MemTableOptions = {}): MemTable {
  const schema: TableSchema = { columns: [...columns], indexes };
  return value(MemTable.create(schema, options));
}

function put(t: MemTable, id: number, c1: string | null, c2: number, c7: number, insertTs = 0): void {
  value(t.put(value(t.codec.encode([id, c1, c2, BigInt(id), c7])), insertTs));
}

function ids(rows: readonly TsRow[], t: MemTable): Value[] {
  return rows.map((r) => t.codec.decodeColumn(r.row, 0));
}

/** All live rows of an index via traverse, as ids in traverse order. */
function allIds(t: MemTable, indexPos = 0, nowMs = NOW, pageRows = 3): Value[] {
  const out: Value[] = [];
  let cursor: TraverseCursor | undefined;
  do {
    const page = value(t.traverse(indexPos, nowMs, pageRows, cursor));
    out.push(...ids(page.rows, t));
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

describe('MemTable reads', () => {
  const t = table([index('by_c1', ['c1'], 'c7')]);
  put(t, 1, 'aa', 1, 100);
  put(t, 2, 'aa', 1, 300);
  put(t, 3, 'aa', 1, 200);
  put(t, 4, 'aa', 1, 200);
  put(t, 5, 'bb', 1, 100);

  it('returns rows newest first, the later insert first among equal ts', () => {
    expect(ids(value(t.scan(0, 'aa', NOW)), t)).toEqual([2, 4, 3, 1]);
    expect(value(t.scan(0, 'aa', NOW)).map((r) => r.tsMs)).toEqual([300, 200, 200, 100]);
  });

  it('get returns the newest row, or the newest with exactly the given ts', () => {
    expect(t.codec.decodeColumn(value(t.get(0, 'aa', NOW))!.row, 0)).toBe(2);
    expect(t.codec.decodeColumn(value(t.get(0, 'aa', NOW, 200))!.row, 0)).toBe(4);
    expect(value(t.get(0, 'aa', NOW, 250))).toBeUndefined();
    expect(value(t.get(0, 'zz', NOW))).toBeUndefined();
  });

  it('scans an inclusive ts range with a limit', () => {
    expect(ids(value(t.scan(0, 'aa', NOW, { newestTsMs: 200, oldestTsMs: 100 })), t)).toEqual([4, 3, 1]);
    expect(ids(value(t.scan(0, 'aa', NOW, { newestTsMs: 299, oldestTsMs: 101 })), t)).toEqual([4, 3]);
    expect(ids(value(t.scan(0, 'aa', NOW, { oldestTsMs: 200, limit: 2 })), t)).toEqual([2, 4]);
    expect(value(t.scan(0, 'aa', NOW, { newestTsMs: 100, oldestTsMs: 200 }))).toEqual([]);
    expect(value(t.scan(0, 'nope', NOW))).toEqual([]);
  });

  it('checks scan limits', () => {
    const small = table([index('i', ['c1'], 'c7')], { scanRowsMax: 2 });
    for (let i = 0; i < 3; i++) put(small, i, 'k', 0, i);
    const tooMany = small.scan(0, 'k', NOW);
    expect(tooMany.ok ? 0 : tooMany.code).toBe(Code.tooManyRows);
    expect(tooMany.ok ? '' : tooMany.message).toMatch(/key 'k' of index 'i' has 3 rows in the range, more than the 2/);
    expect(ids(value(small.scan(0, 'k', NOW, { limit: 2 })), small)).toEqual([2, 1]);
    expect(ids(value(small.scan(0, 'k', NOW, { oldestTsMs: 1 })), small)).toEqual([2, 1]);
    const over = small.scan(0, 'k', NOW, { limit: 3 });
    expect(over.ok ? '' : over.message).toBe('scan failed: limit 3 is not in 1..2');
    expect(small.traverse(0, NOW, 3).ok).toBe(false);
  });

  it('counts, lists keys and finds indexes by name', () => {
    expect(value(t.count(0, 'aa', NOW))).toBe(4);
    expect([...value(t.keys(0))]).toEqual(['aa', 'bb']);
    expect(value(t.indexPosition('BY_C1'))).toBe(0);
    const missing = t.indexPosition('nope');
    expect(missing.ok ? 0 : missing.code).toBe(Code.indexNotFound);
    const badPos = t.scan(3, 'aa', NOW);
    expect(badPos.ok ? '' : badPos.message).toBe('index position 3 not found (the table has 1 indexes)');
  });

  it('views stay readable and match the stored bytes', () => {
    const r = value(t.get(0, 'bb', NOW))!;
    expect(t.codec.decode(r.row)).toEqual([5, 'bb', 1, 5n, 100]);
  });
});

describe('MemTable put', () => {
  it('orders an index without a ts column by the insert time', () => {
    const t = table([index('by_c1', ['c1'])]);
    put(t, 1, 'k', 0, 999, 50);
    put(t, 2, 'k', 0, 1, 70);
    put(t, 3, 'k', 0, 5, 60);
    const rows = value(t.scan(0, 'k', NOW));
    expect(ids(rows, t)).toEqual([2, 3, 1]);
    expect(rows.map((r) => r.tsMs)).toEqual([70, 60, 50]);
  });

  it('rejects NULL or negative ts, bad insert times, invalid rows, bad positions; and stores nothing then', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'])]);
    const enc = (c7: Value) => value(t.codec.encode([1, 'k', 2, 3n, c7]));
    const message = (r: Result<void>) => (r.ok ? '' : r.message);
    expect(message(t.put(enc(null), 5))).toBe("put failed: index 'by_c1' orders rows by column 'c7', which is NULL in this row");
    expect(message(t.put(enc(-1), 5))).toMatch(/index 'by_c1' ts column 'c7' holds -1, outside 0\.\./);
    expect(message(t.put(enc(1), -5))).toMatch(/index 'by_c2' has no ts column and the insert time -5 is not a non-negative integer/);
    expect(message(t.put(enc(1).subarray(0, 10), 5))).toMatch(/^put failed: invalid row: size header says/);
    expect(message(t.put(enc(1), 5, [2]))).toBe('put failed: index position 2 is not in 0..1');
    expect(message(t.put(enc(1), 5, [1, 1]))).toBe('put failed: index position 1 is given twice');
    expect(t.stats().rowCount).toBe(0);
    expect(t.stats().entryCount).toEqual([0, 0]);
    // an insert time is not needed when every index has a ts column
    const onlyTs = table([index('by_c1', ['c1'], 'c7')]);
    expect(onlyTs.put(enc(1), Number.NaN).ok).toBe(true);
  });

  it('enforces the row size limit', () => {
    const t = table([index('by_c1', ['c1'], 'c7')], { rowBytesMax: 64 });
    const big = value(t.codec.encode([1, 'x'.repeat(100), 1, 1n, 1]));
    const r = t.put(big, 0);
    expect(r.ok ? '' : r.message).toBe(`put failed: row of ${big.length} bytes exceeds the limit of 64 bytes`);
  });

  it('stores a row only in the given index positions', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    value(t.put(value(t.codec.encode([1, 'a', 7, 1n, 10])), 0, [1]));
    expect(value(t.count(0, 'a', NOW))).toBe(0);
    expect(value(t.count(1, '7', NOW))).toBe(1);
    expect(t.stats().rowCount).toBe(1);
    // deleting through the index that holds it works and frees the row
    expect(value(t.deleteKey(1, '7'))).toBe(1);
    expect(t.stats().rowCount).toBe(0);
    t.checkInvariants();
  });

  it('uses the key sentinels for NULL and empty strings, and | for multi-column keys', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c1_c2', ['c1', 'c2'], 'c7')]);
    put(t, 1, null, 2, 10);
    put(t, 2, '', 2, 10);
    put(t, 3, 'a|b', 2, 10);
    expect([...value(t.keys(0))]).toEqual([INDEX_KEY_NULL, INDEX_KEY_EMPTY, 'a|b']);
    expect([...value(t.keys(1))]).toEqual([`${INDEX_KEY_NULL}|2`, `${INDEX_KEY_EMPTY}|2`, 'a\\|b|2']);
    expect(value(t.count(1, indexKey(['a|b', 2], ['string', 'smallint']), NOW))).toBe(1);
  });
});

describe('MemTable deletes (conformance function/dml/test_delete.yaml)', () => {
  it('case 0: delete one key; select shows the rest', () => {
    const t = table([index('index1', ['c1'], 'c7')]);
    put(t, 1, 'aa', 1, 1_590_738_989_000);
    put(t, 2, 'bb', 1, 1_590_738_989_000);
    put(t, 3, 'aa', 1, 1_590_738_990_000);
    expect(value(t.deleteKey(0, 'aa'))).toBe(2);
    expect(allIds(t)).toEqual([2]);
    expect(t.stats().rowCount).toBe(1);
  });

  it('case 1: delete on a combined key', () => {
    const t = table([index('index1', ['c1', 'c2'], 'c7')]);
    put(t, 1, 'aa', 1, 1);
    put(t, 2, 'bb', 1, 1);
    put(t, 3, 'aa', 1, 2);
    put(t, 4, 'aa', 2, 3);
    expect(value(t.deleteKey(0, indexKey(['aa', 1], ['string', 'smallint'])))).toBe(2);
    expect(allIds(t).sort()).toEqual([2, 4]);
  });

  it('cases 7 and 8: delete the NULL key and the empty-string key', () => {
    const t = table([index('index1', ['c1'], 'c7')]);
    put(t, 1, null, 1, 1);
    put(t, 2, 'bb', 1, 1);
    put(t, 3, null, 1, 2);
    put(t, 4, '', 1, 2);
    expect(value(t.deleteKey(0, indexKey([null], ['string'])))).toBe(2);
    expect(value(t.deleteKey(0, indexKey([''], ['string'])))).toBe(1);
    expect(allIds(t)).toEqual([2]);
  });

  it('case 6: deleting a missing key changes nothing', () => {
    const t = table([index('index1', ['c1'], 'c7')]);
    put(t, 1, 'aa', 1, 1);
    expect(value(t.deleteKey(0, 'cc'))).toBe(0);
    expect(allIds(t)).toEqual([1]);
  });

  it('case 22: two indexes on the same key; delete through one removes the rows from both', () => {
    const t = table([index('index1', ['c1'], 'c7'), index('index2', ['c1'], 'c4', { type: 'latest', absMinutes: 0, latCount: 1 })]);
    put(t, 1, 'aa', 1, 1);
    put(t, 2, 'bb', 1, 1);
    put(t, 3, 'aa', 1, 2);
    put(t, 4, 'cc', 2, 2);
    put(t, 5, 'cc', 2, 3);
    value(t.deleteKey(0, 'aa'));
    expect(allIds(t).sort()).toEqual([2, 4, 5]);
    expect(value(t.count(1, 'aa', NOW, false))).toBe(0);
    t.checkInvariants();
  });

  it('a deleted row disappears from every index of the table', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7'), index('by_c2_ins', ['c2'])]);
    put(t, 1, 'aa', 1, 10, 100);
    put(t, 2, 'bb', 1, 10, 101);
    put(t, 3, 'aa', 2, 20, 102);
    put(t, 4, 'aa', 1, 30, 103);
    expect(value(t.deleteKey(1, '2'))).toBe(1);
    expect(ids(value(t.scan(0, 'aa', NOW)), t)).toEqual([4, 1]);
    expect(value(t.deleteKey(0, 'aa'))).toBe(2);
    expect(ids(value(t.scan(1, '1', NOW)), t)).toEqual([2]);
    expect(ids(value(t.scan(2, '1', NOW)), t)).toEqual([2]);
    expect(t.stats()).toMatchObject({ rowCount: 1, keyCount: [1, 1, 1], entryCount: [1, 1, 1] });
    t.checkInvariants();
  });

  it('deleteRange removes toTsMs < ts <= fromTsMs (newer bound first, inclusive)', () => {
    const t = table([index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')]);
    for (let i = 1; i <= 6; i++) put(t, i, 'k', 1, i * 10);
    expect(value(t.deleteRange(0, 'k', 50, 20))).toBe(3); // 50, 40, 30
    expect(ids(value(t.scan(0, 'k', NOW)), t)).toEqual([6, 2, 1]);
    expect(ids(value(t.scan(1, '1', NOW)), t)).toEqual([6, 2, 1]);
    expect(value(t.deleteRange(0, 'k', 20))).toBe(2); // everything at or before 20
    expect(ids(value(t.scan(0, 'k', NOW)), t)).toEqual([6]);
    expect(value(t.deleteRange(0, 'k', 60, 60))).toBe(0);
    const bad = t.deleteRange(0, 'k', 10, 20);
    expect(bad.ok ? '' : bad.message).toBe('delete failed: the newer bound 10 is older than the older bound 20');
    t.checkInvariants();
  });
});

describe('MemTable TTL', () => {
  const minute = 60_000;

  it('absolute: a row expires when ts + abs <= now, on reads and in gc', () => {
    const t = table([index('i', ['c1'], 'c7', { type: 'absolute', absMinutes: 2, latCount: 0 })]);
    put(t, 1, 'k', 0, 0);
    put(t, 2, 'k', 0, minute);
    put(t, 3, 'k', 0, 2 * minute);
    expect(ids(value(t.scan(0, 'k', 2 * minute - 1)), t)).toEqual([3, 2, 1]);
    expect(ids(value(t.scan(0, 'k', 2 * minute)), t)).toEqual([3, 2]);
    expect(ids(value(t.scan(0, 'k', 3 * minute)), t)).toEqual([3]);
    expect(value(t.count(0, 'k', 3 * minute))).toBe(1);
    expect(value(t.count(0, 'k', 3 * minute, false))).toBe(3);
    expect(value(t.get(0, 'k', 3 * minute, minute))).toBeUndefined();
    expect(t.gc(3 * minute)).toMatchObject({ expiredEntries: 2, freedRows: 2 });
    expect(value(t.count(0, 'k', 0, false))).toBe(1);
    expect(value(t.get(0, 'k', 4 * minute))).toBeUndefined();
    expect([...value(t.keys(0, 4 * minute))]).toEqual([]);
    expect([...value(t.keys(0))]).toEqual(['k']);
    t.gc(4 * minute);
    expect(t.stats()).toMatchObject({ rowCount: 0, keyCount: [0] });
  });

  it('latest: only the newest latCount rows of a key are visible and kept', () => {
    const t = table([index('i', ['c1'], 'c7', { type: 'latest', absMinutes: 0, latCount: 2 })]);
    for (let i = 1; i <= 5; i++) put(t, i, 'k', 0, i);
    put(t, 6, 'other', 0, 1);
    expect(ids(value(t.scan(0, 'k', NOW)), t)).toEqual([5, 4]);
    expect(ids(value(t.scan(0, 'k', NOW, { newestTsMs: 4 })), t)).toEqual([4]);
    expect(t.gc(NOW)).toMatchObject({ expiredEntries: 3, freedRows: 3 });
    expect(value(t.count(0, 'k', NOW, false))).toBe(2);
    expect(allIds(t)).toEqual([5, 4, 6]);
  });

  it('absorlat expires on either part, absandlat only on both', () => {
    const rows = (t: MemTable, now: number) => ids(value(t.scan(0, 'k', now)), t);
    const or = table([index('i', ['c1'], 'c7', { type: 'absorlat', absMinutes: 1, latCount: 2 })]);
    const and = table([index('i', ['c1'], 'c7', { type: 'absandlat', absMinutes: 1, latCount: 2 })]);
    for (const t of [or, and]) for (let i = 1; i <= 4; i++) put(t, i, 'k', 0, i * 1000);
    expect(rows(or, 0)).toEqual([4, 3]);
    expect(rows(or, 62_000)).toEqual([4, 3]);
    expect(rows(or, 63_000)).toEqual([4]);
    expect(rows(and, 0)).toEqual([4, 3, 2, 1]);
    expect(rows(and, 61_500)).toEqual([4, 3, 2]);
    expect(rows(and, 62_000)).toEqual([4, 3]);
    expect(rows(and, 100_000)).toEqual([4, 3]);
    expect(and.gc(100_000).expiredEntries).toBe(2);
    expect(or.gc(100_000).expiredEntries).toBe(4);
  });

  it('0 disables a part; setTtl applies at once and is validated', () => {
    const t = table([index('i', ['c1'], 'c7', { type: 'absandlat', absMinutes: 1, latCount: 0 })]);
    for (let i = 1; i <= 3; i++) put(t, i, 'k', 0, i);
    expect(value(t.count(0, 'k', NOW))).toBe(3);
    value(t.setTtl(0, { type: 'latest', absMinutes: 0, latCount: 1 }));
    expect(value(t.count(0, 'k', NOW))).toBe(1);
    expect(t.ttl(0)).toEqual({ type: 'latest', absMinutes: 0, latCount: 1 });
    const bad = t.setTtl(0, { type: 'latest', absMinutes: 0, latCount: -1 });
    expect(bad.ok ? '' : bad.message).toBe('setttl failed: ttl latCount -1 is not a non-negative integer');
  });

  it('with two indexes a row expired in one stays readable through the other until gone from both', () => {
    const t = table([index('i1', ['c1'], 'c7', { type: 'latest', absMinutes: 0, latCount: 1 }), index('i2', ['c2'], 'c7')]);
    put(t, 1, 'aa', 1, 1);
    put(t, 2, 'aa', 1, 2);
    expect(ids(value(t.scan(0, 'aa', NOW)), t)).toEqual([2]);
    expect(ids(value(t.scan(1, '1', NOW)), t)).toEqual([2, 1]);
    expect(t.gc(NOW)).toMatchObject({ expiredEntries: 1, freedRows: 0 });
    expect(t.stats().rowCount).toBe(2);
    value(t.deleteKey(1, '1'));
    expect(t.stats().rowCount).toBe(0);
    t.checkInvariants();
  });
});

describe('MemTable gc and compaction', () => {
  it('compacts sparse slabs, keeps every row intact and old views valid, and gives memory back', () => {
    const t = table([index('by_c1', ['c1'], 'c7', { type: 'latest', absMinutes: 0, latCount: 1 }), index('by_id', ['id'], 'c7')], {
      slabBytes: 256,
    });
    for (let i = 0; i < 400; i++) put(t, i, `key${i % 40}`, i % 7, 1000 + i);
    const heldViews = [value(t.get(1, '395', NOW))!.row, value(t.get(1, '399', NOW))!.row];
    const before = t.stats();
    // delete through by_id most rows that by_c1 still holds, so slabs get sparse
    for (let i = 0; i < 400; i++) if (i % 5 !== 0) value(t.deleteKey(1, String(i)));
    const afterDelete = t.stats();
    const result = t.gc(NOW);
    expect(result.compactedSlabs).toBeGreaterThan(0);
    expect(result.relocatedRows).toBeGreaterThan(0);
    const after = t.stats();
    expect(after.memBytes).toBeLessThan(afterDelete.memBytes);
    expect(after.memBytes).toBeLessThan(before.memBytes);
    t.checkInvariants();
    for (let i = 0; i < 400; i += 5) {
      const got = value(t.get(1, String(i), NOW));
      expect(got === undefined ? null : t.codec.decode(got.row)).toEqual([i, `key${i % 40}`, i % 7, BigInt(i), 1000 + i]);
    }
    // views taken before the delete and the compaction still read their rows
    expect(heldViews.map((v) => t.codec.decode(v)[0])).toEqual([395, 399]);
  });

  it('frees whole slabs as TTL expires old rows', () => {
    const t = table([index('i', ['c1'], 'c7', { type: 'absolute', absMinutes: 1, latCount: 0 })], { slabBytes: 512 });
    for (let i = 0; i < 1000; i++) put(t, i, `k${i % 10}`, 0, i * 100);
    const full = t.stats().memBytes;
    const r = t.gc(100_000 + 60_000);
    expect(r.expiredEntries).toBe(1000);
    expect(t.stats().rowCount).toBe(0);
    expect(t.stats().memBytes).toBeLessThan(full / 10);
    t.checkInvariants();
  });
});

describe('MemTable traverse', () => {
  it('pages through every live row once, key by key, newest first, across equal ts', () => {
    const t = table([index('i', ['c1'], 'c7')]);
    put(t, 1, 'a', 0, 5);
    put(t, 2, 'a', 0, 5);
    put(t, 3, 'a', 0, 5);
    put(t, 4, 'b', 0, 1);
    put(t, 5, 'a', 0, 9);
    put(t, 6, 'c', 0, 2);
    for (const pageRows of [1, 2, 3, 7]) expect(allIds(t, 0, NOW, pageRows)).toEqual([5, 3, 2, 1, 4, 6]);
  });

  it('resumes after changes made between pages', () => {
    const t = table([index('i', ['c1'], 'c7')]);
    for (let i = 1; i <= 3; i++) put(t, i, 'a', 0, i);
    put(t, 4, 'b', 0, 1);
    put(t, 5, 'c', 0, 1);
    const first = value(t.traverse(0, NOW, 2));
    expect(ids(first.rows, t)).toEqual([3, 2]);
    value(t.deleteKey(0, 'b'));
    put(t, 6, 'a', 0, 10); // newer than the cursor: not seen
    put(t, 7, 'a', 0, 0); // older: seen
    const rest = value(t.traverse(0, NOW, 10, first.next));
    expect(ids(rest.rows, t)).toEqual([1, 7, 5]);
    expect(rest.next).toBeUndefined();
    expect(value(t.traverse(0, NOW, 10)).rows.map((r) => r.key)).toEqual(['a', 'a', 'a', 'a', 'a', 'c']);
  });

  it('does not skip older rows when rows of the cursor ts were deleted between pages', () => {
    const t = table([index('i', ['c1'], 'c7'), index('by_id', ['id'], 'c7')]);
    for (let i = 1; i <= 3; i++) put(t, i, 'a', 0, 5);
    put(t, 4, 'a', 0, 1);
    const first = value(t.traverse(0, NOW, 3));
    expect(ids(first.rows, t)).toEqual([3, 2, 1]);
    value(t.deleteKey(1, '2'));
    value(t.deleteKey(1, '3'));
    expect(ids(value(t.traverse(0, NOW, 3, first.next)).rows, t)).toEqual([4]);
  });
});

describe('MemTable.create', () => {
  it.each([
    [[index('i', ['nope'], 'c7')], "create table failed: index 'i': key column 'nope' is not a column of the table"],
    [[index('i', ['c1'], 'c2')], "create table failed: index 'i': ts column 'c2' is smallint, not bigint or timestamp"],
    [[index('i', ['c1'], 'zz')], "create table failed: index 'i': ts column 'zz' is not a column of the table"],
    [[], 'create table failed: the schema has no index'],
    [[index('i', ['c1']), index('I', ['c2'])], "create table failed: two indexes are named 'I'"],
    [[index('i', ['c1'], undefined, { type: 'latest', absMinutes: 0, latCount: -2 })], "create table failed: index 'i': ttl latCount -2 is not a non-negative integer"],
  ])('rejects %j', (indexes, message) => {
    const r = MemTable.create({ columns: [...columns], indexes });
    expect(r.ok ? '' : r.message).toBe(message);
  });

  it('rejects bad limits', () => {
    const r = MemTable.create({ columns: [...columns], indexes: [index('i', ['c1'])] }, { keyListChunkSlots: 1000 });
    expect(r.ok ? '' : r.message).toMatch(/keyListChunkSlots 1000 is not a power of two/);
  });
});

describe('MemTable.scanPacked', () => {
  const t = table([index('by_c1', ['c1'], 'c7', { type: 'latest', absMinutes: 0, latCount: 4 })]);
  for (let i = 1; i <= 12; i++) put(t, i, i % 3 === 0 ? 'bb' : 'aa', 1, 100 * (i % 5), 0);

  /** The packed rows split back into one buffer per row by their size headers. */
  function split(packed: Uint8Array): Uint8Array[] {
    const rows: Uint8Array[] = [];
    for (let pos = 0; pos < packed.length; ) {
      const size = packed[pos + 2]! | (packed[pos + 3]! << 8) | (packed[pos + 4]! << 16) | (packed[pos + 5]! << 24);
      rows.push(packed.slice(pos, pos + size));
      pos += size;
    }
    return rows;
  }

  it('returns the rows and ts of scan, back to back, for every range and limit', () => {
    const ranges = [{}, { limit: 1 }, { limit: 3 }, { newestTsMs: 300 }, { oldestTsMs: 200 }, { newestTsMs: 300, oldestTsMs: 100, limit: 2 }, { oldestTsMs: 400, newestTsMs: 100 }];
    for (const key of ['aa', 'bb', 'none']) {
      for (const range of ranges) {
        const rows = value(t.scan(0, key, NOW, range));
        const packed = value(t.scanPacked(0, key, NOW, range));
        expect(packed.tss).toEqual(rows.map((r) => r.tsMs));
        expect(split(packed.packed)).toEqual(rows.map((r) => Uint8Array.from(r.row)));
      }
    }
  });

  it('fails as scan does', () => {
    for (const [pos, range] of [[0, { limit: 0 }], [0, { limit: 1.5 }], [5, {}]] as const) {
      expect(t.scanPacked(pos, 'aa', NOW, range)).toEqual(t.scan(pos, 'aa', NOW, range));
    }
    const small = table([index('by_c1', ['c1'], 'c7')], { scanRowsMax: 2 });
    for (let i = 0; i < 3; i++) put(small, i, 'k', 1, i);
    const failed = small.scanPacked(0, 'k', NOW, {});
    expect(failed).toMatchObject({ ok: false, code: Code.tooManyRows });
    expect(failed).toEqual(small.scan(0, 'k', NOW, {}));
  });

  it('never overwrites an answer it handed out (answers share chunks)', () => {
    // Enough answers to fill more than one 64 KiB chunk.
    const kept = Array.from({ length: 1500 }, (_, i) => value(t.scanPacked(0, i % 2 === 0 ? 'aa' : 'bb', NOW, {})).packed);
    const copies = kept.map((k) => Uint8Array.from(k));
    expect(kept.reduce((n, k) => n + k.length, 0)).toBeGreaterThan(64 * 1024);
    for (let i = 0; i < 1500; i++) value(t.scanPacked(0, 'bb', NOW, {}));
    const changed = kept.filter((k, i) => k.length !== copies[i]!.length || k.some((b, j) => b !== copies[i]![j]));
    expect(changed).toHaveLength(0);
  });
});
