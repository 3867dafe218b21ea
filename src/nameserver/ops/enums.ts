/**
 * The op/task enums with the reference's exact names and numeric values (cluster.md §5.1). The
 * engine works with the names; the numbers are what a TaskInfo carries on the wire and what tools
 * that speak the reference's protocol expect.
 */
export {
  OP_TYPES as OP_TYPE,
  TASK_STATUSES as TASK_STATUS,
  TASK_TYPES as TASK_TYPE,
  isTaskFinished as isFinished,
  type OpType as OpTypeName,
  type TaskStatus as TaskStatusName,
  type TaskType as TaskTypeName,
} from '../../protocol/ops-types.js';

/** recoverendpoint's placeholder for "the replica marked is_leader && !is_alive" (cluster.md §6.3). */
export const OFFLINE_LEADER_ENDPOINT = 'OFFLINE_LEADER_ENDPOINT';
