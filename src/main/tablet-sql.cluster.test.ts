/**
 * Online SQL on a two-tablet cluster in one process: a real NameServer (coordinator in memory),
 * two real Tablets on in-memory disks, every RPC through in-process clients. Tables have two
 * partitions, so queries read one partition locally and the other over Scan/Traverse, DEPLOY and
 * CREATE INDEX backfill rows across partitions, and deployment calls are routed by key. Results are
 * checked against the SQL engine over the in-memory test catalog (ScriptEngine) fed the same rows.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, type Result } from '../base/status.js';
import { CLIENT_DEFAULTS, DbClient } from '../client/db-client.js';
import { coordinatorDiscovery } from '../client/discovery.js';
import { SqlQueryClient } from '../client/sql-query-client.js';
import { SqlSession } from '../client/sql-session.js';
import { MemZooKeeper } from '../coord/mem-coordinator.js';
import { NameServer } from '../nameserver/nameserver.js';
import { silentLogger } from '../ports/logger.js';
import type { PeerInfo, RpcClient, RpcHandler, Transport } from '../ports/transport.js';
import { createLocalClient } from '../protocol/local-client.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import type { Value } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import { PROTOCOL_VERSION, SOFTWARE_VERSION } from '../protocol/version.js';
import { mathRng, nodeTimers, systemClock } from '../runtime/node-clock.js';
import { MemDisk } from '../sim/mem-disk.js';
import { ScriptEngine } from '../sql/exec/testing/script-engine.js';
import type { ResultSet } from '../sql/statements/index.js';
import { DEFAULT_PARTITION_LIMITS, type PartitionEnv } from '../tablet/partition-env.js';
import { TabletRegistration } from '../tablet/registration.js';
import { Tablet } from '../tablet/tablet.js';
import { sleep, tabletWithSql, type TabletSql } from './tablet-sql.js';

const ROOT = '/sqltest';
const NS = 'ns.local:1';
const TABLETS = ['tablet-a.local:1', 'tablet-b.local:2'];

const zk = new MemZooKeeper({ schedule: (task) => setImmediate(task) });
const routers = new Map<string, RpcHandler>();

function peer(endpoint: string, role: string): PeerInfo {
  return { protocolVersion: PROTOCOL_VERSION, softwareVersion: SOFTWARE_VERSION, role, endpoint };
}

/** Connects to any endpoint of this test in process. */
const transport: Transport = {
  connect(endpoint: string): RpcClient {
    return createLocalClient(
      endpoint,
      (method, request, context) => {
        const router = routers.get(endpoint);
        return router ? router(method, request, context) : { ok: false, code: Code.rpcConnectionLost, message: `no such endpoint ${endpoint}` };
      },
      peer('client.local:0', 'client'),
      peer(endpoint, 'server'),
    );
  },
  listen: () => Promise.reject(new Error('in-process transport')),
};

const tablets: { tablet: Tablet; sql: TabletSql; registration: TabletRegistration }[] = [];
let ns: NameServer;
let client: DbClient;
let session: SqlSession;
let queries: SqlQueryClient;
/** The same statements replayed on the engine over in-memory arrays: the expected results. */
const reference = new ScriptEngine();

async function run(sql: string): Promise<ResultSet> {
  const r = await session.execute(sql);
  if (!r.ok) throw new Error(`${sql}\n  failed: ${r.message}`);
  return r.value;
}

async function both(sql: string): Promise<{ got: ResultSet; want: readonly (readonly Value[])[] }> {
  const got = await run(sql);
  const want = await reference.execute('shop', sql);
  if (!want.ok) throw new Error(`reference failed: ${want.message}`);
  return { got, want: want.rows ?? [] };
}

