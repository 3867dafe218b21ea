/**
 * Restart and recovery of a standalone database holding `--rows` rows (20-byte key, ms timestamp,
 * 100-byte value; one index on key with ts): the first `--snapshot-rows` are covered by a snapshot
 * (tablet RPC MakeSnapshot, force), the rest are only in the binlog. The process is stopped and
 * started again over the same data; the time is taken from spawn until the tablet's GetTableStatus
 * lists the table in a state other than 'loading' (its recovery is complete), holding every row. Variants: SIGTERM (clean shutdown) and kill -9 (no shutdown), `--repeats` times each, in
 * turns. The split between snapshot and binlog comes from the tablet's 'table loaded' log line.
 * Before loading, the same restart of the empty table gives the fixed cost of starting a process.
 *
 *   npx tsx bench/recovery.ts [--json] [--rows=1000000] [--snapshot-rows=700000] [--rows-per-key=100]
 *                             [--repeats=2] [--cpu-prof=DIR]
 *
 * `--json`: the last line printed is one JSON object with every figure. `--cpu-prof=DIR`: every
 * restart runs under `node --cpu-prof`, and each clean stop leaves a profile in DIR (the profiler
 * slows the process: those restart times are not comparable). Runs `node scripts/setup.mjs start`
 * first (installs npm packages when missing, builds the bundle).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { callTablet } from '../src/protocol/typed-call.js';
import { type Connection, connect } from '../src/sdk/index.js';
import { checkFlags, hasFlag, numberFlag, stringFlag } from './lib/cli-flags.js';
import { cpuMsOf, runStep, rssBytesOf } from './lib/children.js';
import { runPipelined } from './lib/closed-loop.js';
import { KV_SCHEMA, loadRow, rowKey } from './lib/kv-rows.js';
import { fmtInt, runInfo } from './lib/run-info.js';
import { logLines, ROOT, type StandaloneServer, startStandalone } from './lib/standalone-server.js';

checkFlags(['json', 'rows', 'snapshot-rows', 'rows-per-key', 'repeats', 'cpu-prof']);
const JSON_OUT = hasFlag('json');
const ROWS = numberFlag('rows', 1_000_000);
const SNAPSHOT_ROWS = numberFlag('snapshot-rows', 700_000);
const ROWS_PER_KEY = numberFlag('rows-per-key', 100);
const REPEATS = numberFlag('repeats', 2);
const CPU_PROF_DIR = stringFlag('cpu-prof');
const KEYS = Math.max(1, Math.round(ROWS / ROWS_PER_KEY));
if (SNAPSHOT_ROWS >= ROWS) throw new Error(`--snapshot-rows (${SNAPSHOT_ROWS}) must be below --rows (${ROWS})`);
const DB = 'bench';
const TABLE = 'recovery';
const LOAD_BATCH_ROWS = 1_000;
const LOAD_BATCHES_IN_FLIGHT = 4;
const POLL_MS = 10;
const RESTART_TIMEOUT_MS = 600_000;
const TARGET_ROWS_PER_SEC = 1_000_000;
const NODE_ARGS = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`];

type Variant = 'SIGTERM' | 'SIGKILL';

interface Restart {
  readonly variant: Variant;
  /** From the signal to the exit of the old process. */
  readonly stopMs: number;
  /** From spawn until GetTableStatus lists the table as loaded (its recovery is complete). */
  readonly readyMs: number;
  readonly rowsPerSec: number;
  /**
   * CPU time (user + system) the new process had used when the table was seen loaded: steadier
   * than wall time on a busy machine, where the process waits for a core.
   */
  readonly cpuMs: number;
  readonly rowsPerCpuSec: number;
  /** From spawn until the nameserver answers (clients can connect). */
  readonly servingMs: number;
  readonly recordCnt: number;
  /** The 'table loaded' log line. */
  readonly offset: number;
  readonly rowsFromSnapshot: number;
  readonly entriesReplayed: number;
  /** From spawn (wall clock) to the process's first log line, and to its 'table loaded' line. */
  readonly firstLogLineMs: number;
  readonly tableLoadedLogMs: number;
  readonly rssAfterBytes: number;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function load(conn: Connection, from: number, to: number): Promise<number> {
  const seconds = await runPipelined(Math.ceil((to - from) / LOAD_BATCH_ROWS), LOAD_BATCHES_IN_FLIGHT, async (b) => {
    const batch: [string, number, string][] = [];
    const end = Math.min(to, from + (b + 1) * LOAD_BATCH_ROWS);
    for (let n = from + b * LOAD_BATCH_ROWS; n < end; n++) {
      const row = loadRow(n, KEYS);
      batch.push([row.key, row.tsMs, row.value]);
    }
    await conn.putMany(DB, TABLE, batch);
  });
  return (to - from) / seconds;
}

