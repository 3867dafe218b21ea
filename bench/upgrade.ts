/**
 * Impact of a rolling upgrade, measured: a cluster of 2 nameservers + 3 tablets (each in its own
 * release directory, real ZooKeeper, loopback) runs release 0.1.0 and is upgraded to 0.2.0 while
 * a load generator writes and reads continuously through the SDK on three tables: synchronous
 * 3-replica, asynchronous 3-replica, single-replica (4 partitions each). Scenarios, each on a
 * fresh cluster:
 *
 * - `one-command`: `openmldb upgrade --to <0.2.0> --hosts <file>` (pre-upgrade moves leaders off
 *   each tablet; single-replica partitions get a temporary replica);
 * - `allow-single`: the same with `--allow_single_replica` (single-replica partitions are not
 *   prepared: the single-replica table without pre-upgrade);
 * - `manual`: the documented manual procedure (stop, replace, start, offlineendpoint,
 *   recoverendpoint, wait) with no pre-upgrade: the baseline the reference documents.
 *
 * Per scenario and table: failed writes (after the SDK's retries) and failed reads, acknowledged
 * writes missing afterwards (every one is read back), write and read p50/p99 before vs during the
 * upgrade, and the upgrade's total time. The load runs `--warmup-seconds` unrecorded (in the first
 * runs, whose baseline was the first 10 s after the tables were created, that baseline had about a
 * quarter of the throughput and 2 to 5 times the p99 seen during the one-command upgrade), then
 * `--before-seconds` recorded as the baseline, then during the upgrade.
 *
 *   npx tsx bench/upgrade.ts [--json] [--scenarios=one-command,allow-single,manual]
 *                            [--warmup-seconds=10] [--before-seconds=10] [--writers-per-table=2] [--keys=50]
 *
 * `--json`: the last line printed is one JSON object with every figure. Builds the bundle first
 * (npm run bench:upgrade runs scripts/setup.mjs test: ZooKeeper from Debian). Every process and
 * temp dir is removed at the end, on an error and on SIGINT.
 */
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { dbClientAdmin } from '../src/upgrade/admin-api.js';
import { waitHealthy } from '../src/upgrade/wait-healthy.js';
import { manualUpgradeNode } from '../test/harness/manual-upgrade.js';
import { cleanup } from '../test/harness/program.js';
import { buildRelease, ReleaseCluster } from '../test/harness/release-cluster.js';
import { runTool } from '../test/harness/upgrade-tool.js';
import { checkFlags, hasFlag, listFlag, numberFlag } from './lib/cli-flags.js';
import { runInfo } from './lib/run-info.js';

type Scenario = 'one-command' | 'allow-single' | 'manual';
const ALL: readonly Scenario[] = ['one-command', 'allow-single', 'manual'];
checkFlags(['json', 'scenarios', 'warmup-seconds', 'before-seconds', 'writers-per-table', 'keys']);
const JSON_OUT = hasFlag('json');
const SCENARIOS = listFlag('scenarios', ALL, ALL);
const WARMUP_MS = numberFlag('warmup-seconds', 10) * 1000;
const BEFORE_MS = numberFlag('before-seconds', 10) * 1000;
const WRITERS = numberFlag('writers-per-table', 2);
const KEYS = numberFlag('keys', 50);
const OPS_MAX_PER_WORKER = 2_000_000;
const UPGRADE_TIMEOUT_MS = 20 * 60_000;
const PARTITIONS = 4;
const SCAN_LIMIT = 100_000;

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'bigint', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const TABLES = [
  { name: 'sync3', replicaNum: 3, replicationMode: 'sync' as const },
  { name: 'async3', replicaNum: 3, replicationMode: 'async' as const },
  { name: 'single', replicaNum: 1, replicationMode: 'async' as const },
];

type Phase = 'before' | 'during';
/** The load's phase; `warmup` is not recorded. */
type LoadPhase = 'warmup' | Phase;

class Samples {
  readonly ms: Record<Phase, number[]> = { before: [], during: [] };
  readonly failed: Record<Phase, number> = { before: 0, during: 0 };

