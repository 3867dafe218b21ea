/**
 * The admin commands that create ops, validated against the cluster view with the reference's
 * error codes (cluster.md §6.4, §8), and turned into planned ops. The failover paths reuse the
 * endpoint commands with `origin: 'autoFailover'`, which skips the auto_failover refusal.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { TableInfo, TablePartition } from '../../protocol/schema.js';
import { changeLeaderFollowers, planChangeLeaderOp } from './change-leader-plan.js';
import { aliveLeader, type ClusterView, findPartition, findReplica, findTable, isHealthy } from './cluster-view.js';
import { planOfflineEndpoint } from './offline-endpoint-plan.js';
import type { Plan, PlannedOp } from './planned-op.js';
import { planRecoverEndpoint } from './recover-endpoint-plan.js';

export type OpRequest =
  | { readonly kind: 'makeSnapshot'; readonly db: string; readonly name: string; readonly pid: number; readonly endOffset?: number }
  | { readonly kind: 'addReplica'; readonly db: string; readonly name: string; readonly pids: readonly number[]; readonly endpoint: string }
  | { readonly kind: 'delReplica'; readonly db: string; readonly name: string; readonly pids: readonly number[]; readonly endpoint: string }
  /** candidate: an endpoint, 'auto' (any follower even with an alive leader), or absent. */
  | { readonly kind: 'changeLeader'; readonly db: string; readonly name: string; readonly pid: number; readonly candidate?: string }
  | {
      readonly kind: 'migrate';
      readonly srcEndpoint: string;
      readonly db: string;
      readonly name: string;
      readonly pids: readonly number[];
      readonly desEndpoint: string;
    }
  | { readonly kind: 'offlineEndpoint'; readonly endpoint: string; readonly concurrency?: number }
  | { readonly kind: 'recoverEndpoint'; readonly endpoint: string; readonly needRestore?: boolean; readonly concurrency?: number }
  | { readonly kind: 'recoverTable'; readonly db: string; readonly name: string; readonly pid: number; readonly endpoint: string };

export type RequestOrigin = 'operator' | 'autoFailover';

export interface PlanConfig {
  /** name_server_task_concurrency. */
  readonly concurrencyDefault: number;
  /** name_server_task_max_concurrency: the bound of a per-command concurrency. */
  readonly concurrencyMax: number;
  readonly checkBinlogSyncProgressDelta: number;
}

/** The RPCs the reference refuses with 301 while auto_failover is on (cluster.md §8). */
export const REFUSED_WHILE_AUTO_FAILOVER = [
  'ChangeLeader',
  'OfflineEndpoint',
  'RecoverEndpoint',
  'RecoverTable',
  'Migrate',
  'CancelOP',
  'UpdateTableAliveStatus',
  'SetTablePartition',
] as const;

export type RefusedWhileAutoFailover = (typeof REFUSED_WHILE_AUTO_FAILOVER)[number];

export function refuseIfAutoFailover(view: ClusterView, rpc: RefusedWhileAutoFailover): Result<void> {
  if (view.autoFailover) return fail(Code.autoFailoverIsEnabled, `${rpc} refused: auto_failover is enabled`);
  return ok(undefined);
}

const RPC_OF: Partial<Record<OpRequest['kind'], RefusedWhileAutoFailover>> = {
  changeLeader: 'ChangeLeader',
  migrate: 'Migrate',
  offlineEndpoint: 'OfflineEndpoint',
  recoverEndpoint: 'RecoverEndpoint',
  recoverTable: 'RecoverTable',
};

function tableOf(view: ClusterView, db: string, name: string): Result<TableInfo> {
  const table = findTable(view, db, name);
  return table ? ok(table) : fail(Code.tableNotFound, `table ${db}.${name} does not exist`);
}

function partitionOf(table: TableInfo, pid: number): Result<TablePartition> {
  const p = findPartition(table, pid);
  return p ? ok(p) : fail(Code.pidIsNotExist, `table ${table.db}.${table.name} has no partition ${pid}`);
}

export function requireKnown(view: ClusterView, endpoint: string): Result<void> {
  return view.tablets.has(endpoint) ? ok(undefined) : fail(Code.endpointIsNotExist, `tablet ${endpoint} is not known`);
}

