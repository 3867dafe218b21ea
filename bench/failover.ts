/**
 * Failover, replication lag and catch-up on a real cluster: ZooKeeper (Debian jar, tickTime
 * `--zk-tick`), `--nameservers` nameservers and 3 tablets (build/bin/openmldb.mjs, each in its own
 * temp dir on free loopback ports), auto_failover on, zk_session_timeout `--zk-session-timeout`,
 * tablet_heartbeat_timeout `--tablet-heartbeat-timeout`. Tables have `--partitions` partitions of
 * 3 replicas; rows are the kv benchmark's (20-byte key, ms timestamp, 100-byte value).
 *
 * 1. failover (`--trials` times): writers put to keys of every partition led by one tablet (one
 *    writer per partition, closed loop); the tablet is killed with SIGKILL; figure = time from the
 *    signal to the first acknowledged write (issued after the signal) on each of its partitions.
 *    The nameserver's log gives when it saw the tablet go and when it started the failover. The
 *    tablet is then restarted and the trial waits until every replica is alive and caught up.
 * 2. lag: `--lag-in-flight` closed-loop writers for `--lag-seconds` on a fresh table while a
 *    sampler calls GetTableFollower on every leader back to back: lag in entries = leader offset -
 *    follower's acknowledged offset; in ms = sample time - first time a sample saw the leader past
 *    the follower's offset (resolution: one sampling round).
 * 3. catchup: `--catchup-rows` rows loaded (putMany), a snapshot made on every replica (MakeSnapshot;
 *    not with `--catchup-no-snapshot`: the restarted tablet then has only its binlog, and the
 *    nameserver re-adds its replicas from the leaders' data), the tablet leading the most partitions
 *    killed, writes for `--catchup-write-seconds` after the first one acknowledged, the tablet restarted: time from spawn until it answers RPCs, until its replicas are
 *    loaded (GetTableStatus), until every leader reports it at the leader's offset
 *    (GetTableFollower), and until the nameserver's ShowTableStatus (ns_client showtable) shows
 *    all its replicas alive with offsets equal to the leaders'.
 *
 *   npx tsx bench/failover.ts [--json] [--trials=5] [--partitions=8] [--nameservers=1]
 *        [--zk-session-timeout=2000] [--zk-tick=200] [--tablet-heartbeat-timeout=0]
 *        [--tablet-offline-check-interval=1000] [--lag-seconds=10] [--lag-in-flight=16]
 *        [--catchup-rows=1000000] [--catchup-write-seconds=5] [--catchup-no-snapshot]
 *        [--phases=failover,lag,catchup]
 *        [--cpu-prof=DIR] [--keep-logs=DIR]
 *
 * `--json`: the last line printed is one JSON object with every figure. `--cpu-prof=DIR`: tablets
 * run under `node --cpu-prof` (profiles are written when a tablet stops cleanly, at the end), from
 * a copy of the bundle kept in build/bench-pinned/failover/ so the profiles map to src/.
 * Runs `node scripts/setup.mjs bench` first (ZooKeeper, the bundle).
 */
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplicaStatusRow } from '../src/protocol/messages.js';
import { callTablet } from '../src/protocol/typed-call.js';
import { partitionOfKey } from '../src/sql/functions/murmur-hash.js';
import type { Connection } from '../src/sdk/index.js';
import { BenchCluster, type ClusterNode, sleep } from './lib/bench-cluster.js';
import { checkFlags, hasFlag, listFlag, numberFlag, stringFlag } from './lib/cli-flags.js';
import { runStep } from './lib/children.js';
import { runPipelined } from './lib/closed-loop.js';
import { KV_SCHEMA, loadRow, rowValue } from './lib/kv-rows.js';
import { BUNDLE, pinProgram } from './lib/pinned-program.js';
import { fmtInt, runInfo } from './lib/run-info.js';
import { logLines, ROOT } from './lib/standalone-server.js';
import { fmt, median, type Spread, spreadOf } from './lib/stats.js';
import { tunedConnect } from './lib/tuned-connect.js';

