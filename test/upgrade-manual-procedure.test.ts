/**
 * The documented manual upgrade (upgrade-procedure.md), literally, on 2 nameservers + 3 tablets,
 * each in its own release directory, from release 0.1.0 to 0.2.0 with auto_failover off: for each
 * nameserver then each tablet, `sh bin/start.sh stop <c>`, back up bin and conf, copy the new bin
 * and conf, compare the flag files (`openmldb conf-diff`), restore the node's own settings it
 * lists, `sh bin/start.sh start <c>`; for a tablet `offlineendpoint` + `recoverendpoint` in
 * ns_client; then every op kDone and every replica alive with equal offsets before the next node.
 * Rows are written before and during (while each node is down). Afterwards every acknowledged row
 * is there. Then two tablets are restarted out of order and `openmldb ops --cmd=recoverdata`
 * brings every replica back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { cleanup } from './harness/program.js';
import { manualUpgradeNode, nodeSettingsFromDiff } from './harness/manual-upgrade.js';
import { buildRelease, type ReleaseNode, ReleaseCluster } from './harness/release-cluster.js';
import { runTool } from './harness/upgrade-tool.js';
import { waitFor } from './harness/wait.js';

let cluster: ReleaseCluster;
let conn: Connection;
let newRelease: string;

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const KEYS = 20;

beforeAll(async () => {
  let oldRelease: string;
  [oldRelease, newRelease] = await Promise.all([buildRelease('0.1.0'), buildRelease('0.2.0')]);
  cluster = await ReleaseCluster.start({ release: oldRelease, nameservers: 2, tablets: 3, autoFailover: false });
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 4000, requestTimeoutMs: 3000 });
  await waitFor('3 healthy tablets', async () => (await cluster.table('showtablet')).filter((t) => t.state === 'kHealthy').length === 3);
  await conn.createDatabase('m');
  await conn.createTable('m', 't', schema, { partitionNum: 2, replicaNum: 3 });
});

afterAll(async () => {
  await conn?.close();
  await cluster?.cleanup();
  await cleanup();
});

/** A writer that can be paused (offsets are compared while no write is in flight). */
class Writer {
  readonly acked = new Set<number>();
  failed = 0;
  private seq = 0;
  private paused = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly loop: Promise<void>;

  constructor() {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.seq < 100_000) {
      if (this.paused) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const i = this.seq++;
      const write = conn.put('m', 't', [`k${i % KEYS}`, BigInt(i), i]).then(
        () => void this.acked.add(i),
        () => void this.failed++,
      );
      this.idle = write;
      await write;
    }
  }

  get written(): number {
    return this.seq;
  }

  async pause(): Promise<void> {
    this.paused = true;
    await this.idle;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

async function caughtUp(): Promise<boolean> {
  const ops = await cluster.table('showopstatus', 'm');
  if (ops.some((o) => o.status !== 'kDone')) return false;
  const rows = await cluster.table('showtable', 'm');
  if (rows.length !== 6 || rows.some((r) => r.is_alive !== 'yes')) return false;
  const byPid = new Map<string, Set<string>>();
  for (const r of rows) byPid.set(r.pid!, (byPid.get(r.pid!) ?? new Set()).add(r.offset!));
  return [...byPid.values()].every((s) => s.size === 1 && !s.has('-'));
}

async function upgradeNode(node: ReleaseNode, writer: Writer): Promise<void> {
  const ackedBefore = writer.acked.size;
  const out = await manualUpgradeNode(cluster, node, newRelease, async () => {
    await waitFor('rows acknowledged while the node is down', () => writer.acked.size >= ackedBefore + 3, 60_000, 20);
  });
  expect(out.stop).toMatch(new RegExp(`Stop ${node.component} success`));
  expect(out.diff).toMatch(/warning: --endpoint differs/);
  expect(out.diff).toMatch(/warning: --zk_cluster differs/);
  expect(nodeSettingsFromDiff(out.diff).get('endpoint')).toBe(node.endpoint);
  expect(out.diffAfterRestore).toMatch(/^0 added, 0 removed, 0 changed$/m);
  expect(out.start).toMatch(new RegExp(`Start ${node.component} success`));
  if (node.component === 'tablet') {
    expect(out.offline).toBe('offline endpoint ok');
    expect(out.recover).toBe('recover endpoint ok');
  }
  await writer.pause();
  await waitFor(`every op kDone, every replica alive with equal offsets after ${node.component} ${node.endpoint}`, caughtUp, 120_000, 300);
  writer.resume();
}

describe('the manual upgrade procedure, literally', () => {
  it('upgrades 2 nameservers and 3 tablets one at a time, and every row written before and during is there', async () => {
    expect((await cluster.nsClient('confget auto_failover')).out).toMatch(/auto_failover\s+false/);
    const writer = new Writer();
    await waitFor('rows written before the upgrade', () => writer.acked.size >= 200);
    for (const node of [...cluster.nameservers(), ...cluster.tablets()]) await upgradeNode(node, writer);
    await writer.stop();

    for (const n of cluster.nodes) expect(readFileSync(join(n.dir, 'bin', 'VERSION'), 'utf8').trim()).toBe('0.2.0');
    expect((await cluster.table('showtablet')).map((t) => t.version)).toEqual(['0.2.0', '0.2.0', '0.2.0']);
    expect((await cluster.table('showns')).map((n) => n.version).filter((v) => v !== '-')).toContain('0.2.0');
    const present = new Set<number>();
    for (let k = 0; k < KEYS; k++) for (const row of await conn.scan('m', 't', { key: `k${k}`, limit: 100_000 })) present.add(Number(row.values[2]));
    const missing = [...writer.acked].filter((i) => !present.has(i));
    console.log(`manual procedure: ${writer.written} writes, ${writer.acked.size} acknowledged, ${writer.failed} failed, ${missing.length} acknowledged missing`);
    expect(missing).toEqual([]);
    expect(writer.acked.size).toBeGreaterThan(200);
  });

  it('recoverdata brings every replica back after tablets were restarted out of order', async () => {
    const rowsBefore = (await conn.preview('m', 't', 100_000)).length;
    const [a, b] = cluster.tablets();
    await cluster.stopNode(a!);
    await cluster.stopNode(b!);
    await cluster.startNode(b!);
    await cluster.startNode(a!);
    await waitFor('3 healthy tablets', async () => (await cluster.table('showtablet')).filter((t) => t.state === 'kHealthy').length === 3);
    const r = await runTool(newRelease, ['ops', '--cmd=recoverdata', `--zk_cluster=${cluster.zkCluster}`, `--zk_root_path=${cluster.rootPath}`], cluster.dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/recoverdata: [1-9]\d* partition\(s\) repaired/);
    await waitFor('every replica alive with equal offsets', caughtUp, 120_000, 300);
    expect((await conn.preview('m', 't', 100_000)).length).toBe(rowsBefore);
  });
});
