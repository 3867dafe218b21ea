/**
 * RPC methods for replication and the nameserver's cluster operations (cluster.md §5.5, §5.8,
 * §6.2, §6.3, §7): request validation and the task convention. A request that carries a `task`
 * is answered at once and its outcome recorded in the task map (GetTaskStatus); one without runs
 * to completion first. The work itself is done by the tablet (`TabletClusterOps`).
 */
import { ok, type Result } from '../base/status.js';
import type { TableMode, TabletMethods, TaskInfoMsg, TransferDir } from '../protocol/messages.js';
import { OP_TYPE_NAMES, TASK_STATUS_NAMES, TASK_TYPE_NAMES } from '../protocol/ops-types.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import {
  arrayOf,
  bytes,
  type Check,
  int,
  nonNegativeInt,
  object,
  oneOf,
  optional,
  str,
  withDefault,
} from '../protocol/validate.js';
import { parseRequest } from './parse-request.js';

type Res<M extends keyof TabletMethods> = TabletMethods[M]['res'];

export interface TransferFile {
  readonly tid: number;
  readonly pid: number;
  readonly dir: TransferDir;
  readonly fileName: string;
}

/** The work behind the cluster RPCs; the Tablet implements it. */
export interface TabletClusterOps {
  appendEntries(request: TabletMethods['AppendEntries']['req']): Promise<Result<Res<'AppendEntries'>>>;
  addReplica(tid: number, pid: number, endpoint: string): Promise<Result<void>>;
  delReplica(tid: number, pid: number, endpoint: string): Promise<Result<void>>;
  changeRole(tid: number, pid: number, mode: TableMode, term: number, followers: readonly string[]): Promise<Result<Res<'ChangeRole'>>>;
  getTermPair(tid: number, pid: number): Promise<Result<Res<'GetTermPair'>>>;
  getTableFollower(tid: number, pid: number): Result<Res<'GetTableFollower'>>;
  getManifest(tid: number, pid: number): Promise<Result<Res<'GetManifest'>>>;
  deleteBinlog(tid: number, pid: number): Promise<Result<void>>;
  pauseSnapshot(tid: number, pid: number): Result<void>;
  recoverSnapshot(tid: number, pid: number): Result<void>;
  sendSnapshot(tid: number, pid: number, endpoint: string, remoteTid: number, isCanceled: () => boolean): Promise<Result<void>>;
  receiveFile(file: TransferFile, sizeBytes: number): Promise<Result<void>>;
  receiveBlock(file: TransferFile, blockId: number, data: Uint8Array, blockCrc32: number): Promise<Result<void>>;
  checkFile(file: TransferFile, sizeBytes: number, crc32: number): Promise<Result<void>>;
  /** Runs `work` now (no task) or records the task and runs it in the background. */
  runTask<T>(task: TaskInfoMsg | undefined, work: (isCanceled: () => boolean) => Promise<Result<T>> | Result<T>): Promise<Result<T | undefined>>;
  taskStatus(): TaskInfoMsg[];
  deleteTasks(opIds: readonly number[]): void;
  cancelOp(opId: number): void;
}

export const taskInfo: Check<TaskInfoMsg> = object({
  opId: nonNegativeInt,
  opType: oneOf(...OP_TYPE_NAMES),
  taskType: oneOf(...TASK_TYPE_NAMES),
  status: withDefault(oneOf(...TASK_STATUS_NAMES), 'kInited' as const),
  taskId: optional(int),
  tid: optional(nonNegativeInt),
  pid: optional(nonNegativeInt),
  endpoint: optional(str),
}) as Check<TaskInfoMsg>;

const ENDPOINT_LIST_MAX = 64;
const FILE_NAME_BYTES_MAX = 255;

const tablePid = { tid: nonNegativeInt, pid: nonNegativeInt };
const taskCheck = { task: optional(taskInfo) };
const fileName: Check<string> = (v, p) => {
  const r = str(v, p);
  if (!r.ok) return r;
  const name = r.value;
  if (name.length === 0 || name.length > FILE_NAME_BYTES_MAX || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    return { ok: false, message: `field '${p}' must be a plain file name, got ${JSON.stringify(name.slice(0, 60))}` };
  }
  return r;
};
const transferFile = { ...tablePid, dir: oneOf('', 'snapshot'), fileName };

const appendEntries = object({ ...tablePid, term: nonNegativeInt, preLogIndex: nonNegativeInt, entries: optional(bytes) });
const replicaRequest = object({ ...tablePid, endpoint: str, ...taskCheck });
const changeRole = object({
  ...tablePid,
  mode: oneOf('leader', 'follower'),
  term: nonNegativeInt,
  followers: withDefault(arrayOf(str, ENDPOINT_LIST_MAX), [] as string[]),
});
const pidRequest = object(tablePid);
const pidTaskRequest = object({ ...tablePid, ...taskCheck });
const sendSnapshot = object({ ...tablePid, endpoint: str, remoteTid: optional(nonNegativeInt), ...taskCheck });
const receiveFile = object({ ...transferFile, sizeBytes: nonNegativeInt });
const sendData = object({ ...transferFile, blockId: nonNegativeInt, data: bytes, blockCrc32: nonNegativeInt });
const checkFile = object({ ...transferFile, sizeBytes: nonNegativeInt, crc32: nonNegativeInt });
const opIds = object({ opIds: arrayOf(nonNegativeInt, 100_000) });
const opId = object({ opId: nonNegativeInt });

