/**
 * The HTTP API server in front of a real cluster found through ZooKeeper (`--zk_cluster
 * --zk_root_path`): rows written over HTTP into a table of several partitions land on the
 * partitions their keys hash to, deployment calls are routed by key, and a table created by another
 * client is usable through the API server at once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, parseJson } from '../src/apiserver/json-parse.js';
import { type Connection, connect } from '../src/sdk/index.js';
import { Cluster, parseTable } from './harness/cluster.js';
import { freePort } from './harness/ports.js';
import { cleanup, startProgram, tempDir, waitReady } from './harness/program.js';
import { waitFor } from './harness/wait.js';

let cluster: Cluster;
let conn: Connection;
let base: string;
const T = Date.now() - 600_000;
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];

function plain(v: Json): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, m]) => [k, plain(m)]));
  return v;
}

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(`not JSON: ${text}`);
  return plain(parsed.value) as Record<string, unknown>;
}

const OK = { code: 0, msg: 'ok' };

beforeAll(async () => {
  cluster = await Cluster.start({ nameservers: 1, tablets: 2 });
  await waitFor('2 healthy tablets', async () => {
    const r = await cluster.nsClient('showtablet');
    return parseTable(r.out).filter((t) => t.state === 'kHealthy').length === 2;
  });
  const dir = tempDir('apiserver-cluster');
  const endpoint = `127.0.0.1:${await freePort()}`;
  base = `http://${endpoint}`;
  const api = startProgram(
    [
      '--role=apiserver',
      `--endpoint=${endpoint}`,
      `--zk_cluster=${cluster.zkCluster}`,
      `--zk_root_path=${cluster.rootPath}`,
      '--zk_session_timeout=2000',
      `--openmldb_log_dir=${join(dir, 'logs')}`,
    ],
    dir,
  );
  await waitReady(api, endpoint, dir);
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 2000 });
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
  await Cluster.stopZooKeepers();
});

describe('apiserver on a cluster', () => {
  it('writes over HTTP into every partition and calls a deployment routed by key', async () => {
    expect(await call('POST', '/dbs/c', { mode: 'online', sql: 'CREATE DATABASE c' })).toEqual(OK);
    expect(
      await call('POST', '/dbs/c', {
        mode: 'online',
        sql: 'CREATE TABLE tx (id bigint, user string, amount int, ts timestamp, INDEX(KEY=user, TS=ts)) OPTIONS (PARTITIONNUM=4, REPLICANUM=1)',
      }),
    ).toEqual(OK);
    for (let i = 0; i < 40; i++) {
      const body = `{"value": [[${9007199254740993n + BigInt(i)}, "${USERS[i % USERS.length]}", ${i}, ${T + i * 1000}]]}`;
      expect(await call('PUT', '/dbs/c/tables/tx', body)).toEqual(OK);
    }
    // The SDK reads what the API server wrote, int64 beyond 2^53 exact.
    const rows = await conn.query('SELECT id, user FROM c.tx');
    expect(rows.rows.length).toBe(40);
    expect(rows.rows.map((r) => r[0]).sort((a, b) => (BigInt(a as bigint) < BigInt(b as bigint) ? -1 : 1))[0]).toBe(9007199254740993n);
    const table = await call('GET', '/dbs/c/tables/tx');
    expect(table).toMatchObject({ table: { partition_num: 4, table_partition_size: 4 } });

    expect(
      await call('POST', '/dbs/c', {
        mode: 'online',
        sql: 'DEPLOY per_user SELECT user, sum(amount) OVER w AS total FROM tx WINDOW w AS (PARTITION BY user ORDER BY ts ROWS_RANGE BETWEEN 1h PRECEDING AND CURRENT ROW)',
      }),
    ).toEqual(OK);
    const input = USERS.map((u) => ({ id: 0, user: u, amount: 100, ts: T + 100_000 }));
    const r = await call('POST', '/dbs/c/deployments/per_user', { input });
    const expected = USERS.map((u, k) => ({
      user: u,
      total: 100 + Array.from({ length: 40 }, (_, i) => i).filter((i) => i % USERS.length === k).reduce((s, i) => s + i, 0),
    }));
    expect(r).toEqual({ ...OK, data: { data: expected } });
  });

  it('sees a table another client created, without a refresh', async () => {
    await conn.execute('CREATE TABLE c.other (k string, v int, ts timestamp, INDEX(KEY=k, TS=ts))');
    expect(await call('PUT', '/dbs/c/tables/other', `{"value": [["a", 1, ${T}]]}`)).toEqual(OK);
    expect(await call('GET', '/dbs/c/tables/other')).toMatchObject({ ...OK, table: { name: 'other' } });
    const r = await conn.query('SELECT k, v FROM c.other');
    expect(r.rows).toEqual([['a', 1]]);
  });
});
