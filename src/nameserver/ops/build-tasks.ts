/**
 * Builds an op's task list from its data and the current metadata (cluster.md §5.8). This runs
 * when an op is validated at creation, again when it starts (so the leader and endpoints are the
 * ones of that moment, not of when it was queued), and when a new nameserver leader recovers it.
 * A tablet task's target must be healthy, or the build fails.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { TableInfo, TablePartition } from '../../protocol/schema.js';
import { aliveLeader, type ClusterView, findPartition, findReplica, isHealthy } from './cluster-view.js';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import type { OpInfo, OpTarget } from './op-info.js';
import { isTabletTask, type TaskDef } from './task-defs.js';
import { type LeafTask, leaf, type TaskNode } from './task-tree.js';

export interface BuildConfig {
  /** check_binlog_sync_progress_delta, used by AddReplica and Migrate. */
  readonly checkBinlogSyncProgressDelta: number;
}

function describeTarget(t: OpTarget): string {
  return `table ${t.db}.${t.name} (tid ${t.tid}) pid ${t.pid}`;
}

function resolve(view: ClusterView, target: OpTarget): Result<{ table: TableInfo; partition: TablePartition }> {
  const table = view.tables.get(target.tid);
  if (!table || table.db !== target.db || table.name !== target.name) {
    return fail(Code.tableNotFound, `${describeTarget(target)} does not exist`);
  }
  const partition = findPartition(table, target.pid);
  if (!partition) return fail(Code.pidIsNotExist, `${describeTarget(target)}: no such partition`);
  return ok({ table, partition });
}

