/**
 * RecoverEndpointInternal (cluster.md §6.3): for every partition with a replica on the endpoint that
 * is not alive (or is the only replica), a kRecoverTableOP. With need_restore, a partition the
 * endpoint used to lead also gets it back: kChangeLeaderOP(candidate = ep) and then a
 * kRecoverTableOP for OFFLINE_LEADER_ENDPOINT (the temporary leader, resolved when it runs).
 */
import type { ClusterView } from './cluster-view.js';
import { planChangeLeaderOp } from './change-leader-plan.js';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import type { Plan, PlanNote, PlannedOp } from './planned-op.js';

export interface RecoverEndpointOptions {
  readonly needRestore: boolean;
  readonly concurrency: number;
  /** check_binlog_sync_progress_delta (used unless needRestore, which waits for a full catch-up). */
  readonly checkBinlogSyncProgressDelta: number;
}

export function planRecoverEndpoint(view: ClusterView, endpoint: string, options: RecoverEndpointOptions): Plan {
  const ops: PlannedOp[] = [];
  const notes: PlanNote[] = [];
  const offsetDelta = options.needRestore ? 0 : options.checkBinlogSyncProgressDelta;
  const concurrency = options.concurrency;
  const tables = [...view.tables.values()].sort((a, b) => a.tid - b.tid);
  for (const table of tables) {
    for (const partition of table.partitions) {
      const meta = partition.replicas.find((r) => r.endpoint === endpoint);
      if (!meta) continue;
      if (meta.isAlive && partition.replicas.length > 1) continue;
      const target = { tid: table.tid, db: table.db, name: table.name, pid: partition.pid };
      ops.push({
        spec: { opType: 'kRecoverTableOP', data: { endpoint, offsetDelta, isLeader: meta.isLeader, concurrency } },
        target,
        concurrency,
      });
      // A single replica has no one to hand leadership to in between.
      if (!(options.needRestore && meta.isLeader && partition.replicas.length > 1)) continue;
      const change = planChangeLeaderOp(view, table, partition, endpoint, true, concurrency);
      if (!change.ok || change.value === null) {
        notes.push({ tid: table.tid, pid: partition.pid, message: change.ok ? 'no follower to change leader to' : change.message });
        continue;
      }
      ops.push(change.value);
      ops.push({
        spec: {
          opType: 'kRecoverTableOP',
          data: { endpoint: OFFLINE_LEADER_ENDPOINT, offsetDelta, isLeader: true, concurrency },
        },
        target,
        concurrency,
      });
    }
  }
  return { ops, notes };
}
