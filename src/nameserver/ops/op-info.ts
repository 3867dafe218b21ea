/**
 * The persisted record of one op (the reference's OPInfo, cluster.md §5.2), stored as JSON in
 * `<root>/op/op_data/<op_id>`. The op-specific `data` payload is tied to `opType` by a
 * discriminated union, so an AddReplica op cannot carry ChangeLeader data. The task list is never
 * stored: it is rebuilt from `data` plus the current metadata; only `taskIndex` (tasks already
 * done) is.
 */
import { assert } from '../../base/assert.js';
import { OP_TYPE, type OpTypeName, TASK_STATUS, type TaskStatusName } from './enums.js';

export const OP_INFO_FORMAT_VERSION = 1;

/** MakeSnapshotNSRequest: snapshot up to `endOffset` (0 = the current offset). */
export interface MakeSnapshotData {
  readonly endOffset: number;
}

/** AddReplicaNSRequest / DelReplica / OfflineReplica / ReLoadTable: the target endpoint. */
export interface EndpointData {
  readonly endpoint: string;
}

/** ChangeLeaderData. `leader`, `offset`, `term` are filled by the SelectLeader task. */
export interface ChangeLeaderData {
  /** Followers at creation: alive, not leader, on a healthy tablet (+ the candidate with need_restore). */
  readonly followers: readonly string[];
  readonly candidate: string | null;
  readonly leader: string | null;
  /** The new leader's last binlog offset; its term starts at offset + 1. */
  readonly offset: number | null;
  /** The new leader's term (cur_term + 1). */
  readonly term: number | null;
  /** Last offset the fenced old leader reported, when it was reachable (ours; diagnostics). */
  readonly fencedOffset: number | null;
}

export interface MigrateData {
  readonly srcEndpoint: string;
  readonly desEndpoint: string;
}

/** RecoverTableData, used by kRecoverTableOP and every kReAddReplica* op. */
export interface RecoverTableData {
  readonly endpoint: string;
  readonly offsetDelta: number;
  readonly isLeader: boolean;
  readonly concurrency: number;
}

/** EndpointStatusData. */
export interface EndpointStatusData {
  readonly endpoint: string;
  readonly isLeader: boolean;
  readonly isAlive: boolean;
}

export type OpSpec =
  | { readonly opType: 'kMakeSnapshotOP'; readonly data: MakeSnapshotData }
  | { readonly opType: 'kAddReplicaOP'; readonly data: EndpointData }
  | { readonly opType: 'kDelReplicaOP'; readonly data: EndpointData }
  | { readonly opType: 'kOfflineReplicaOP'; readonly data: EndpointData }
  | { readonly opType: 'kChangeLeaderOP'; readonly data: ChangeLeaderData }
  | { readonly opType: 'kMigrateOP'; readonly data: MigrateData }
  | { readonly opType: 'kRecoverTableOP'; readonly data: RecoverTableData }
  | { readonly opType: 'kReAddReplicaOP'; readonly data: RecoverTableData }
  | { readonly opType: 'kReAddReplicaWithDropOP'; readonly data: RecoverTableData }
  | { readonly opType: 'kReAddReplicaNoSendOP'; readonly data: RecoverTableData }
  | { readonly opType: 'kReAddReplicaSimplifyOP'; readonly data: RecoverTableData }
  | { readonly opType: 'kReLoadTableOP'; readonly data: EndpointData }
  | { readonly opType: 'kUpdatePartitionStatusOP'; readonly data: EndpointStatusData };

/** The op types this engine creates and runs (the multi-cluster and index ops are not supported). */
export type SupportedOpType = OpSpec['opType'];

export const SUPPORTED_OP_TYPES: readonly SupportedOpType[] = [
  'kMakeSnapshotOP',
  'kAddReplicaOP',
  'kDelReplicaOP',
  'kOfflineReplicaOP',
  'kChangeLeaderOP',
  'kMigrateOP',
  'kRecoverTableOP',
  'kReAddReplicaOP',
  'kReAddReplicaWithDropOP',
  'kReAddReplicaNoSendOP',
  'kReAddReplicaSimplifyOP',
  'kReLoadTableOP',
  'kUpdatePartitionStatusOP',
];

