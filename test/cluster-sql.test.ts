/**
 * Online SQL on a real cluster (ZooKeeper, one nameserver, three tablets as processes): a table of
 * 4 partitions x 2 replicas, queries that read partitions on other tablets, DEPLOY adding an index
 * backfilled across partitions and replicas, deployment calls routed by key, batch queries split
 * by partition (each leader runs the query over its own partitions, the client merges), and the
 * sql_client connected through ZooKeeper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '../src/base/status.js';
import { piecesByLeader } from '../src/client/sql-split.js';
import { callTablet } from '../src/protocol/typed-call.js';
import { type Connection, connect, type Value } from '../src/sdk/index.js';
import { Cluster, parseTable } from './harness/cluster.js';
import { cleanup, runProgram } from './harness/program.js';
import { waitFor } from './harness/wait.js';

let cluster: Cluster;
let conn: Connection;
/** Recent event times (the deployment's window keeps an hour). */
const T = Date.now() - 600_000;
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'];

beforeAll(async () => {
  cluster = await Cluster.start({ nameservers: 1, tablets: 3 });
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 2000 });
  await waitFor('3 healthy tablets', async () => {
    const r = await cluster.nsClient('showtablet');
    return parseTable(r.out).filter((t) => t.state === 'kHealthy').length === 3;
  });
  await conn.execute('CREATE DATABASE s');
  await conn.use('s');
  await conn.execute(`CREATE TABLE tx (id int, user string, shop string, amount bigint, ts timestamp, INDEX(KEY=user, TS=ts))
    OPTIONS (PARTITIONNUM=4, REPLICANUM=2)`);
  // The same rows in one partition: what a query split by partition must give back.
  await conn.execute(`CREATE TABLE tx1 (id int, user string, shop string, amount bigint, ts timestamp, INDEX(KEY=user, TS=ts))
    OPTIONS (PARTITIONNUM=1, REPLICANUM=1)`);
  for (const table of ['tx', 'tx1']) {
    const insert = await conn.prepareInsert('s', `INSERT INTO ${table} VALUES (?, ?, ?, ?, ?)`);
    for (let i = 0; i < 100; i++) insert.add([i, USERS[i % USERS.length]!, `s${i % 7}`, BigInt(i), T + i * 1000]);
    const written = await insert.execute();
    if (!written.ok) throw new Error(written.message);
  }
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
  await Cluster.stopZooKeepers();
});

/** Sum of amount over the rows of `pick` at or before `tsMs`, the last `rows` of them. */
function expectedSum(pick: (i: number) => boolean, tsMs: number, rows: number): bigint {
  const ids = Array.from({ length: 100 }, (_, i) => i).filter((i) => pick(i) && T + i * 1000 <= tsMs);
  return ids.slice(-rows).reduce((s, i) => s + BigInt(i), 0n);
}