/** Total bytes of the files under `dir`. */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

/** Waits until the data dir stops growing (the binlog writer has written what it was handed). */
async function waitDataDirSettled(server: StandaloneServer): Promise<void> {
  const deadline = performance.now() + 60_000;
  let last = -1;
  let stableSamples = 0;
  while (stableSamples < 3) {
    if (performance.now() > deadline) throw new Error(`${server.dataDir} kept changing for 60 s`);
    const now = treeBytes(server.dataDir);
    stableSamples = now === last ? stableSamples + 1 : 0;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Polls until the tablet lists table `tid` as loaded (listed, and in no state 'loading'); returns
 * the ms since `start` and its row count.
 */
async function waitTableLoaded(server: StandaloneServer, tid: number, start: number): Promise<{ ms: number; recordCnt: number }> {
  for (;;) {
    const partitions = await server.tableStatus(tid);
    if (partitions.length > 0 && partitions.every((p) => p.state !== 'loading')) {
      return { ms: performance.now() - start, recordCnt: partitions.reduce((sum, p) => sum + p.recordCnt, 0) };
    }
    if (performance.now() - start > RESTART_TIMEOUT_MS) {
      throw new Error(`table ${tid} was not loaded ${RESTART_TIMEOUT_MS} ms after the restart: ${server.child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function restart(server: StandaloneServer, tid: number, variant: Variant, expectedRows: number): Promise<Restart> {
  const stopped = await server.child.stop(variant);
  if (variant === 'SIGTERM' && stopped.code !== 0) {
    throw new Error(`the database exited with ${stopped.code} on SIGTERM: ${server.child.output()}`);
  }
  const start = performance.now();
  const spawnedAtMs = Date.now();
  server.start(NODE_ARGS);
  const loaded = await waitTableLoaded(server, tid, start);
  const cpuMs = cpuMsOf(server.child.pid);
  await server.waitServing(RESTART_TIMEOUT_MS);
  const servingMs = performance.now() - start;
  if (loaded.recordCnt !== expectedRows) {
    throw new Error(
      `after a ${variant} restart the table holds ${loaded.recordCnt} rows, expected ${expectedRows}; the server log ends with:\n` +
        logTail(server.logFile, 40),
    );
  }
  // The process's lines start at its first one (`process_pid`; `pid` is a partition id).
  const all = logLines(server.logFile);
  const first = all.findIndex((line) => line.process_pid === server.child.pid);
  const tableLoaded = first < 0 ? undefined : all.slice(first).find((line) => line.msg === 'table loaded' && line.tid === tid);
  if (tableLoaded === undefined) throw new Error(`no 'table loaded' line of process ${server.child.pid} in ${server.logFile}`);
  const logMs = (line: Record<string, unknown>) => (typeof line.time === 'number' ? line.time - spawnedAtMs : Number.NaN);
  return {
    variant,
    stopMs: stopped.ms,
    readyMs: loaded.ms,
    rowsPerSec: expectedRows / (loaded.ms / 1000),
    cpuMs,
    rowsPerCpuSec: expectedRows / (cpuMs / 1000),
    servingMs,
    recordCnt: loaded.recordCnt,
    offset: Number(tableLoaded.offset),
    rowsFromSnapshot: Number(tableLoaded.rowsFromSnapshot),
    entriesReplayed: Number(tableLoaded.entriesReplayed),
    firstLogLineMs: logMs(all[first]!),
    tableLoadedLogMs: logMs(tableLoaded),
    rssAfterBytes: rssBytesOf(server.child.pid),
  };
}

function logTail(logFile: string, lines: number): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch (err) {
    return `(no log: ${String(err)})`;
  }
}

interface VariantSummary {
  readonly variant: Variant;
  readonly restarts: number;
  readonly readyMsMean: number;
  readonly rowsPerSecMean: number;
  readonly cpuMsMean: number;
  readonly rowsPerCpuSecMean: number;
  readonly targetRowsPerSec: number;
  readonly targetMet: boolean;
}

function restartLine(label: string, r: Restart): string {
  return (
    `${label.padEnd(22)} ${r.stopMs.toFixed(0).padStart(7)}   ${r.readyMs.toFixed(0).padStart(8)}   ${fmtInt(r.rowsPerSec).padStart(10)}   ` +
    `${r.cpuMs.toFixed(0).padStart(6)}   ${fmtInt(r.rowsPerCpuSec).padStart(10)}   ` +
    `${r.firstLogLineMs.toFixed(0).padStart(9)}   ${r.tableLoadedLogMs.toFixed(0).padStart(9)}   ${r.servingMs.toFixed(0).padStart(10)}   ` +
    `${fmtInt(r.rowsFromSnapshot).padStart(9)} + ${fmtInt(r.entriesReplayed).padStart(9)}   ${(r.rssAfterBytes / 2 ** 20).toFixed(0).padStart(7)}`
  );
}

async function main(): Promise<void> {
  const info = runInfo();
  runStep(process.execPath, [join(ROOT, 'scripts', 'setup.mjs'), 'start'], ROOT);
  const server = await startStandalone();
  let conn = await connect({ host: server.host, port: server.port });
  try {
    await conn.createDatabase(DB);
    const tid = await conn.createTable(DB, TABLE, KV_SCHEMA);
    log(
      `recovery benchmark: our standalone database (${info.commit}); node ${info.node}; ${info.cpus} CPUs, ` +
        `load average ${info.loadAverage1m}; ${info.date}`,
    );
    log(
      `rows: ${fmtInt(ROWS)} (${fmtInt(KEYS)} keys of 20 bytes, 100-byte values), the first ${fmtInt(SNAPSHOT_ROWS)} in a snapshot, ` +
        `the rest only in the binlog; ${REPEATS} restarts per variant` +
        (CPU_PROF_DIR === undefined ? '' : `; UNDER THE CPU PROFILER (profiles in ${CPU_PROF_DIR}): times not comparable`),
    );
    await conn.close();

    // The fixed cost: the same restart with the table empty.
    const empty = await restart(server, tid, 'SIGTERM', 0);
    conn = await connect({ host: server.host, port: server.port });

    const snapshotLoadRowsPerSec = await load(conn, 0, SNAPSHOT_ROWS);
    // A snapshot covers what the binlog writer has written: let it catch up with the acknowledged puts.
    await waitDataDirSettled(server);
    const snapshotStart = performance.now();
    const snapshotRequest = { tid, pid: 0, force: true };
    const made = await callTablet(server.tablet(), 'MakeSnapshot', snapshotRequest, { timeoutMs: 300_000 });
    if (!made.ok) throw new Error(`MakeSnapshot failed: ${made.message}`);
    const snapshotMs = performance.now() - snapshotStart;
    const binlogLoadRowsPerSec = await load(conn, SNAPSHOT_ROWS, ROWS);
    await conn.close();
    await waitDataDirSettled(server);
    log(
      `loaded: ${fmtInt(SNAPSHOT_ROWS)} rows at ${fmtInt(snapshotLoadRowsPerSec)} rows/s; snapshot to offset ${fmtInt(made.value.offset)} ` +
        `in ${snapshotMs.toFixed(0)} ms; ${fmtInt(ROWS - SNAPSHOT_ROWS)} more rows at ${fmtInt(binlogLoadRowsPerSec)} rows/s`,
    );

    log('');
    log(
      'restart                stop ms   ready ms       rows/s   CPU ms   rows/CPU-s   1st log*  loaded*   serving ms   snapshot  + binlog    RSS MiB',
    );
    log(restartLine('empty table (SIGTERM)', empty));
    const restarts: Restart[] = [];
    for (let i = 0; i < REPEATS; i++) {
      for (const variant of ['SIGTERM', 'SIGKILL'] as const) {
        const r = await restart(server, tid, variant, ROWS);
        restarts.push(r);
        log(restartLine(variant === 'SIGTERM' ? 'SIGTERM' : 'kill -9', r));
      }
    }
    log("* ms from spawn to the process's first log line and to its 'table loaded' line (wall clock of the log)");

    // The recovered data answers reads: every row of a few keys, through the SDK.
    conn = await connect({ host: server.host, port: server.port });
    for (const k of [0, Math.floor(KEYS / 2), KEYS - 1]) {
      const count = await conn.count(DB, TABLE, { key: rowKey(k) });
      const expected = loadRowsOfKey(k);
      if (count !== expected) throw new Error(`after the restarts key ${rowKey(k)} holds ${count} rows, expected ${expected}`);
    }

    const summary: VariantSummary[] = (['SIGTERM', 'SIGKILL'] as const).map((variant) => {
      const of = restarts.filter((r) => r.variant === variant);
      const readyMsMean = of.reduce((sum, r) => sum + r.readyMs, 0) / of.length;
      const rowsPerSecMean = ROWS / (readyMsMean / 1000);
      const cpuMsMean = of.reduce((sum, r) => sum + r.cpuMs, 0) / of.length;
      return {
        variant,
        restarts: of.length,
        readyMsMean,
        rowsPerSecMean,
        cpuMsMean,
        rowsPerCpuSecMean: ROWS / (cpuMsMean / 1000),
        targetRowsPerSec: TARGET_ROWS_PER_SEC,
        targetMet: rowsPerSecMean >= TARGET_ROWS_PER_SEC,
      };
    });
    log('');
    for (const s of summary) {
      const net = ROWS / ((s.readyMsMean - empty.readyMs) / 1000);
      log(
        `${(s.variant === 'SIGTERM' ? 'SIGTERM' : 'kill -9').padEnd(8)} mean restart ${s.readyMsMean.toFixed(0)} ms = ${fmtInt(s.rowsPerSecMean)} rows/s ` +
          `(target >= ${fmtInt(TARGET_ROWS_PER_SEC)}: ${s.targetMet ? 'met' : 'MISSED'}); less the empty restart ` +
          `(${empty.readyMs.toFixed(0)} ms): ${fmtInt(net)} rows/s; CPU ${s.cpuMsMean.toFixed(0)} ms = ${fmtInt(s.rowsPerCpuSecMean)} rows/CPU-s`,
      );
    }
    if (JSON_OUT) {
      log(
        JSON.stringify({
          bench: 'recovery',
          ...info,
          config: { rows: ROWS, snapshotRows: SNAPSHOT_ROWS, keys: KEYS, repeats: REPEATS, cpuProfile: CPU_PROF_DIR !== undefined },
          load: { snapshotLoadRowsPerSec, binlogLoadRowsPerSec, snapshotOffset: made.value.offset, snapshotMs },
          emptyRestart: empty,
          restarts,
          summary,
        }),
      );
    }
  } finally {
    await conn.close();
    server.close();
    const stopped = await server.child.stop('SIGTERM');
    if (stopped.code !== 0) process.stderr.write(`the standalone database exited with ${stopped.code}: ${server.child.output()}\n`);
    if (CPU_PROF_DIR !== undefined) process.stderr.write(`CPU profiles of the database written to ${CPU_PROF_DIR}\n`);
  }
}

/** Rows the load gave key `k`. */
function loadRowsOfKey(k: number): number {
  return Math.floor(ROWS / KEYS) + (k < ROWS % KEYS ? 1 : 0);
}

await main();