export function requireHealthy(view: ClusterView, endpoint: string): Result<void> {
  const known = requireKnown(view, endpoint);
  if (!known.ok) return known;
  return isHealthy(view, endpoint) ? ok(undefined) : fail(Code.tabletIsNotHealthy, `tablet ${endpoint} is not healthy`);
}

function concurrencyOf(value: number | undefined, config: PlanConfig): Result<number> {
  if (value === undefined) return ok(config.concurrencyDefault);
  if (!Number.isInteger(value) || value < 1 || value > config.concurrencyMax) {
    return fail(Code.invalidParameter, `concurrency ${value} is out of range 1..${config.concurrencyMax}`);
  }
  return ok(value);
}

function pidsOf(table: TableInfo, pids: readonly number[]): Result<TablePartition[]> {
  if (pids.length === 0) return fail(Code.invalidParameter, 'no partition given');
  if (new Set(pids).size !== pids.length) return fail(Code.invalidParameter, `duplicate pid in ${pids.join(',')}`);
  const out: TablePartition[] = [];
  for (const pid of pids) {
    const p = partitionOf(table, pid);
    if (!p.ok) return p;
    out.push(p.value);
  }
  return ok(out);
}

function targetOf(table: TableInfo, pid: number) {
  return { tid: table.tid, db: table.db, name: table.name, pid };
}

function single(op: PlannedOp): Plan {
  return { ops: [op], notes: [] };
}