describe('online SQL on a cluster', () => {
  it('runs a batch window query over partitions led by different tablets', async () => {
    const r = await conn.query(
      'SELECT id, sum(amount) OVER w AS s FROM tx WINDOW w AS (PARTITION BY user ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
    );
    expect(r.rows).toHaveLength(100);
    for (const [id, s] of r.rows as [number, bigint][]) {
      expect(s).toBe(expectedSum((i) => i % USERS.length === id % USERS.length, T + id * 1000, 3));
    }
  });

  it('deploys with an index added on every replica and backfilled across partitions, and calls it by key', async () => {
    await conn.execute(
      'DEPLOY by_shop SELECT shop, sum(amount) OVER w AS s FROM tx WINDOW w AS (PARTITION BY shop ORDER BY ts ROWS_RANGE BETWEEN 1h PRECEDING AND CURRENT ROW)',
    );
    const requests: Value[][] = Array.from({ length: 7 }, (_, k) => [1000 + k, 'x', `s${k}`, 1n, T + 200_000]);
    const out = await conn.callDeployment('s', 'by_shop', requests);
    expect(out.rows).toEqual(requests.map((_, k) => [`s${k}`, expectedSum((i) => i % 7 === k, T + 200_000, 1000) + 1n]));
    // Each replica of each partition holds the new index (DESC reads the metadata; the rows answer for the data).
    expect(String((await conn.query('DESC tx')).rows[1]![0])).toMatch(/INDEX_1_\d+ +shop +ts +60min/);
  });

  it('splits a batch query by partition: each leader runs it over its own partitions, the client merges', async () => {
    const handle = await conn.client.table('s', 'tx');
    if (!handle.ok) throw new Error(handle.message);
    const pieces = piecesByLeader(handle.value);
    if (!pieces.ok) throw new Error(pieces.message);
    expect(pieces.value.length).toBeGreaterThan(1);
    const stats = conn.queries.splitStats;
    const key = (rows: readonly (readonly Value[])[]) => rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
    const queries = [
      'SELECT id, user, amount FROM {t} WHERE amount > 10',
      'SELECT id, sum(amount) OVER w AS s, lag(id, 1) OVER w AS prev FROM {t} WINDOW w AS (PARTITION BY user ORDER BY ts ROWS_RANGE BETWEEN 5s PRECEDING AND CURRENT ROW)',
      // After the DEPLOY above, tx has an index on shop (backfilled across partitions): the split follows it.
      'SELECT id, count(id) OVER w AS n FROM {t} WINDOW w AS (PARTITION BY shop ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
      'SELECT a.id, b.id AS bid FROM {t} AS a LAST JOIN tx1 AS b ORDER BY b.ts ON a.user = b.user',
      'SELECT DISTINCT user FROM {t}',
    ];
    for (const sql of queries) {
      const before = { ...stats };
      const split = await conn.query(sql.replace('{t}', 'tx'));
      expect([stats.split - before.split, stats.pieces - before.pieces, stats.gathered - before.gathered, stats.lastReason]).toEqual([1, pieces.value.length, 0, '']);
      const whole = await conn.query(sql.replace('{t}', 'tx1'));
      expect(split.columns).toEqual(whole.columns);
      expect(key(split.rows)).toEqual(key(whole.rows));
      expect(split.rows.length).toBeGreaterThan(0);
    }
    // The LIMIT is applied to the merged rows (each piece applies it too).
    const limited = await conn.query('SELECT id, user FROM tx LIMIT 7');
    expect(limited.rows).toHaveLength(7);
    const all = key((await conn.query('SELECT id, user FROM tx1')).rows);
    for (const row of key(limited.rows)) expect(all).toContain(row);
  });

  it('runs on one tablet a query that does not split (GROUP BY), with the right answer', async () => {
    const stats = conn.queries.splitStats;
    const before = { ...stats };
    const r = await conn.query('SELECT user, count(id) AS n, sum(amount) AS total FROM tx GROUP BY user');
    expect([stats.split - before.split, stats.gathered - before.gathered, stats.lastReason]).toEqual([0, 1, 'GROUP BY: a group may hold rows of every partition']);
    const expected = USERS.map((u, k) => [u, 10n, Array.from({ length: 10 }, (_, j) => BigInt(k + j * 10)).reduce((a, b) => a + b, 0n)]);
    const sort = (rows: readonly (readonly Value[])[]) => [...rows].map((row) => [row[0], BigInt(row[1] as number | bigint), row[2]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(sort(r.rows)).toEqual(sort(expected));
  });

  it('refuses a piece naming a partition the tablet does not lead (the client reloads placement and retries)', async () => {
    const handle = await conn.client.table('s', 'tx');
    if (!handle.ok) throw new Error(handle.message);
    const pieces = piecesByLeader(handle.value);
    if (!pieces.ok) throw new Error(pieces.message);
    const [first, second] = pieces.value;
    const r = await callTablet(conn.client.rpc(first!.endpoint), 'Query', {
      db: 's',
      sql: 'SELECT id FROM tx',
      mode: 'batch',
      partitions: { tid: handle.value.info.tid, pids: second!.pids, index: 0 },
    });
    expect(r.ok ? 'ok' : r.code).toBe(Code.tableIsFollower);
  });

  it('answers through the sql_client connected with ZooKeeper', async () => {
    const r = await runProgram(
      [
        '--role=sql_client',
        `--zk_cluster=${cluster.zkCluster}`,
        `--zk_root_path=${cluster.rootPath}`,
        '--database=s',
        '--cmd',
        "SELECT user, count(id) OVER w AS n FROM tx WINDOW w AS (PARTITION BY user ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) CONFIG (execute_mode='request', values=(0, 'u3', 's0', 0, " +
          `${T + 500_000}));`,
      ],
      cluster.dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ u3 +11 +\n/);
  });
});
