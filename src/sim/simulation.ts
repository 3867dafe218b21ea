import { codeName } from '../base/status.js';
import { checkAll, type CheckName, type Violation } from './checker.js';
import { snapshotCluster } from './cluster-snapshot.js';
import { DEFAULT_FAULTS, FaultInjector, type FaultKind, type FaultOptions } from './fault-injector.js';
import { type OperatorReport, recoverData } from './operator.js';
import { quiescenceProblems, quiescenceWarnings } from './quiescence.js';
import { DEFAULT_CLUSTER_CONFIG, deriveRng, type ProcessBug, SimCluster, type SimClusterConfig } from './sim-cluster.js';
import type { NetworkStats } from './sim-network.js';
import { DEFAULT_WORKLOAD, SIM_DB, SIM_SCHEMA, SIM_TABLES, Workload, type WorkloadOptions } from './workload.js';

/**
 * One simulation run, a pure function of its options (the seed above all):
 *  1. setup — start the cluster, wait for a leader nameserver and healthy tablets, create the
 *     tables (sync and async, 3 replicas);
 *  2. faults — the workload writes while faults are injected, for `steps` scheduler events;
 *  3. heal — every fault is undone, crashed nodes restart, the writers finish their last put;
 *  4. quiesce — run until the cluster settles (quiescence.ts); if auto-failover does not get
 *     every replica back within a bound, the operator runs recoverdata (operator.ts) and the
 *     cluster must settle then;
 *  5. progress — every client writes to every table: all must succeed; settle again;
 *  6. check — convergence, acknowledged writes, rows, ops (checker.ts), and bugs that escaped.
 */
export interface SimulationOptions {
  readonly seed: number;
  /** Scheduler events in the fault phase. */
  readonly steps: number;
  readonly cluster?: Partial<Omit<SimClusterConfig, 'seed'>>;
  readonly faults?: Partial<FaultOptions>;
  readonly workload?: Partial<WorkloadOptions>;
  /** Fake-time bounds of the phases. */
  readonly setupTimeoutMs?: number;
  readonly quiesceTimeoutMs?: number;
  /** The cluster must stay settled this long to count as quiescent. */
  readonly stableMs?: number;
  /** Writes per client and table in the progress probe. */
  readonly probeWritesPerTable?: number;
  /** Fake time the cluster gets to recover by itself (auto-failover) before the operator acts. */
  readonly autoRecoveryTimeoutMs?: number;
  /** Whether the simulated operator runs recoverdata when auto-failover did not restore every replica (default true). */
  readonly operator?: boolean;
  /** Called with the cluster and workload just before the checks (tests inject bugs here). */
  readonly beforeChecks?: (cluster: SimCluster, workload: Workload) => void;
}

export type CheckOutcome = 'pass' | 'fail' | 'skipped';

export interface SimulationReport {
  readonly seed: number;
  readonly steps: number;
  readonly events: number;
  readonly fakeTimeMs: number;
  readonly traceHash: string;
  readonly faults: Record<FaultKind, number>;
  /** Ops of the final leader's engine by status, and by type. */
  readonly ops: { readonly byStatus: Record<string, number>; readonly byType: Record<string, number> };
  readonly writes: {
    readonly attempted: number;
    readonly acked: number;
    readonly failed: number;
    readonly pending: number;
    readonly failuresByCode: Record<string, number>;
    readonly lostSync: number;
    readonly lostAsync: number;
    readonly probeAcked: number;
    readonly probeAttempted: number;
  };
  readonly network: NetworkStats;
  /** How the cluster got back to every replica alive: by itself, after the operator's recoverdata, or not at all. */
  readonly recovery: 'automatic' | 'operator' | 'failed';
  /** What the operator did, when it ran. */
  readonly operator?: OperatorReport;
  readonly checks: Record<CheckName, CheckOutcome>;
  readonly violations: readonly Violation[];
  /** Degradations left at the end that the design tolerates (e.g. a partition left snapshotPaused). */
  readonly warnings: readonly string[];
  readonly bugs: readonly ProcessBug[];
  /** The last lines of the simulator's log (kept for every run; print them for a failed one). */
  readonly trace: readonly string[];
}

