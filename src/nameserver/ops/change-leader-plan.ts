/**
 * CreateChangeLeaderOP (cluster.md §6.2): the followers a ChangeLeader op may promote are the
 * replicas that are alive, not leader, and on a healthy tablet; with need_restore the candidate is
 * added even when it is not alive. No followers means there is nothing to do (null).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { TableInfo, TablePartition } from '../../protocol/schema.js';
import { type ClusterView, isHealthy } from './cluster-view.js';
import type { PlannedOp } from './planned-op.js';

export function changeLeaderFollowers(view: ClusterView, partition: TablePartition): string[] {
  return partition.replicas.filter((r) => r.isAlive && !r.isLeader && isHealthy(view, r.endpoint)).map((r) => r.endpoint);
}

export function planChangeLeaderOp(
  view: ClusterView,
  table: TableInfo,
  partition: TablePartition,
  candidate: string | null,
  needRestore: boolean,
  concurrency: number,
): Result<PlannedOp | null> {
  const followers = changeLeaderFollowers(view, partition);
  if (needRestore && candidate !== null && !followers.includes(candidate)) followers.push(candidate);
  if (followers.length === 0) return ok(null);
  if (candidate !== null && !followers.includes(candidate)) {
    return fail(
      Code.invalidParameter,
      `change leader of ${table.db}.${table.name} pid ${partition.pid} failed: candidate ${candidate} is not an alive follower on a healthy tablet`,
    );
  }
  return ok({
    spec: {
      opType: 'kChangeLeaderOP',
      data: { followers, candidate, leader: null, offset: null, term: null, fencedOffset: null },
    },
    target: { tid: table.tid, db: table.db, name: table.name, pid: partition.pid },
    concurrency,
  });
}