checkFlags([
  'json',
  'trials',
  'partitions',
  'nameservers',
  'zk-session-timeout',
  'zk-tick',
  'tablet-heartbeat-timeout',
  'tablet-offline-check-interval',
  'lag-seconds',
  'lag-in-flight',
  'catchup-rows',
  'catchup-write-seconds',
  'phases',
  'cpu-prof',
  'keep-logs',
  'catchup-no-snapshot',
]);

/** A flag that may be 0. */
function nonNegativeFlag(name: string, fallback: number): number {
  const text = stringFlag(name);
  const value = text === undefined ? fallback : Number(text);
  if (!(value >= 0)) throw new Error(`--${name} must be a number >= 0, got '${text}'`);
  return value;
}

const JSON_OUT = hasFlag('json');
const TRIALS = numberFlag('trials', 5);
const PARTITIONS = numberFlag('partitions', 8);
const NAMESERVERS = numberFlag('nameservers', 1);
const ZK_SESSION_MS = numberFlag('zk-session-timeout', 2000);
const ZK_TICK_MS = numberFlag('zk-tick', 200);
const HEARTBEAT_MS = nonNegativeFlag('tablet-heartbeat-timeout', 0);
const OFFLINE_CHECK_MS = numberFlag('tablet-offline-check-interval', 1000);
const LAG_SECONDS = numberFlag('lag-seconds', 10);
const LAG_IN_FLIGHT = numberFlag('lag-in-flight', 16);
const CATCHUP_ROWS = numberFlag('catchup-rows', 1_000_000);
const CATCHUP_WRITE_SECONDS = numberFlag('catchup-write-seconds', 5);
/** Without it every replica makes a snapshot after the load (a tablet holding that much data has one). */
const CATCHUP_NO_SNAPSHOT = hasFlag('catchup-no-snapshot');
const PHASES = listFlag('phases', ['failover', 'lag', 'catchup'], ['failover', 'lag', 'catchup']);
const CPU_PROF_DIR = stringFlag('cpu-prof');
/** Copy every node's log directory (and ZooKeeper's log) here before the temp dirs go. */
const KEEP_LOGS_DIR = stringFlag('keep-logs');

const TABLETS = 3;
const REPLICAS = 3;
const DB = 'bench';
const KEYS = 10_000;
const TARGET_FAILOVER_MS = 3_000;
/** Writes acknowledged by each writer before the kill (the writers are warm). */
const WARM_ACKS = 20;
/** Bounds of one failover trial's writers. */
const TRIAL_WRITES_MAX = 200_000;
const FAILOVER_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 300_000;
const CATCHUP_TIMEOUT_MS = 900_000;
const LAG_OPS_MAX = 5_000_000;
const LOAD_BATCH_ROWS = 1_000;
const LOAD_BATCHES_IN_FLIGHT = 4;
/** The writers' client: short pauses between retries so the client's back-off does not hide the failover time. */
const WRITER_CLIENT = { requestTimeoutMs: 5_000, retryDelayMs: 10, retriesMax: 2_000 };

const TABLET_FLAGS = ['--make_snapshot_check_interval=86400000', '--get_table_status_interval=500'];
const NAMESERVER_FLAGS = [
  `--tablet_offline_check_interval=${OFFLINE_CHECK_MS}`,
  '--get_table_status_interval=500',
  '--get_task_status_interval=100',
  '--name_server_task_wait_time=50',
];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Cluster state

async function replicasOf(cluster: BenchCluster, table: string): Promise<ReplicaStatusRow[]> {
  return (await cluster.ns('ShowTableStatus', { db: DB, name: table })).replicas;
}

/** Leader endpoint of every partition (from the nameserver's table metadata). */
async function leadersOf(cluster: BenchCluster, table: string): Promise<Map<number, string>> {
  const leaders = new Map<number, string>();
  for (const r of await replicasOf(cluster, table)) if (r.isLeader && r.isAlive) leaders.set(r.pid, r.endpoint);
  return leaders;
}

interface FollowerSample {
  readonly pid: number;
  readonly leaderOffset: number;
  readonly followers: readonly { readonly endpoint: string; readonly offset: number }[];
}

