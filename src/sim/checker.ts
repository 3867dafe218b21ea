import type { ClusterSnapshot, PartitionSnapshot, ReplicaSnapshot } from './cluster-snapshot.js';
import { rowValue } from './cluster-snapshot.js';
import type { WriteRecord } from './workload.js';

/**
 * The invariants checked at the end of a run, over a ClusterSnapshot taken once the cluster is
 * quiescent, and the clients' record of their writes:
 * - convergence: every alive replica of a partition holds exactly the same rows as its leader;
 * - ackedWrites: every acknowledged write to a `sync` table is on its partition's final leader
 *   (for `async` tables a loss is counted, not a violation: the design allows it on failover);
 * - rows: no replica holds a row no client wrote, or a row twice;
 * - ops: every op ended (kDone, kFailed or kCanceled), in the engine and in ZooKeeper.
 * The simulation adds `quiescence` (the cluster settled after the faults healed), `progress`
 * (new writes succeed afterwards) and `bugs` (exceptions that escaped a process).
 */
export type CheckName = 'convergence' | 'ackedWrites' | 'rows' | 'ops' | 'quiescence' | 'progress' | 'bugs';

export interface Violation {
  readonly check: CheckName;
  readonly message: string;
}

const LISTED_MAX = 5;
const FINISHED = new Set(['kDone', 'kFailed', 'kCanceled']);

function partitionName(p: PartitionSnapshot): string {
  return `${p.table} (tid ${p.tid}) pid ${p.pid}`;
}

function listed(values: readonly string[]): string {
  const head = values.slice(0, LISTED_MAX).join(', ');
  return values.length > LISTED_MAX ? `${head}, … (${values.length} in all)` : head;
}

/** The replica that leads a partition per the metadata, and holds it loaded as leader. */
function leaderOf(p: PartitionSnapshot): ReplicaSnapshot | undefined {
  return p.replicas.find((r) => r.isLeader && r.isAlive && r.held?.mode === 'leader');
}

/** (a) Replicas of each partition converge to identical data. */
export function checkConvergence(snapshot: ClusterSnapshot): Violation[] {
  const out: Violation[] = [];
  for (const p of snapshot.partitions) {
    const alive = p.replicas.filter((r) => r.isAlive);
    const leaders = alive.filter((r) => r.isLeader);
    if (leaders.length !== 1) {
      out.push({ check: 'convergence', message: `${partitionName(p)} has ${leaders.length} alive leaders in the metadata (${leaders.map((r) => r.endpoint).join(', ')})` });
      continue;
    }
    const leader = leaderOf(p);
    if (!leader) {
      out.push({ check: 'convergence', message: `${partitionName(p)}: leader ${leaders[0]!.endpoint} does not hold the partition as leader (${describeHeld(leaders[0]!)})` });
      continue;
    }
    const expected = new Set(leader.held!.rows);
    for (const r of alive) {
      if (r === leader) continue;
      if (!r.held) {
        out.push({ check: 'convergence', message: `${partitionName(p)}: replica ${r.endpoint} is alive in the metadata but its tablet does not hold it` });
        continue;
      }
      if (r.held.mode !== 'follower') {
        out.push({ check: 'convergence', message: `${partitionName(p)}: replica ${r.endpoint} is a follower in the metadata but ${r.held.mode} on its tablet` });
      }
      const have = new Set(r.held.rows);
      const missing = [...expected].filter((x) => !have.has(x)).map(rowValue);
      const extra = [...have].filter((x) => !expected.has(x)).map(rowValue);
      if (missing.length > 0 || extra.length > 0 || r.held.rows.length !== leader.held!.rows.length) {
        out.push({
          check: 'convergence',
          message:
            `${partitionName(p)}: follower ${r.endpoint} (offset ${r.held.offset}, ${r.held.rows.length} rows) differs from leader ${leader.endpoint} ` +
            `(offset ${leader.held!.offset}, ${leader.held!.rows.length} rows): missing [${listed(missing)}], extra [${listed(extra)}]`,
        });
      }
    }
  }
  return out;
}

