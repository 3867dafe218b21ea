/**
 * Issue scenarios (a) and (b) on a real cluster (ZooKeeper, 2 nameservers, 3 tablets, auto_failover on):
 * (a) kill -9 the leader tablet of a partition under write load: writes resume, the killed tablet
 *     comes back as a follower, and every replica of every partition holds the same rows;
 * (b) kill the leader nameserver while failover ops are pending: the standby takes over and the
 *     ops finish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpTransport } from '../src/runtime/tcp-transport.js';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { Cluster, parseTable } from './harness/cluster.js';
import { cleanup } from './harness/program.js';
import { replicaRows } from './harness/replica-rows.js';
import { waitFor } from './harness/wait.js';

let cluster: Cluster;
let conn: Connection;
const transport = new TcpTransport({ role: 'client' });

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

beforeAll(async () => {
  cluster = await Cluster.start({ nameservers: 2, tablets: 3, autoFailover: true, tabletHeartbeatTimeoutMs: 500 });
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 2000, requestTimeoutMs: 30_000 });
  await waitFor('3 healthy tablets', async () => parseTable((await cluster.nsClient('showtablet')).out).filter((t) => t.state === 'kHealthy').length === 3);
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
  await Cluster.stopZooKeepers();
});

async function allReplicasAgree(db: string, table: string): Promise<boolean> {
  const rows = parseTable((await cluster.nsClient('showtable', db)).out).filter((r) => r.name === table);
  if (rows.length === 0 || rows.some((r) => r.is_alive !== 'yes')) return false;
  const tid = Number(rows[0]!.tid);
  const pids = [...new Set(rows.map((r) => Number(r.pid)))];
  for (const pid of pids) {
    const eps = rows.filter((r) => Number(r.pid) === pid).map((r) => r.endpoint!);
    const contents = await Promise.all(eps.map((ep) => replicaRows(transport, ep, tid, pid)));
    const first = JSON.stringify(contents[0]);
    if (contents.some((c) => JSON.stringify(c) !== first)) return false;
  }
  return true;
}

describe('failover', () => {
  it('(a) keeps taking writes after kill -9 of a leader tablet, and all replicas agree afterwards', async () => {
    await conn.createDatabase('f1');
    await conn.createTable('f1', 't', schema, { partitionNum: 4, replicaNum: 3 });
    const acked: number[] = [];
    let stop = false;
    let seq = 0;
    const writer = (async () => {
      while (!stop && seq < 20_000) {
        const i = seq++;
        try {
          await conn.put('f1', 't', [`k${i % 50}`, BigInt(i), i]);
          acked.push(i);
        } catch {
          // Failed writes are allowed during failover; only acknowledged ones are checked.
        }
      }
    })();
    await waitFor('some writes', () => acked.length >= 200);
    const status = parseTable((await cluster.nsClient('showtable', 'f1')).out);
    const leaderEp = status.find((r) => r.role === 'leader' && r.pid === '0')!.endpoint!;
    const victim = cluster.tablets().find((t) => t.endpoint === leaderEp)!;
    await cluster.kill9(victim);
    const ackedAtKill = acked.length;
    await waitFor('writes to resume after the failover', () => acked.length >= ackedAtKill + 300, 90_000);
    stop = true;
    await writer;
    await cluster.startNode(victim);
    await waitFor('the restarted tablet to rejoin and all replicas to agree', () => allReplicasAgree('f1', 't'), 180_000, 1000);
    // Asynchronous replication may lose the newest acknowledged writes of the killed leader (the
    // reference's documented behaviour); everything else must be there.
    let present = 0;
    for (let k = 0; k < 50; k++) present += await conn.count('f1', 't', { key: `k${k}` });
    expect(present).toBeGreaterThanOrEqual(acked.length - 200);
  });

  it('(b) finishes pending ops after the leader nameserver is killed', async () => {
    const nsRows = parseTable((await cluster.nsClient('showns')).out);
    const leaderNs = cluster.nameservers().find((n) => n.endpoint === nsRows.find((r) => r.role === 'leader')!.endpoint)!;
    const tablet = cluster.tablets()[2]!;
    const opIdsBefore = parseTable((await cluster.nsClient('showopstatus')).out).map((o) => Number(o.op_id));
    const lastOpId = Math.max(0, ...opIdsBefore);
    await cluster.kill9(tablet);
    // Wait until the failover of this tablet has created ops, then kill the nameserver running them.
    await waitFor(
      'failover ops for the killed tablet',
      async () => parseTable((await cluster.nsClient('showopstatus')).out).some((o) => Number(o.op_id) > lastOpId),
      60_000,
    );
    await cluster.kill9(leaderNs);
    await cluster.startNode(tablet);
    let lastOps = '';
    // Every op reaches a final state (an op whose precondition no longer holds after the chaos
    // fails visibly, as the reference's do); the cluster must end healthy either way (below).
    await waitFor(
      'every op finished under the new leader',
      async () => {
        lastOps = (await cluster.nsClient('showopstatus')).out;
        const ops = parseTable(lastOps);
        return ops.length > 0 && ops.every((o) => o.status === 'kDone' || o.status === 'kFailed' || o.status === 'kCanceled');
      },
      180_000,
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nlast showopstatus:\n${lastOps}`);
    });
    await waitFor('all replicas alive and equal', () => allReplicasAgree('f1', 't'), 180_000, 1000);
    await cluster.startNode(leaderNs);
  });
});
