/**
 * OfflineEndpointInternal (cluster.md §6.2): for every partition with a replica on the endpoint,
 * the op that takes the replica out of service.
 * - the partition's only replica is ep → kUpdatePartitionStatusOP(ep, leader, not alive);
 * - ep leads, or nobody leads alive → kChangeLeaderOP when there is no alive leader or it is ep;
 * - ep follows an alive leader → kOfflineReplicaOP(ep).
 */
import { aliveLeader, type ClusterView } from './cluster-view.js';
import { planChangeLeaderOp } from './change-leader-plan.js';
import type { Plan, PlanNote, PlannedOp } from './planned-op.js';

export function planOfflineEndpoint(view: ClusterView, endpoint: string, concurrency: number): Plan {
  const ops: PlannedOp[] = [];
  const notes: PlanNote[] = [];
  const tables = [...view.tables.values()].sort((a, b) => a.tid - b.tid);
  for (const table of tables) {
    for (const partition of table.partitions) {
      const meta = partition.replicas.find((r) => r.endpoint === endpoint);
      if (!meta) continue;
      const target = { tid: table.tid, db: table.db, name: table.name, pid: partition.pid };
      if (partition.replicas.length === 1) {
        ops.push({
          spec: { opType: 'kUpdatePartitionStatusOP', data: { endpoint, isLeader: true, isAlive: false } },
          target,
          concurrency,
        });
        continue;
      }
      const leader = aliveLeader(partition);
      if (meta.isLeader || !leader) {
        if (!leader || leader.endpoint === endpoint) {
          const op = planChangeLeaderOp(view, table, partition, null, false, concurrency);
          if (!op.ok) notes.push({ tid: table.tid, pid: partition.pid, message: op.message });
          else if (op.value === null) notes.push({ tid: table.tid, pid: partition.pid, message: 'no alive follower to take over; leader unchanged' });
          else ops.push(op.value);
        }
        continue;
      }
      ops.push({ spec: { opType: 'kOfflineReplicaOP', data: { endpoint } }, target, concurrency });
    }
  }
  return { ops, notes };
}