const POLL_MS = 200;

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const config: SimClusterConfig = {
    ...DEFAULT_CLUSTER_CONFIG,
    ...options.cluster,
    seed: options.seed,
  };
  const cluster = new SimCluster(config);
  const { clock, trace } = cluster;
  const workload = new Workload(cluster, SIM_TABLES, deriveRng(options.seed, 'workload'), { ...DEFAULT_WORKLOAD, ...options.workload });
  const opRng = deriveRng(options.seed, 'operator');
  const faults = new FaultInjector(cluster, deriveRng(options.seed, 'faults'), { ...DEFAULT_FAULTS, ...options.faults }, () => {
    const table = SIM_TABLES[opRng.int(SIM_TABLES.length)]!;
    const pid = opRng.int(table.partitionNum);
    const client = cluster.clients[opRng.int(cluster.clients.length)]!;
    trace.note('operator: makesnapshot', { table: table.name, pid, via: client.name });
    void client.client.nsRaw('MakeSnapshotNS', { db: SIM_DB, name: table.name, pid }).then((r) => {
      if (!r.ok) trace.note('operator: makesnapshot failed', { table: table.name, pid, error: r.message });
    });
  });
  const violations: Violation[] = [];
  const checks: Record<CheckName, CheckOutcome> = {
    convergence: 'skipped',
    ackedWrites: 'skipped',
    rows: 'skipped',
    ops: 'skipped',
    quiescence: 'skipped',
    progress: 'skipped',
    bugs: 'skipped',
  };
  let lost = { lostSync: 0, lostAsync: 0 };
  let recovery: SimulationReport['recovery'] = 'automatic';
  let operator: OperatorReport | undefined;
  const stableMs = options.stableMs ?? 2_000;

  /** Runs until the cluster has been settled for `stableMs`; the problems seen last otherwise. */
  const quiesce = async (timeoutMs: number): Promise<string[]> => {
    let since: number | undefined;
    let nextCheckMs = clock.nowMs;
    let problems: string[] = ['not checked yet'];
    const reached = await clock.runUntil(
      () => {
        if (clock.nowMs < nextCheckMs) return false;
        nextCheckMs = clock.nowMs + POLL_MS;
        problems = quiescenceProblems(cluster);
        if (problems.length > 0) since = undefined;
        else since ??= clock.nowMs;
        return since !== undefined && clock.nowMs - since >= stableMs;
      },
      { untilMs: clock.nowMs + timeoutMs },
    );
    return reached === 'reached' ? [] : problems;
  };

  /** The phases; returns early when one cannot go on. */
  const phases = async (): Promise<void> => {
    trace.note('phase: setup', { seed: options.seed, steps: options.steps });
    cluster.start();
    const setupTimeoutMs = options.setupTimeoutMs ?? 30_000;
    const up = await clock.runUntil(
      () => {
        const ns = cluster.leader()?.nameserver;
        return ns !== undefined && cluster.tablets.every((t) => ns.view().tablets.get(t.endpoint)?.state === 'kHealthy');
      },
      { untilMs: clock.nowMs + setupTimeoutMs },
    );
    if (up !== 'reached') {
      violations.push({ check: 'quiescence', message: `the cluster did not come up within ${setupTimeoutMs} ms: ${quiescenceProblems(cluster).join('; ')}` });
      return;
    }
    const admin = cluster.clients[0]!.client;
    const setupSteps: [string, () => Promise<{ ok: boolean; code?: number; message?: string }>][] = [
      ['create database', () => admin.createDatabase(SIM_DB, true)],
      ...SIM_TABLES.map((t): [string, () => Promise<{ ok: boolean }>] => [
        `create table ${t.name}`,
        () => admin.createTable(SIM_DB, t.name, SIM_SCHEMA, { partitionNum: t.partitionNum, replicaNum: t.replicaNum, replicationMode: t.replicationMode }),
      ]),
    ];
    for (const [what, step] of setupSteps) {
      const done = await cluster.settle(step(), setupTimeoutMs);
      if (!done.done || !done.value.ok) {
        const why = done.done ? `${codeName(done.value.code ?? 0)}: ${done.value.message}` : 'no answer';
        violations.push({ check: 'quiescence', message: `setup failed: ${what}: ${why}` });
        return;
      }
    }
    const settled = await quiesce(setupTimeoutMs);
    if (settled.length > 0) {
      violations.push({ check: 'quiescence', message: `the new tables did not settle: ${settled.join('; ')}` });
      return;
    }

    trace.note('phase: faults', { steps: options.steps });
    workload.start();
    faults.start();
    await clock.runUntil(() => false, { maxSteps: options.steps });

    trace.note('phase: heal', { activeFaults: faults.activeCount });
    faults.healAll();
    workload.stop();
    await clock.runUntil(() => workload.activeWriters === 0, { untilMs: clock.nowMs + 60_000 });

    const quiesceTimeoutMs = options.quiesceTimeoutMs ?? 120_000;
    trace.note('phase: quiesce');
    let stuck = await quiesce(options.autoRecoveryTimeoutMs ?? 60_000);
    if (stuck.length > 0 && options.operator !== false) {
      trace.note('phase: operator recovery', { problems: stuck.join('; ') });
      recovery = 'operator';
      const ran = await cluster.settle(recoverData(cluster, cluster.clients[0]!.client, quiesceTimeoutMs), quiesceTimeoutMs);
      operator = ran.done ? ran.value : { actions: [], failures: ['the operator did not finish'] };
      stuck = await quiesce(quiesceTimeoutMs);
    }
    checks.quiescence = stuck.length === 0 ? 'pass' : 'fail';
    if (stuck.length > 0) {
      violations.push({
        check: 'quiescence',
        message: `the cluster did not settle after the faults healed${recovery === 'operator' ? ' and the operator ran recoverdata' : ''}: ${stuck.join('; ')}`,
      });
      recovery = 'failed';
    }

    trace.note('phase: progress');
    const probe = await cluster.settle(workload.probe(options.probeWritesPerTable ?? 4), 60_000);
    const probeFailures = probe.done ? probe.value.filter((r) => r.status !== 'acked') : [];
    checks.progress = probe.done && probeFailures.length === 0 ? 'pass' : 'fail';
    if (!probe.done) violations.push({ check: 'progress', message: 'the progress writes did not finish within 60000 ms' });
    else if (probeFailures.length > 0) {
      violations.push({
        check: 'progress',
        message: `${probeFailures.length} of ${probe.value.length} writes after the faults healed failed: ${probeFailures
          .slice(0, 5)
          .map((r) => `${r.table} key ${r.key} → ${r.failure}`)
          .join(', ')}`,
      });
    }
    if (checks.quiescence === 'pass') {
      const again = await quiesce(quiesceTimeoutMs);
      if (again.length > 0) {
        checks.quiescence = 'fail';
        violations.push({ check: 'quiescence', message: `the cluster did not settle after the progress writes: ${again.join('; ')}` });
      }
    }

    trace.note('phase: check');
    options.beforeChecks?.(cluster, workload);
    const snapshot = snapshotCluster(cluster, true);
    if (!snapshot) {
      violations.push({ check: 'quiescence', message: 'no leader nameserver at the end of the run' });
      return;
    }
    const result = checkAll(snapshot, workload.records);
    lost = { lostSync: result.lostSync, lostAsync: result.lostAsync };
    for (const name of ['convergence', 'ackedWrites', 'rows', 'ops'] as const) {
      checks[name] = result.violations.some((v) => v.check === name) ? 'fail' : 'pass';
    }
    violations.push(...result.violations);
  };
  await phases();

  checks.bugs = cluster.bugs.length > 0 ? 'fail' : 'pass';
  for (const b of cluster.bugs) violations.push({ check: 'bugs', message: `${b.node} at ${b.atMs} ms: ${b.error}` });
  for (const v of violations) trace.note('VIOLATION', { check: v.check, message: v.message });

  return {
    seed: options.seed,
    steps: options.steps,
    events: clock.eventsRun,
    fakeTimeMs: clock.nowMs,
    traceHash: trace.hash,
    faults: { ...faults.counts },
    ops: opCounts(cluster),
    writes: writeCounts(workload, lost),
    network: { ...cluster.network.stats },
    recovery,
    ...(operator ? { operator } : {}),
    checks,
    violations,
    warnings: quiescenceWarnings(cluster),
    bugs: [...cluster.bugs],
    trace: trace.lines(),
  };
}

function opCounts(cluster: SimCluster): SimulationReport['ops'] {
  const byStatus: Record<string, number> = {};
  const byType: Record<string, number> = {};
  for (const o of snapshotCluster(cluster, false)?.ops ?? []) {
    if (o.source !== 'engine') continue;
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    byType[o.opType] = (byType[o.opType] ?? 0) + 1;
  }
  return { byStatus, byType };
}

function writeCounts(workload: Workload, lost: { lostSync: number; lostAsync: number }): SimulationReport['writes'] {
  const failuresByCode: Record<string, number> = {};
  let acked = 0;
  let failed = 0;
  let pending = 0;
  let probeAcked = 0;
  let probeAttempted = 0;
  for (const r of workload.records) {
    if (r.status === 'acked') acked++;
    else if (r.status === 'pending') pending++;
    else {
      failed++;
      failuresByCode[r.failure ?? '?'] = (failuresByCode[r.failure ?? '?'] ?? 0) + 1;
    }
    if (r.probe) {
      probeAttempted++;
      if (r.status === 'acked') probeAcked++;
    }
  }
  return { attempted: workload.records.length, acked, failed, pending, failuresByCode, ...lost, probeAcked, probeAttempted };
}
