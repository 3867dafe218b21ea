import { beforeEach, describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import { prepare } from './engine.js';
import { ScriptEngine } from './exec/testing/script-engine.js';

let db: ScriptEngine;

async function exec(sql: string): Promise<void> {
  const r = await db.execute('d', sql);
  if (!r.ok) throw new Error(`${sql}: ${r.message}`);
}

async function rows(sql: string): Promise<Value[][]> {
  const q = prepare(sql, db.catalog, { mode: 'batch', db: 'd' });
  if (!q.ok) throw new Error(q.message);
  const r = await q.value.run();
  if (!r.ok) throw new Error(r.message);
  return r.value.rows;
}

function planFailure(sql: string, mode: 'batch' | 'request' = 'batch'): string {
  const q = prepare(sql, db.catalog, { mode, db: 'd' });
  if (q.ok) throw new Error(`expected '${sql}' to fail`);
  return q.message;
}

async function request(sql: string, row: Value[]): Promise<Value[]> {
  const q = prepare(sql, db.catalog, { mode: 'request', db: 'd' });
  if (!q.ok) throw new Error(q.message);
  const r = await q.value.runRequest(row);
  if (!r.ok) throw new Error(r.message);
  return r.value.rows[0]!;
}

beforeEach(async () => {
  db = new ScriptEngine();
  await exec('CREATE DATABASE d');
  await exec('CREATE TABLE t (id int, k string, ts timestamp, v bigint, f double, INDEX(KEY=k, TS=ts), INDEX(KEY=id, TS=ts))');
  await exec('CREATE TABLE r (rk string, rts timestamp, w int, INDEX(KEY=rk, TS=rts))');
  await exec(`INSERT INTO t VALUES (1, 'a', 1000, 10, 1.5), (2, 'a', 2000, 20, 2.5), (3, 'b', 1000, 30, NULL), (4, 'a', 3000, NULL, 4.5)`);
  await exec(`INSERT INTO r VALUES ('a', 500, 1), ('a', 1500, 2), ('c', 100, 3)`);
});

describe('batch mode', () => {
  it('projects, names and types columns like the reference', async () => {
    const q = prepare('SELECT id, t.k AS key, v + 1, f FROM t WHERE id = 2', db.catalog, { mode: 'batch', db: 'd' });
    expect(q.ok && q.value.columns).toEqual([
      { name: 'id', type: 'int' },
      { name: 'key', type: 'string' },
      { name: 'v + 1', type: 'bigint' },
      { name: 'f', type: 'double' },
    ]);
    expect(await rows('SELECT id, t.k AS key, v + 1, f FROM t WHERE id = 2')).toEqual([[2, 'a', 21n, 2.5]]);
  });

  it('reads a WHERE key equality through the index', async () => {
    const scanned: string[] = [];
    const t = db.catalog.table('d', 't')!;
    const scanAll = t.scanAll.bind(t);
    t.scanAll = (i) => {
      scanned.push('all');
      return scanAll(i);
    };
    expect(await rows("SELECT id FROM t WHERE k = 'a' AND v > 10")).toEqual([[2]]);
    expect(scanned).toEqual([]);
    expect(await rows('SELECT id FROM t WHERE v > 10')).toHaveLength(2);
    expect(scanned).toEqual(['all']);
  });

  it('expands * and t.* over a LAST JOIN, left columns first', async () => {
    const q = prepare('SELECT * FROM t LAST JOIN r ON t.k = r.rk', db.catalog, { mode: 'batch', db: 'd' });
    expect(q.ok && q.value.columns.map((c) => c.name)).toEqual(['id', 'k', 'ts', 'v', 'f', 'rk', 'rts', 'w']);
    expect(await rows('SELECT r.* FROM t LAST JOIN r ON t.k = r.rk WHERE t.id = 3')).toEqual([[null, null, null]]);
  });

  it('LAST JOIN picks the newest index row, or the largest ORDER BY value, among rows passing ON', async () => {
    expect(await rows('SELECT id, w FROM t LAST JOIN r ON t.k = r.rk WHERE t.id = 1')).toEqual([[1, 2]]);
    expect(await rows('SELECT id, w FROM t LAST JOIN r ORDER BY r.rts ON t.k = r.rk AND r.rts < t.ts WHERE t.id = 1')).toEqual([[1, 1]]);
    expect(await rows('SELECT id, w FROM t LAST JOIN r ORDER BY r.w ON t.k = r.rk WHERE t.id = 2')).toEqual([[2, 2]]);
  });

  it('GROUP BY with HAVING, whole-table aggregates, DISTINCT, UNION ALL, WITH and LIMIT', async () => {
    const grouped = await rows('SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k HAVING count(*) > 1');
    expect(grouped).toEqual([['a', 3n, 30n]]);
    expect(await rows('SELECT count(v) AS n, max(f) AS m FROM t')).toEqual([[3n, 4.5]]);
    expect(await rows('SELECT count(v) AS n FROM t WHERE id > 100')).toEqual([[0n]]);
    expect((await rows('SELECT DISTINCT k FROM t')).sort()).toEqual([['a'], ['b']]);
    expect(await rows('SELECT id FROM t WHERE id = 1 UNION ALL SELECT id FROM t WHERE id = 1')).toEqual([[1], [1]]);
    expect(await rows('WITH x AS (SELECT id, v FROM t WHERE k = \'b\') SELECT id FROM x')).toEqual([[3]]);
    expect(await rows('SELECT id FROM t LIMIT 2')).toHaveLength(2);
    expect(await rows('SELECT 1 + 1 AS two, substr(\'abc\', 2, 1) AS s')).toEqual([[2, 'b']]);
  });

  it('windows: several windows with different keys, lag, subqueries', async () => {
    const out = await rows(`SELECT id, sum(v) OVER w1 AS s, count(id) OVER w2 AS c, lag(id, 1) OVER w1 AS prev FROM t
      WINDOW w1 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
             w2 AS (PARTITION BY id ORDER BY ts ROWS_RANGE BETWEEN 10s PRECEDING AND CURRENT ROW)`);
    expect(out.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
      [1, 10n, 1n, null],
      [2, 30n, 1n, 1],
      [3, 30n, 1n, null],
      [4, 20n, 1n, 2],
    ]);
    const sub = await rows('SELECT x, sum(v) OVER w AS s FROM (SELECT id AS x, k, ts, v FROM t) WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(sub.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
      [1, 10n],
      [2, 30n],
      [3, 30n],
      [4, 30n],
    ]);
  });
});

