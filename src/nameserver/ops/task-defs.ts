/**
 * Tasks: what each step of an op is (TaskDef, fixed when the task list is built), what the shell is
 * asked to run (RunTask, the materialized task with every parameter resolved), and what the shell
 * reports back for the local tasks whose outcome feeds a decision (TaskResult).
 *
 * Tablet tasks are RPCs to one tablet that carry a TaskInfo; the tablet records the task and the
 * nameserver learns the outcome by polling GetTaskStatus. Local tasks are executed by the
 * nameserver shell itself (metadata edits, synchronous tablet calls) and reported directly.
 */
import type { SupportedOpType } from './op-info.js';
import type { MetaEdit } from './meta-edit.js';

export type TableMode = 'leader' | 'follower';

/** Tasks that run on a tablet (`endpoint`), tracked by the tablet's task map. */
export type TabletTaskDef =
  /** Snapshot up to endOffset (0 = current offset). */
  | { readonly type: 'kMakeSnapshot'; readonly endpoint: string; readonly endOffset: number }
  /** Table state → kSnapshotPaused, so no snapshot deletes binlog while one is being sent. */
  | { readonly type: 'kPauseSnapshot'; readonly endpoint: string }
  /** Table state back to kNormal. */
  | { readonly type: 'kRecoverSnapshot'; readonly endpoint: string }
  /** Stream table meta, snapshot file and MANIFEST to desEndpoint. */
  | { readonly type: 'kSendSnapshot'; readonly endpoint: string; readonly desEndpoint: string }
  /** Load the replica from its local snapshot + binlog, in the given role. */
  | { readonly type: 'kLoadTable'; readonly endpoint: string; readonly mode: TableMode }
  /** The leader starts replicating to desEndpoint. */
  | { readonly type: 'kAddReplica'; readonly endpoint: string; readonly desEndpoint: string }
  /** The leader stops replicating to desEndpoint. */
  | { readonly type: 'kDelReplica'; readonly endpoint: string; readonly desEndpoint: string }
  /** Drop the replica (data to the recycle bin). */
  | { readonly type: 'kDropTable'; readonly endpoint: string };

/** Tasks the nameserver shell runs itself. */
export type LocalTaskDef =
  /** Ours: tell the old leader on `endpoint` to stop accepting writes (DESIGN.md, "Fencing"). */
  | { readonly type: 'kFenceOldLeader'; readonly endpoint: string }
  | { readonly type: 'kSelectLeader' }
  | { readonly type: 'kChangeLeader' }
  | { readonly type: 'kUpdateLeaderInfo' }
  | { readonly type: 'kAddTableInfo'; readonly endpoint: string }
  | { readonly type: 'kDelTableInfo'; readonly endpoint: string }
  | { readonly type: 'kUpdateTableInfo'; readonly srcEndpoint: string; readonly desEndpoint: string }
  | { readonly type: 'kUpdatePartitionStatus'; readonly endpoint: string; readonly isLeader: boolean; readonly isAlive: boolean }
  /** `endpoint` may be OFFLINE_LEADER_ENDPOINT, resolved when the task runs. */
  | { readonly type: 'kRecoverTable'; readonly endpoint: string; readonly offsetDelta: number; readonly concurrency: number }
  /** Evaluated by the engine itself against the status poll's offsets; never sent to the shell. */
  | { readonly type: 'kCheckBinlogSyncProgress'; readonly endpoint: string; readonly offsetDelta: number };

export type TaskDef = TabletTaskDef | LocalTaskDef;

const TABLET_TASK_TYPES = new Set<string>([
  'kMakeSnapshot',
  'kPauseSnapshot',
  'kRecoverSnapshot',
  'kSendSnapshot',
  'kLoadTable',
  'kAddReplica',
  'kDelReplica',
  'kDropTable',
]);

export function isTabletTask(def: TaskDef): def is TabletTaskDef {
  return TABLET_TASK_TYPES.has(def.type);
}

/** Identifies a task run: the TaskInfo fields a tablet echoes back. */
export interface TaskHeader {
  readonly opId: number;
  readonly opType: SupportedOpType;
  readonly taskId: number;
  readonly tid: number;
  readonly pid: number;
}

export type TabletRunTask = TaskHeader & { readonly kind: 'tablet' } & TabletTaskDef;

/** Local tasks with every parameter resolved. */
export type LocalRun =
  /** Step down (tid, pid) on `endpoint`; report {reachable, offset}. */
  | { readonly type: 'kFenceOldLeader'; readonly endpoint: string }
  /**
   * Allocate a term (R/table/term += 2; curTerm = new value - 1), send FollowOfNoOne
   * (AppendEntries{term: curTerm, no entries}) to every follower, report their offsets.
   */
  | { readonly type: 'kSelectLeader'; readonly followers: readonly string[] }
  /** ChangeRole(leader, replicas = followers, term) on `leader`. */
  | { readonly type: 'kChangeLeader'; readonly leader: string; readonly followers: readonly string[]; readonly term: number }
  /** Apply `edit` to the current table, persist, bump notify. */
  | {
      readonly type: 'kUpdateLeaderInfo' | 'kAddTableInfo' | 'kDelTableInfo' | 'kUpdateTableInfo' | 'kUpdatePartitionStatus';
      readonly edit: MetaEdit;
    }
  /**
   * GetTermPair on `endpoint`; unless singleReplica: ChangeRole(follower) on it if it still leads,
   * DeleteBinlog on it if the table is not loaded, GetManifest on `leader`. Report the facts.
   */
  | { readonly type: 'kRecoverTable'; readonly endpoint: string; readonly leader: string | null; readonly singleReplica: boolean };

export type LocalRunTask = TaskHeader & { readonly kind: 'local' } & LocalRun;

export type RunTask = TabletRunTask | LocalRunTask;

/** What the shell reports for local tasks whose outcome the engine decides on. */
export type TaskResult =
  | { readonly type: 'kFenceOldLeader'; readonly reachable: boolean; readonly offset: number | null }
  | { readonly type: 'kSelectLeader'; readonly curTerm: number; readonly followerOffsets: readonly FollowerOffset[] }
  | { readonly type: 'kRecoverTable'; readonly facts: ReplicaTermFacts; readonly leaderSnapshotOffset: number | null };

export interface FollowerOffset {
  readonly endpoint: string;
  readonly offset: number;
}

/** GetTermPair's answer: the loaded replica's (term, offset), or the local MANIFEST's when not loaded. */
export interface ReplicaTermFacts {
  readonly hasTable: boolean;
  readonly isLeader: boolean;
  readonly term: number;
  readonly offset: number;
}