  add(phase: LoadPhase, ms: number, ok: boolean): void {
    if (phase === 'warmup') return;
    if (ok) {
      if (this.ms[phase].length < 2_000_000) this.ms[phase].push(ms);
    } else this.failed[phase]++;
  }

  figures(phase: Phase) {
    const s = [...this.ms[phase]].sort((a, b) => a - b);
    const at = (q: number) => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
    return { ok: s.length, failed: this.failed[phase], p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number((s.at(-1) ?? 0).toFixed(1)) };
  }
}

/** Writers and a reader per table, closed loop, until stopped. */
class Load {
  phase: LoadPhase = 'warmup';
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  readonly writes = new Map(TABLES.map((t) => [t.name, new Samples()]));
  readonly reads = new Map(TABLES.map((t) => [t.name, new Samples()]));
  readonly acked = new Map(TABLES.map((t) => [t.name, [] as number[]]));
  private seq = 0;

  constructor(private readonly conn: Connection) {
    for (const t of TABLES) {
      for (let w = 0; w < WRITERS; w++) this.loops.push(this.writer(t.name));
      this.loops.push(this.reader(t.name));
    }
  }

  private async writer(table: string): Promise<void> {
    for (let n = 0; !this.stopped && n < OPS_MAX_PER_WORKER; n++) {
      const i = this.seq++;
      const phase = this.phase;
      const t0 = performance.now();
      try {
        await this.conn.put('b', table, [`k${i % KEYS}`, BigInt(i), BigInt(i)]);
        this.writes.get(table)!.add(phase, performance.now() - t0, true);
        this.acked.get(table)!.push(i);
      } catch {
        this.writes.get(table)!.add(phase, 0, false);
      }
    }
  }