/** GetTableFollower on every partition's leader at once. */
async function followerSamples(cluster: BenchCluster, tid: number, leaders: ReadonlyMap<number, string>): Promise<FollowerSample[]> {
  const out = await Promise.all(
    [...leaders].map(async ([pid, endpoint]): Promise<FollowerSample | undefined> => {
      const r = await callTablet(cluster.rpc(endpoint), 'GetTableFollower', { tid, pid }, { timeoutMs: 5_000 });
      if (!r.ok) return undefined;
      return { pid, leaderOffset: r.value.offset, followers: r.value.followers.map((f) => ({ endpoint: f.endpoint, offset: f.offset })) };
    }),
  );
  return out.filter((s): s is FollowerSample => s !== undefined);
}

/** Every partition has REPLICAS alive replicas and every follower is at its leader's offset. */
async function allCaughtUp(cluster: BenchCluster, table: string, tid: number): Promise<boolean> {
  const replicas = await replicasOf(cluster, table);
  if (replicas.filter((r) => r.isAlive).length !== PARTITIONS * REPLICAS) return false;
  const leaders = await leadersOf(cluster, table);
  if (leaders.size !== PARTITIONS) return false;
  const samples = await followerSamples(cluster, tid, leaders);
  return (
    samples.length === PARTITIONS &&
    samples.every((s) => s.followers.length === REPLICAS - 1 && s.followers.every((f) => f.offset === s.leaderOffset))
  );
}

/** The running cluster: every wait fails at once when one of its nodes crashed. */
let runningCluster: BenchCluster | undefined;

