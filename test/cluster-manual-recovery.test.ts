/**
 * Issue scenario (c): with auto_failover off, a tablet is stopped and started again; nothing moves
 * until an operator runs `offlineendpoint` and `recoverendpoint` in the ns_client; then every op
 * is kDone and every replica is alive with the leader's offset.
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
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

beforeAll(async () => {
  cluster = await Cluster.start({ nameservers: 2, tablets: 3, autoFailover: false });
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

async function replicas() {
  return parseTable((await cluster.nsClient('showtable', 'm1')).out);
}

describe('manual recovery with auto_failover off', () => {
  it('runs offlineendpoint and recoverendpoint as the upgrade procedure shows, ending all kDone and all alive', async () => {
    expect((await cluster.nsClient('confget auto_failover')).out).toMatch(/auto_failover\s+false/);
    await conn.createDatabase('m1');
    await conn.createTable('m1', 't', schema, { partitionNum: 4, replicaNum: 3 });
    await conn.putMany(
      'm1',
      't',
      Array.from({ length: 200 }, (_, i) => [`k${i % 20}`, BigInt(i), i]),
    );
    await waitFor('followers to catch up', async () => {
      const rows = await replicas();
      const byPid = new Map<string, Set<string>>();
      for (const r of rows) byPid.set(r.pid!, (byPid.get(r.pid!) ?? new Set()).add(r.offset!));
      return rows.length === 12 && [...byPid.values()].every((s) => s.size === 1 && !s.has('-'));
    });

    const victim = cluster.tablets()[1]!;
    await cluster.stop(victim);
    await cluster.startNode(victim);

    const off = await cluster.nsClient(`offlineendpoint ${victim.endpoint}`);
    expect(off.out.trim()).toBe('offline endpoint ok');
    const rec = await cluster.nsClient(`recoverendpoint ${victim.endpoint}`);
    expect(rec.out.trim()).toBe('recover endpoint ok');

    await waitFor(
      'every op kDone',
      async () => {
        const ops = parseTable((await cluster.nsClient('showopstatus', 'm1')).out);
        return ops.length > 0 && ops.every((o) => o.status === 'kDone');
      },
      120_000,
    );
    let last: Record<string, string>[] = [];
    await waitFor('every replica alive with equal offsets', async () => {
      const rows = await replicas();
      last = rows;
      if (rows.length !== 12 || rows.some((r) => r.is_alive !== 'yes')) return false;
      const byPid = new Map<string, Set<string>>();
      for (const r of rows) byPid.set(r.pid!, (byPid.get(r.pid!) ?? new Set()).add(r.offset!));
      return [...byPid.values()].every((s) => s.size === 1);
    }).catch((err: Error) => {
      throw new Error(`${err.message}\nlast showtable: ${JSON.stringify(last)}`);
    });
    for (let i = 0; i < 20; i++) expect(await conn.count('m1', 't', { key: `k${i}` })).toBe(10);
  });

  it('refuses the same commands while auto_failover is on, with code 301', async () => {
    expect((await cluster.nsClient('confset auto_failover true')).out.trim()).toBe('set auto_failover ok');
    const r = await cluster.nsClient(`offlineendpoint ${cluster.tablets()[0]!.endpoint}`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/auto_failover is enabled/);
    expect((await cluster.nsClient('confset auto_failover false')).out.trim()).toBe('set auto_failover ok');
  });
});