describe('batch windows replay inserts in order on equal timestamps', () => {
  it('also for a window read through another index than the first window', async () => {
    await exec('CREATE TABLE e (id int, k1 string, k2 string, ts timestamp, INDEX(KEY=k1, TS=ts), INDEX(KEY=k2, TS=ts))');
    await exec(`INSERT INTO e VALUES (1, 'x', 'p', 1000), (2, 'y', 'p', 1000), (3, 'x', 'p', 1000), (4, 'y', 'p', 500)`);
    const sql = `SELECT id, count(id) OVER w1 AS c1, count(id) OVER w2 AS c2, lag(id, 1) OVER w2 AS prev FROM e
      WINDOW w1 AS (PARTITION BY k1 ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
             w2 AS (PARTITION BY k2 ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    const out = (await rows(sql)).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(out).toEqual([
      [1, 1n, 2n, 4],
      [2, 2n, 3n, 1],
      [3, 2n, 4n, 2],
      [4, 1n, 1n, null],
    ]);
  });
});

describe('planning errors carry the position and what was found', () => {
  it('unknown tables, columns, windows and functions', () => {
    expect(planFailure('SELECT id FROM nope')).toContain("table 'nope' does not exist in database 'd' [at 1:16]");
    expect(planFailure('SELECT idx FROM t')).toContain("unknown column 'idx' [at 1:8]");
    expect(planFailure('SELECT sum(v) OVER w9 FROM t')).toContain("window 'w9' is not defined");
    expect(planFailure('SELECT nofn(v) FROM t')).toContain('nofn');
    expect(planFailure('SELECT k FROM t LAST JOIN r ON t.k = r.rk LAST JOIN (SELECT k FROM t) AS q ON q.k = t.k')).toContain('ambiguous');
  });

  it('window rules (sql.md §4.4)', () => {
    const w = (spec: string) => planFailure(`SELECT sum(v) OVER w AS s FROM t WINDOW w AS (${spec})`);
    expect(w('ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW')).toContain('needs PARTITION BY');
    expect(w('PARTITION BY f ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW')).toContain('cannot be partitioned');
    expect(w('PARTITION BY k ORDER BY k ROWS BETWEEN 1 PRECEDING AND CURRENT ROW')).toContain('cannot be ordered');
    expect(w('PARTITION BY k ORDER BY ts ROWS BETWEEN 2s PRECEDING AND CURRENT ROW')).toContain('takes no time unit');
    expect(w('PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW MAXSIZE 2')).toContain('MAXSIZE is only allowed');
    expect(w('PARTITION BY k ROWS_RANGE BETWEEN 2s PRECEDING AND CURRENT ROW')).toContain('without ORDER BY');
    expect(
      planFailure(`SELECT sum(v) OVER w1 + sum(v) OVER w2 AS s FROM t WINDOW w1 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
        w2 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`),
    ).toContain('only one window');
  });

  it('request-mode rules (sql.md §4.3)', () => {
    expect(planFailure("SELECT id FROM t WHERE k = 'a'", 'request')).toContain('WHERE is not supported in request mode');
    expect(planFailure('SELECT k, count(*) AS n FROM t GROUP BY k', 'request')).toContain('GROUP BY');
    expect(planFailure('SELECT id FROM t LIMIT 1', 'request')).toContain('LIMIT');
    expect(planFailure('SELECT id, w FROM t LAST JOIN r ON t.v = r.w', 'request')).toContain("needs an index of table 'r' on (w)");
    const q = prepare("SELECT id FROM t WHERE k = 'a'", db.catalog, { mode: 'request', db: 'd' });
    expect(!q.ok && q.code).toBe(Code.sqlPlanError);
  });
});

describe('request mode', () => {
  const windowSql = `SELECT id, sum(v) OVER w AS s, count(v) OVER w AS c FROM t
    WINDOW w AS (PARTITION BY k ORDER BY ts ROWS_RANGE BETWEEN 1500 PRECEDING AND CURRENT ROW)`;

  it('computes one row: the request row is current and is not stored', async () => {
    expect(await request(windowSql, [9, 'a', 3500, 5n, null])).toEqual([9, 25n, 2n]);
    expect(await request(windowSql, [9, 'a', 3500, 5n, null])).toEqual([9, 25n, 2n]);
    // Stored rows with a later ts than the request are ignored; equal ts rows are history.
    expect(await request(windowSql, [9, 'a', 2000, 1n, null])).toEqual([9, 31n, 3n]);
  });

  it('looks LAST JOIN right rows up through the index, without any time restriction', async () => {
    expect(await request('SELECT id, w FROM t LAST JOIN r ON t.k = r.rk', [9, 'a', 0, null, null])).toEqual([9, 2]);
    expect(await request('SELECT id, w FROM t LAST JOIN r ON t.k = r.rk', [9, 'z', 0, null, null])).toEqual([9, null]);
  });

  it('rejects a request row that does not fit the main table', async () => {
    const q = prepare(windowSql, db.catalog, { mode: 'request', db: 'd' });
    if (!q.ok) throw new Error(q.message);
    const r = await q.value.runRequest([1, 'a']);
    expect(!r.ok && r.message).toContain("request row for table 't'");
  });
});
