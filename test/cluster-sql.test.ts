/**
 * Online SQL on a real cluster (ZooKeeper, one nameserver, three tablets as processes): a table of
 * 4 partitions x 2 replicas, queries that read partitions on other tablets, DEPLOY adding an index
 * backfilled across partitions and replicas, deployment calls routed by key, and the sql_client
 * connected through ZooKeeper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const insert = await conn.prepareInsert('s', 'INSERT INTO tx VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < 100; i++) insert.add([i, USERS[i % USERS.length]!, `s${i % 7}`, BigInt(i), T + i * 1000]);
  const written = await insert.execute();
  if (!written.ok) throw new Error(written.message);
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
