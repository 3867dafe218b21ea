/**
 * Versions side by side (src/protocol/DESIGN-versions.md) on a real cluster: ZooKeeper, 2
 * nameservers and 3 tablets, each in its own release directory, some running release 0.1.0 and
 * some 0.2.0 (0.2.0 adds the flag --put_dedup_window and the Put field `requestId`).
 * - the two releases really differ (flag accepted by one, refused by the other);
 * - the mixed cluster serves reads and writes from SDKs 0.1.0 and 0.2.0, and shows every version;
 * - a 0.3.0 peer is refused at the handshake naming both versions, and cannot join;
 * - finalize is refused while a node runs 0.1.0;
 * - changeleader under write load on an async 3-replica table loses no acknowledged write and
 *   fails no read;
 * - the remaining nodes are upgraded in place under write load (each leader tablet stopped with
 *   SIGTERM): nothing acknowledged is lost or duplicated, and 0.2.0 serves what 0.1.0 wrote;
 * - finalize is then accepted; only now does the 0.2.0 SDK send request ids (the 0.1.0 one never
 *   does: seen in the tablet's binlog), and a put retried after an injected lost answer is
 *   applied once.
 */
import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, fail } from '../src/base/status.js';
import { BinlogReader } from '../src/binlog/binlog-reader.js';
import type { LogEntry } from '../src/binlog/log-entry.js';
import { CLIENT_DEFAULTS, DbClient } from '../src/client/db-client.js';
import { coordinatorDiscovery } from '../src/client/discovery.js';
import { silentLogger } from '../src/ports/logger.js';
import type { RpcClient, Transport } from '../src/ports/transport.js';
import { callTablet } from '../src/protocol/typed-call.js';
import { FsDisk } from '../src/runtime/fs-disk.js';
import { systemClock } from '../src/runtime/node-clock.js';
import { TcpTransport } from '../src/runtime/tcp-transport.js';
import { ZkCoordinator } from '../src/runtime/zk-coordinator.js';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { cleanup } from './harness/program.js';
import { replicaRows } from './harness/replica-rows.js';
import { buildRelease, flagFile, ReleaseCluster, type ReleaseNode, setFlag, startSh } from './harness/release-cluster.js';
import { runTool } from './harness/upgrade-tool.js';
import { waitFor } from './harness/wait.js';

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const KEYS = 40;

let cluster: ReleaseCluster;
let r010: string;
let r020: string;
let r030: string;
const conns: Connection[] = [];
const transport = new TcpTransport({ role: 'client' });

async function sdk(version: string): Promise<Connection> {
  const c = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 4000, requestTimeoutMs: 30_000, softwareVersion: version });
  conns.push(c);
  return c;
}

/** Stops a node, replaces its bin/ with `release`'s (as an upgrade does), starts it again. */
async function reinstall(node: ReleaseNode, release: string): Promise<void> {
  await cluster.stopNode(node);
  cpSync(join(release, 'bin'), join(node.dir, 'bin'), { recursive: true, force: true });
  await cluster.startNode(node);
}

async function healthyTablets(): Promise<number> {
  return (await cluster.table('showtablet')).filter((t) => t.state === 'kHealthy').length;
}

async function allReplicasAgree(db: string, table: string): Promise<boolean> {
  const rows = (await cluster.table('showtable', db)).filter((r) => r.name === table);
  if (rows.length === 0 || rows.some((r) => r.is_alive !== 'yes')) return false;
  const tid = Number(rows[0]!.tid);
  for (const pid of new Set(rows.map((r) => Number(r.pid)))) {
    const eps = rows.filter((r) => Number(r.pid) === pid).map((r) => r.endpoint!);
    if (eps.length !== 3) return false;
    const contents = await Promise.all(eps.map((ep) => replicaRows(transport, ep, tid, pid)));
    if (contents.some((c) => JSON.stringify(c) !== JSON.stringify(contents[0]))) return false;
  }
  return true;
}

async function opsDone(): Promise<boolean> {
  const ops = await cluster.table('showopstatus');
  return ops.every((o) => o.status === 'kDone');
}

/**
 * A write load on `table` through `conn` (keys k0..k39, ts unique per write) with a reader
 * alongside; `stop()` ends both and returns what was acknowledged and how many reads failed.
 */