/** Where an op applies: the table (by tid, name and db) and one partition. */
export interface OpTarget {
  readonly tid: number;
  readonly db: string;
  readonly name: string;
  readonly pid: number;
}

export interface OpCommon extends OpTarget {
  readonly formatVersion: number;
  readonly opId: number;
  /** How many top-level tasks are done. */
  readonly taskIndex: number;
  /** The op's own status. */
  readonly taskStatus: TaskStatusName;
  /** Unix seconds; 0 = not started / not ended. */
  readonly startTimeS: number;
  readonly endTimeS: number;
  /** The op that created this one (RecoverTable's child), or null. */
  readonly parentId: number | null;
  /** The queue the op runs in. */
  readonly vecIdx: number;
  /** Multi-cluster ops are not supported: always false. */
  readonly forReplicaCluster: boolean;
}

export type OpInfo = OpCommon & OpSpec;

export function opTypeNumber(opType: OpTypeName): number {
  return OP_TYPE[opType];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeOpInfo(op: OpInfo): Uint8Array {
  return encoder.encode(JSON.stringify(op));
}

/**
 * Decodes and checks a persisted op. A record from a newer format, or of an op type this build
 * does not run, is an expected failure reported as a message (the caller logs and skips it).
 */
export function decodeOpInfo(bytes: Uint8Array, what: string): { ok: true; op: OpInfo } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    return { ok: false, message: `op record ${what} is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, message: `op record ${what} is not an object` };
  const r = raw as Record<string, unknown>;
  if (typeof r.formatVersion !== 'number' || r.formatVersion > OP_INFO_FORMAT_VERSION) {
    return {
      ok: false,
      message: `op record ${what} has format version ${String(r.formatVersion)}; this build reads up to ${OP_INFO_FORMAT_VERSION}`,
    };
  }
  for (const key of ['opId', 'taskIndex', 'startTimeS', 'endTimeS', 'tid', 'pid', 'vecIdx'] as const) {
    if (typeof r[key] !== 'number' || !Number.isSafeInteger(r[key])) {
      return { ok: false, message: `op record ${what}: field '${key}' is not an integer` };
    }
  }
  if (typeof r.opType !== 'string' || !(SUPPORTED_OP_TYPES as readonly string[]).includes(r.opType)) {
    return { ok: false, message: `op record ${what}: op type '${String(r.opType)}' is not supported by this build` };
  }
  if (typeof r.taskStatus !== 'string' || !(r.taskStatus in TASK_STATUS)) {
    return { ok: false, message: `op record ${what}: unknown task status '${String(r.taskStatus)}'` };
  }
  if (typeof r.data !== 'object' || r.data === null) return { ok: false, message: `op record ${what}: missing data` };
  if (r.parentId !== null && typeof r.parentId !== 'number') {
    return { ok: false, message: `op record ${what}: parentId must be a number or null` };
  }
  return { ok: true, op: { ...(r as unknown as OpInfo), forReplicaCluster: r.forReplicaCluster === true } };
}

/** Returns a copy of `op` with `changes` applied (ops are immutable records). */
export function withOp(op: OpInfo, changes: Partial<OpCommon>): OpInfo {
  const next = { ...op, ...changes } as OpInfo;
  assert(next.taskIndex >= 0, `op ${op.opId}: negative task index`);
  return next;
}

/** Returns a copy of a ChangeLeader op with its data changed. */
export function withChangeLeaderData(op: OpInfo, changes: Partial<ChangeLeaderData>): OpInfo {
  assert(op.opType === 'kChangeLeaderOP', `op ${op.opId} is ${op.opType}, not kChangeLeaderOP`);
  return { ...op, data: { ...op.data, ...changes } };
}