function describeHeld(r: ReplicaSnapshot): string {
  return r.held ? `${r.held.mode} at term ${r.held.term}, offset ${r.held.offset}` : 'not loaded';
}

export interface AckedWritesResult {
  readonly violations: Violation[];
  /** Acknowledged writes missing from the final leaders, per replication mode. */
  readonly lostSync: number;
  readonly lostAsync: number;
}

/** (b) No acknowledged write to a sync table is lost: each is on its final leader. */
export function checkAckedWrites(snapshot: ClusterSnapshot, records: readonly WriteRecord[]): AckedWritesResult {
  const onLeaders = new Map<string, Set<string>>();
  const modes = new Map<string, string>();
  for (const p of snapshot.partitions) {
    modes.set(p.table, p.replicationMode);
    let values = onLeaders.get(p.table);
    if (!values) onLeaders.set(p.table, (values = new Set()));
    for (const row of leaderOf(p)?.held?.rows ?? []) values.add(rowValue(row));
  }
  const lost: WriteRecord[] = [];
  let lostAsync = 0;
  for (const r of records) {
    if (r.status !== 'acked' || onLeaders.get(r.table)?.has(r.value)) continue;
    if (modes.get(r.table) === 'sync') lost.push(r);
    else lostAsync++;
  }
  const violations: Violation[] = lost.length === 0
    ? []
    : [
        {
          check: 'ackedWrites',
          message: `${lost.length} acknowledged write(s) to sync tables are not on the final leader: ${listed(
            lost.map((r) => `${r.value} (${r.table}, key ${r.key}, by ${r.client} at ${r.startedAtMs} ms)`),
          )}`,
        },
      ];
  return { violations, lostSync: lost.length, lostAsync };
}

/** No replica holds a row nobody wrote (corruption, a mixed-up partition) or the same row twice. */
export function checkRows(snapshot: ClusterSnapshot, records: readonly WriteRecord[]): Violation[] {
  const written = new Map(records.map((r) => [r.value, r.table]));
  const out: Violation[] = [];
  for (const p of snapshot.partitions) {
    for (const r of p.replicas) {
      if (!r.held) continue;
      const seen = new Set<string>();
      const phantoms: string[] = [];
      const duplicates: string[] = [];
      for (const row of r.held.rows) {
        const v = rowValue(row);
        if (written.get(v) !== p.table) phantoms.push(v);
        if (seen.has(v)) duplicates.push(v);
        seen.add(v);
      }
      if (phantoms.length > 0) out.push({ check: 'rows', message: `${partitionName(p)} on ${r.endpoint} holds rows no client wrote to this table: ${listed(phantoms)}` });
      if (duplicates.length > 0) out.push({ check: 'rows', message: `${partitionName(p)} on ${r.endpoint} holds rows twice: ${listed(duplicates)}` });
    }
  }
  return out;
}

/** (c) Every op reached kDone, kFailed or kCanceled, in the leader's engine and in ZooKeeper. */
export function checkOps(snapshot: ClusterSnapshot): Violation[] {
  const stuck = snapshot.ops.filter((o) => !FINISHED.has(o.status));
  return stuck.map((o) => ({
    check: 'ops',
    message: `op ${o.opId} ${o.opType} on ${o.table} pid ${o.pid} is ${o.status} (${o.curTask}) ${o.source === 'zk' ? 'in its ZooKeeper record' : 'in the leader'}`,
  }));
}

/** Every end-of-run check over one snapshot. */
export function checkAll(snapshot: ClusterSnapshot, records: readonly WriteRecord[]): { violations: Violation[]; lostSync: number; lostAsync: number } {
  const acked = checkAckedWrites(snapshot, records);
  return {
    violations: [...checkConvergence(snapshot), ...acked.violations, ...checkRows(snapshot, records), ...checkOps(snapshot)],
    lostSync: acked.lostSync,
    lostAsync: acked.lostAsync,
  };
}
