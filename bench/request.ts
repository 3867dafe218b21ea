/**
 * Request mode (online feature computation) against DuckDB, in one run:
 *
 * - Data (bench/lib/fraud-rows.ts): `tx` (id bigint, card string, mcc int, amount double,
 *   ts timestamp; index on card ordered by ts, no TTL) with `--cards` cards × `--rows-per-card`
 *   rows over 10 days, and `mcc_info` (mcc int, ts timestamp, category string, risk double; two
 *   versions of each of 500 categories). Loaded with putMany (1,000 rows, 4 in flight).
 * - The deployment: sum/count/avg of amount over three ROWS_RANGE windows (1 h, 1 d, 7 d)
 *   PARTITION BY card ORDER BY ts, plus LAST JOIN mcc_info ON mcc (category, risk).
 * - Requests: new transactions (not stored) of random cards, up to 1 h after the stored data,
 *   a pool of `--requests` rows used in turn. One request row per call (callDeployment).
 * - DuckDB (@duckdb/node-api, in this process, default threads): the same rows; per request one
 *   run of a prepared statement (bench/lib/duckdb-features.ts: `window` = RANGE window aggregates
 *   over the card's stored rows plus the request row, `filter` = the same as FILTERed aggregates).
 *   Each DuckDB client has its own connection and prepared statement.
 * - Before timing, `--verify` requests are computed by both and every feature compared (relative
 *   difference <= 1e-9 for numbers); the mismatch count is printed.
 * - Timed phases: closed loop with 1 and 16 clients (`--clients`); ours = one SDK connection with
 *   that many calls in flight; DuckDB = that many connections, one call in flight each. Each phase
 *   `--warmup-seconds` then `--seconds` (at most `--ops-max` calls).
 * - Standalone (one process), then the same on a cluster of 3 tablets (1 nameserver, ZooKeeper;
 *   tables of `--partitions` partitions × `--cluster-replicas` replicas): our side only, compared
 *   with DuckDB's figures of the same run.
 *
 *   npx tsx bench/request.ts [--json] [--cards=1000] [--rows-per-card=1000] [--requests=10000]
 *        [--verify=500] [--seconds=5] [--warmup-seconds=1] [--ops-max=1000000] [--clients=1,16]
 *        [--modes=standalone,cluster] [--duck-sql=window,filter] [--partitions=8]
 *        [--cluster-replicas=1] [--cpu-prof=DIR]
 *
 * `--json`: the last line printed is one JSON object with every figure. `--cpu-prof=DIR`: the
 * standalone database and the tablets run under `node --cpu-prof` (profiles land in DIR), from a
 * copy of the bundle kept in build/bench-pinned/request/ so the profiles map to src/.
 * Runs `node scripts/setup.mjs bench` first (ZooKeeper, the bundle).
 */
import { join } from 'node:path';
import type { TableSchema, Value } from '../src/protocol/schema.js';
import { type Connection, connect } from '../src/sdk/index.js';
import { BenchCluster } from './lib/bench-cluster.js';
import { checkFlags, hasFlag, listFlag, numberFlag, stringFlag } from './lib/cli-flags.js';
import { cpuMsOf, runStep } from './lib/children.js';
import { type LoadFigures, runClosedLoop, runPipelined } from './lib/closed-loop.js';
import { type DuckClient, DuckFeatures, type DuckSql, type Features } from './lib/duckdb-features.js';
import {
  DEPLOYMENT_SELECT,
  FEATURE_NAMES,
  MCC_SCHEMA,
  mccRows,
  mccValues,
  requestRow,
  storedRow,
  TX_SCHEMA,
  type TxRow,
  txValues,
} from './lib/fraud-rows.js';
import { fmtInt, runInfo } from './lib/run-info.js';
import { BUNDLE, pinProgram } from './lib/pinned-program.js';
import { startStandaloneProgram } from './lib/standalone-process.js';
import { ROOT } from './lib/standalone-server.js';
import { fmt } from './lib/stats.js';