function sorted(rows: readonly (readonly Value[])[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

function expectOk(r: { readonly ok: boolean; readonly message?: string }): void {
  if (!r.ok) throw new Error(r.message);
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const T0 = 1_700_000_000_000;
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];
const SHOPS = ['s1', 's2', 's3'];

beforeAll(async () => {
  for (const endpoint of TABLETS) {
    const env: PartitionEnv = {
      disk: new MemDisk(),
      crc32: (data, seed) => zlibCrc32(data, seed),
      clock: systemClock,
      timers: nodeTimers,
      logger: silentLogger,
      limits: DEFAULT_PARTITION_LIMITS,
    };
    const tablet = new Tablet(env, {
      endpoint,
      dataDirs: ['/data'],
      recycleDir: '/recycle',
      recycleEnabled: false,
      gcIntervalMs: 3_600_000,
      snapshotHour: 25,
      snapshotCheckIntervalMs: 3_600_000,
    });
    const sql = tabletWithSql(tablet, env, {
      transport,
      discovery: coordinatorDiscovery(zk.connect(), ROOT, true),
      requestTimeoutMs: 5000,
    });
    routers.set(endpoint, createRpcRouter('tablet', sql.handlers));
    const registration = new TabletRegistration(zk.connect(), `${ROOT}/nodes`, endpoint, SOFTWARE_VERSION, nodeTimers, silentLogger);
    tablets.push({ tablet, sql, registration });
  }
  ns = new NameServer(
    { coord: zk.connect(), tabletClient: (ep) => transport.connect(ep), clock: systemClock, timers: nodeTimers, rng: mathRng, logger: silentLogger },
    {
      endpoint: NS,
      zkRootPath: ROOT,
      partitionNumDefault: 2,
      replicaNumDefault: 1,
      autoFailoverDefault: false,
      tabletCallTimeoutMs: 5000,
      tableStatusIntervalMs: 3_600_000,
    },
  );
  routers.set(NS, createRpcRouter('nameserver', ns.handlers()));
  await ns.start();
  for (const t of tablets) await t.registration.start();
  client = new DbClient(
    { transport, discovery: coordinatorDiscovery(zk.connect(), ROOT, true), clock: systemClock, sleep },
    { ...CLIENT_DEFAULTS, requestTimeoutMs: 5000 },
  );
  await waitFor('two healthy tablets', async () => {
    const r = await client.ns('ShowTablet', {});
    return r.ok && r.value.tablets.filter((t) => t.state === 'kHealthy').length === 2;
  });
  queries = new SqlQueryClient(client);
  session = new SqlSession(client, { queryExecutor: queries });
  await run('CREATE DATABASE shop');
  await run('USE shop');
  await reference.execute(undefined, 'CREATE DATABASE shop');
  const create = `CREATE TABLE orders (id int, user string, shop string, amount bigint, ts timestamp,
      INDEX(KEY=user, TS=ts)) OPTIONS (PARTITIONNUM=2, REPLICANUM=1)`;
  await run(create);
  await reference.execute('shop', create.replace(/OPTIONS.*$/s, ''));
  for (let i = 0; i < 60; i++) {
    const insert = `INSERT INTO orders VALUES (${i}, '${USERS[i % USERS.length]}', '${SHOPS[i % SHOPS.length]}', ${i * 10}, ${T0 + i * 1000})`;
    await run(insert);
    expectOk(await reference.execute('shop', insert));
  }
});

afterAll(async () => {
  await client?.close();
  for (const t of tablets) {
    await t.registration.stop();
    await t.sql.close();
    await t.tablet.close();
  }
  await ns?.stop();
});

describe('online SQL on a two-partition table over two tablets', () => {
  it('places the partitions on both tablets', async () => {
    const t = value(await client.table('shop', 'orders'));
    const leaders = t.info.partitions.map((p) => p.replicas.find((r) => r.isLeader)!.endpoint);
    expect(new Set(leaders)).toEqual(new Set(TABLETS));
  });

  it('runs batch queries reading one partition locally and the other remotely', async () => {
    const all = await both('SELECT id, user, amount FROM orders');
    expect(all.got.rows).toHaveLength(60);
    expect(sorted(all.got.rows)).toEqual(sorted(all.want));
    const window = await both(
      'SELECT id, user, sum(amount) OVER w AS s, count(id) OVER w AS n FROM orders WINDOW w AS (PARTITION BY user ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
    );
    expect(sorted(window.got.rows)).toEqual(sorted(window.want));
  });

  it('runs request mode, reading the key from whichever tablet leads its partition', async () => {
    for (const user of USERS) {
      const sql = `SELECT user, sum(amount) OVER w AS s FROM orders WINDOW w AS (PARTITION BY user ORDER BY ts ROWS_RANGE BETWEEN 20s PRECEDING AND CURRENT ROW)`;
      const row: Value[] = [1000, user, 's9', 5n, T0 + 59_500];
      const got = value(await queries.requestQuery('shop', sql, [row]));
      const want = await reference.requestQuery('shop', sql, row);
      expect(want.ok && got.rows).toEqual(want.ok && want.rows);
    }
  });

  it('deploys with a new index, backfilled across partitions, and routes calls by key', async () => {
    const deploy = `DEPLOY by_shop SELECT id, shop, sum(amount) OVER w AS s, count(id) OVER w AS n FROM orders
      WINDOW w AS (PARTITION BY shop ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)`;
    await run(deploy);
    expectOk(await reference.execute('shop', deploy));
    const info = value(await client.ns('GetDeployment', { db: 'shop', name: 'by_shop' })).deployment;
    expect(info.routingColumns).toEqual(['shop']);
    const t = value(await client.table('shop', 'orders'));
    expect(t.info.schema.indexes.map((i) => i.keyColumns.join('|'))).toEqual(['user', 'shop']);
    // Every row is in the new index once, wherever its shop hashes (it keeps the latest 5 per key).
    expect(t.info.schema.indexes[1]!.ttl).toEqual({ type: 'latest', absMinutes: 0, latCount: 5 });
    for (const [s, shop] of SHOPS.entries()) {
      const rows = value(await client.scan('shop', 'orders', { index: t.info.schema.indexes[1]!.name, key: shop, limit: 100 }));
      const ids = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % SHOPS.length === s);
      expect(rows.map((r) => r.values[0])).toEqual(ids.reverse().slice(0, 5));
    }
    const requests: Value[][] = SHOPS.map((shop, i) => [2000 + i, 'u1', shop, 1n, T0 + 70_000]);
    const got = value(await queries.callDeployment('shop', 'by_shop', requests));
    const want = await reference.callDeployment('shop', 'by_shop', requests);
    expect(want.ok && got.rows).toEqual(want.ok && want.rows);
    expect(got.columns.map((c) => c.name)).toEqual(['id', 'shop', 's', 'n']);
  });

  it('adds an index with CREATE INDEX; rows written before and after are found through it', async () => {
    await run('CREATE INDEX by_amount ON orders (id) OPTIONS (ts=ts, ttl=0m, ttl_type=absolute)');
    await run(`INSERT INTO orders VALUES (61, 'u2', 's2', 7, ${T0 + 80_000})`);
    const t = value(await client.table('shop', 'orders'));
    expect(t.info.schema.indexes.map((i) => i.name)).toContain('by_amount');
    for (const id of [0, 13, 42, 61]) {
      const rows = value(await client.scan('shop', 'orders', { index: 'by_amount', key: id }));
      expect(rows.map((r) => r.values[0])).toEqual([id]);
    }
    // The replicas' own metadata lists the index too.
    for (const { tablet } of tablets) {
      for (const p of tablet.allPartitions()) expect(p.meta.schema.indexes.map((i) => i.name)).toContain('by_amount');
    }
  });

  it('answers SHOW and DROP DEPLOYMENT, and a dropped deployment cannot be called', async () => {
    const shown = await run('SHOW DEPLOYMENTS');
    expect(shown.rows).toEqual([['shop', 'by_shop']]);
    await run('DROP DEPLOYMENT by_shop');
    expect((await run('SHOW DEPLOYMENTS')).rows).toEqual([]);
    const call = await queries.callDeployment('shop', 'by_shop', [[1, 'u1', 's1', 1n, T0]]);
    expect(call.ok ? '' : call.message).toMatch(/does not exist/);
    // Tablets refuse it too once the coordinator's change notification reached them.
    await waitFor('the tablets to refuse the dropped deployment', async () => {
      for (const endpoint of TABLETS) {
        const direct = await callTablet(transport.connect(endpoint), 'CallDeployment', { db: 'shop', name: 'by_shop', rows: [[1, 'u1', 's1', 1n, T0]] });
        if (direct.ok || !/does not exist/.test(direct.message)) return false;
      }
      return true;
    });
  });
});
