import { beforeEach, describe, expect, it } from 'vitest';
import { planSql, queryOf } from '../engine.js';
import { ScriptEngine } from '../exec/testing/script-engine.js';
import { type SplitDecision, splitOf } from './split-plan.js';

let db: ScriptEngine;

beforeEach(async () => {
  db = new ScriptEngine();
  await db.execute(undefined, 'CREATE DATABASE d');
  // Index 0 keyed on k, index 1 on (id, k), index 2 on s ordered by ts.
  await db.execute('d', 'CREATE TABLE t (id int, k string, s string, ts timestamp, v bigint, INDEX(KEY=k, TS=ts), INDEX(KEY=(id, k)), INDEX(KEY=s, TS=ts))');
  await db.execute('d', 'CREATE TABLE r (rk string, rts timestamp, w int, INDEX(KEY=rk, TS=rts))');
  await db.execute('d', 'CREATE TABLE u (id int, k string, s string, ts timestamp, v bigint, INDEX(KEY=k, TS=ts))');
});

function decide(sql: string): SplitDecision {
  const q = queryOf(sql);
  if (!q.ok) throw new Error(q.message);
  const p = planSql(q.value, db.catalog, 'd', []);
  if (!p.ok) throw new Error(p.message);
  return splitOf(p.value);
}

function split(sql: string): { table: string; indexPos: number; distinct: boolean; limit?: number } {
  const d = decide(sql);
  if (!d.splittable) throw new Error(`expected '${sql}' to be splittable, got: ${d.reason}`);
  return { table: d.table.name, indexPos: d.indexPos, distinct: d.distinct, ...(d.limit === undefined ? {} : { limit: d.limit }) };
}

function reason(sql: string): string {
  const d = decide(sql);
  if (d.splittable) throw new Error(`expected '${sql}' not to be splittable`);
  return d.reason;
}

const W = (by: string, order = 'ts') => `WINDOW w AS (PARTITION BY ${by} ORDER BY ${order} ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`;

describe('splitting a batch query by partition', () => {
  it('splits a plain select by the first index, and a filter that is not a key lookup', () => {
    expect(split('SELECT id, v FROM t')).toEqual({ table: 't', indexPos: 0, distinct: false });
    expect(split("SELECT id FROM t WHERE v > 3 AND id = 2")).toEqual({ table: 't', indexPos: 0, distinct: false });
  });

  it('splits windows partitioned by the key of the index the table is read through', () => {
    expect(split(`SELECT id, sum(v) OVER w AS x FROM t ${W('k')}`)).toMatchObject({ indexPos: 0 });
    // The window reads index 2 (key s, ts ts): the pieces follow index 2's partitions.
    expect(split(`SELECT id, sum(v) OVER w AS x FROM t ${W('s')}`)).toMatchObject({ indexPos: 2 });
    // PARTITION BY (id, k) ORDER BY ts reads index 0 (key k, a subset): still one piece per key.
    expect(split(`SELECT id, sum(v) OVER w AS x FROM t ${W('id, k')}`)).toMatchObject({ indexPos: 0 });
    // A defined window nothing is computed over does not count.
    expect(split(`SELECT id FROM t ${W('v')}`)).toMatchObject({ indexPos: 0 });
  });

  it('does not split a window whose PARTITION BY misses the key of the index read', () => {
    expect(reason(`SELECT id, sum(v) OVER w AS x FROM t ${W('id')}`)).toBe(
      "window 'w' is partitioned by (id), which does not include the key (k) of index 'INDEX_0_0' the table is read through",
    );
    // The first window decides the index (k); a second one by s spans pieces.
    expect(
      reason(`SELECT sum(v) OVER a AS x, sum(v) OVER b AS y FROM t WINDOW
        a AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
        b AS (PARTITION BY s ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`),
    ).toMatch(/^window 'b' is partitioned by \(s\)/);
  });

  it('merges DISTINCT and LIMIT (the smallest of nested limits)', () => {
    expect(split('SELECT DISTINCT k FROM t')).toEqual({ table: 't', indexPos: 0, distinct: true });
    expect(split('SELECT id FROM t LIMIT 5')).toEqual({ table: 't', indexPos: 0, distinct: false, limit: 5 });
    expect(split('SELECT DISTINCT k FROM t LIMIT 3')).toEqual({ table: 't', indexPos: 0, distinct: true, limit: 3 });
  });

  it('splits LAST JOINs that look rows up by key, including on the main table itself', () => {
    expect(split('SELECT t.id, r.w FROM t LAST JOIN r ORDER BY r.rts ON t.k = r.rk')).toMatchObject({ table: 't', indexPos: 0 });
    expect(split('SELECT a.id, b.id AS bid FROM t AS a LAST JOIN t AS b ON a.s = b.k')).toMatchObject({ table: 't', indexPos: 0 });
    expect(split(`SELECT t.id, sum(t.v) OVER w AS x FROM t LAST JOIN r ON t.k = r.rk ${W('t.k', 't.ts')}`)).toMatchObject({ indexPos: 0 });
    // Another table read in full on the right is read whole by every piece: still exact.
    expect(split('SELECT t.id, r.w FROM t LAST JOIN r ON t.id = r.w')).toMatchObject({ table: 't' });
  });

  it('does not split a window partitioned only by columns of a joined table', () => {
    expect(reason(`SELECT t.id, sum(t.v) OVER w AS x FROM t LAST JOIN r ON t.k = r.rk ${W('r.rk', 't.ts')}`)).toMatch(
      /^window 'w' is partitioned by \(rk\)/,
    );
  });

  it('gives the reason for what it does not split', () => {
    expect(reason('SELECT k, count(id) AS n FROM t GROUP BY k')).toBe('GROUP BY: a group may hold rows of every partition');
    expect(reason('SELECT count(id) AS n FROM t')).toBe('an aggregate over the whole input needs the rows of every partition');
    expect(reason("SELECT id FROM t WHERE k = 'a'")).toBe("the WHERE reads one key of index 'INDEX_0_0'");
    expect(reason('SELECT id FROM t UNION ALL SELECT id FROM u')).toBe('UNION: its inputs are merged in one place');
    expect(reason('SELECT id FROM (SELECT id, k FROM t) AS q')).toBe('the main input is a subquery');
    expect(reason('SELECT 1 AS one')).toBe('the query reads no table');
  });

  it('does not split a query that reads the main table in full a second time', () => {
    const again = "table 't' is read in full a second time (a join without an index lookup, a subquery or a window UNION)";
    expect(reason('SELECT a.id FROM t AS a LAST JOIN t AS b ON a.v = b.v')).toBe(again);
    expect(reason('SELECT a.id FROM t AS a LAST JOIN (SELECT id, v FROM t WHERE v > 1) AS b ON a.v = b.v')).toBe(again);
    expect(reason('SELECT id, sum(v) OVER w AS x FROM t WINDOW w AS (UNION t PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')).toBe(
      again,
    );
    // A window UNION of another table is read whole by every piece: exact.
    expect(
      split('SELECT id, sum(v) OVER w AS x FROM t WINDOW w AS (UNION u PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)'),
    ).toMatchObject({ table: 't', indexPos: 0 });
  });
});
