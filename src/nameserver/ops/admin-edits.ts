/**
 * Admin commands that change metadata or config directly, without an op (cluster.md §6.4):
 * confset, setttl, updatetablealive, settablepartition. Each validates against the view with the
 * reference's codes and returns what the shell should apply.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import { isLiveIndex, TTL_TYPES, type TablePartition, type Ttl } from '../../protocol/schema.js';
import { type ClusterView, findPartition, findTable } from './cluster-view.js';
import { applyMetaEdit, type MetaEdit } from './meta-edit.js';
import { refuseIfAutoFailover } from './op-requests.js';

/** latest_ttl_max / absolute_ttl_max (minutes). */
export const LATEST_TTL_MAX = 1000;
export const ABSOLUTE_TTL_MAX_MINUTES = 15_768_000;

/** confset: the only key is auto_failover, the value true|false (case-insensitive). */
export function parseConfSet(key: string, value: string): Result<{ readonly autoFailover: boolean }> {
  if (key.toLowerCase() !== 'auto_failover') return fail(Code.invalidParameter, `confset failed: unsupported key '${key}'`);
  const v = value.toLowerCase();
  if (v !== 'true' && v !== 'false') return fail(Code.invalidParameter, `confset failed: auto_failover must be true or false, got '${value}'`);
  return ok({ autoFailover: v === 'true' });
}

export interface SetTtlRequest {
  readonly db: string;
  readonly name: string;
  readonly ttl: Ttl;
  /** One index, or every index of the table. */
  readonly index?: string;
}

/** setttl (RPC UpdateTTL): which indexes get which TTL; the shell calls UpdateTTL on every replica. */
export function planSetTtl(view: ClusterView, req: SetTtlRequest): Result<{ readonly tid: number; readonly indexes: readonly string[]; readonly ttl: Ttl }> {
  const table = findTable(view, req.db, req.name);
  if (!table) return fail(Code.tableNotFound, `set ttl failed: table ${req.db}.${req.name} does not exist`);
  const { ttl } = req;
  if (!(TTL_TYPES as readonly string[]).includes(ttl.type)) return fail(Code.invalidParameter, `set ttl failed: unknown ttl type '${ttl.type}'`);
  if (!Number.isInteger(ttl.absMinutes) || ttl.absMinutes < 0 || ttl.absMinutes > ABSOLUTE_TTL_MAX_MINUTES) {
    return fail(Code.invalidParameter, `set ttl failed: absolute ttl ${ttl.absMinutes} is out of range 0..${ABSOLUTE_TTL_MAX_MINUTES}`);
  }
  if (!Number.isInteger(ttl.latCount) || ttl.latCount < 0 || ttl.latCount > LATEST_TTL_MAX) {
    return fail(Code.invalidParameter, `set ttl failed: latest ttl ${ttl.latCount} is out of range 0..${LATEST_TTL_MAX}`);
  }
  const clean: Ttl =
    ttl.type === 'absolute' ? { ...ttl, latCount: 0 } : ttl.type === 'latest' ? { ...ttl, absMinutes: 0 } : { ...ttl };
  const names = table.schema.indexes.filter(isLiveIndex).map((i) => i.name);
  if (req.index !== undefined) {
    if (!names.includes(req.index)) return fail(Code.indexNotFound, `set ttl failed: table ${req.db}.${req.name} has no index '${req.index}'`);
    return ok({ tid: table.tid, indexes: [req.index], ttl: clean });
  }
  return ok({ tid: table.tid, indexes: names, ttl: clean });
}

export interface UpdateTableAliveRequest {
  readonly db: string;
  readonly name: string;
  /** One pid or every pid ('*'). */
  readonly pid: number | '*';
  readonly endpoint: string;
  readonly isAlive: boolean;
}

/** updatetablealive (RPC UpdateTableAliveStatus): the is_alive flips; tablets are not touched. */
export function planUpdateTableAlive(view: ClusterView, req: UpdateTableAliveRequest): Result<MetaEdit[]> {
  const refused = refuseIfAutoFailover(view, 'UpdateTableAliveStatus');
  if (!refused.ok) return refused;
  const table = findTable(view, req.db, req.name);
  if (!table) return fail(Code.tableNotFound, `update table alive failed: table ${req.db}.${req.name} does not exist`);
  let partitions: readonly TablePartition[];
  if (req.pid === '*') {
    partitions = table.partitions;
  } else {
    const p = findPartition(table, req.pid);
    if (!p) return fail(Code.pidIsNotExist, `update table alive failed: table ${req.db}.${req.name} has no partition ${req.pid}`);
    partitions = [p];
  }
  const edits: MetaEdit[] = partitions
    .filter((p) => p.replicas.some((r) => r.endpoint === req.endpoint))
    .map((p) => ({ kind: 'setReplicaAlive', tid: table.tid, pid: p.pid, endpoint: req.endpoint, isAlive: req.isAlive }));
  if (edits.length === 0) {
    return fail(Code.endpointIsNotExist, `update table alive failed: ${req.endpoint} holds no replica of ${req.db}.${req.name} pid ${req.pid}`);
  }
  return ok(edits);
}

/** settablepartition: a raw replacement of one partition's metadata, checked before it is applied. */
export function planSetTablePartition(view: ClusterView, db: string, name: string, partition: TablePartition): Result<MetaEdit> {
  const refused = refuseIfAutoFailover(view, 'SetTablePartition');
  if (!refused.ok) return refused;
  const table = findTable(view, db, name);
  if (!table) return fail(Code.tableNotFound, `set table partition failed: table ${db}.${name} does not exist`);
  const edit: MetaEdit = {
    kind: 'replacePartition',
    tid: table.tid,
    pid: partition.pid,
    replicas: partition.replicas,
    termOffsets: partition.termOffsets.length > 0 ? partition.termOffsets : undefined,
  };
  const dryRun = applyMetaEdit(table, edit);
  return dryRun.ok ? ok(edit) : dryRun;
}