async function waitUntil(what: string, timeoutMs: number, intervalMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (;;) {
    runningCluster?.checkNoCrash();
    try {
      if (await check()) return performance.now() - start;
    } catch {
      // A nameserver or tablet that is not answering yet: try again.
    }
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Keys `fo_<n>` that hash to partition `pid` (the first `count` found). */
function keysOfPartition(pid: number, count: number): string[] {
  const keys: string[] = [];
  for (let n = 0; keys.length < count; n++) {
    const key = `fo_${n}`;
    if (partitionOfKey(key, PARTITIONS) === pid) keys.push(key);
    if (n > 1_000_000) throw new Error(`no key found for partition ${pid}`);
  }
  return keys;
}

/** The first log line of a node at or after `sinceWallMs` whose msg is `msg` and whose endpoint is `endpoint`. */
function nodeLogTime(node: ClusterNode, msg: string, endpoint: string, sinceWallMs: number): number | undefined {
  const logDir = join(node.dir, 'logs');
  let files: string[];
  try {
    files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  } catch {
    return undefined;
  }
  let best: number | undefined;
  for (const f of files) {
    for (const line of logLines(join(logDir, f))) {
      if (line.msg !== msg || line.endpoint !== endpoint || typeof line.time !== 'number' || line.time < sinceWallMs) continue;
      if (best === undefined || line.time < best) best = line.time;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Phase 1: failover

interface Trial {
  readonly victim: string;
  readonly partitions: number[];
  /** Per victim partition: ms from the kill to the first acknowledged write issued after it. */
  readonly firstAckMs: number[];
  /** The slowest partition: when every partition of the victim took writes again. */
  readonly allPartitionsMs: number;
  readonly firstPartitionMs: number;
  /** From the nameserver's log: when it logged the tablet offline / started the failover (ms after the kill). */
  readonly nsSawOfflineMs: number | undefined;
  readonly nsFailoverStartMs: number | undefined;
  readonly writesFailed: number;
  readonly writesAcked: number;
  /** From restart (spawn) of the victim until all replicas are alive and caught up. */
  readonly rejoinMs: number;
}

async function failoverTrial(cluster: BenchCluster, conn: Connection, tid: number, trial: number, table: string): Promise<Trial> {
  await waitUntil('all replicas alive and caught up before the trial', SETTLE_TIMEOUT_MS, 200, () => allCaughtUp(cluster, table, tid));
  const leaders = await leadersOf(cluster, table);
  const leaderTablets = cluster.tablets().filter((t) => [...leaders.values()].includes(t.endpoint));
  const victim = leaderTablets[trial % leaderTablets.length]!;
  const pids = [...leaders].filter(([, ep]) => ep === victim.endpoint).map(([pid]) => pid);
  const keys = pids.map((pid) => keysOfPartition(pid, 1)[0]!);

  let stop = false;
  let killAt = Number.POSITIVE_INFINITY;
  let written = 0;
  let failed = 0;
  const acks = pids.map(() => 0);
  const firstAckAfterKill: (number | undefined)[] = pids.map(() => undefined);
  const writer = async (w: number) => {
    let seq = 0;
    while (!stop && written < TRIAL_WRITES_MAX) {
      written++;
      const issuedAt = performance.now();
      try {
        await conn.put(DB, table, [keys[w]!, Date.now(), rowValue(trial * TRIAL_WRITES_MAX + seq++)]);
        acks[w]!++;
        if (issuedAt >= killAt && firstAckAfterKill[w] === undefined) firstAckAfterKill[w] = performance.now() - killAt;
      } catch {
        failed++;
      }
    }
  };
  const writers = Promise.all(pids.map((_, w) => writer(w)));
  try {
    await waitUntil('the writers to warm up', 30_000, 10, async () => acks.every((a) => a >= WARM_ACKS));
    const killWallMs = Date.now();
    killAt = await cluster.kill9(victim);
    await waitUntil('a write on every partition of the killed tablet', FAILOVER_TIMEOUT_MS, 5, async () =>
      firstAckAfterKill.every((t) => t !== undefined),
    );
    stop = true;
    await writers;
    const firstAckMs = firstAckAfterKill.map((t) => t!);
    const ns = cluster.nameservers();
    const logged = (msg: string) => {
      const times = ns.map((n) => nodeLogTime(n, msg, victim.endpoint, killWallMs)).filter((t): t is number => t !== undefined);
      return times.length === 0 ? undefined : Math.min(...times) - killWallMs;
    };
    const spawnAt = performance.now();
    await cluster.startNode(victim);
    await waitUntil('the killed tablet to rejoin and catch up', SETTLE_TIMEOUT_MS, 100, () => allCaughtUp(cluster, table, tid));
    return {
      victim: victim.name,
      partitions: pids,
      firstAckMs,
      allPartitionsMs: Math.max(...firstAckMs),
      firstPartitionMs: Math.min(...firstAckMs),
      nsSawOfflineMs: logged('tablet offline'),
      nsFailoverStartMs: logged('tablet offline: failing over its replicas'),
      writesFailed: failed,
      writesAcked: acks.reduce((a, b) => a + b, 0),
      rejoinMs: performance.now() - spawnAt,
    };
  } finally {
    stop = true;
    await writers;
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 2: replication lag

interface LagFigures {
  readonly seconds: number;
  readonly writes: number;
  readonly writesPerSec: number;
  readonly samples: number;
  readonly samplingRoundMsMean: number;
  readonly lagEntries: Spread;
  readonly lagMs: Spread;
  /** From the end of the writes until every follower was at its leader's offset. */
  readonly drainMs: number;
}

async function lagPhase(cluster: BenchCluster, conn: Connection): Promise<LagFigures> {
  const table = 'lag';
  const tid = await conn.createTable(DB, table, KV_SCHEMA, { partitionNum: PARTITIONS, replicaNum: REPLICAS });
  await waitUntil('the lag table to be alive', 60_000, 100, () => allCaughtUp(cluster, table, tid));
  const leaders = await leadersOf(cluster, table);
  const timelines = new Map<number, { t: number[]; offset: number[] }>([...leaders.keys()].map((pid) => [pid, { t: [], offset: [] }]));
  const lagEntries: number[] = [];
  const lagMs: number[] = [];
  let writing = true;
  let rounds = 0;
  let roundMsTotal = 0;
  const sampler = (async () => {
    while (writing) {
      const t0 = performance.now();
      const samples = await followerSamples(cluster, tid, leaders);
      const t = performance.now();
      rounds++;
      roundMsTotal += t - t0;
      for (const s of samples) {
        const line = timelines.get(s.pid)!;
        line.t.push(t);
        line.offset.push(s.leaderOffset);
        for (const f of s.followers) {
          lagEntries.push(Math.max(0, s.leaderOffset - f.offset));
          if (f.offset >= s.leaderOffset) {
            lagMs.push(0);
            continue;
          }
          // The first sample in which the leader was past the follower's offset.
          let lo = 0;
          let hi = line.offset.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (line.offset[mid]! > f.offset) hi = mid;
            else lo = mid + 1;
          }
          lagMs.push(t - line.t[lo]!);
        }
      }
    }
  })();
  let n = 0;
  let writes = 0;
  const start = performance.now();
  const end = start + LAG_SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end && n < LAG_OPS_MAX) {
      const row = loadRow(n++, KEYS);
      await conn.put(DB, table, [row.key, row.tsMs, row.value]);
      writes++;
    }
  };
  await Promise.all(Array.from({ length: LAG_IN_FLIGHT }, worker));
  const seconds = (performance.now() - start) / 1000;
  const drainStart = performance.now();
  writing = false;
  await sampler;
  await waitUntil('followers to drain after the writes', 120_000, 5, async () => {
    const s = await followerSamples(cluster, tid, leaders);
    return s.every((x) => x.followers.every((f) => f.offset === x.leaderOffset));
  });
  const drainMs = performance.now() - drainStart;
  await conn.dropTable(DB, table);
  return {
    seconds,
    writes,
    writesPerSec: writes / seconds,
    samples: lagEntries.length,
    samplingRoundMsMean: roundMsTotal / Math.max(1, rounds),
    lagEntries: spreadOf(lagEntries),
    lagMs: spreadOf(lagMs),
    drainMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: catch-up of a restarted tablet holding CATCHUP_ROWS rows

interface CatchupFigures {
  readonly rows: number;
  readonly loadRowsPerSec: number;
  readonly replicateAfterLoadMs: number;
  readonly snapshots: boolean;
  readonly snapshotMs: number;
  /** Child ops of the nameserver's RecoverTable per kind (kReAddReplicaNoSendOP: loaded locally). */
  readonly recoverOps: Record<string, number>;
  readonly victim: string;
  readonly victimLeaderPartitions: number;
  readonly victimRecordsBefore: number;
  readonly writesWhileDown: number;
  /** From the kill to the first write acknowledged on any partition. */
  readonly firstWriteAfterKillMs: number;
  /** Ms from spawn of the restarted tablet. */
  readonly answersRpcMs: number;
  readonly replicasLoadedMs: number;
  readonly leadersSeeCaughtUpMs: number;
  readonly showtableCaughtUpMs: number;
}

async function catchupPhase(cluster: BenchCluster, conn: Connection): Promise<CatchupFigures> {
  const table = 'big';
  const tid = await conn.createTable(DB, table, KV_SCHEMA, { partitionNum: PARTITIONS, replicaNum: REPLICAS });
  await waitUntil('the big table to be alive', 60_000, 100, () => allCaughtUp(cluster, table, tid));
  const loadSeconds = await runPipelined(Math.ceil(CATCHUP_ROWS / LOAD_BATCH_ROWS), LOAD_BATCHES_IN_FLIGHT, async (b) => {
    const rows: [string, number, string][] = [];
    for (let n = b * LOAD_BATCH_ROWS; n < Math.min(CATCHUP_ROWS, (b + 1) * LOAD_BATCH_ROWS); n++) {
      const r = loadRow(n, KEYS);
      rows.push([r.key, r.tsMs, r.value]);
    }
    await conn.putMany(DB, table, rows);
  });
  const loadRowsPerSec = CATCHUP_ROWS / loadSeconds;
  log(`  loaded ${fmtInt(CATCHUP_ROWS)} rows (3 replicas) at ${fmtInt(loadRowsPerSec)} rows/s`);
  const replicateAfterLoadMs = await waitUntil('followers to catch up after the load', SETTLE_TIMEOUT_MS, 100, () => allCaughtUp(cluster, table, tid));
  let snapshotMs = 0;
  if (!CATCHUP_NO_SNAPSHOT) {
    const start = performance.now();
    await Promise.all(
      cluster.tablets().map(async (t) => {
        for (let pid = 0; pid < PARTITIONS; pid++) {
          const r = await callTablet(cluster.rpc(t.endpoint), 'MakeSnapshot', { tid, pid }, { timeoutMs: 600_000 });
          if (!r.ok) throw new Error(`MakeSnapshot ${tid}/${pid} on ${t.name}: ${r.message}`);
        }
      }),
    );
    snapshotMs = performance.now() - start;
    log(`  snapshots of all ${PARTITIONS * REPLICAS} replicas made in ${fmtInt(snapshotMs)} ms`);
  }

  const leaders = await leadersOf(cluster, table);
  const counts = new Map<string, number>();
  for (const ep of leaders.values()) counts.set(ep, (counts.get(ep) ?? 0) + 1);
  const victim = cluster.tablets().sort((a, b) => (counts.get(b.endpoint) ?? 0) - (counts.get(a.endpoint) ?? 0))[0]!;
  const before = await callTablet(cluster.rpc(victim.endpoint), 'GetTableStatus', { tid }, { timeoutMs: 5_000 });
  if (!before.ok) throw new Error(`GetTableStatus on ${victim.name}: ${before.message}`);
  const victimRecordsBefore = before.value.partitions.reduce((sum, p) => sum + p.recordCnt, 0);

  const killAt = await cluster.kill9(victim);
  // Writes to every key while the tablet is down: until CATCHUP_WRITE_SECONDS after the first one
  // acknowledged (they go to the new leaders once the failover is done).
  let n = CATCHUP_ROWS;
  let writesWhileDown = 0;
  let firstAck: number | undefined;
  const writing = () => firstAck === undefined || performance.now() - killAt < firstAck + CATCHUP_WRITE_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (writing()) {
        if (performance.now() - killAt > FAILOVER_TIMEOUT_MS + CATCHUP_WRITE_SECONDS * 1000) throw new Error('writes did not resume after the kill');
        const r = loadRow(n++, KEYS);
        try {
          await conn.put(DB, table, [r.key, r.tsMs, r.value]);
          writesWhileDown++;
          firstAck ??= performance.now() - killAt;
        } catch {
          // Writes to the dead leader's partitions fail until the failover is done.
        }
      }
    }),
  );
  // Every partition has a live leader on another tablet before the restart.
  await waitUntil('leaders on the other tablets', SETTLE_TIMEOUT_MS, 100, async () => {
    const l = await leadersOf(cluster, table);
    return l.size === PARTITIONS && [...l.values()].every((ep) => ep !== victim.endpoint);
  });
  log(`  killed ${victim.name} (led ${counts.get(victim.endpoint) ?? 0} partitions, ${fmtInt(victimRecordsBefore)} rows); ${fmtInt(writesWhileDown)} writes while it was down`);

  const spawnWallMs = Date.now();
  const spawnAt = performance.now();
  await cluster.startNode(victim);
  const answersRpcMs = performance.now() - spawnAt;
  let replicasLoadedMs: number | undefined;
  let leadersSeeCaughtUpMs: number | undefined;
  let showtableCaughtUpMs: number | undefined;
  await waitUntil('the restarted tablet to be a caught-up follower', CATCHUP_TIMEOUT_MS, 50, async () => {
    const now = () => performance.now() - spawnAt;
    if (replicasLoadedMs === undefined) {
      const s = await callTablet(cluster.rpc(victim.endpoint), 'GetTableStatus', { tid }, { timeoutMs: 5_000 });
      if (s.ok && s.value.partitions.length === PARTITIONS && s.value.partitions.every((p) => p.state !== 'loading')) replicasLoadedMs = now();
    }
    if (leadersSeeCaughtUpMs === undefined) {
      const l = await leadersOf(cluster, table);
      const samples = await followerSamples(cluster, tid, l);
      const ok =
        samples.length === PARTITIONS &&
        samples.every((s) => s.followers.some((f) => f.endpoint === victim.endpoint && f.offset === s.leaderOffset));
      if (ok) leadersSeeCaughtUpMs = now();
    }
    if (showtableCaughtUpMs === undefined) {
      const replicas = await replicasOf(cluster, table);
      const mine = replicas.filter((r) => r.endpoint === victim.endpoint);
      const ok =
        mine.length === PARTITIONS &&
        mine.every((r) => {
          const leader = replicas.find((x) => x.pid === r.pid && x.isLeader && x.isAlive);
          return r.isAlive && leader !== undefined && r.offset !== undefined && r.offset === leader.offset;
        });
      if (ok) showtableCaughtUpMs = now();
    }
    return replicasLoadedMs !== undefined && leadersSeeCaughtUpMs !== undefined && showtableCaughtUpMs !== undefined;
  });
  // Which child ops the nameserver chose to re-attach the replicas (its 'op N: recover <ep> with <op>' lines).
  const recoverOps: Record<string, number> = {};
  for (const n of cluster.nameservers()) {
    for (const line of logLines(join(n.dir, 'logs', 'nameserver.INFO.log'))) {
      if (typeof line.time !== 'number' || line.time < spawnWallMs || typeof line.msg !== 'string') continue;
      const m = /^op \d+: recover (\S+) with (\w+)$/.exec(line.msg);
      if (m !== null && m[1] === victim.endpoint) recoverOps[m[2]!] = (recoverOps[m[2]!] ?? 0) + 1;
    }
  }
  return {
    rows: CATCHUP_ROWS,
    loadRowsPerSec,
    replicateAfterLoadMs,
    snapshots: !CATCHUP_NO_SNAPSHOT,
    snapshotMs,
    recoverOps,
    victim: victim.name,
    victimLeaderPartitions: counts.get(victim.endpoint) ?? 0,
    victimRecordsBefore,
    writesWhileDown,
    firstWriteAfterKillMs: firstAck ?? Number.NaN,
    answersRpcMs,
    replicasLoadedMs: replicasLoadedMs!,
    leadersSeeCaughtUpMs: leadersSeeCaughtUpMs!,
    showtableCaughtUpMs: showtableCaughtUpMs!,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const info = runInfo();
  runStep(process.execPath, [join(ROOT, 'scripts', 'setup.mjs'), 'bench'], ROOT);
  // A profiled run pins the bundle so its profiles can be mapped to src/ after others rebuild it.
  const program = CPU_PROF_DIR === undefined ? BUNDLE : pinProgram('failover');
  const cluster = await BenchCluster.start({
    nameservers: NAMESERVERS,
    tablets: TABLETS,
    zkSessionTimeoutMs: ZK_SESSION_MS,
    zkTickTimeMs: ZK_TICK_MS,
    tabletHeartbeatTimeoutMs: HEARTBEAT_MS,
    tabletFlags: TABLET_FLAGS,
    nameserverFlags: NAMESERVER_FLAGS,
    program,
    ...(CPU_PROF_DIR === undefined ? {} : { tabletNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] }),
  });
  runningCluster = cluster;
  const conn = await tunedConnect({ zkCluster: cluster.zkCluster, zkPath: cluster.rootPath, sessionTimeoutMs: ZK_SESSION_MS, client: WRITER_CLIENT });
  const config = {
    nameservers: NAMESERVERS,
    tablets: TABLETS,
    partitions: PARTITIONS,
    replicas: REPLICAS,
    zkTickTimeMs: ZK_TICK_MS,
    zkSessionTimeoutMs: ZK_SESSION_MS,
    tabletHeartbeatTimeoutMs: HEARTBEAT_MS,
    tabletOfflineCheckIntervalMs: OFFLINE_CHECK_MS,
    nameserverFlags: NAMESERVER_FLAGS,
    tabletFlags: TABLET_FLAGS,
    writerClient: WRITER_CLIENT,
  };
  try {
    log(`failover benchmark (${info.commit}); node ${info.node}; ${info.cpus} CPUs, load average ${info.loadAverage1m}; ${info.date}`);
    log(
      `cluster: ZooKeeper tickTime ${ZK_TICK_MS} ms, ${NAMESERVERS} nameserver(s), ${TABLETS} tablets, auto_failover on; ` +
        `zk_session_timeout=${ZK_SESSION_MS} ms, tablet_heartbeat_timeout=${HEARTBEAT_MS} ms, ` +
        `tablet_offline_check_interval=${OFFLINE_CHECK_MS} ms; tables of ${PARTITIONS} partitions x ${REPLICAS} replicas`,
    );
    await conn.createDatabase(DB);
    const result: Record<string, unknown> = { bench: 'failover', ...info, config };

    if (PHASES.includes('failover')) {
      const table = 'fo';
      const tid = await conn.createTable(DB, table, KV_SCHEMA, { partitionNum: PARTITIONS, replicaNum: REPLICAS });
      log('');
      log('failover: kill -9 of a leader tablet -> first acknowledged write on each of its partitions');
      log('trial  victim    partitions  first ms  all ms   ns saw offline ms  ns failover start ms  failed writes  rejoin+catch-up ms');
      const trials: Trial[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const t = await failoverTrial(cluster, conn, tid, i, table);
        trials.push(t);
        log(
          `${String(i + 1).padStart(5)}  ${t.victim.padEnd(8)}  ${t.partitions.join(',').padEnd(10)}  ${fmt(t.firstPartitionMs, 0).padStart(8)}  ` +
            `${fmt(t.allPartitionsMs, 0).padStart(6)}   ${fmt(t.nsSawOfflineMs ?? Number.NaN, 0).padStart(17)}  ${fmt(t.nsFailoverStartMs ?? Number.NaN, 0).padStart(20)}  ` +
            `${String(t.writesFailed).padStart(13)}  ${fmt(t.rejoinMs, 0).padStart(18)}`,
        );
      }
      const medianAllMs = median(trials.map((t) => t.allPartitionsMs));
      const medianFirstMs = median(trials.map((t) => t.firstPartitionMs));
      log(
        `median: every partition writable again after ${fmt(medianAllMs, 0)} ms (first partition ${fmt(medianFirstMs, 0)} ms); ` +
          `target < ${TARGET_FAILOVER_MS} ms: ${medianAllMs < TARGET_FAILOVER_MS ? 'met' : 'MISSED'}`,
      );
      // Its replicas would otherwise be recovered alongside the catch-up table's when a tablet restarts.
      await conn.dropTable(DB, table);
      result.failover = { trials, medianAllPartitionsMs: medianAllMs, medianFirstPartitionMs: medianFirstMs, targetMs: TARGET_FAILOVER_MS, targetMet: medianAllMs < TARGET_FAILOVER_MS };
    }

    if (PHASES.includes('lag')) {
      log('');
      log(`lag: ${LAG_IN_FLIGHT} writers for ${LAG_SECONDS} s, GetTableFollower sampled on every leader back to back`);
      const lag = await lagPhase(cluster, conn);
      log(
        `  ${fmtInt(lag.writes)} writes = ${fmtInt(lag.writesPerSec)}/s; ${fmtInt(lag.samples)} follower samples, sampling round ${fmt(lag.samplingRoundMsMean)} ms`,
      );
      log(
        `  lag entries p50 ${fmt(lag.lagEntries.p50)} p99 ${fmt(lag.lagEntries.p99)} max ${fmt(lag.lagEntries.max)}; ` +
          `lag ms p50 ${fmt(lag.lagMs.p50)} p99 ${fmt(lag.lagMs.p99)} max ${fmt(lag.lagMs.max)}; drained ${fmt(lag.drainMs, 0)} ms after the writes stopped`,
      );
      result.lag = lag;
    }

    if (PHASES.includes('catchup')) {
      log('');
      log(`catch-up: ${fmtInt(CATCHUP_ROWS)} rows, kill -9 of a tablet, ${CATCHUP_WRITE_SECONDS} s of writes, restart`);
      const c = await catchupPhase(cluster, conn);
      log(
        `  restarted ${c.victim}: answers RPCs after ${fmt(c.answersRpcMs, 0)} ms, replicas loaded ${fmt(c.replicasLoadedMs, 0)} ms, ` +
          `leaders see it caught up ${fmt(c.leadersSeeCaughtUpMs, 0)} ms, showtable alive with equal offsets ${fmt(c.showtableCaughtUpMs, 0)} ms (from spawn)`,
      );
      log(`  recovery ops chosen by the nameserver: ${Object.entries(c.recoverOps).map(([k, v]) => `${v} x ${k}`).join(', ') || 'none logged'}`);
      result.catchup = c;
    }
    if (JSON_OUT) log(JSON.stringify(result));
  } finally {
    await conn.close().catch(() => {});
    await cluster.close();
    if (KEEP_LOGS_DIR !== undefined) {
      for (const n of cluster.nodes) cpSync(join(n.dir, 'logs'), join(KEEP_LOGS_DIR, n.name), { recursive: true });
      cpSync(cluster.zk.logFile, join(KEEP_LOGS_DIR, 'zookeeper.log'));
      process.stderr.write(`logs copied to ${KEEP_LOGS_DIR}\n`);
    }
    if (CPU_PROF_DIR !== undefined) process.stderr.write(`CPU profiles of the tablets written to ${CPU_PROF_DIR}\n`);
  }
}

await main();
