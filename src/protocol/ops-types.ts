/**
 * Names (and the reference's numeric values) of nameserver operations, their tasks and task
 * statuses (cluster.md §5.1). The wire carries the names; the numbers are kept for display and
 * for tools that print the reference's values. Append only: a name is never renamed or reused.
 */
export const OP_TYPES = {
  kMakeSnapshotOP: 1,
  kAddReplicaOP: 2,
  kDelReplicaOP: 3,
  kChangeLeaderOP: 4,
  kOfflineReplicaOP: 5,
  kReAddReplicaOP: 6,
  kReAddReplicaNoSendOP: 7,
  kReAddReplicaWithDropOP: 8,
  kReAddReplicaSimplifyOP: 9,
  kUpdateTableAliveOP: 10,
  kMigrateOP: 11,
  kReLoadTableOP: 12,
  kUpdatePartitionStatusOP: 13,
  kRecoverTableOP: 14,
  kCreateTableRemoteOP: 15,
  kDropTableRemoteOP: 16,
  kAddReplicaSimplyRemoteOP: 17,
  kDelReplicaRemoteOP: 18,
  kAddReplicaRemoteOP: 19,
  kAddIndexOP: 20,
  kDeployOP: 21,
} as const;

export type OpType = keyof typeof OP_TYPES;

export const TASK_TYPES = {
  kMakeSnapshot: 1,
  kPauseSnapshot: 2,
  kRecoverSnapshot: 3,
  kSendSnapshot: 4,
  kLoadTable: 5,
  kAddReplica: 6,
  kAddTableInfo: 7,
  kDelReplica: 8,
  kDelTableInfo: 9,
  kChangeLeader: 10,
  kUpdatePartitionStatus: 11,
  kDropTable: 12,
  kUpdateTableAlive: 13,
  kUpdateTableInfo: 14,
  kSelectLeader: 15,
  kUpdateLeaderInfo: 16,
  kRecoverTable: 17,
  kCheckBinlogSyncProgress: 18,
  kCreateTableRemote: 19,
  kDropTableRemote: 20,
  kAddReplicaNSRemote: 21,
  kDumpIndexData: 22,
  kSendIndexData: 23,
  kLoadIndexData: 24,
  kExtractIndexData: 25,
  kAddIndexToTablet: 26,
  kTableSyncTask: 27,
  kSendIndexRequest: 28,
  kExtractIndexRequest: 29,
  kLoadIndexRequest: 30,
  kAddIndexToTabletRequest: 31,
  kAddIndexToTableInfo: 32,
  kAddMultiTableIndex: 33,
  kAddTableIndex: 34,
  kCreateProcedure: 35,
  /**
   * Ours, not the reference's: the first task of a ChangeLeader op tells the old leader to stop
   * accepting writes before a new leader is chosen (src/nameserver/ops/DESIGN.md, "Fencing").
   * Numbered far from the reference's range so it never collides with a value the reference adds.
   */
  kFenceOldLeader: 1001,
} as const;

export type TaskType = keyof typeof TASK_TYPES;

export const TASK_STATUSES = {
  kInited: 1,
  kDoing: 2,
  kDone: 3,
  kFailed: 4,
  kCanceled: 5,
} as const;

export type TaskStatus = keyof typeof TASK_STATUSES;

/** Done, Failed and Canceled are final. */
export function isTaskFinished(status: TaskStatus): boolean {
  return status === 'kDone' || status === 'kFailed' || status === 'kCanceled';
}

export const OP_TYPE_NAMES = Object.keys(OP_TYPES) as OpType[];
export const TASK_TYPE_NAMES = Object.keys(TASK_TYPES) as TaskType[];
export const TASK_STATUS_NAMES = Object.keys(TASK_STATUSES) as TaskStatus[];