checkFlags([
  'json',
  'cards',
  'rows-per-card',
  'requests',
  'verify',
  'seconds',
  'warmup-seconds',
  'ops-max',
  'clients',
  'modes',
  'duck-sql',
  'partitions',
  'cluster-replicas',
  'cpu-prof',
]);
const JSON_OUT = hasFlag('json');
const CARDS = numberFlag('cards', 1000);
const ROWS_PER_CARD = numberFlag('rows-per-card', 1000);
const REQUESTS = numberFlag('requests', 10_000);
const VERIFY = numberFlag('verify', 500);
const SECONDS = numberFlag('seconds', 5);
const WARMUP_SECONDS = numberFlag('warmup-seconds', 1);
const OPS_MAX = numberFlag('ops-max', 1_000_000);
const CLIENTS = (stringFlag('clients') ?? '1,16').split(',').map((c) => {
  const n = Number(c);
  if (!(Number.isInteger(n) && n > 0 && n <= 256)) throw new Error(`--clients: '${c}' is not a client count in 1..256`);
  return n;
});
const MODES = listFlag('modes', ['standalone', 'cluster'], ['standalone', 'cluster']);
const DUCK_SQL = listFlag<DuckSql>('duck-sql', ['window', 'filter'], ['window', 'filter']);
const PARTITIONS = numberFlag('partitions', 8);
const CLUSTER_REPLICAS = numberFlag('cluster-replicas', 1);
const CPU_PROF_DIR = stringFlag('cpu-prof');
const NODE_ARGS = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`];

const ROWS = CARDS * ROWS_PER_CARD;
let PROGRAM = BUNDLE;
const DB = 'bench';
const DEPLOYMENT = 'fraud';
const LOAD_BATCH_ROWS = 1_000;
const LOAD_BATCHES_IN_FLIGHT = 4;
const TARGET_P99_MS = 1;
const TARGET_RATIO = 20;
const RELATIVE_TOLERANCE = 1e-9;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const requests: TxRow[] = Array.from({ length: REQUESTS }, (_, i) => requestRow(i, CARDS));
const requestValues: Value[][] = requests.map(txValues);

// ---------------------------------------------------------------------------------------------
// Our side

async function setUpOurs(conn: Connection, options: { partitionNum?: number; replicaNum?: number }): Promise<{ loadRowsPerSec: number }> {
  await conn.createDatabase(DB);
  await conn.createTable(DB, 'tx', TX_SCHEMA, options);
  await conn.createTable(DB, 'mcc_info', MCC_SCHEMA as TableSchema, options);
  await conn.putMany(DB, 'mcc_info', mccRows().map(mccValues));
  const seconds = await runPipelined(Math.ceil(ROWS / LOAD_BATCH_ROWS), LOAD_BATCHES_IN_FLIGHT, async (b) => {
    const rows: Value[][] = [];
    for (let n = b * LOAD_BATCH_ROWS; n < Math.min(ROWS, (b + 1) * LOAD_BATCH_ROWS); n++) rows.push(txValues(storedRow(n, CARDS, ROWS_PER_CARD)));
    await conn.putMany(DB, 'tx', rows);
  });
  await conn.use(DB);
  await conn.execute(`DEPLOY ${DEPLOYMENT} ${DEPLOYMENT_SELECT}`);
  return { loadRowsPerSec: ROWS / seconds };
}

/** The features of one request: ours returns id, card, then the features. */
async function oursFeatures(conn: Connection, i: number): Promise<Features> {
  const out = await conn.callDeployment(DB, DEPLOYMENT, [requestValues[i]!]);
  if (out.rows.length !== 1) throw new Error(`deployment returned ${out.rows.length} rows for request ${i}`);
  return out.rows[0]!.slice(2).map((v) => (typeof v === 'bigint' ? Number(v) : (v as number | string | null)));
}

// ---------------------------------------------------------------------------------------------
// Verification

function sameValue(a: number | string | null | undefined, b: number | string | null | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

interface Verification {
  readonly requests: number;
  /** Per DuckDB formulation: requests with at least one feature that differs. */
  readonly mismatches: Record<string, number>;
  readonly firstMismatch?: { sql: string; request: number; feature: string; ours: unknown; duckdb: unknown };
  /** Mean rows in the 1 h / 1 d / 7 d windows (request row included), from the counts. */
  readonly meanWindowRows: readonly number[];
}

async function verify(conn: Connection, duckClients: ReadonlyMap<DuckSql, readonly DuckClient[]>): Promise<Verification> {
  const mismatches: Record<string, number> = Object.fromEntries([...duckClients.keys()].map((k) => [k, 0]));
  let firstMismatch: Verification['firstMismatch'];
  const windowRows = [0, 0, 0];
  for (let i = 0; i < VERIFY; i++) {
    const ours = await oursFeatures(conn, i);
    windowRows[0]! += Number(ours[1]);
    windowRows[1]! += Number(ours[4]);
    windowRows[2]! += Number(ours[7]);
    for (const [sql, clients] of duckClients) {
      const theirs = await clients[0]!.features(requests[i]!);
      const bad = FEATURE_NAMES.findIndex((_, f) => !sameValue(ours[f], theirs[f]));
      if (bad >= 0) {
        mismatches[sql]!++;
        firstMismatch ??= { sql, request: i, feature: FEATURE_NAMES[bad]!, ours: ours[bad], duckdb: theirs[bad] };
      }
    }
  }
  return { requests: VERIFY, mismatches, ...(firstMismatch ? { firstMismatch } : {}), meanWindowRows: windowRows.map((r) => r / VERIFY) };
}

function verificationLine(v: Verification): string {
  return (
    `  verified ${v.requests} requests against DuckDB: mismatches ${Object.entries(v.mismatches)
      .map(([sql, n]) => `${sql} ${n}`)
      .join(', ')}` +
    (v.firstMismatch ? ` (first: ${JSON.stringify(v.firstMismatch)})` : '') +
    `; mean rows in the 1 h / 1 d / 7 d windows ${v.meanWindowRows.map((r) => fmt(r, 1)).join(' / ')}`
  );
}

// ---------------------------------------------------------------------------------------------
// Timed phases

interface Phase {
  readonly system: string;
  readonly clients: number;
  readonly figures: LoadFigures;
  /** CPU of the server processes per call (ours), µs. */
  readonly serverCpuUsPerOp: number;
}

async function timed(
  system: string,
  clients: number,
  call: (worker: number, n: number) => Promise<void>,
  serverPids: readonly number[],
): Promise<Phase> {
  // A call in flight holds a client slot (for DuckDB: its own connection); at most `clients` are taken.
  const free = Array.from({ length: clients }, (_, i) => clients - 1 - i);
  const run = (seconds: number, opsMax: number) =>
    runClosedLoop(
      async (n) => {
        const slot = free.pop()!;
        try {
          await call(slot, n);
        } finally {
          free.push(slot);
        }
      },
      clients,
      { seconds, opsMax },
      process.pid,
    );
  await run(WARMUP_SECONDS, OPS_MAX);
  const cpuBefore = serverPids.map(cpuMsOf);
  const figures = await run(SECONDS, OPS_MAX);
  const serverCpuMs = serverPids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - cpuBefore[i]!, 0);
  return { system, clients, figures, serverCpuUsPerOp: (serverCpuMs * 1000) / Math.max(1, figures.ops) };
}

function phaseLine(p: Phase): string {
  const f = p.figures;
  return (
    `${p.system.padEnd(22)} ${String(p.clients).padStart(7)}  ${fmtInt(f.opsPerSec).padStart(9)}  ${fmt(f.p50Ms, 3).padStart(8)}  ${fmt(f.p99Ms, 3).padStart(8)}  ` +
    `${fmtInt(f.ops).padStart(9)}  ${fmt(f.clientCpuUsPerOp, 0).padStart(11)}  ${(p.serverCpuUsPerOp > 0 ? fmt(p.serverCpuUsPerOp, 0) : '-').padStart(11)}`
  );
}

const PHASE_HEADER = 'system                 clients    calls/s    p50 ms    p99 ms      calls  client µs/op  server µs/op';

async function duckPhases(duck: DuckFeatures, clientsMax: number): Promise<Map<DuckSql, DuckClient[]>> {
  const clients = new Map<DuckSql, DuckClient[]>();
  for (const sql of DUCK_SQL) clients.set(sql, await Promise.all(Array.from({ length: clientsMax }, () => duck.client(sql))));
  return clients;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const info = runInfo();
  runStep(process.execPath, [join(ROOT, 'scripts', 'setup.mjs'), 'bench'], ROOT);
  // A profiled run pins the bundle so its profiles can be mapped to src/ after others rebuild it.
  PROGRAM = CPU_PROF_DIR === undefined ? BUNDLE : pinProgram('request');
  log(`request-mode benchmark (${info.commit}); node ${info.node}; ${info.cpus} CPUs, load average ${info.loadAverage1m}; ${info.date}`);
  log(
    `data: ${fmtInt(ROWS)} rows (${fmtInt(CARDS)} cards x ${fmtInt(ROWS_PER_CARD)} over 10 days) + ${fmtInt(mccRows().length)} mcc_info rows; ` +
      `${fmtInt(REQUESTS)} request rows; phases ${WARMUP_SECONDS} s warm-up + ${SECONDS} s; clients ${CLIENTS.join(', ')}` +
      (CPU_PROF_DIR === undefined ? '' : `; UNDER THE CPU PROFILER (${CPU_PROF_DIR}): times not comparable`),
  );
  log(`deployment: ${DEPLOYMENT_SELECT}`);

  const duck = await DuckFeatures.create();
  const duckLoadStart = performance.now();
  await duck.load(ROWS, (i) => storedRow(i, CARDS, ROWS_PER_CARD), mccRows());
  const duckLoadSeconds = (performance.now() - duckLoadStart) / 1000;
  const duckVersion = await duck.version();
  log(`DuckDB ${duckVersion}: loaded in ${fmt(duckLoadSeconds, 1)} s (sorted by card_key, ts; ART index on card)`);
  const clientsMax = Math.max(...CLIENTS);
  const duckClients = await duckPhases(duck, clientsMax);
  const result: Record<string, unknown> = {
    bench: 'request',
    ...info,
    config: { cards: CARDS, rowsPerCard: ROWS_PER_CARD, rows: ROWS, requests: REQUESTS, verify: VERIFY, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, clients: CLIENTS, partitions: PARTITIONS, clusterReplicas: CLUSTER_REPLICAS, deployment: DEPLOYMENT_SELECT, cpuProfile: CPU_PROF_DIR !== undefined },
    duckdb: { version: duckVersion, loadSeconds: duckLoadSeconds },
  };
  const phases: (Phase & { mode: string })[] = [];
  const verifications: Record<string, Verification> = {};
  const loads: Record<string, number> = {};

  const duckPhasesAt = async (clients: number) => {
    for (const sql of DUCK_SQL) {
      const pool = duckClients.get(sql)!;
      const p = await timed(`duckdb (${sql})`, clients, async (slot, n) => void (await pool[slot]!.features(requests[n % REQUESTS]!)), []);
      phases.push({ ...p, mode: 'in-process' });
      log(phaseLine(p));
    }
  };

  try {
    if (MODES.includes('standalone')) {
      log('');
      log('standalone');
      const server = await startStandaloneProgram(PROGRAM, NODE_ARGS);
      const conn = await connect({ host: server.host, port: server.port });
      try {
        const { loadRowsPerSec } = await setUpOurs(conn, {});
        loads.standalone = loadRowsPerSec;
        log(`  loaded at ${fmtInt(loadRowsPerSec)} rows/s; deployed`);
        const v = await verify(conn, duckClients);
        verifications.standalone = v;
        log(verificationLine(v));
        log(PHASE_HEADER);
        for (const clients of CLIENTS) {
          const p = await timed('ours standalone', clients, async (_slot, n) => void (await oursFeatures(conn, n % REQUESTS)), [server.child.pid]);
          phases.push({ ...p, mode: 'standalone' });
          log(phaseLine(p));
          await duckPhasesAt(clients);
        }
      } finally {
        await conn.close();
        await server.child.stop('SIGTERM');
      }
    } else {
      log('');
      log(PHASE_HEADER);
      for (const clients of CLIENTS) await duckPhasesAt(clients);
    }

    if (MODES.includes('cluster')) {
      log('');
      log(`cluster: 3 tablets, 1 nameserver; tables of ${PARTITIONS} partitions x ${CLUSTER_REPLICAS} replica(s)`);
      const cluster = await BenchCluster.start({
        nameservers: 1,
        tablets: 3,
        zkSessionTimeoutMs: 10_000,
        zkTickTimeMs: 200,
        tabletHeartbeatTimeoutMs: 60_000,
        tabletFlags: ['--make_snapshot_check_interval=86400000'],
        nameserverFlags: ['--name_server_task_wait_time=100'],
        tabletNodeArgs: NODE_ARGS,
        program: PROGRAM,
      });
      const conn = await connect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath });
      try {
        const { loadRowsPerSec } = await setUpOurs(conn, { partitionNum: PARTITIONS, replicaNum: CLUSTER_REPLICAS });
        loads.cluster = loadRowsPerSec;
        log(`  loaded at ${fmtInt(loadRowsPerSec)} rows/s; deployed`);
        const v = await verify(conn, duckClients);
        verifications.cluster = v;
        log(verificationLine(v));
        log(PHASE_HEADER);
        const pids = cluster.tablets().map((t) => t.child!.pid);
        for (const clients of CLIENTS) {
          const p = await timed('ours cluster', clients, async (_slot, n) => void (await oursFeatures(conn, n % REQUESTS)), pids);
          phases.push({ ...p, mode: 'cluster' });
          log(phaseLine(p));
        }
      } finally {
        await conn.close();
        await cluster.close();
      }
    }
  } finally {
    for (const pool of duckClients.values()) for (const c of pool) c.close();
    duck.close();
    if (CPU_PROF_DIR !== undefined) process.stderr.write(`CPU profiles written to ${CPU_PROF_DIR}\n`);
  }

  // Ratios against the faster DuckDB formulation at the same client count.
  log('');
  const summary = CLIENTS.flatMap((clients) => {
    const duckBest = phases
      .filter((p) => p.clients === clients && p.system.startsWith('duckdb'))
      .reduce<Phase | undefined>((best, p) => (best === undefined || p.figures.opsPerSec > best.figures.opsPerSec ? p : best), undefined);
    return phases
      .filter((p) => p.clients === clients && p.system.startsWith('ours'))
      .map((p) => {
        const ratio = duckBest === undefined ? Number.NaN : p.figures.opsPerSec / duckBest.figures.opsPerSec;
        log(
          `${p.system} at ${clients} client(s): ${fmtInt(p.figures.opsPerSec)} calls/s = ${fmt(ratio, 1)} x DuckDB's best (${duckBest?.system}, ${fmtInt(duckBest?.figures.opsPerSec ?? Number.NaN)}/s); ` +
            `p99 ${fmt(p.figures.p99Ms, 3)} ms`,
        );
        return { system: p.system, clients, opsPerSec: p.figures.opsPerSec, p99Ms: p.figures.p99Ms, duckdbBest: duckBest?.system, duckdbOpsPerSec: duckBest?.figures.opsPerSec, ratio };
      });
  });
  const standalone1 = phases.find((p) => p.mode === 'standalone' && p.clients === 1);
  const aims = {
    p99Under1MsAt1ClientStandalone: standalone1 === undefined ? null : standalone1.figures.p99Ms < TARGET_P99_MS,
    atLeast20xDuckDb: summary.length === 0 ? null : summary.every((s) => s.ratio >= TARGET_RATIO),
  };
  log(
    `aims: p99 < ${TARGET_P99_MS} ms at 1 client standalone: ${aims.p99Under1MsAt1ClientStandalone === null ? 'not run' : aims.p99Under1MsAt1ClientStandalone ? 'met' : 'MISSED'}; ` +
      `>= ${TARGET_RATIO} x DuckDB throughput everywhere: ${aims.atLeast20xDuckDb === null ? 'not run' : aims.atLeast20xDuckDb ? 'met' : 'MISSED'}`,
  );
  if (JSON_OUT) {
    result.loadRowsPerSec = loads;
    result.verification = verifications;
    result.phases = phases.map((p) => ({ mode: p.mode, system: p.system, clients: p.clients, ...p.figures, serverCpuUsPerOp: p.serverCpuUsPerOp }));
    result.summary = summary;
    result.aims = aims;
    log(JSON.stringify(result));
  }
}

await main();
