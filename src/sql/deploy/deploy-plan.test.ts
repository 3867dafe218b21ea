import { beforeEach, describe, expect, it } from 'vitest';
import type { Ttl } from '../../protocol/schema.js';
import { ScriptEngine } from '../exec/testing/script-engine.js';
import { planDeploy } from './deploy-plan.js';
import { applyBias, mergeTtl } from './ttl.js';

const abs = (absMinutes: number): Ttl => ({ type: 'absolute', absMinutes, latCount: 0 });
const lat = (latCount: number): Ttl => ({ type: 'latest', absMinutes: 0, latCount });
const both = (absMinutes: number, latCount: number): Ttl => ({ type: 'absandlat', absMinutes, latCount });

describe('TTL merging (sql.md §5.2: widen, 0 = unlimited)', () => {
  it('keeps the union of what both TTLs keep', () => {
    expect(mergeTtl(abs(10), abs(30))).toEqual(abs(30));
    expect(mergeTtl(lat(3), lat(1))).toEqual(lat(3));
    expect(mergeTtl(abs(10), lat(3))).toEqual(both(10, 3));
    expect(mergeTtl(both(10, 3), abs(20))).toEqual(both(20, 3));
    expect(mergeTtl(abs(0), lat(3))).toEqual(abs(0));
    expect(mergeTtl(lat(0), abs(5))).toEqual(abs(0));
  });

  it('RANGE_BIAS widens the time part, ROWS_BIAS the count part; inf removes the limit', () => {
    expect(applyBias(abs(10), 120_000, undefined)).toEqual(abs(12));
    expect(applyBias(lat(2), 120_000, 3)).toEqual(lat(5));
    expect(applyBias(both(1, 2), 'inf', undefined)).toEqual(abs(0));
    expect(applyBias(abs(0), 60_000, 1)).toEqual(abs(0));
  });
});

describe('planDeploy', () => {
  let db: ScriptEngine;
  beforeEach(async () => {
    db = new ScriptEngine();
    await db.execute(undefined, 'CREATE DATABASE d');
    const r = await db.execute('d', 'CREATE TABLE t (id int, k string, k2 string, ts timestamp, v bigint, INDEX(KEY=k, TS=ts, TTL=1, TTL_TYPE=latest))');
    expect(r.ok).toBe(true);
    await db.execute('d', 'CREATE TABLE r (rk string, rts timestamp, w int, INDEX(KEY=rk, TS=rts, TTL=5m))');
  });

  const deploy = (sql: string) => planDeploy(sql, db.catalog, { db: 'd' });

  it('derives TTLs from frames: ROWS → latest, ROWS_RANGE → absolute minutes rounded up, MAXSIZE → absandlat', () => {
    const p = deploy(`DEPLOY x SELECT id, sum(v) OVER w1 AS a, sum(v) OVER w2 AS b, sum(v) OVER w3 AS c FROM t WINDOW
      w1 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW),
      w2 AS (PARTITION BY k2 ORDER BY ts ROWS_RANGE BETWEEN 90s PRECEDING AND CURRENT ROW),
      w3 AS (PARTITION BY id ORDER BY ts ROWS_RANGE BETWEEN 1h PRECEDING AND CURRENT ROW MAXSIZE 7)`);
    if (!p.ok) throw new Error(p.message);
    expect(p.value.indexChanges).toEqual([
      { kind: 'widenTtl', db: 'd', table: 't', indexPos: 0, indexName: 'INDEX_0_0', ttl: lat(10) },
      { kind: 'newIndex', db: 'd', table: 't', index: { name: '', keyColumns: ['k2'], tsColumn: 'ts', ttl: abs(2) } },
      { kind: 'newIndex', db: 'd', table: 't', index: { name: '', keyColumns: ['id'], tsColumn: 'ts', ttl: both(60, 7) } },
    ]);
    expect(p.value.inputSchema.columns.map((c) => c.name)).toEqual(['id', 'k', 'k2', 'ts', 'v']);
    expect(p.value.outputSchema).toEqual([
      { name: 'id', type: 'int' },
      { name: 'a', type: 'bigint' },
      { name: 'b', type: 'bigint' },
      { name: 'c', type: 'bigint' },
    ]);
  });

  it('merges a ROWS and a ROWS_RANGE window on one index into absandlat; LAST JOIN alone needs latest 1', () => {
    const p = deploy(`DEPLOY x SELECT t.id, r.w, sum(v) OVER w1 AS a, count(v) OVER w2 AS b FROM t LAST JOIN r ORDER BY r.rts ON t.k = r.rk WINDOW
      w1 AS (PARTITION BY t.k ORDER BY t.ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW),
      w2 AS (PARTITION BY t.k ORDER BY t.ts ROWS_RANGE BETWEEN 2m PRECEDING AND CURRENT ROW)`);
    if (!p.ok) throw new Error(p.message);
    // r keeps 5 minutes; with "latest 1" added it keeps what either keeps: absandlat(5m, 1).
    expect(p.value.indexChanges).toEqual([
      { kind: 'widenTtl', db: 'd', table: 'r', indexPos: 0, indexName: 'INDEX_0_0', ttl: both(5, 1) },
      { kind: 'widenTtl', db: 'd', table: 't', indexPos: 0, indexName: 'INDEX_0_0', ttl: both(2, 3) },
    ]);
    expect(p.value.tablesUsed).toEqual([
      { db: 'd', name: 't' },
      { db: 'd', name: 'r' },
    ]);
  });

  it('applies the biases and SKIP_INDEX_CHECK', () => {
    const sql = (opts: string) =>
      `DEPLOY x ${opts} SELECT id, sum(v) OVER w AS a FROM t WINDOW w AS (PARTITION BY k2 ORDER BY ts ROWS_RANGE BETWEEN 1m PRECEDING AND CURRENT ROW MAXSIZE 4)`;
    const biased = deploy(sql("OPTIONS(RANGE_BIAS='2m', ROWS_BIAS=6)"));
    expect(biased.ok && biased.value.indexChanges).toEqual([
      { kind: 'newIndex', db: 'd', table: 't', index: { name: '', keyColumns: ['k2'], tsColumn: 'ts', ttl: both(3, 10) } },
    ]);
    const skipped = deploy(sql("OPTIONS(SKIP_INDEX_CHECK='true')"));
    expect(skipped.ok && skipped.value.indexChanges).toEqual([]);
  });

  it('rejects what request mode rejects', () => {
    const where = deploy("DEPLOY x SELECT id FROM t WHERE k = 'a'");
    expect(!where.ok && where.message).toContain('WHERE is not supported in request mode');
    const bad = deploy('DEPLOY x SELECT nope FROM t');
    expect(!bad.ok && bad.message).toContain("unknown column 'nope'");
  });

  it('a deployment created through the engine answers requests with the new index', async () => {
    const r = await db.execute('d', 'DEPLOY dp SELECT id, count(v) OVER w AS n FROM t WINDOW w AS (PARTITION BY k2 ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(r.ok).toBe(true);
    await db.execute('d', "INSERT INTO t VALUES (1, 'a', 'x', 1000, 1), (2, 'a', 'x', 2000, 2)");
    const out = await db.callDeployment('d', 'dp', [[3, 'a', 'x', 3000, 3n]]);
    expect(out.ok && out.rows).toEqual([[3, 3n]]);
  });
});
