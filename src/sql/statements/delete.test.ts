import { describe, expect, it } from 'vitest';
import type { TableSchema, Value } from '../../protocol/schema.js';
import { planCreateTable } from './create-table.js';
import { type DeletePlan, deleteTarget, planDelete } from './delete.js';
import { parsed } from './test-helpers.js';

const COLUMNS = 'id int, c1 string, c2 smallint, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, c9 bool';

/** A table like the cases' `columns` with `indexes` as `INDEX(...)` bodies. */
function table(...indexes: string[]): TableSchema {
  const sql = `create table t (${COLUMNS}${indexes.map((i) => `, index ${i}`).join('')})`;
  const r = planCreateTable(parsed(sql, 'createTable'));
  if (!r.ok) throw new Error(r.message);
  return r.value.schema;
}

function plan(schema: TableSchema, where: string, params: readonly Value[] = []): DeletePlan {
  const r = planDelete(parsed(`delete from t where ${where}`, 'delete'), schema, params);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function failure(schema: TableSchema, where: string, params: readonly Value[] = []): string {
  const r = planDelete(parsed(`delete from t where ${where}`, 'delete'), schema, params);
  if (r.ok) throw new Error(`expected a failure: ${where}`);
  return r.message;
}

const byC1 = table('index1(key=c1, ts=c7)');

describe('DELETE (dml/test_delete.yaml)', () => {
  it('0/6/8: one key of a one-column index', () => {
    expect(plan(byC1, "c1='aa'")).toEqual({ index: 'index1', key: ['aa'], empty: false });
    expect(plan(byC1, "c1=''")).toEqual({ index: 'index1', key: [''], empty: false });
  });

  it('1/30/31: every column of a joint key, in the index order, NULL included', () => {
    const s = table('index1(key=(c1,c2), ts=c7)');
    expect(plan(s, "c1='aa' and c2=1")).toEqual({ index: 'index1', key: ['aa', 1], empty: false });
    expect(plan(s, "c2=2 and c1=null")).toEqual({ index: 'index1', key: [null, 2], empty: false });
    expect(plan(s, "c1='' and c2=2")).toEqual({ index: 'index1', key: ['', 2], empty: false });
  });

  it('2/3: OR is refused', () => {
    expect(failure(byC1, "c1='aa' or c1='cc'")).toMatch(/^delete failed: the operator OR is not supported here/);
    expect(failure(table('index1(key=c1, ts=c7)', 'index2(key=c2, ts=c7)'), "c1='aa' or c2=1")).toMatch(/OR is not supported/);
  });

  it('4/17/22: picks the index whose key the condition names', () => {
    const two = table('index1(key=c1, ts=c7)', 'index2(key=c2, ts=c7)');
    expect(plan(two, 'c2=2')).toEqual({ index: 'index2', key: [2], empty: false });
    const sameKey = table('index1(key=c1, ts=c7)', 'index2(key=c1, ts=c4, ttl=1, ttl_type=latest)');
    expect(plan(sameKey, "c1='aa'")).toEqual({ index: 'index1', key: ['aa'], empty: false });
  });

  it('5/20/26/27: a column no index covers, a missing column, != and a range on a key are refused', () => {
    const byC2 = table('index1(key=c2, ts=c7)');
    expect(failure(byC1, 'c2=1')).toMatch(/the condition on \(c2\) fits no index; .* \(indexes: index1 \(key c1, ts c7\)\) \[at 1:21\]$/);
    expect(failure(byC1, 'c11=1')).toBe("delete failed: table has no column 'c11' (columns: id, c1, c2, c3, c4, c5, c6, c7, c8, c9) [at 1:21]");
    expect(failure(byC1, "c1!='cc'")).toMatch(/the operator != is not supported here/);
    expect(failure(byC2, 'c2>=2')).toMatch(/fits no index/);
  });

  it('10-15: key values are coerced to the key column type', () => {
    expect(plan(table('index1(key=c3, ts=c7)'), 'c3=3').key).toEqual([3]);
    expect(plan(table('index1(key=c2, ts=c7)'), 'c2=1').key).toEqual([1]);
    expect(plan(table('index1(key=c4, ts=c7)'), 'c4=4').key).toEqual([4n]);
    expect(plan(table('index1(key=c8, ts=c7)'), "c8='2020-05-02'").key).toEqual(['2020-05-02']);
    expect(plan(table('index1(key=c7, ts=c7)'), 'c7=1590738989000')).toEqual({ index: 'index1', key: [1590738989000], empty: false });
    expect(plan(table('index1(key=c9, ts=c7)'), 'c9=true').key).toEqual([true]);
    expect(failure(table('index1(key=c3, ts=c7)'), "c3='x'")).toMatch(/column 'c3' is int and cannot take the string literal 'x'/);
  });

  it('a range on the ts column, with or without a key', () => {
    expect(plan(byC1, "c1='aa' and c7 > 10 and c7 <= 20")).toEqual({ index: 'index1', key: ['aa'], fromTsMs: 11, toTsMs: 21, empty: false });
    expect(plan(byC1, "c7 >= 10 and c1='aa' and 30 > c7")).toEqual({ index: 'index1', key: ['aa'], fromTsMs: 10, toTsMs: 30, empty: false });
    expect(plan(byC1, 'c7 < 100')).toEqual({ index: 'index1', toTsMs: 100, empty: false });
    expect(plan(byC1, 'c7 = 5')).toEqual({ index: 'index1', fromTsMs: 5, toTsMs: 6, empty: false });
    expect(plan(byC1, 'c7 > 5 and c7 < 3')).toEqual({ index: 'index1', fromTsMs: 6, toTsMs: 3, empty: true });
    expect(failure(byC1, "c1='a' and c7 > 1 and c4 < 2")).toMatch(/ranges on several columns \(c7, c4\)/);
    expect(failure(byC1, 'c7 > null')).toMatch(/cannot be NULL/);
    expect(failure(table('index1(key=c1)'), "c1='a' and c7 > 1")).toMatch(/fits no index/);
  });

  it('takes values from ? parameters', () => {
    expect(plan(byC1, 'c1 = ? and c7 >= ?', ['k', 5])).toEqual({ index: 'index1', key: ['k'], fromTsMs: 5, empty: false });
    expect(failure(byC1, 'c1 = ?', [])).toMatch(/parameter 1 is missing/);
  });

  it('refuses conditions that are not column-to-constant comparisons', () => {
    expect(failure(byC1, 'c1 = c2')).toMatch(/c2 is neither a constant nor a \? placeholder/);
    expect(failure(byC1, "lower(c1) = 'a'")).toMatch(/compares no column/);
    expect(failure(byC1, 'c1 like "a%"')).toMatch(/not supported here/);
  });

  it('names the target table', () => {
    expect(deleteTarget(parsed("delete from d1.t where c1='aa'", 'delete'))).toEqual({ ok: true, value: { db: 'd1', table: 't' } });
  });
});
