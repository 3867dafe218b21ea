import { beforeEach, describe, expect, it } from 'vitest';
import { planSql, queryOf } from '../engine.js';
import { ScriptEngine } from '../exec/testing/script-engine.js';
import type { FromPlan, QueryPlan, SelectPlan } from './plan-types.js';

let db: ScriptEngine;

beforeEach(async () => {
  db = new ScriptEngine();
  await db.execute(undefined, 'CREATE DATABASE d');
  await db.execute(undefined, 'CREATE DATABASE e');
  await db.execute('d', 'CREATE TABLE t (id int, k string, ts timestamp, v bigint, INDEX(KEY=k, TS=ts), INDEX(KEY=(id, k)))');
  await db.execute('d', 'CREATE TABLE r (rk string, rts timestamp, w int, INDEX(KEY=rk, TS=rts))');
  await db.execute('e', 'CREATE TABLE t (id int, s string)');
});

function plan(sql: string): QueryPlan {
  const q = queryOf(sql);
  if (!q.ok) throw new Error(q.message);
  const p = planSql(q.value, db.catalog, 'd', []);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

function select(sql: string): SelectPlan {
  const p = plan(sql);
  if (p.kind !== 'select') throw new Error(`not a select: ${p.kind}`);
  return p;
}

function failure(sql: string): string {
  const q = queryOf(sql);
  if (!q.ok) return q.message;
  const p = planSql(q.value, db.catalog, 'd', []);
  if (p.ok) throw new Error(`expected '${sql}' to fail`);
  return p.message;
}

describe('window plans', () => {
  it('convert bounds: intervals to milliseconds for ROWS_RANGE, row counts for ROWS, negative offsets to CURRENT ROW', () => {
    const s = select(`SELECT sum(v) OVER a AS x, sum(v) OVER b AS y FROM t WINDOW
      a AS (PARTITION BY k ORDER BY ts ROWS_RANGE BETWEEN 2h OPEN PRECEDING AND 10 PRECEDING MAXSIZE 3 EXCLUDE CURRENT_TIME),
      b AS (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND -1 PRECEDING EXCLUDE CURRENT_ROW)`);
    const [a, b] = s.windows;
    expect(a!.frame).toEqual({ unit: 'range', start: { kind: 'offset', offset: 7_200_000, open: true }, end: { kind: 'offset', offset: 10, open: false } });
    expect([a!.maxSize, a!.excludeCurrentTime, a!.excludeCurrentRow]).toEqual([3, true, false]);
    expect(b!.frame).toEqual({ unit: 'rows', start: { kind: 'unbounded' }, end: { kind: 'offset', offset: 0, open: false } });
    expect(b!.excludeCurrentRow).toBe(true);
    expect(s.calls.map((c) => c.window)).toEqual([0, 1]);
  });

  it('puts nested aggregates and lag before the aggregate that reads them', () => {
    const s = select('SELECT count_where(id, k = lag(k, 0)) OVER w AS n FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)');
    expect(s.calls.map((c) => [c.kind, c.slot])).toEqual([
      ['navigation', 0],
      ['aggregate', 1],
    ]);
    const agg = s.calls[1]!;
    expect(agg.kind === 'aggregate' && agg.readsSlots).toBe(true);
  });
});

describe('aggregation and scans', () => {
  it('classifies GROUP BY, whole-input aggregation and plain projection', () => {
    expect(select('SELECT k, count(*) AS n FROM t GROUP BY k').aggregation).toBe('group');
    expect(select('SELECT count(*) AS n FROM t').aggregation).toBe('whole');
    expect(select('SELECT k FROM t').aggregation).toBe('none');
    expect(failure('SELECT id, count(*) AS n FROM t GROUP BY k')).toContain("column 'id' must appear in GROUP BY");
  });

  it('finds the index a WHERE equality can use: all key columns bound by constants', () => {
    expect(select("SELECT id FROM t WHERE k = 'a'").indexScan?.indexPos).toBe(0);
    expect(select("SELECT id FROM t WHERE k = 'a' AND id = 3").indexScan?.indexPos).toBe(0);
    expect(select("SELECT id FROM t WHERE 3 = id AND k = 'a' AND v > 1").indexScan).toBeDefined();
    expect(select('SELECT id FROM t WHERE id = 3').indexScan).toBeUndefined();
    expect(select('SELECT id FROM t WHERE k = k').indexScan).toBeUndefined();
  });
});

describe('LAST JOIN lookups', () => {
  const join = (sql: string): Extract<FromPlan, { kind: 'join' }> => {
    const f = select(sql).from;
    if (f?.kind !== 'join') throw new Error('no join');
    return f;
  };

  it('use the right index when ON binds its keys; the rest of ON stays a residual filter', () => {
    const j = join('SELECT id FROM t LAST JOIN r ORDER BY r.rts ON t.k = r.rk AND r.w > t.id');
    expect(j.lookup?.indexPos).toBe(0);
    expect(j.lookup?.orderedByIndex).toBe(true);
    expect(j.lookup?.residual).toHaveLength(1);
    expect(join('SELECT id FROM t LAST JOIN r ORDER BY r.w ON t.k = r.rk').lookup?.orderedByIndex).toBe(false);
    expect(join("SELECT id FROM t LAST JOIN r ON r.rk = 'x'").lookup?.indexPos).toBe(0);
    expect(join('SELECT id FROM t LAST JOIN r ON t.id = r.w').lookup).toBeUndefined();
  });

  it('see through a plain projection of the right table, not through one with windows', () => {
    expect(join('SELECT id FROM t LAST JOIN (SELECT rk AS key, w FROM r) AS q ON t.k = q.key').lookup?.indexPos).toBe(0);
    const windowed = join(
      'SELECT id FROM t LAST JOIN (SELECT rk, sum(w) OVER x AS s FROM r WINDOW x AS (PARTITION BY rk ORDER BY rts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) AS q ON t.k = q.rk',
    );
    expect(windowed.lookup).toBeUndefined();
  });
});

describe('names', () => {
  it('t.c means the table in the current database; another database needs db.t.c', () => {
    expect(select('SELECT t.id FROM t').items[0]!.name).toBe('id');
    expect(failure('SELECT t.s FROM e.t')).toContain("unknown column 't.s'");
    expect(select('SELECT e.t.s FROM e.t').columns).toEqual([{ name: 's', type: 'string' }]);
  });

  it('an unaliased subquery can be named by its table; an alias hides the table name', () => {
    expect(select('SELECT t.id FROM (SELECT id FROM t)').columns).toEqual([{ name: 'id', type: 'int' }]);
    expect(failure('SELECT t.id FROM t AS x')).toContain("no table or alias 't'");
  });

  it('reports ambiguous and unknown columns with positions', () => {
    expect(failure('SELECT id FROM t LAST JOIN (SELECT id FROM t) AS q ON t.id = q.id')).toMatch(/column 'id' is ambiguous.*\[at 1:8\]/);
    expect(failure('SELECT zz FROM t')).toMatch(/unknown column 'zz' \[at 1:8\]/);
  });
});
