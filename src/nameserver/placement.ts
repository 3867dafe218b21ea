/**
 * Partition placement (cluster.md §4.3): replicas go round-robin over the healthy tablets starting
 * from the least-loaded one, and each partition's leader is the replica holding the fewest leaders.
 * Pure: the caller passes the tablets, the current load and the random source.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Rng } from '../ports/clock.js';
import type { PartitionReplica, TablePartition } from '../protocol/schema.js';

export interface TabletLoad {
  readonly endpoint: string;
  /** Alive replicas this tablet holds. */
  readonly replicas: number;
  /** Alive leaders this tablet holds. */
  readonly leaders: number;
}

export function placePartitions(
  tablets: readonly TabletLoad[],
  partitionNum: number,
  replicaNum: number,
  rng: Rng,
): Result<TablePartition[]> {
  if (!Number.isInteger(partitionNum) || partitionNum < 1) {
    return fail(Code.invalidParameter, `partitionnum must be a positive integer, got ${partitionNum}`);
  }
  if (!Number.isInteger(replicaNum) || replicaNum < 1) {
    return fail(Code.invalidParameter, `replicanum must be a positive integer, got ${replicaNum}`);
  }
  if (tablets.length < replicaNum) {
    return fail(
      Code.invalidParameter,
      `replicanum ${replicaNum} is more than the ${tablets.length} healthy tablet(s)`,
    );
  }
  const sorted = [...tablets].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  let pos = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.replicas < sorted[pos]!.replicas) pos = i;
  // As in the reference, the start index is computed before the shuffle, so the effective start is random.
  const endpoints = sorted.map((t) => t.endpoint);
  for (let i = endpoints.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [endpoints[i], endpoints[j]] = [endpoints[j]!, endpoints[i]!];
  }
  const leaders = new Map(sorted.map((t) => [t.endpoint, t.leaders]));
  const partitions: TablePartition[] = [];
  for (let pid = 0; pid < partitionNum; pid++) {
    const chosen: string[] = [];
    for (let r = 0; r < replicaNum; r++) {
      chosen.push(endpoints[pos % endpoints.length]!);
      pos++;
    }
    let leader = chosen[0]!;
    for (const e of chosen) if (leaders.get(e)! < leaders.get(leader)!) leader = e;
    leaders.set(leader, leaders.get(leader)! + 1);
    const replicas: PartitionReplica[] = chosen.map((endpoint) => ({ endpoint, isLeader: endpoint === leader, isAlive: true }));
    partitions.push({ pid, replicas, termOffsets: [] });
  }
  return ok(partitions);
}