const EMPTY = {};
function empty(r: Result<unknown>): Result<Record<string, never>> {
  return r.ok ? ok(EMPTY) : r;
}

export function clusterHandlers(ops: TabletClusterOps): Record<string, MethodHandler> {
  return {
    AppendEntries: (body) => {
      const r = parseRequest(appendEntries, 'AppendEntries', body);
      return r.ok ? ops.appendEntries(r.value) : r;
    },
    AddReplica: async (body) => {
      const r = parseRequest(replicaRequest, 'AddReplica', body);
      if (!r.ok) return r;
      const { tid, pid, endpoint, task } = r.value;
      return empty(await ops.runTask(task, () => ops.addReplica(tid, pid, endpoint)));
    },
    DelReplica: async (body) => {
      const r = parseRequest(replicaRequest, 'DelReplica', body);
      if (!r.ok) return r;
      const { tid, pid, endpoint, task } = r.value;
      return empty(await ops.runTask(task, () => ops.delReplica(tid, pid, endpoint)));
    },
    ChangeRole: async (body) => {
      const r = parseRequest(changeRole, 'ChangeRole', body);
      if (!r.ok) return r;
      const { tid, pid, mode, term, followers } = r.value;
      return ops.changeRole(tid, pid, mode, term, followers);
    },
    GetTermPair: (body) => {
      const r = parseRequest(pidRequest, 'GetTermPair', body);
      return r.ok ? ops.getTermPair(r.value.tid, r.value.pid) : r;
    },
    GetTableFollower: (body) => {
      const r = parseRequest(pidRequest, 'GetTableFollower', body);
      return r.ok ? ops.getTableFollower(r.value.tid, r.value.pid) : r;
    },
    GetManifest: (body) => {
      const r = parseRequest(pidRequest, 'GetManifest', body);
      return r.ok ? ops.getManifest(r.value.tid, r.value.pid) : r;
    },
    DeleteBinlog: async (body) => {
      const r = parseRequest(pidRequest, 'DeleteBinlog', body);
      return r.ok ? empty(await ops.deleteBinlog(r.value.tid, r.value.pid)) : r;
    },
    PauseSnapshot: async (body) => {
      const r = parseRequest(pidTaskRequest, 'PauseSnapshot', body);
      if (!r.ok) return r;
      const { tid, pid, task } = r.value;
      return empty(await ops.runTask(task, () => ops.pauseSnapshot(tid, pid)));
    },
    RecoverSnapshot: async (body) => {
      const r = parseRequest(pidTaskRequest, 'RecoverSnapshot', body);
      if (!r.ok) return r;
      const { tid, pid, task } = r.value;
      return empty(await ops.runTask(task, () => ops.recoverSnapshot(tid, pid)));
    },
    SendSnapshot: async (body) => {
      const r = parseRequest(sendSnapshot, 'SendSnapshot', body);
      if (!r.ok) return r;
      const { tid, pid, endpoint, remoteTid, task } = r.value;
      return empty(await ops.runTask(task, (isCanceled) => ops.sendSnapshot(tid, pid, endpoint, remoteTid ?? tid, isCanceled)));
    },
    ReceiveFile: async (body) => {
      const r = parseRequest(receiveFile, 'ReceiveFile', body);
      if (!r.ok) return r;
      const { sizeBytes, ...file } = r.value;
      return empty(await ops.receiveFile(file, sizeBytes));
    },
    SendData: async (body) => {
      const r = parseRequest(sendData, 'SendData', body);
      if (!r.ok) return r;
      const { blockId, data, blockCrc32, ...file } = r.value;
      return empty(await ops.receiveBlock(file, blockId, data, blockCrc32));
    },
    CheckFile: async (body) => {
      const r = parseRequest(checkFile, 'CheckFile', body);
      if (!r.ok) return r;
      const { sizeBytes, crc32, ...file } = r.value;
      return empty(await ops.checkFile(file, sizeBytes, crc32));
    },
    GetTaskStatus: () => ok({ tasks: ops.taskStatus() }),
    DeleteOPTask: (body) => {
      const r = parseRequest(opIds, 'DeleteOPTask', body);
      if (!r.ok) return r;
      ops.deleteTasks(r.value.opIds);
      return ok(EMPTY);
    },
    CancelOP: (body) => {
      const r = parseRequest(opId, 'CancelOP', body);
      if (!r.ok) return r;
      ops.cancelOp(r.value.opId);
      return ok(EMPTY);
    },
  };
}
