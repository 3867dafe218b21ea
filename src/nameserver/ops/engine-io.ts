/** What the shell reports to the op engine, and what the engine reports back for showopstatus. */
import type { Action } from './actions.js';
import type { TaskStatusName, TaskTypeName } from './enums.js';
import type { OpInfo } from './op-info.js';
import type { PlanNote } from './planned-op.js';
import type { TaskResult } from './task-defs.js';

/** The outcome of a local task, or the shell's failure to send a tablet task. */
export interface TaskReport {
  readonly opId: number;
  readonly taskId: number;
  readonly status: 'kDone' | 'kFailed';
  readonly result?: TaskResult;
  readonly message?: string;
}

/** One TaskInfo from a tablet's GetTaskStatus. */
export interface TabletTaskReport {
  readonly opId: number;
  readonly taskType: TaskTypeName;
  readonly tid: number;
  readonly pid: number;
  readonly status: TaskStatusName;
}

/** One round of GetTaskStatus over the healthy tablets. */
export interface TaskPollRound {
  /** `taskRpcVersion` read before the round started; a changed version voids its "not found"s. */
  readonly rpcVersion: number;
  /** Per polled tablet, the tasks it reported. A tablet missing here was not polled. */
  readonly reports: ReadonlyMap<string, readonly TabletTaskReport[]>;
}

export type DeleteSelector =
  | { readonly opId: number }
  | { readonly status: TaskStatusName; readonly db?: string };

export interface OpStatusFilter {
  readonly db?: string;
  readonly name?: string;
  readonly pid?: number;
  readonly opId?: number;
}

/** One row of showopstatus. Times are unix seconds (0 = none); the CLI formats them. */
export interface OpStatusRow {
  readonly opId: number;
  readonly opType: OpInfo['opType'];
  readonly db: string;
  readonly name: string;
  readonly pid: number;
  readonly status: TaskStatusName;
  readonly startTimeS: number;
  readonly executeTimeS: number;
  readonly endTimeS: number;
  readonly curTask: TaskTypeName | '-';
  readonly forReplicaCluster: boolean;
}

export interface SubmitAccepted {
  /** Null when the request needs no op (e.g. offlineendpoint of a tablet that holds nothing). */
  readonly ticket: number | null;
  readonly opCount: number;
  readonly notes: readonly PlanNote[];
  readonly actions: Action[];
}
