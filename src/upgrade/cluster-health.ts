/**
 * "Caught up" as the upgrade procedure checks it before moving to the next node (upgrade-procedure.md
 * §2.2): no op is running, no op started during the upgrade failed, every tablet holding a replica
 * is healthy, every partition has exactly one alive leader and every replica alive, and every
 * follower has the leader's offset. Pure: the caller fetches, this judges.
 *
 * Under continuous writes a follower's reported offset is always a little behind the leader's, so
 * a follower counts as caught up when it has reached the offset the leader had `windowMs` earlier
 * (CatchUpTracker); without such an earlier look the leader's current offset is required.
 */
import type { ReplicaStatusRow, TabletInfoMsg } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import type { OpRow } from './admin-api.js';

export interface HealthInput {
  readonly tables: readonly TableInfo[];
  readonly replicas: readonly ReplicaStatusRow[];
  readonly tablets: readonly TabletInfoMsg[];
  readonly ops: readonly OpRow[];
  /** Failed ops with an id at or below this one were there before the upgrade and are ignored. */
  readonly opIdBaseline: number;
  /** Offset each follower must have reached, by `tid_pid`; missing: the leader's current offset. */
  readonly targets?: ReadonlyMap<string, number>;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly problems: readonly string[];
  /** Ops that failed during the upgrade: waiting will not help. */
  readonly failedOps: readonly OpRow[];
  /** Current leader offsets by `tid_pid` (for the tracker). */
  readonly leaderOffsets: ReadonlyMap<string, number>;
}

const RUNNING = new Set(['kInited', 'kDoing']);

export function partitionKey(tid: number, pid: number): string {
  return `${tid}_${pid}`;
}

export function assessHealth(input: HealthInput): HealthReport {
  const problems: string[] = [];
  const failedOps: OpRow[] = [];
  for (const op of input.ops) {
    if (RUNNING.has(op.status)) problems.push(`op ${op.opId} ${op.opType} ${op.db}.${op.name} pid ${op.pid} is ${op.status} (task ${op.curTask})`);
    else if (op.status === 'kFailed' && op.opId > input.opIdBaseline) failedOps.push(op);
  }
  const tabletState = new Map(input.tablets.map((t) => [t.endpoint, t.state]));
  const status = new Map(input.replicas.map((r) => [`${r.tid}_${r.pid}_${r.endpoint}`, r]));
  const leaderOffsets = new Map<string, number>();
  const unhealthyTablets = new Set<string>();
  for (const t of input.tables) {
    for (const p of t.partitions) {
      const where = `${t.db}.${t.name} pid ${p.pid}`;
      const key = partitionKey(t.tid, p.pid);
      const leaders = p.replicas.filter((r) => r.isLeader && r.isAlive);
      if (leaders.length !== 1) problems.push(`${where}: ${leaders.length} alive leaders`);
      for (const r of p.replicas) {
        if (tabletState.get(r.endpoint) !== 'kHealthy') unhealthyTablets.add(r.endpoint);
        if (!r.isAlive) problems.push(`${where}: replica on ${r.endpoint} is not alive`);
      }
      const leader = leaders[0];
      if (!leader) continue;
      const leaderOffset = status.get(`${key}_${leader.endpoint}`)?.offset;
      if (leaderOffset === undefined) {
        problems.push(`${where}: leader ${leader.endpoint} has not reported its offset`);
        continue;
      }
      leaderOffsets.set(key, leaderOffset);
      const target = Math.min(leaderOffset, input.targets?.get(key) ?? leaderOffset);
      for (const r of p.replicas) {
        if (r === leader || !r.isAlive) continue;
        const off = status.get(`${key}_${r.endpoint}`)?.offset;
        if (off === undefined) problems.push(`${where}: follower ${r.endpoint} has not reported its offset`);
        else if (off < target) problems.push(`${where}: follower ${r.endpoint} at offset ${off}, leader at ${leaderOffset}`);
      }
    }
  }
  for (const ep of [...unhealthyTablets].sort()) problems.push(`tablet ${ep} is ${tabletState.get(ep) ?? 'not registered'}`);
  return { healthy: problems.length === 0 && failedOps.length === 0, problems, failedOps, leaderOffsets };
}

/** Problems as one line: the first few and how many more. */
export function summarizeProblems(problems: readonly string[], shownMax = 3): string {
  if (problems.length === 0) return 'none';
  const shown = problems.slice(0, shownMax).join('; ');
  return problems.length > shownMax ? `${shown}; and ${problems.length - shownMax} more` : shown;
}

/** Remembers leader offsets over time so a follower can be judged against where the leader was. */
export class CatchUpTracker {
  private readonly seen: { atMs: number; offsets: ReadonlyMap<string, number> }[] = [];
  private static readonly KEPT_MAX = 256;

  constructor(private readonly windowMs: number) {}

  observe(atMs: number, offsets: ReadonlyMap<string, number>): void {
    this.seen.push({ atMs, offsets });
    // Keep only what can still serve as a target, plus the newest; bounded either way.
    while (this.seen.length > 2 && this.seen[1]!.atMs <= atMs - this.windowMs) this.seen.shift();
    while (this.seen.length > CatchUpTracker.KEPT_MAX) this.seen.shift();
  }

  /** Leader offsets from the newest look at least `windowMs` old; undefined when there is none. */
  targets(nowMs: number): ReadonlyMap<string, number> | undefined {
    let best: ReadonlyMap<string, number> | undefined;
    for (const s of this.seen) if (s.atMs <= nowMs - this.windowMs) best = s.offsets;
    return best;
  }
}
