/**
 * What the engine asks the shell to do. The shell executes a batch in order; a `persistOp` must have
 * reached ZooKeeper before anything after it in the same batch runs (retry until it does, or give up
 * leadership: the next leader recovers from ZooKeeper).
 */
import type { OpInfo } from './op-info.js';
import type { RunTask } from './task-defs.js';
import type { MetaEdit } from './meta-edit.js';

export type LogLevel = 'info' | 'warn' | 'error';

export type Action =
  /** Allocate `count` op ids from R/op/op_index, then call opIdsAllocated / opIdAllocationFailed. */
  | { readonly kind: 'allocateOpIds'; readonly ticket: number; readonly count: number }
  /** Create or overwrite R/op/op_data/<opId> with the encoded op. */
  | { readonly kind: 'persistOp'; readonly op: OpInfo }
  /** Delete R/op/op_data/<opId> (missing is fine). */
  | { readonly kind: 'removeOpNode'; readonly opId: number }
  /** Run one task and report through taskFinished (local) or the task-status poll (tablet). */
  | { readonly kind: 'runTask'; readonly task: RunTask }
  /** CancelOP(opId) on each tablet: they mark that op's unfinished tasks canceled. */
  | { readonly kind: 'cancelTabletTasks'; readonly endpoints: readonly string[]; readonly opId: number }
  /** DeleteOPTask(opIds) on each tablet; report through tabletTasksDeleted. */
  | { readonly kind: 'deleteTabletTasks'; readonly endpoints: readonly string[]; readonly opIds: readonly number[] }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly message: string; readonly fields?: Readonly<Record<string, unknown>> };

function describeEdit(e: MetaEdit): string {
  switch (e.kind) {
    case 'setReplicaAlive':
      return `setReplicaAlive ${e.endpoint} alive=${e.isAlive}`;
    case 'addReplicaMeta':
    case 'removeReplicaMeta':
      return `${e.kind} ${e.endpoint}`;
    case 'moveReplicaMeta':
      return `moveReplicaMeta ${e.srcEndpoint}->${e.desEndpoint}`;
    case 'setReplicaStatus':
      return `setReplicaStatus ${e.endpoint} leader=${e.isLeader} alive=${e.isAlive}`;
    case 'setLeader':
      return `setLeader ${e.leader} term=${e.term} offset=${e.offset}`;
    case 'replacePartition':
      return `replacePartition ${e.replicas.map((r) => r.endpoint).join(',')}`;
  }
}

export function describeTask(t: RunTask): string {
  const head = `op${t.opId} t${t.taskId} ${t.type}`;
  if (t.kind === 'tablet') {
    switch (t.type) {
      case 'kSendSnapshot':
      case 'kAddReplica':
      case 'kDelReplica':
        return `${head}@${t.endpoint} ->${t.desEndpoint}`;
      case 'kLoadTable':
        return `${head}@${t.endpoint} ${t.mode}`;
      case 'kMakeSnapshot':
        return `${head}@${t.endpoint} end=${t.endOffset}`;
      default:
        return `${head}@${t.endpoint}`;
    }
  }
  switch (t.type) {
    case 'kFenceOldLeader':
      return `${head} ${t.endpoint}`;
    case 'kSelectLeader':
      return `${head} followers=${t.followers.join(',')}`;
    case 'kChangeLeader':
      return `${head} ${t.leader} term=${t.term} followers=${t.followers.join(',')}`;
    case 'kRecoverTable':
      return `${head} ${t.endpoint} leader=${t.leader ?? '-'}${t.singleReplica ? ' single' : ''}`;
    default:
      return `${head} ${describeEdit(t.edit)}`;
  }
}

/** One line per action, for logs and golden tests. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'allocateOpIds':
      return `allocate ${a.count} ticket=${a.ticket}`;
    case 'persistOp':
      return `persist op${a.op.opId} ${a.op.opType} ${a.op.taskStatus} idx=${a.op.taskIndex}`;
    case 'removeOpNode':
      return `remove op${a.opId}`;
    case 'runTask':
      return `run ${describeTask(a.task)}`;
    case 'cancelTabletTasks':
      return `cancel op${a.opId} on ${a.endpoints.join(',')}`;
    case 'deleteTabletTasks':
      return `delete ops ${a.opIds.join(',')} on ${a.endpoints.join(',')}`;
    case 'log':
      return `log ${a.level} ${a.message}`;
  }
}
