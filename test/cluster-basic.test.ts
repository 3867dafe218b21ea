/**
 * A real cluster (ZooKeeper + 2 nameservers + 3 tablets as processes): registration, election,
 * placement, client routing through ZooKeeper discovery, and nameserver failover.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { Cluster, parseTable } from './harness/cluster.js';
import { cleanup } from './harness/program.js';
import { waitFor } from './harness/wait.js';

let cluster: Cluster;
let conn: Connection;

const schema: TableSchema = {
  columns: [
    { name: 'card', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'amt', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_card', keyColumns: ['card'], tsColumn: 'ts', ttl: { type: 'latest', absMinutes: 0, latCount: 100 } }],
};

beforeAll(async () => {
  cluster = await Cluster.start({ nameservers: 2, tablets: 3 });
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 2000 });
  await waitFor('3 healthy tablets', async () => {
    const r = await cluster.nsClient('showtablet');
    return parseTable(r.out).filter((t) => t.state === 'kHealthy').length === 3;
  });
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
  await Cluster.stopZooKeepers();
});

describe('cluster basics', () => {
  it('elects one leader nameserver and lists the other as standby, with versions', async () => {
    const rows = parseTable((await cluster.nsClient('showns')).out);
    expect(rows.map((r) => r.role).sort()).toEqual(['leader', 'standby']);
    expect(rows.every((r) => /^\d+\.\d+\.\d+/.test(r.version ?? '') || r.version === '-')).toBe(true);
  });

  it('places 8 partitions x 3 replicas over the tablets and routes writes to partition leaders', async () => {
    await conn.createDatabase('c1');
    await conn.createTable('c1', 'tx', schema, { partitionNum: 8, replicaNum: 3 });
    const replicas = parseTable((await cluster.nsClient('showtable', 'c1')).out);
    expect(replicas).toHaveLength(24);
    const leaders = replicas.filter((r) => r.role === 'leader');
    expect(leaders).toHaveLength(8);
    const perTablet = new Map<string, number>();
    for (const l of leaders) perTablet.set(l.endpoint!, (perTablet.get(l.endpoint!) ?? 0) + 1);
    expect(Math.max(...perTablet.values()) - Math.min(...perTablet.values())).toBeLessThanOrEqual(1);
    await conn.putMany(
      'c1',
      'tx',
      Array.from({ length: 400 }, (_, i) => [`card${i % 40}`, BigInt(1000 + i), i]),
    );
    for (const card of ['card0', 'card17', 'card39']) {
      expect(await conn.count('c1', 'tx', { key: card })).toBe(10);
    }
    const rows = await conn.scan('c1', 'tx', { key: 'card17', limit: 2 });
    expect(rows.map((r) => r.values[2])).toEqual([377, 337]);
  });

  it('keeps serving after the leader nameserver is killed: the standby takes over', async () => {
    const before = parseTable((await cluster.nsClient('showns')).out);
    const leaderEp = before.find((r) => r.role === 'leader')!.endpoint;
    const leader = cluster.nameservers().find((n) => n.endpoint === leaderEp)!;
    await cluster.kill9(leader);
    await waitFor('the standby to lead', async () => {
      const rows = parseTable((await cluster.nsClient('showns')).out);
      return rows.length >= 1 && rows[0]!.role === 'leader' && rows[0]!.endpoint !== leaderEp;
    });
    await conn.createTable('c1', 'after_failover', schema, { partitionNum: 2, replicaNum: 2 });
    expect((await conn.listTables('c1')).map((t) => t.name).sort()).toEqual(['after_failover', 'tx']);
    expect(await conn.count('c1', 'tx', { key: 'card0' })).toBe(10);
    await cluster.startNode(leader);
  });
});
