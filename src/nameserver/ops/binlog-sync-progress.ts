/**
 * CheckBinlogSyncProgress's predicate (cluster.md §5.8 notes): a (re)added follower counts as caught
 * up when the partition has one replica, when some replica's tablet does not report the partition,
 * or when `leader_offset <= follower_offset + delta`. Offsets come from the last status poll; a
 * replica whose offset is not known yet is skipped (as the reference skips a meta without offset).
 */
import type { TablePartition } from '../../protocol/schema.js';
import { type ClusterView, replicaStatusKey } from './cluster-view.js';

export function binlogSyncCaughtUp(view: ClusterView, tid: number, partition: TablePartition, follower: string, offsetDelta: number): boolean {
  if (partition.replicas.length === 1) return true;
  let leaderOffset = 0;
  let followerOffset = 0;
  for (const r of partition.replicas) {
    const status = view.replicaStatus.get(replicaStatusKey(tid, partition.pid, r.endpoint));
    if (!status) continue;
    if (!status.tabletHasPartition) return true;
    if (r.isLeader && r.isAlive) leaderOffset = status.offset;
    else if (r.endpoint === follower) followerOffset = status.offset;
  }
  return leaderOffset <= followerOffset + offsetDelta;
}