  private async reader(table: string): Promise<void> {
    for (let n = 0; !this.stopped && n < OPS_MAX_PER_WORKER; n++) {
      const phase = this.phase;
      const t0 = performance.now();
      try {
        await this.conn.scan('b', table, { key: `k${n % KEYS}`, limit: 10 });
        this.reads.get(table)!.add(phase, performance.now() - t0, true);
      } catch {
        this.reads.get(table)!.add(phase, 0, false);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

async function missingAcked(conn: Connection, table: string, acked: readonly number[]): Promise<number> {
  const present = new Set<number>();
  for (let k = 0; k < KEYS; k++) {
    // Pages of SCAN_LIMIT rows, newest first: the next page starts below the oldest ts seen.
    let newest: number | undefined;
    for (let page = 0; page < 10_000; page++) {
      const rows = await conn.scan('b', table, { key: `k${k}`, limit: SCAN_LIMIT, ...(newest !== undefined ? { newestTsMs: newest } : {}) });
      for (const row of rows) present.add(Number(row.values[2]));
      if (rows.length < SCAN_LIMIT) break;
      newest = rows.at(-1)!.tsMs - 1;
    }
  }
  return acked.filter((i) => !present.has(i)).length;
}

let active: ReleaseCluster | undefined;
async function shutdown(): Promise<void> {
  await active?.cleanup().catch(() => undefined);
  active = undefined;
  await cleanup();
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

function log(line: string): void {
  if (!JSON_OUT) process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

async function runScenario(scenario: Scenario, oldRelease: string, newRelease: string) {
  const cluster = await ReleaseCluster.start({ release: oldRelease, nameservers: 2, tablets: 3, autoFailover: true });
  active = cluster;
  const conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: 4000 });
  try {
    for (;;) {
      const healthy = (await cluster.table('showtablet')).filter((t) => t.state === 'kHealthy').length;
      if (healthy === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await conn.createDatabase('b');
    for (const t of TABLES) await conn.createTable('b', t.name, schema, { partitionNum: PARTITIONS, replicaNum: t.replicaNum, replicationMode: t.replicationMode });
    const load = new Load(conn);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    load.phase = 'before';
    await new Promise((r) => setTimeout(r, BEFORE_MS));
    load.phase = 'during';
    log(`[${scenario}] upgrading under load`);
    const t0 = performance.now();
    let upgradeOk = true;
    let upgradeNote = '';
    if (scenario === 'manual') {
      const admin = dbClientAdmin(conn.client);
      await admin.setAutoFailover(false);
      const pacer = { nowMs: () => performance.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), interrupted: () => false };
      for (const node of [...cluster.nameservers(), ...cluster.tablets()]) {
        await manualUpgradeNode(cluster, node, newRelease);
        const h = await waitHealthy(admin, pacer, `caught up after ${node.endpoint}`, { opIdBaseline: 0, timeoutMs: UPGRADE_TIMEOUT_MS, intervalMs: 300, catchUpWindowMs: 1500 });
        if (!h.ok) {
          upgradeOk = false;
          upgradeNote = h.message;
          break;
        }
        log(`[${scenario}] ${node.component} ${node.endpoint} upgraded (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
      await admin.setAutoFailover(true);
    } else {
      const args = ['upgrade', `--to=${newRelease}`, `--hosts=${cluster.hostsFile()}`, ...(scenario === 'allow-single' ? ['--allow_single_replica'] : [])];
      const r = await runTool(newRelease, args, cluster.dir);
      upgradeOk = r.code === 0;
      if (!upgradeOk) upgradeNote = r.out.split('\n').slice(-5).join(' | ');
    }
    const totalMs = performance.now() - t0;
    await load.stop();
    const tables = [];
    for (const t of TABLES) {
      const acked = load.acked.get(t.name)!;
      tables.push({
        table: t.name,
        replicas: t.replicaNum,
        replication: t.replicationMode,
        writes: { before: load.writes.get(t.name)!.figures('before'), during: load.writes.get(t.name)!.figures('during') },
        reads: { before: load.reads.get(t.name)!.figures('before'), during: load.reads.get(t.name)!.figures('during') },
        ackedWrites: acked.length,
        missingAckedWrites: await missingAcked(conn, t.name, acked),
      });
    }
    const versions = (await cluster.table('showtablet')).map((t) => t.version);
    return { scenario, upgradeOk, upgradeNote, totalSeconds: Number((totalMs / 1000).toFixed(1)), tabletVersions: versions, tables };
  } finally {
    await conn.close();
    await cluster.cleanup();
    active = undefined;
  }
}

function table(results: Awaited<ReturnType<typeof runScenario>>[]): string {
  const rows = [
    '| scenario | table | failed writes (during) | failed reads (during) | acked writes missing / acked | write p99 ms before → during | read p99 ms before → during | upgrade s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const t of r.tables) {
      rows.push(
        `| ${r.scenario}${r.upgradeOk ? '' : ' (FAILED)'} | ${t.table} | ${t.writes.during.failed} | ${t.reads.during.failed} | ${t.missingAckedWrites} / ${t.ackedWrites} | ` +
          `${t.writes.before.p99Ms} → ${t.writes.during.p99Ms} | ${t.reads.before.p99Ms} → ${t.reads.during.p99Ms} | ${r.totalSeconds} |`,
      );
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const info = runInfo();
  log(
    `upgrade benchmark: ${SCENARIOS.join(', ')}; ${WRITERS} writer(s) + 1 reader per table, ${KEYS} keys, ` +
      `warm-up ${WARMUP_MS / 1000} s (not recorded), baseline ${BEFORE_MS / 1000} s`,
  );
  const [oldRelease, newRelease] = await Promise.all([buildRelease('0.1.0'), buildRelease('0.2.0')]);
  const results = [];
  for (const s of SCENARIOS) {
    const r = await runScenario(s, oldRelease, newRelease);
    results.push(r);
    log(`[${s}] done in ${r.totalSeconds} s${r.upgradeOk ? '' : `: UPGRADE FAILED: ${r.upgradeNote}`}`);
    log(table([r]));
  }
  log(table(results));
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ benchmark: 'upgrade', ...info, writersPerTable: WRITERS, keys: KEYS, warmupSeconds: WARMUP_MS / 1000, beforeSeconds: BEFORE_MS / 1000, partitions: PARTITIONS, results })}\n`);
}

main().then(
  () => shutdown(),
  async (err) => {
    process.stderr.write(`upgrade benchmark failed: ${(err as Error).stack ?? err}\n`);
    await shutdown();
    process.exit(1);
  },
);