/** Validates a command and plans its ops. */
export function planOpRequest(req: OpRequest, view: ClusterView, config: PlanConfig, origin: RequestOrigin = 'operator'): Result<Plan> {
  const rpc = RPC_OF[req.kind];
  if (rpc && origin === 'operator') {
    const refused = refuseIfAutoFailover(view, rpc);
    if (!refused.ok) return refused;
  }
  switch (req.kind) {
    case 'makeSnapshot': {
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const p = partitionOf(t.value, req.pid);
      if (!p.ok) return p;
      const endOffset = req.endOffset ?? 0;
      if (!Number.isSafeInteger(endOffset) || endOffset < 0) return fail(Code.invalidParameter, `invalid end offset ${endOffset}`);
      return ok(
        single({ spec: { opType: 'kMakeSnapshotOP', data: { endOffset } }, target: targetOf(t.value, req.pid), concurrency: config.concurrencyDefault }),
      );
    }
    case 'addReplica': {
      const h = requireHealthy(view, req.endpoint);
      if (!h.ok) return h;
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const ps = pidsOf(t.value, req.pids);
      if (!ps.ok) return ps;
      const ops: PlannedOp[] = [];
      for (const p of ps.value) {
        if (findReplica(p, req.endpoint)) {
          return fail(Code.pidAlreadyExists, `add replica failed: ${req.endpoint} already holds ${req.db}.${req.name} pid ${p.pid}`);
        }
        ops.push({ spec: { opType: 'kAddReplicaOP', data: { endpoint: req.endpoint } }, target: targetOf(t.value, p.pid), concurrency: 1 });
      }
      return ok({ ops, notes: [] });
    }
    case 'delReplica': {
      const h = requireHealthy(view, req.endpoint);
      if (!h.ok) return h;
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const ps = pidsOf(t.value, req.pids);
      if (!ps.ok) return ps;
      const ops: PlannedOp[] = [];
      for (const p of ps.value) {
        const meta = findReplica(p, req.endpoint);
        if (!meta) {
          return fail(Code.invalidParameter, `del replica failed: ${req.endpoint} does not hold ${req.db}.${req.name} pid ${p.pid}`);
        }
        if (meta.isLeader) {
          return fail(Code.tableIsLeader, `del replica failed: ${req.endpoint} is the leader of ${req.db}.${req.name} pid ${p.pid}`);
        }
        ops.push({
          spec: { opType: 'kDelReplicaOP', data: { endpoint: req.endpoint } },
          target: targetOf(t.value, p.pid),
          concurrency: config.concurrencyDefault,
        });
      }
      return ok({ ops, notes: [] });
    }
    case 'changeLeader': {
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const p = partitionOf(t.value, req.pid);
      if (!p.ok) return p;
      const partition = p.value;
      const where = `change leader of ${req.db}.${req.name} pid ${req.pid}`;
      if (partition.replicas.length < 2) return fail(Code.noFollower, `${where} failed: the partition has a single replica`);
      const auto = req.candidate === 'auto';
      const candidate = req.candidate === undefined || auto ? null : req.candidate;
      const leader = aliveLeader(partition);
      if (req.candidate === undefined && leader) {
        return fail(Code.leaderIsAlive, `${where} failed: ${leader.endpoint} is still the alive leader (use 'auto' or a candidate)`);
      }
      if (changeLeaderFollowers(view, partition).length === 0) {
        return fail(Code.noAliveFollower, `${where} failed: no alive follower on a healthy tablet`);
      }
      const op = planChangeLeaderOp(view, t.value, partition, candidate, false, config.concurrencyDefault);
      if (!op.ok) return op;
      return ok(op.value ? single(op.value) : { ops: [], notes: [] });
    }
    case 'migrate': {
      if (req.srcEndpoint === req.desEndpoint) return fail(Code.invalidParameter, 'migrate failed: source and destination are the same');
      for (const e of [req.srcEndpoint, req.desEndpoint]) {
        const h = requireHealthy(view, e);
        if (!h.ok) return h;
      }
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const ps = pidsOf(t.value, req.pids);
      if (!ps.ok) return ps;
      const ops: PlannedOp[] = [];
      for (const p of ps.value) {
        const where = `migrate ${req.db}.${req.name} pid ${p.pid}`;
        const leader = aliveLeader(p);
        if (!leader || !isHealthy(view, leader.endpoint)) {
          return fail(Code.migrateFailed, `${where} failed: no alive leader on a healthy tablet`);
        }
        if (leader.endpoint === req.srcEndpoint) {
          return fail(Code.migrateFailed, `${where} failed: cannot migrate leader ${req.srcEndpoint} (change the leader first)`);
        }
        if (!findReplica(p, req.srcEndpoint)) return fail(Code.migrateFailed, `${where} failed: ${req.srcEndpoint} does not hold it`);
        if (findReplica(p, req.desEndpoint)) return fail(Code.migrateFailed, `${where} failed: ${req.desEndpoint} already holds it`);
        ops.push({
          spec: { opType: 'kMigrateOP', data: { srcEndpoint: req.srcEndpoint, desEndpoint: req.desEndpoint } },
          target: targetOf(t.value, p.pid),
          concurrency: config.concurrencyDefault,
        });
      }
      return ok({ ops, notes: [] });
    }
    case 'offlineEndpoint': {
      const k = requireKnown(view, req.endpoint);
      if (!k.ok) return k;
      const c = concurrencyOf(req.concurrency, config);
      if (!c.ok) return c;
      return ok(planOfflineEndpoint(view, req.endpoint, c.value));
    }
    case 'recoverEndpoint': {
      const h = requireHealthy(view, req.endpoint);
      if (!h.ok) return h;
      const c = concurrencyOf(req.concurrency, config);
      if (!c.ok) return c;
      return ok(
        planRecoverEndpoint(view, req.endpoint, {
          needRestore: req.needRestore ?? false,
          concurrency: c.value,
          checkBinlogSyncProgressDelta: config.checkBinlogSyncProgressDelta,
        }),
      );
    }
    case 'recoverTable': {
      const h = requireHealthy(view, req.endpoint);
      if (!h.ok) return h;
      const t = tableOf(view, req.db, req.name);
      if (!t.ok) return t;
      const p = partitionOf(t.value, req.pid);
      if (!p.ok) return p;
      const meta = findReplica(p.value, req.endpoint);
      const where = `recover table ${req.db}.${req.name} pid ${req.pid}`;
      if (!meta) return fail(Code.endpointIsNotExist, `${where} failed: ${req.endpoint} is not a replica`);
      if (meta.isAlive) return fail(Code.partitionIsAlive, `${where} failed: the replica on ${req.endpoint} is alive`);
      return ok(
        single({
          spec: {
            opType: 'kRecoverTableOP',
            data: {
              endpoint: req.endpoint,
              offsetDelta: config.checkBinlogSyncProgressDelta,
              isLeader: meta.isLeader,
              concurrency: config.concurrencyDefault,
            },
          },
          target: targetOf(t.value, req.pid),
          concurrency: config.concurrencyDefault,
        }),
      );
    }
  }
}