function load(conn: Connection, db: string, table: string, tsBase: number) {
  const acked: number[] = [];
  const attempted: number[] = [];
  let readFailures = 0;
  let reads = 0;
  let stopped = false;
  let seq = 0;
  const writer = (async () => {
    while (!stopped && seq < 400_000) {
      const i = seq++;
      attempted.push(i);
      try {
        await conn.put(db, table, [`k${i % KEYS}`, BigInt(tsBase + i), i]);
        acked.push(i);
      } catch {
        // Not acknowledged: it may or may not be stored; only acknowledged writes are checked.
      }
    }
  })();
  const reader = (async () => {
    while (!stopped) {
      try {
        await conn.scan(db, table, { key: `k${reads % KEYS}`, limit: 5 });
      } catch {
        readFailures++;
      }
      reads++;
    }
  })();
  return {
    acked,
    async stop() {
      stopped = true;
      await Promise.all([writer, reader]);
      return { acked, attempted, readFailures, reads };
    },
  };
}

/** Every acknowledged write is present, and none is stored twice. */
async function checkWrites(conn: Connection, db: string, table: string, tsBase: number, acked: readonly number[]): Promise<void> {
  const seen = new Map<number, number>();
  for (let k = 0; k < KEYS; k++) {
    for (const row of await conn.scan(db, table, { key: `k${k}` })) {
      const i = Number(row.values[1]) - tsBase;
      if (i >= 0) seen.set(i, (seen.get(i) ?? 0) + 1);
    }
  }
  const missing = acked.filter((i) => !seen.has(i));
  const doubled = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  expect({ missing: missing.slice(0, 20), missingCount: missing.length, doubled: doubled.slice(0, 20) }).toEqual({
    missing: [],
    missingCount: 0,
    doubled: [],
  });
}

beforeAll(async () => {
  [r010, r020, r030] = await Promise.all([buildRelease('0.1.0'), buildRelease('0.2.0'), buildRelease('0.3.0')]);
  cluster = await ReleaseCluster.start({ release: r010, nameservers: 2, tablets: 3, autoFailover: true });
  await waitFor('3 healthy tablets', async () => (await healthyTablets()) === 3);
  // Mixed: the standby nameserver and one tablet run 0.2.0, from their own directories.
  for (const node of [cluster.nameservers()[1]!, cluster.tablets()[1]!]) {
    setFlag(flagFile(node), 'put_dedup_window', '5000');
    await reinstall(node, r020);
  }
  await waitFor('3 healthy tablets after the mix', async () => (await healthyTablets()) === 3);
});

afterAll(async () => {
  for (const c of conns) await c.close().catch(() => undefined);
  await cluster?.cleanup();
  await cleanup();
});

