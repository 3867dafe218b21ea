/**
 * The one-command rolling upgrade on 2 nameservers + 3 tablets, each in its own release directory,
 * from release 0.1.0 to 0.2.0 (`openmldb upgrade --to <0.2.0> --hosts <file>`, run with the new
 * release's program):
 * - `--dry-run` prints the plan and each node's conf diff and changes nothing;
 * - a tablet whose new flag file holds an unknown flag fails to start and is rolled back;
 * - under a load generator writing and reading through the SDK, the runner is killed (kill -9)
 *   mid-way and resumed with `--resume`; every node then runs 0.2.0, auto_failover is restored, and
 *   no acknowledged write is missing (every one is read back).
 */
import { appendFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { cleanup } from './harness/program.js';
import { buildRelease, ReleaseCluster } from './harness/release-cluster.js';
import { runTool, startTool } from './harness/upgrade-tool.js';
import { waitFor } from './harness/wait.js';

let cluster: ReleaseCluster;
let conn: Connection;
let newRelease: string;
let oldRelease: string;

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const KEYS = 20;
const TABLES = [
  { name: 'async3', replicaNum: 3, replicationMode: 'async' as const },
  { name: 'sync3', replicaNum: 3, replicationMode: 'sync' as const },
  { name: 'single', replicaNum: 1, replicationMode: 'async' as const },
];

beforeAll(async () => {
  [oldRelease, newRelease] = await Promise.all([buildRelease('0.1.0'), buildRelease('0.2.0')]);
  cluster = await ReleaseCluster.start({ release: oldRelease, nameservers: 2, tablets: 3, autoFailover: true });
  conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 4000, requestTimeoutMs: 30_000 });
  await waitFor('3 healthy tablets', async () => (await cluster.table('showtablet')).filter((t) => t.state === 'kHealthy').length === 3);
  await conn.createDatabase('up');
  for (const t of TABLES) await conn.createTable('up', t.name, schema, { partitionNum: 2, replicaNum: t.replicaNum, replicationMode: t.replicationMode });
});

afterAll(async () => {
  await conn?.close();
  await cluster?.cleanup();
  await cleanup();
});

