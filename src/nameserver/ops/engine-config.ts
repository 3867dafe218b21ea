/** The op engine's limits and settings, and which tasks a new leader re-runs after a failover. */
import type { BuildConfig } from './build-tasks.js';
import type { TaskTypeName } from './enums.js';
import type { PlanConfig } from './op-requests.js';

export interface OpEngineConfig extends BuildConfig, PlanConfig {
  /** Number of op queues (name_server_task_max_concurrency). */
  readonly queueCount: number;
  /** max_op_num: finished ops kept for showopstatus. */
  readonly opNumMax: number;
  /** Ops waiting or running in all queues together. */
  readonly queuedOpsMax: number;
  /** Op-id requests outstanding at once. */
  readonly pendingTicketsMax: number;
  /** A Doing tablet task fails once its tablet has been offline this long. */
  readonly tabletHeartbeatTimeoutMs: number;
  /** name_server_op_execute_timeout: only logged. */
  readonly opExecuteTimeoutMs: number;
  /** A tablet task missing from this many polls in a row fails. */
  readonly taskPollMissesMax: number;
}

/** The reference's defaults (cluster.md §2.2; tablet_heartbeat_timeout as in the shipped template). */
export const DEFAULT_OP_ENGINE_CONFIG: OpEngineConfig = {
  queueCount: 8,
  concurrencyDefault: 2,
  concurrencyMax: 8,
  checkBinlogSyncProgressDelta: 100_000,
  opNumMax: 10_000,
  queuedOpsMax: 100_000,
  pendingTicketsMax: 1_000,
  tabletHeartbeatTimeoutMs: 60_000,
  opExecuteTimeoutMs: 7_200_000,
  taskPollMissesMax: 5,
};

/**
 * Current tasks of these types are re-run from scratch after a nameserver failover rather than
 * learned from a tablet poll. The first seven are the reference's; kFenceOldLeader, kChangeLeader
 * and kDelTableInfo are local tasks too, which no poll can resolve (see DESIGN.md).
 */
export const RERUN_AFTER_RECOVERY: ReadonlySet<TaskTypeName> = new Set<TaskTypeName>([
  'kSelectLeader',
  'kUpdateLeaderInfo',
  'kUpdatePartitionStatus',
  'kUpdateTableInfo',
  'kRecoverTable',
  'kAddTableInfo',
  'kCheckBinlogSyncProgress',
  'kFenceOldLeader',
  'kChangeLeader',
  'kDelTableInfo',
]);
