/**
 * Metadata changes made by local tasks and admin commands, as data. The shell applies an edit to
 * its current copy of the table with `applyMetaEdit` at the moment it executes the task (never to
 * a stale snapshot), persists the result, bumps `table/notify`, and only then swaps it in memory.
 * Every edit is idempotent where a recovered op may re-run it (cluster.md §5.6).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { PartitionReplica, TableInfo, TablePartition, TermOffset } from '../../protocol/schema.js';

export type MetaEdit =
  /** UpdateEndpointTableAlive and `updatetablealive`: flip is_alive of ep's replica. */
  | { readonly kind: 'setReplicaAlive'; readonly tid: number; readonly pid: number; readonly endpoint: string; readonly isAlive: boolean }
  /** AddTableInfo: append ep as a follower that is not alive yet. */
  | { readonly kind: 'addReplicaMeta'; readonly tid: number; readonly pid: number; readonly endpoint: string }
  /** DelTableInfo: remove ep's replica. */
  | { readonly kind: 'removeReplicaMeta'; readonly tid: number; readonly pid: number; readonly endpoint: string }
  /** UpdateTableInfo (migrate S → D): D becomes an alive follower and S's replica goes away. */
  | { readonly kind: 'moveReplicaMeta'; readonly tid: number; readonly pid: number; readonly srcEndpoint: string; readonly desEndpoint: string }
  /** UpdatePartitionStatus: set both flags of ep's replica. */
  | {
      readonly kind: 'setReplicaStatus';
      readonly tid: number;
      readonly pid: number;
      readonly endpoint: string;
      readonly isLeader: boolean;
      readonly isAlive: boolean;
    }
  /** UpdateLeaderInfo: see applySetLeader. */
  | {
      readonly kind: 'setLeader';
      readonly tid: number;
      readonly pid: number;
      readonly leader: string;
      readonly term: number;
      readonly offset: number;
      /**
       * The new leader's followers. Any other replica still marked alive is marked not alive: the
       * new leader does not replicate to it, so it must neither serve nor be elected until it is
       * recovered. Absent in records written before this field existed.
       */
      readonly followers?: readonly string[];
    }
  /** `settablepartition`: replace a partition's replicas (and optionally its term history) wholesale. */
  | {
      readonly kind: 'replacePartition';
      readonly tid: number;
      readonly pid: number;
      readonly replicas: readonly PartitionReplica[];
      readonly termOffsets?: readonly TermOffset[];
    };

function where(edit: MetaEdit): string {
  return `table tid ${edit.tid} pid ${edit.pid}`;
}

function withPartition(table: TableInfo, pid: number, next: TablePartition): TableInfo {
  return { ...table, partitions: table.partitions.map((p) => (p.pid === pid ? next : p)) };
}

function mapReplica(partition: TablePartition, endpoint: string, f: (r: PartitionReplica) => PartitionReplica): TablePartition {
  return { ...partition, replicas: partition.replicas.map((r) => (r.endpoint === endpoint ? f(r) : r)) };
}

/**
 * UpdateLeaderInfo: the old alive leader keeps is_leader=true but becomes is_alive=false (recovery
 * later turns it into a follower); the new leader becomes is_leader && is_alive; the partition's
 * term history gets `{term, offset + 1}` unless that term is already recorded (a re-run).
 */
function applySetLeader(partition: TablePartition, edit: Extract<MetaEdit, { kind: 'setLeader' }>): Result<TablePartition> {
  if (!partition.replicas.some((r) => r.endpoint === edit.leader)) {
    return fail(Code.invalidParameter, `update leader info failed: ${edit.leader} is not a replica of ${where(edit)}`);
  }
  const followers = edit.followers === undefined ? undefined : new Set(edit.followers);
  const replicas = partition.replicas.map((r) => {
    if (r.endpoint === edit.leader) return { ...r, isLeader: true, isAlive: true };
    if (r.isLeader && r.isAlive) return { ...r, isAlive: false };
    if (followers && r.isAlive && !followers.has(r.endpoint)) return { ...r, isAlive: false };
    return r;
  });
  const known = partition.termOffsets.some((t) => t.term === edit.term);
  const termOffsets = known ? partition.termOffsets : [...partition.termOffsets, { term: edit.term, offset: edit.offset + 1 }];
  return ok({ ...partition, replicas, termOffsets });
}