/** Builds the task list, numbering leaves from 0 in order. */
export function buildTasks(op: OpInfo, view: ClusterView, config: BuildConfig): Result<TaskNode[]> {
  const found = resolve(view, op);
  if (!found.ok) return found;
  const { partition } = found.value;
  const what = `build ${op.opType} ${op.opId} for ${describeTarget(op)}`;
  let nextId = 0;
  const nodes: TaskNode[] = [];
  const add = (def: TaskDef) => nodes.push(leaf(nextId++, def));
  const leader = (): Result<string> => {
    const l = aliveLeader(partition);
    if (!l) return fail(Code.createOpFailed, `${what} failed: the partition has no alive leader`);
    return ok(l.endpoint);
  };

  switch (op.opType) {
    case 'kMakeSnapshotOP': {
      const l = leader();
      if (!l.ok) return l;
      add({ type: 'kMakeSnapshot', endpoint: l.value, endOffset: op.data.endOffset });
      break;
    }
    case 'kAddReplicaOP': {
      const l = leader();
      if (!l.ok) return l;
      const e = op.data.endpoint;
      add({ type: 'kPauseSnapshot', endpoint: l.value });
      add({ type: 'kSendSnapshot', endpoint: l.value, desEndpoint: e });
      add({ type: 'kLoadTable', endpoint: e, mode: 'follower' });
      add({ type: 'kAddReplica', endpoint: l.value, desEndpoint: e });
      add({ type: 'kRecoverSnapshot', endpoint: l.value });
      add({ type: 'kAddTableInfo', endpoint: e });
      add({ type: 'kCheckBinlogSyncProgress', endpoint: e, offsetDelta: config.checkBinlogSyncProgressDelta });
      add({ type: 'kUpdatePartitionStatus', endpoint: e, isLeader: false, isAlive: true });
      break;
    }
    case 'kDelReplicaOP': {
      const l = leader();
      if (!l.ok) return l;
      const e = op.data.endpoint;
      add({ type: 'kDelReplica', endpoint: l.value, desEndpoint: e });
      add({ type: 'kDelTableInfo', endpoint: e });
      add({ type: 'kDropTable', endpoint: e });
      break;
    }
    case 'kOfflineReplicaOP': {
      const l = leader();
      if (!l.ok) return l;
      const e = op.data.endpoint;
      add({ type: 'kDelReplica', endpoint: l.value, desEndpoint: e });
      add({ type: 'kUpdatePartitionStatus', endpoint: e, isLeader: false, isAlive: false });
      break;
    }
    case 'kChangeLeaderOP': {
      // Fence every replica flagged leader whose tablet is up, except the intended new leader.
      const targets = partition.replicas
        .filter((r) => r.isLeader && r.endpoint !== op.data.candidate && isHealthy(view, r.endpoint))
        .map((r) => r.endpoint);
      const fence: LeafTask[] = targets.map((endpoint) => leaf(nextId++, { type: 'kFenceOldLeader', endpoint }));
      nodes.push({ kind: 'group', type: 'kFenceOldLeader', mode: 'sub', children: fence });
      add({ type: 'kSelectLeader' });
      add({ type: 'kChangeLeader' });
      add({ type: 'kUpdateLeaderInfo' });
      break;
    }
    case 'kMigrateOP': {
      const l = leader();
      if (!l.ok) return l;
      const { srcEndpoint: s, desEndpoint: d } = op.data;
      add({ type: 'kPauseSnapshot', endpoint: l.value });
      add({ type: 'kSendSnapshot', endpoint: l.value, desEndpoint: d });
      add({ type: 'kRecoverSnapshot', endpoint: l.value });
      add({ type: 'kLoadTable', endpoint: d, mode: 'follower' });
      add({ type: 'kAddReplica', endpoint: l.value, desEndpoint: d });
      add({ type: 'kAddTableInfo', endpoint: d });
      add({ type: 'kCheckBinlogSyncProgress', endpoint: d, offsetDelta: config.checkBinlogSyncProgressDelta });
      add({ type: 'kDelReplica', endpoint: l.value, desEndpoint: s });
      add({ type: 'kUpdateTableInfo', srcEndpoint: s, desEndpoint: d });
      add({ type: 'kDropTable', endpoint: s });
      break;
    }
    case 'kRecoverTableOP': {
      const e = op.data.endpoint;
      if (e !== OFFLINE_LEADER_ENDPOINT) {
        const meta = findReplica(partition, e);
        // Only a dead follower is detached: for an alive one (a recovery queued before another op
        // brought it back) the RecoverTable task does nothing, and detaching it would leave a
        // replica marked alive that its leader no longer replicates to (found by the simulator).
        if (meta && !meta.isLeader && !meta.isAlive) {
          const l = leader();
          if (!l.ok) return l;
          add({ type: 'kDelReplica', endpoint: l.value, desEndpoint: e });
        }
      }
      add({ type: 'kRecoverTable', endpoint: e, offsetDelta: op.data.offsetDelta, concurrency: op.data.concurrency });
      break;
    }
    case 'kReAddReplicaOP':
    case 'kReAddReplicaWithDropOP':
    case 'kReAddReplicaNoSendOP':
    case 'kReAddReplicaSimplifyOP': {
      const l = leader();
      if (!l.ok) return l;
      const e = op.data.endpoint;
      if (op.opType !== 'kReAddReplicaSimplifyOP') {
        add({ type: 'kPauseSnapshot', endpoint: l.value });
        if (op.opType === 'kReAddReplicaWithDropOP') add({ type: 'kDropTable', endpoint: e });
        if (op.opType !== 'kReAddReplicaNoSendOP') add({ type: 'kSendSnapshot', endpoint: l.value, desEndpoint: e });
        add({ type: 'kLoadTable', endpoint: e, mode: 'follower' });
      }
      add({ type: 'kAddReplica', endpoint: l.value, desEndpoint: e });
      if (op.opType !== 'kReAddReplicaSimplifyOP') add({ type: 'kRecoverSnapshot', endpoint: l.value });
      add({ type: 'kCheckBinlogSyncProgress', endpoint: e, offsetDelta: op.data.offsetDelta });
      add({ type: 'kUpdatePartitionStatus', endpoint: e, isLeader: false, isAlive: true });
      break;
    }
    case 'kReLoadTableOP': {
      const e = op.data.endpoint;
      add({ type: 'kLoadTable', endpoint: e, mode: 'leader' });
      add({ type: 'kUpdatePartitionStatus', endpoint: e, isLeader: true, isAlive: true });
      break;
    }
    case 'kUpdatePartitionStatusOP': {
      const d = op.data;
      add({ type: 'kUpdatePartitionStatus', endpoint: d.endpoint, isLeader: d.isLeader, isAlive: d.isAlive });
      break;
    }
  }

  for (const n of nodes) {
    if (n.kind !== 'leaf' || !isTabletTask(n.def)) continue;
    if (!isHealthy(view, n.def.endpoint)) {
      return fail(Code.tabletIsNotHealthy, `${what} failed: tablet ${n.def.endpoint} (for ${n.def.type}) is not healthy`);
    }
  }
  return ok(nodes);
}