describe('openmldb upgrade (one command)', () => {
  it('--dry-run prints the plan in order with each conf diff, and changes nothing', async () => {
    const hosts = cluster.hostsFile();
    const r = await runTool(newRelease, ['upgrade', '--dry-run', `--to=${newRelease}`, `--hosts=${hosts}`], cluster.dir);
    expect(r.code, r.out).toBe(0);
    const leader = (await cluster.table('showns')).find((n) => n.role === 'leader')!.endpoint!;
    const standby = cluster.nameservers().find((n) => n.endpoint !== leader)!.endpoint;
    const order = [...r.out.matchAll(/^\d\. (\w+) ([\d.:]+) /gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual([`nameserver ${standby}`, `nameserver ${leader}`, ...cluster.tablets().map((t) => `tablet ${t.endpoint}`)]);
    expect(r.out).toMatch(/0\.1\.0 -> 0\.2\.0/);
    expect(r.out).toMatch(/steps: prepare, offline, stop, backup, swap, conf, start, recover, catchup, post, verify/);
    expect(r.out).toMatch(/warning: --endpoint differs/);
    expect(r.out).toMatch(/auto_failover is on: it is turned off during the upgrade/);
    for (const n of cluster.nodes) expect(cluster.installedVersion(n)).toBe('0.1.0');
    expect(existsSync(`${hosts}.state`)).toBe(false);
    expect(existsSync(join(cluster.tablets()[0]!.dir, 'upgrade_backup'))).toBe(false);
  });

  it('rolls a tablet back when its new flag file makes it fail to start, and stops there', async () => {
    const broken = join(cluster.dir, 'broken-release');
    cpSync(newRelease, broken, { recursive: true });
    appendFileSync(join(broken, 'conf', 'tablet.flags'), '--no_such_flag=1\n');
    const victim = cluster.tablets()[0]!;
    const r = await runTool(newRelease, ['upgrade', `--to=${broken}`, `--hosts=${cluster.hostsFile([victim])}`], cluster.dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/7\/11 start FAILED: .*unknown flag --no_such_flag/);
    expect(r.out).toMatch(new RegExp(`tablet ${victim.endpoint} failed at step 'start': .*it was rolled back to 0\\.1\\.0`));
    expect(cluster.installedVersion(victim)).toBe('0.1.0');
    const me = (await cluster.table('showtablet')).find((t) => t.endpoint === victim.endpoint)!;
    expect([me.state, me.version]).toEqual(['kHealthy', '0.1.0']);
    const replicas = await cluster.table('showtable', 'up');
    expect(replicas.length).toBeGreaterThan(0);
    expect(replicas.every((x) => x.is_alive === 'yes')).toBe(true);
    expect((await cluster.nsClient('confget auto_failover')).out).toMatch(/auto_failover\s+true/);
  });

  it('upgrades every node under load, resumes after the runner is killed, and loses no acknowledged write', async () => {
    const acked = new Map<string, Set<number>>(TABLES.map((t) => [t.name, new Set<number>()]));
    let failedWrites = 0;
    let failedReads = 0;
    let reads = 0;
    let stop = false;
    let seq = 0;
    const writer = (async () => {
      while (!stop && seq < 200_000) {
        const i = seq++;
        const t = TABLES[i % TABLES.length]!;
        try {
          await conn.put('up', t.name, [`k${i % KEYS}`, BigInt(i), i]);
          acked.get(t.name)!.add(i);
        } catch {
          failedWrites++;
        }
      }
    })();
    const reader = (async () => {
      let j = 0;
      while (!stop && j < 200_000) {
        const t = TABLES[j++ % 2]!; // the 3-replica tables
        try {
          await conn.count('up', t.name, { key: `k${j % KEYS}` });
          reads++;
        } catch {
          failedReads++;
        }
      }
    })();
    await waitFor('writes before the upgrade', () => seq >= 300);

    const hosts = cluster.hostsFile();
    const args = ['upgrade', `--to=${newRelease}`, `--hosts=${hosts}`];
    // Kill the runner (kill -9) once the second tablet is stopped with its new bin/ in place.
    const first = startTool(newRelease, args, cluster.dir);
    await waitFor('the runner to swap the second tablet', () => /\[4\/5 tablet [\d.:]+\] 5\/11 swap ok/.test(first.output()), 180_000, 50);
    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(`${hosts}.state`)).toBe(true);
    const refused = await runTool(newRelease, args, cluster.dir);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/was not finished .*run again with --resume/);
    const r = await runTool(newRelease, [...args, '--resume'], cluster.dir);
    stop = true;
    await Promise.all([writer, reader]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/upgrading 5 node\(s\) to 0\.2\.0 \(resumed\)/);
    expect(r.out).toMatch(/\[3\/5 tablet [\d.:]+\] already upgraded/);
    expect(r.out).toMatch(/\[4\/5 tablet [\d.:]+\] 4\/11 backup: done before/);
    expect(r.out).toMatch(/upgrade finished: 5 node\(s\) run 0\.2\.0/);
    expect(r.out).toMatch(/cluster version finalized: 0\.1\.0 -> 0\.2\.0/);
    // Nameservers first, then tablets.
    const order = [...`${first.output()}${r.out}`.matchAll(/\[(\d)\/5 (\w+) ([\d.:]+)\] 0\.1\.0 -> 0\.2\.0/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual(['1 nameserver', '2 nameserver', '3 tablet', '4 tablet', '4 tablet', '5 tablet']);
    // The backup taken before the kill holds the old release.
    expect(readFileSync(join(cluster.tablets()[1]!.dir, 'upgrade_backup', 'bin', 'VERSION'), 'utf8').trim()).toBe('0.1.0');

    for (const n of cluster.nodes) expect(cluster.installedVersion(n)).toBe('0.2.0');
    const tablets = await cluster.table('showtablet');
    expect(tablets.map((t) => `${t.state} ${t.version}`)).toEqual(['kHealthy 0.2.0', 'kHealthy 0.2.0', 'kHealthy 0.2.0']);
    expect((await cluster.nsClient('confget auto_failover')).out).toMatch(/auto_failover\s+true/);

    let missing = 0;
    for (const t of TABLES) {
      const present = new Set<number>();
      for (let k = 0; k < KEYS; k++) {
        for (const row of await conn.scan('up', t.name, { key: `k${k}`, limit: 100_000 })) present.add(Number(row.values[2]));
      }
      for (const i of acked.get(t.name)!) if (!present.has(i)) missing++;
    }
    console.log(`one-command upgrade: ${seq} writes (${failedWrites} failed), ${reads} reads (${failedReads} failed), ${missing} acknowledged writes missing`);
    expect(missing).toBe(0);
    expect(failedReads).toBe(0);
    expect(reads).toBeGreaterThan(0);
  });
});