export function applyMetaEdit(table: TableInfo, edit: MetaEdit): Result<TableInfo> {
  if (table.tid !== edit.tid) return fail(Code.tableNotFound, `${edit.kind} failed: expected tid ${edit.tid}, found ${table.tid}`);
  const partition = table.partitions.find((p) => p.pid === edit.pid);
  if (!partition) return fail(Code.pidIsNotExist, `${edit.kind} failed: ${where(edit)} does not exist`);
  const missing = (endpoint: string) =>
    fail(Code.endpointIsNotExist, `${edit.kind} failed: ${endpoint} is not a replica of ${where(edit)}`);
  const has = (endpoint: string) => partition.replicas.some((r) => r.endpoint === endpoint);
  switch (edit.kind) {
    case 'setReplicaAlive':
      if (!has(edit.endpoint)) return missing(edit.endpoint);
      return ok(withPartition(table, edit.pid, mapReplica(partition, edit.endpoint, (r) => ({ ...r, isAlive: edit.isAlive }))));
    case 'addReplicaMeta': {
      const existing = partition.replicas.find((r) => r.endpoint === edit.endpoint);
      if (existing) {
        if (!existing.isLeader) return ok(table); // a re-run after recovery: already added
        return fail(Code.pidAlreadyExists, `add table info failed: ${edit.endpoint} is already the leader of ${where(edit)}`);
      }
      const replicas = [...partition.replicas, { endpoint: edit.endpoint, isLeader: false, isAlive: false }];
      return ok(withPartition(table, edit.pid, { ...partition, replicas }));
    }
    case 'removeReplicaMeta':
      if (!has(edit.endpoint)) return ok(table); // already removed
      return ok(withPartition(table, edit.pid, { ...partition, replicas: partition.replicas.filter((r) => r.endpoint !== edit.endpoint) }));
    case 'moveReplicaMeta': {
      const src = has(edit.srcEndpoint);
      const des = has(edit.desEndpoint);
      if (!src && !des) return missing(edit.srcEndpoint);
      let replicas: PartitionReplica[];
      if (des) {
        replicas = partition.replicas
          .filter((r) => r.endpoint !== edit.srcEndpoint)
          .map((r) => (r.endpoint === edit.desEndpoint ? { ...r, isLeader: false, isAlive: true } : r));
      } else {
        replicas = partition.replicas.map((r) =>
          r.endpoint === edit.srcEndpoint ? { endpoint: edit.desEndpoint, isLeader: false, isAlive: true } : r,
        );
      }
      return ok(withPartition(table, edit.pid, { ...partition, replicas }));
    }
    case 'setReplicaStatus':
      if (!has(edit.endpoint)) return missing(edit.endpoint);
      return ok(
        withPartition(
          table,
          edit.pid,
          mapReplica(partition, edit.endpoint, (r) => ({ ...r, isLeader: edit.isLeader, isAlive: edit.isAlive })),
        ),
      );
    case 'setLeader': {
      const next = applySetLeader(partition, edit);
      return next.ok ? ok(withPartition(table, edit.pid, next.value)) : next;
    }
    case 'replacePartition': {
      const endpoints = new Set(edit.replicas.map((r) => r.endpoint));
      if (endpoints.size !== edit.replicas.length) {
        return fail(Code.invalidParameter, `set table partition failed: duplicate endpoint in ${where(edit)}`);
      }
      if (!edit.replicas.some((r) => r.isLeader)) {
        return fail(Code.invalidParameter, `set table partition failed: ${where(edit)} has no leader`);
      }
      const replicas = edit.replicas.map((r) => ({ ...r }));
      const termOffsets = edit.termOffsets ? edit.termOffsets.map((t) => ({ ...t })) : partition.termOffsets;
      return ok(withPartition(table, edit.pid, { ...partition, replicas, termOffsets }));
    }
  }
}

/** Applies edits in order; stops at the first failure. */
export function applyMetaEdits(table: TableInfo, edits: readonly MetaEdit[]): Result<TableInfo> {
  let current = table;
  for (const edit of edits) {
    const next = applyMetaEdit(current, edit);
    if (!next.ok) return next;
    current = next.value;
  }
  return ok(current);
}