describe('versions side by side', () => {
  it('the two releases really differ: 0.2.0 accepts --put_dedup_window, 0.1.0 refuses it as unknown', async () => {
    const old = await runTool(r010, ['--put_dedup_window=100', '--version'], cluster.dir);
    expect(old.code).toBe(2);
    expect(old.out).toContain('unknown flag --put_dedup_window');
    const next = await runTool(r020, ['--put_dedup_window=100', '--version'], cluster.dir);
    expect(next).toEqual({ code: 0, out: 'openmldb-ts 0.2.0\n' });
    expect((await runTool(r010, ['--version'], cluster.dir)).out).toBe('openmldb-ts 0.1.0\n');
  });

  it('a mixed cluster serves reads and writes from SDKs 0.1.0 and 0.2.0, and shows every version', async () => {
    const [older, newer] = [await sdk('0.1.0'), await sdk('0.2.0')];
    await older.createDatabase('vx');
    await older.createTable('vx', 'mixed', schema, { partitionNum: 3, replicaNum: 3 });
    for (let i = 0; i < 60; i++) await (i % 2 === 0 ? older : newer).put('vx', 'mixed', [`k${i % KEYS}`, BigInt(i), i]);
    for (const c of [older, newer]) {
      let total = 0;
      for (let k = 0; k < KEYS; k++) total += await c.count('vx', 'mixed', { key: `k${k}` });
      expect(total).toBe(60);
    }
    const [t0, t1, t2] = cluster.tablets().map((t) => t.endpoint);
    const [n0, n1] = cluster.nameservers().map((n) => n.endpoint);
    const tablets = Object.fromEntries((await cluster.table('showtablet')).map((t) => [t.endpoint, t.version]));
    expect(tablets).toEqual({ [t0!]: '0.1.0', [t1!]: '0.2.0', [t2!]: '0.1.0' });
    const nameservers = Object.fromEntries((await cluster.table('showns')).map((n) => [n.endpoint, `${n.role} ${n.version}`]));
    expect(nameservers).toEqual({ [n0!]: 'leader 0.1.0', [n1!]: 'standby 0.2.0' });
    const shown = await cluster.nsClient('showversion');
    expect(shown.out).toMatch(/^cluster version: 0\.1\.0$/m);
  });

  it('a 0.3.0 peer is refused at the handshake naming both versions, and cannot join the cluster', async () => {
    const r = await runTool(r030, ['--role=ns_client', `--zk_cluster=${cluster.zkCluster}`, `--zk_root_path=${cluster.rootPath}`, '--interactive=false', '--cmd=showtablet'], cluster.dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('incompatible peer: client runs software 0.3.0 (protocol 3), this node runs software 0.1.0 (protocol 1)');
    // The same from a connection of this process impersonating 0.3.0, to a 0.1.0 tablet.
    const far = new TcpTransport({ role: 'tablet', softwareVersion: '0.3.0' }).connect(cluster.tablets()[0]!.endpoint);
    const refused = await callTablet(far, 'GetTableStatus', {});
    far.close();
    expect(refused.ok ? '' : refused.message).toContain('runs software 0.3.0 (protocol 3), this node runs software 0.1.0 (protocol 1)');
    expect(refused.ok ? 0 : refused.code).toBe(Code.rpcIncompatiblePeer);
    // A 0.3.0 tablet refuses to start in a cluster at 0.1.0.
    const spare = join(cluster.dir, 'spare-030');
    cpSync(r030, spare, { recursive: true });
    setFlag(join(spare, 'conf', 'tablet.flags'), 'zk_cluster', cluster.zkCluster);
    setFlag(join(spare, 'conf', 'tablet.flags'), 'zk_root_path', cluster.rootPath);
    setFlag(join(spare, 'conf', 'tablet.flags'), 'endpoint', '127.0.0.1:1');
    const started = await startSh(spare, 'start', 'tablet');
    expect(started.code).not.toBe(0);
    expect(started.out).toContain('this tablet runs version 0.3.0 (protocol 3), too far ahead of the cluster version 0.1.0 (protocol 1)');
  });

  it('finalize is refused while a node runs 0.1.0, naming each', async () => {
    const r = await cluster.nsClient('finalizeupgrade 0.2.0');
    expect(r.code).toBe(1);
    expect(r.out).toContain('finalize upgrade to 0.2.0 refused: 3 node(s) run an older version');
    expect(r.out).toContain(`nameserver ${cluster.nameservers()[0]!.endpoint} runs 0.1.0`);
    expect(r.out).toContain(`tablet ${cluster.tablets()[0]!.endpoint} runs 0.1.0`);
    expect(r.out).toContain(`tablet ${cluster.tablets()[2]!.endpoint} runs 0.1.0`);
    expect((await cluster.nsClient('showversion')).out).toMatch(/^cluster version: 0\.1\.0$/m);
  });

  it('changeleader under write load on an async 3-replica table loses no acknowledged write and fails no read', async () => {
    const conn = await sdk('0.2.0');
    await conn.createTable('vx', 'handoff', schema, { partitionNum: 2, replicaNum: 3, replicationMode: 'async' });
    // changeleader is an operator command: refused while auto_failover is on (as in the reference).
    expect((await cluster.nsClient('confset auto_failover false')).code).toBe(0);
    const running = load(conn, 'vx', 'handoff', 1_000_000);
    try {
      await waitFor('some writes', () => running.acked.length >= 300);
      for (const pid of [0, 1]) {
        const before = await leaderOf('handoff', pid);
        const r = await cluster.nsClient(`changeleader handoff ${pid} auto`, 'vx');
        expect(r.out).toMatch(/change leader ok/);
        await waitFor(`a new leader of pid ${pid}`, async () => {
          const now = await leaderOf('handoff', pid);
          return now !== undefined && now !== before;
        });
      }
      const ackedAtChange = running.acked.length;
      await waitFor('writes to go on at the new leaders', () => running.acked.length >= ackedAtChange + 300);
      await waitFor('ops done', opsDone);
    } finally {
      const result = await running.stop();
      expect((await cluster.nsClient('confset auto_failover true')).code).toBe(0);
      expect(result.readFailures).toBe(0);
      await checkWrites(conn, 'vx', 'handoff', 1_000_000, result.acked);
    }
  });

  it('upgrades the rest in place under write load (leaders stopped with SIGTERM): nothing acknowledged is lost, 0.2.0 serves what 0.1.0 wrote', async () => {
    const conn = await sdk('0.2.0');
    await conn.createTable('vx', 'rolling', schema, { partitionNum: 3, replicaNum: 3, replicationMode: 'async' });
    // Data written by 0.1.0 leaders, part of it in a snapshot.
    for (let i = 0; i < 200; i++) await conn.put('vx', 'rolling', [`k${i % KEYS}`, BigInt(i), i]);
    expect((await cluster.nsClient('makesnapshot rolling 0', 'vx')).out).toMatch(/MakeSnapshot ok/);
    const preload = Array.from({ length: 200 }, (_, i) => i);
    const running = load(conn, 'vx', 'rolling', 2_000_000);
    await waitFor('some writes', () => running.acked.length >= 200);
    for (const node of [cluster.tablets()[0]!, cluster.tablets()[2]!]) {
      // The tablet stopped leads a partition that is being written to.
      await ensureLeads('rolling', node.endpoint);
      expect(await ledPartitions('rolling', node.endpoint)).not.toEqual([]);
      setFlag(flagFile(node), 'put_dedup_window', '5000');
      await reinstall(node, r020);
      await waitFor(`${node.endpoint} back and every replica equal`, async () => (await healthyTablets()) === 3 && (await opsDone()) && (await allReplicasAgree('vx', 'rolling')), 180_000, 1000);
    }
    // The last 0.1.0 node: the leader nameserver. The 0.2.0 standby takes over, then the
    // upgraded one leads again after it, reading the table metadata 0.1.0 wrote in ZooKeeper.
    const [ns0, ns1] = cluster.nameservers();
    await reinstall(ns0!, r020);
    await waitFor('ns1 to lead', async () => (await cluster.table('showns')).find((n) => n.role === 'leader')?.endpoint === ns1!.endpoint);
    await cluster.stopNode(ns1!);
    await waitFor('ns0 (now 0.2.0) to lead', async () => (await cluster.table('showns')).find((n) => n.role === 'leader')?.endpoint === ns0!.endpoint);
    await cluster.startNode(ns1!);
    const ackedAfter = running.acked.length;
    await waitFor('writes to go on', () => running.acked.length >= ackedAfter + 100);
    const result = await running.stop();
    expect(result.readFailures).toBe(0);
    try {
      await waitFor('every replica equal', () => allReplicasAgree('vx', 'rolling'), 120_000, 1000);
    } catch (error) {
      // What was different, for the failure report.
      console.error((await cluster.nsClient('showtable', 'vx')).out, (await cluster.nsClient('showopstatus')).out);
      throw error;
    }
    await checkWrites(conn, 'vx', 'rolling', 2_000_000, result.acked);
    await checkWrites(conn, 'vx', 'rolling', 0, preload);
    await checkWrites(conn, 'vx', 'handoff', 1_000_000, []);
    const versions = (await cluster.table('showtablet')).map((t) => t.version);
    expect(versions).toEqual(['0.2.0', '0.2.0', '0.2.0']);
  }, 480_000);

  it('finalize is accepted once every node runs 0.2.0; only then are request ids sent, and a retried put is applied once', async () => {
    const older = await sdk('0.1.0');
    const newer = await sdk('0.2.0');
    await newer.createTable('vx', 'wire', schema, { partitionNum: 1, replicaNum: 3 });
    await newer.put('vx', 'wire', ['before', 1n, 1]);
    const r = await cluster.nsClient('finalizeupgrade');
    expect(r.out).toContain('finalize upgrade ok: cluster version 0.1.0 -> 0.2.0');
    expect((await cluster.nsClient('showversion')).out).toMatch(/^cluster version: 0\.2\.0$/m);
    // Clients re-read the cluster version with the metadata (finalize bumps the notify counter),
    // tablets follow it in ZooKeeper.
    await waitFor('the 0.2.0 SDK and the leader tablet to use request ids', async () => {
      await newer.put('vx', 'wire', ['probe', 2n, 2]);
      const entries = await leaderBinlog('wire');
      return entries.at(-1)?.requestId !== undefined;
    });
    await older.put('vx', 'wire', ['old-sdk', 3n, 3]);
    await newer.put('vx', 'wire', ['new-sdk', 4n, 4]);
    expect(newer.client.clusterVersion).toBe('0.2.0');
    const byKey = new Map((await leaderBinlog('wire')).map((e) => [keyOf(e), e.requestId]));
    expect(byKey.get('before')).toBeUndefined();
    expect(byKey.get('old-sdk')).toBeUndefined();
    expect(byKey.get('new-sdk')).toMatchObject({ rowIndex: 0, rowCount: 1 });

    // A put whose answer is lost: the 0.2.0 client retries it with the same id, applied once.
    const lossy = await lossyClient('0.2.0');
    lossy.dropNextPutAnswers(1);
    expect((await lossy.client.put('vx', 'wire', [['lost-answer', 5n, 5]])).ok).toBe(true);
    expect(lossy.putsSent()).toBe(2);
    expect(await newer.count('vx', 'wire', { key: 'lost-answer' })).toBe(1);
    // The 0.1.0 client cannot know the outcome and does not retry (the write was applied once).
    const lossyOld = await lossyClient('0.1.0');
    lossyOld.dropNextPutAnswers(1);
    const unknown = await lossyOld.client.put('vx', 'wire', [['old-lost', 6n, 6]]);
    expect(unknown.ok ? 0 : unknown.code).toBe(Code.rpcConnectionLost);
    expect(lossyOld.putsSent()).toBe(1);
    expect(await newer.count('vx', 'wire', { key: 'old-lost' })).toBe(1);
    await lossy.client.close();
    await lossyOld.client.close();
  });
});

async function leaderOf(table: string, pid: number): Promise<string | undefined> {
  const row = (await cluster.table('showtable', 'vx')).find((r) => r.name === table && r.pid === String(pid) && r.role === 'leader' && r.is_alive === 'yes');
  return row?.endpoint;
}

async function ledPartitions(table: string, endpoint: string): Promise<string[]> {
  return (await cluster.table('showtable', 'vx')).filter((r) => r.name === table && r.role === 'leader' && r.endpoint === endpoint).map((r) => r.pid!);
}

/** Makes `endpoint` the leader of pid 0 of `table` unless it leads a partition already. */
async function ensureLeads(table: string, endpoint: string): Promise<void> {
  if ((await ledPartitions(table, endpoint)).length > 0) return;
  await cluster.nsClient('confset auto_failover false');
  try {
    expect((await cluster.nsClient(`changeleader ${table} 0 ${endpoint}`, 'vx')).out).toMatch(/change leader ok/);
    await waitFor(`${endpoint} to lead ${table} pid 0`, async () => (await leaderOf(table, 0)) === endpoint && (await opsDone()));
  } finally {
    await cluster.nsClient('confset auto_failover true');
  }
  await waitFor('every replica equal', () => allReplicasAgree('vx', table), 120_000, 1000);
}

function keyOf(e: LogEntry): string {
  // Row layout: the first string column's bytes appear in the row; match the keys used above.
  const text = Buffer.from(e.row ?? []).toString('latin1');
  return ['before', 'probe', 'old-sdk', 'new-sdk', 'lost-answer', 'old-lost'].find((k) => text.includes(k)) ?? '?';
}

/** The binlog entries of the leader replica of `table` (pid 0), read from its directory. */
async function leaderBinlog(table: string): Promise<LogEntry[]> {
  const row = (await cluster.table('showtable', 'vx')).find((r) => r.name === table && r.role === 'leader')!;
  const node = cluster.tablets().find((t) => t.endpoint === row.endpoint)!;
  const opened = await BinlogReader.open({
    disk: new FsDisk(),
    dir: join(node.dir, 'db', `${row.tid}_0`, 'binlog'),
    crc32: (d, i) => zlibCrc32(d, i),
    logger: silentLogger,
    repairTail: false,
  });
  if (!opened.ok) throw new Error(opened.message);
  const out: LogEntry[] = [];
  const read = await opened.value.reader.forEach(1, (e) => out.push({ ...e, row: e.row?.slice() }));
  await opened.value.reader.close();
  if (!read.ok) throw new Error(read.message);
  return out;
}

/** A client of `version` whose transport can lose the answers of the next Puts (after they ran). */
async function lossyClient(version: string) {
  const coord = await ZkCoordinator.connect({ connectString: cluster.zkCluster, sessionTimeoutMs: 4000 });
  const inner = new TcpTransport({ role: 'client', softwareVersion: version });
  let drop = 0;
  let sent = 0;
  const wrapped: Transport = {
    connect(endpoint: string): RpcClient {
      const c = inner.connect(endpoint);
      return {
        endpoint,
        peer: () => c.peer(),
        close: () => c.close(),
        call: async (method, request, options) => {
          const r = await c.call(method, request, options);
          if (method !== 'Put') return r;
          sent++;
          if (drop === 0) return r;
          drop--;
          return fail(Code.rpcConnectionLost, `connection to ${endpoint} lost: injected after the put ran`);
        },
      };
    },
    listen: () => Promise.reject(new Error('not a server')),
  };
  const client = new DbClient(
    {
      transport: wrapped,
      discovery: coordinatorDiscovery(coord, cluster.rootPath, true),
      clock: systemClock,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      clientId: randomBytes(12).toString('base64url'),
    },
    { ...CLIENT_DEFAULTS, softwareVersion: version },
  );
  return { client, dropNextPutAnswers: (n: number) => void (drop = n), putsSent: () => sent };
}
