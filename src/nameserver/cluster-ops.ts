/**
 * Cluster operations on the leader nameserver: the op engine and its runner, the failover reaction
 * to tablets going away and coming back (cluster.md §6.1), and the admin RPCs behind ns_client's
 * offlineendpoint, recoverendpoint, changeleader, migrate, ... (§6.2–6.4, §8).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Clock, Rng, TimerHandle, Timers } from '../ports/clock.js';
import type { Coordinator } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import { TTL_TYPES, type TablePartition, type Ttl } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import { arrayOf, bool, type Check, int, nonNegativeInt, object, oneOf, optional, str, unknownValue } from '../protocol/validate.js';
import { type OpHost, OpRunner, type OpRunnerOptions } from './op-runner.js';
import { planSetTablePartition, planSetTtl, planUpdateTableAlive } from './ops/admin-edits.js';
import type { OpEngineConfig } from './ops/engine-config.js';
import type { DeleteSelector } from './ops/engine-io.js';
import { TASK_STATUS, type TaskStatusName } from './ops/enums.js';
import type { ClusterView } from './ops/cluster-view.js';
import { OpEngine } from './ops/op-engine.js';
import type { OpRequest } from './ops/op-requests.js';
import { endpointTableAliveEdits } from './ops/endpoint-table-alive.js';
import { decideTabletOffline, decideTabletOnline, offlineCheckDelayMs } from './ops/tablet-events.js';
import type { RegistryChange } from './tablet-registry.js';
import type { ZkPaths } from './zk-paths.js';

export interface ClusterOpsHost extends OpHost {
  /** Writes the new TTL of `indexes` into the table's metadata (no notify, as the reference's UpdateTTL). */
  applySchemaTtl(tid: number, indexes: readonly string[], ttl: Ttl): Promise<Result<void>>;
}

export interface ClusterOpsOptions extends OpRunnerOptions {
  readonly engine: OpEngineConfig;
  readonly tabletHeartbeatTimeoutMs: number;
  readonly tabletOfflineCheckIntervalMs: number;
  /** How often the leader looks for replicas left behind (see reconcile). */
  readonly reconcileIntervalMs: number;
}

/** `tid_pid` of partitions with a replica on `endpoint` marked not alive. */
export function deadReplicasOn(view: ClusterView, endpoint: string): string[] {
  const out: string[] = [];
  for (const table of view.tables.values()) {
    for (const p of table.partitions) {
      if (p.replicas.some((r) => r.endpoint === endpoint && !r.isAlive)) out.push(`${table.tid}_${p.pid}`);
    }
  }
  return out;
}

/** Healthy tablets that answered the status poll without any of the alive replicas metadata puts on them. */
export function restartedTablets(view: ClusterView): string[] {
  const out: string[] = [];
  for (const [endpoint, t] of view.tablets) {
    if (t.state !== 'kHealthy') continue;
    let expected = 0;
    let missing = 0;
    for (const table of view.tables.values()) {
      for (const p of table.partitions) {
        const r = p.replicas.find((x) => x.endpoint === endpoint && x.isAlive);
        if (!r) continue;
        expected++;
        const st = view.replicaStatus.get(`${table.tid}_${p.pid}_${endpoint}`);
        if (st && !st.tabletHasPartition) missing++;
      }
    }
    if (expected > 0 && missing === expected) out.push(endpoint);
  }
  return out;
}

function parse<T>(check: Check<T>, method: string, body: unknown): Result<T> {
  const r = check(body ?? {}, '');
  return r.ok ? ok(r.value) : fail(Code.rpcBadRequest, `${method}: ${r.message}`);
}

const pidList = arrayOf(nonNegativeInt, 100_000);

export class ClusterOps {
  private runner: OpRunner | undefined;
  /** endpoint → when it went offline (the reference's offline_endpoint_map_). */
  private readonly offlineSince = new Map<string, number>();
  private readonly checks = new Map<string, TimerHandle>();
  private reconcileTimer: TimerHandle | undefined;

  constructor(
    private readonly host: ClusterOpsHost,
    private readonly coord: Coordinator,
    private readonly paths: ZkPaths,
    private readonly deps: { clock: Clock; timers: Timers; rng: Rng; logger: Logger },
    private readonly options: ClusterOpsOptions,
  ) {}

  /** Becoming leader: a fresh engine recovers the persisted ops. */
  async start(): Promise<void> {
    this.stop();
    const engine = new OpEngine(this.options.engine, this.deps.rng);
    this.runner = new OpRunner(engine, this.host, this.coord, this.paths, this.deps, this.options);
    await this.runner.start();
    // Tablets that were offline when leadership changed get their checks again.
    const now = this.deps.clock.nowMs();
    const view = this.host.view();
    for (const [endpoint, t] of view.tablets) {
      if (t.state === 'kOffline') {
        this.offlineSince.set(endpoint, t.changedAtMs || now);
        this.scheduleOfflineCheck(endpoint, false, this.options.tabletOfflineCheckIntervalMs);
      }
    }
    void this.reconcile();
    this.reconcileTimer = this.deps.timers.every(this.options.reconcileIntervalMs, () => void this.reconcile());
  }

  /**
   * Catches what no registry event reported (a tablet that restarted while no leader was watching,
   * replicas left dead after a failover was interrupted): with auto_failover on, a healthy tablet
   * that holds none of its alive replicas is recovered as restarted, and one that has dead replicas
   * on partitions no op is working on is recovered (recoverendpoint).
   */
  private async reconcile(): Promise<void> {
    const runner = this.runner;
    if (!runner || !this.host.isLeaderNow()) return;
    const view = this.host.view();
    if (!view.autoFailover) return;
    const busy = runner.busyPartitions();
    if (!busy) return;
    const restarted = new Set(restartedTablets(view));
    for (const endpoint of restarted) {
      if (this.offlineSince.has(endpoint) || this.checks.has(endpoint)) continue;
      this.deps.logger.warn('tablet holds none of its alive replicas: recovering it as restarted', { endpoint });
      await this.tabletOnline(endpoint, true);
    }
    for (const [endpoint, t] of view.tablets) {
      if (t.state !== 'kHealthy' || restarted.has(endpoint) || this.offlineSince.has(endpoint) || this.checks.has(endpoint)) continue;
      const dead = deadReplicasOn(view, endpoint).filter((k) => !busy.has(k));
      if (dead.length === 0) continue;
      this.deps.logger.warn('healthy tablet has dead replicas no op is working on: recovering them', { endpoint, partitions: dead });
      const r = await this.submit({ kind: 'recoverEndpoint', endpoint, needRestore: false }, 'autoFailover');
      if (!r.ok) this.deps.logger.warn('reconcile: recover ops not created', { endpoint, error: r.message });
    }
  }

  stop(): void {
    this.reconcileTimer?.cancel();
    this.reconcileTimer = undefined;
    this.runner?.stop();
    this.runner = undefined;
    for (const t of this.checks.values()) t.cancel();
    this.checks.clear();
  }

  private submit(req: OpRequest, origin: 'operator' | 'autoFailover') {
    if (!this.runner) return Promise.resolve(fail(Code.nameserverIsNotLeader, 'this nameserver is not the leader'));
    return this.runner.submit(req, origin);
  }

  /** Registry changes from the tablet watch. */
  onTabletChanges(changes: readonly RegistryChange[]): void {
    if (!this.runner) return;
    const now = this.deps.clock.nowMs();
    for (const c of changes) {
      if (c.kind === 'offline') {
        this.offlineSince.set(c.endpoint, now);
        this.scheduleOfflineCheck(
          c.endpoint,
          false,
          offlineCheckDelayMs(this.options.tabletOfflineCheckIntervalMs, this.options.tabletHeartbeatTimeoutMs),
        );
      } else {
        void this.tabletOnline(c.endpoint, c.startup);
      }
    }
  }

  private scheduleOfflineCheck(endpoint: string, startup: boolean, afterMs: number): void {
    this.checks.get(endpoint)?.cancel();
    this.checks.set(
      endpoint,
      this.deps.timers.after(afterMs, () => {
        this.checks.delete(endpoint);
        void this.tabletOffline(endpoint, startup);
      }),
    );
  }

  private async markEndpointDead(endpoint: string): Promise<Result<void>> {
    const edits = endpointTableAliveEdits(this.host.view().tables.values(), endpoint, false);
    const byTable = new Map<number, typeof edits>();
    for (const e of edits) byTable.set(e.tid, [...(byTable.get(e.tid) ?? []), e]);
    for (const [tid, list] of byTable) {
      const r = await this.host.applyEdits(tid, list);
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  private async tabletOffline(endpoint: string, startup: boolean): Promise<void> {
    if (!this.runner || !this.host.isLeaderNow()) return;
    const decision = decideTabletOffline({
      endpoint,
      view: this.host.view(),
      nowMs: this.deps.clock.nowMs(),
      offlineSinceMs: this.offlineSince.get(endpoint) ?? this.deps.clock.nowMs(),
      tabletHeartbeatTimeoutMs: this.options.tabletHeartbeatTimeoutMs,
      tabletOfflineCheckIntervalMs: this.options.tabletOfflineCheckIntervalMs,
      startup,
    });
    switch (decision.kind) {
      case 'recheck':
        this.scheduleOfflineCheck(endpoint, false, decision.afterMs);
        return;
      case 'ignore':
        this.deps.logger.info('tablet offline check: nothing to do', { endpoint, reason: decision.reason });
        return;
      case 'noAutoFailover':
        this.deps.logger.warn('tablet is offline and auto_failover is off: waiting for an operator', { endpoint });
        return;
      case 'failover': {
        this.deps.logger.warn('tablet offline: failing over its replicas', { endpoint, startup });
        const byTable = new Map<number, typeof decision.aliveEdits>();
        for (const e of decision.aliveEdits) byTable.set(e.tid, [...(byTable.get(e.tid) ?? []), e]);
        for (const [tid, edits] of byTable) {
          const r = await this.host.applyEdits(tid, edits);
          if (!r.ok) this.deps.logger.error('marking replicas dead failed', { endpoint, tid, error: r.message });
        }
        const submitted = await this.submit(decision.offline, 'autoFailover');
        if (!submitted.ok) this.deps.logger.error('failover ops not created', { endpoint, error: submitted.message });
        return;
      }
    }
  }

  private async tabletOnline(endpoint: string, startup: boolean): Promise<void> {
    this.checks.get(endpoint)?.cancel();
    this.checks.delete(endpoint);
    const decision = decideTabletOnline({
      endpoint,
      startup,
      autoFailover: this.host.view().autoFailover,
      offlineSinceMs: this.offlineSince.get(endpoint),
      nowMs: this.deps.clock.nowMs(),
      tabletHeartbeatTimeoutMs: this.options.tabletHeartbeatTimeoutMs,
    });
    this.offlineSince.delete(endpoint);
    if (decision.kind === 'forgetOffline' || decision.kind === 'nothing') return;
    if (decision.offlineFirst) await this.tabletOffline(endpoint, true);
    const submitted = await this.submit(decision.recover, 'autoFailover');
    if (!submitted.ok) this.deps.logger.error('recover ops not created', { endpoint, error: submitted.message });
  }

  private async opCommand(req: OpRequest, okText: string): Promise<Result<{ message: string; opCount: number }>> {
    const r = await this.submit(req, 'operator');
    return r.ok ? ok({ message: okText, opCount: r.value.opCount }) : r;
  }

  handlers(leaderOnly: (h: MethodHandler) => MethodHandler): Record<string, MethodHandler> {
    return {
      OfflineEndpoint: leaderOnly(async (body) => {
        const r = parse(object({ endpoint: str, concurrency: optional(int) }), 'OfflineEndpoint', body);
        if (!r.ok) return r;
        const view = this.host.view();
        if (view.autoFailover) return fail(Code.autoFailoverIsEnabled, 'OfflineEndpoint refused: auto_failover is enabled');
        if (!view.tablets.has(r.value.endpoint)) return fail(Code.endpointIsNotExist, `tablet ${r.value.endpoint} is not known`);
        // Mark the endpoint's replicas not alive now, as the failover path does, so that clients stop
        // using them at once and a recoverendpoint issued right after sees them as needing recovery
        // (its ops queue behind the offline ones on each partition).
        const marked = await this.markEndpointDead(r.value.endpoint);
        if (!marked.ok) return marked;
        return this.opCommand({ kind: 'offlineEndpoint', ...r.value }, 'offline endpoint ok');
      }),
      RecoverEndpoint: leaderOnly(async (body) => {
        const r = parse(object({ endpoint: str, needRestore: optional(bool), concurrency: optional(int) }), 'RecoverEndpoint', body);
        if (!r.ok) return r;
        return this.opCommand({ kind: 'recoverEndpoint', ...r.value }, 'recover endpoint ok');
      }),
      RecoverTable: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, pid: nonNegativeInt, endpoint: str }), 'RecoverTable', body);
        if (!r.ok) return r;
        return this.opCommand({ kind: 'recoverTable', ...r.value }, 'recover table ok');
      }),
      ChangeLeader: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, pid: nonNegativeInt, candidate: optional(str) }), 'ChangeLeader', body);
        if (!r.ok) return r;
        return this.opCommand(
          { kind: 'changeLeader', ...r.value },
          'change leader ok. If there are writing operations while changing a leader, it may cause data loss.',
        );
      }),
      Migrate: leaderOnly(async (body) => {
        const r = parse(object({ srcEndpoint: str, db: str, name: str, pids: pidList, desEndpoint: str }), 'Migrate', body);
        if (!r.ok) return r;
        if (r.value.srcEndpoint === r.value.desEndpoint) return fail(Code.invalidParameter, 'migrate failed: src and des endpoint are the same');
        return this.opCommand({ kind: 'migrate', ...r.value }, 'partition migrate ok');
      }),
      AddReplica: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, pids: pidList, endpoint: str }), 'AddReplica', body);
        if (!r.ok) return r;
        return this.opCommand({ kind: 'addReplica', ...r.value }, 'AddReplica ok');
      }),
      DelReplica: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, pids: pidList, endpoint: str }), 'DelReplica', body);
        if (!r.ok) return r;
        return this.opCommand({ kind: 'delReplica', ...r.value }, 'DelReplica ok');
      }),
      MakeSnapshotNS: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, pid: nonNegativeInt }), 'MakeSnapshotNS', body);
        if (!r.ok) return r;
        return this.opCommand({ kind: 'makeSnapshot', ...r.value }, 'MakeSnapshot ok');
      }),
      ShowOPStatus: leaderOnly((body) => {
        const r = parse(object({ db: optional(str), name: optional(str), pid: optional(nonNegativeInt), opId: optional(nonNegativeInt) }), 'ShowOPStatus', body);
        if (!r.ok) return r;
        if (!this.runner) return fail(Code.nameserverIsNotLeader, 'this nameserver is not the leader');
        return ok({ ops: this.runner.show(r.value) });
      }),
      CancelOP: leaderOnly(async (body) => {
        const r = parse(object({ opId: nonNegativeInt }), 'CancelOP', body);
        if (!r.ok) return r;
        if (this.host.view().autoFailover) return fail(Code.autoFailoverIsEnabled, 'CancelOP refused: auto_failover is enabled');
        if (!this.runner) return fail(Code.nameserverIsNotLeader, 'this nameserver is not the leader');
        const c = await this.runner.cancel(r.value.opId);
        return c.ok ? ok({}) : c;
      }),
      DeleteOP: leaderOnly(async (body) => {
        const r = parse(object({ opId: optional(nonNegativeInt), status: optional(str), db: optional(str) }), 'DeleteOP', body);
        if (!r.ok) return r;
        if (!this.runner) return fail(Code.nameserverIsNotLeader, 'this nameserver is not the leader');
        let selector: DeleteSelector;
        if (r.value.opId !== undefined) selector = { opId: r.value.opId };
        else if (r.value.status && r.value.status in TASK_STATUS) {
          selector = { status: r.value.status as TaskStatusName, ...(r.value.db ? { db: r.value.db } : {}) };
        } else return fail(Code.invalidParameter, 'deleteop needs an op id or a status (kDone, kFailed, kCanceled)');
        const d = await this.runner.delete(selector);
        return d.ok ? ok({ deleted: d.value }) : d;
      }),
      UpdateTableAlive: leaderOnly(async (body) => {
        const r = parse(
          object({ db: str, name: str, pid: unknownValue as Check<number | '*'>, endpoint: str, isAlive: bool }),
          'UpdateTableAlive',
          body,
        );
        if (!r.ok) return r;
        if (r.value.pid !== '*' && !(typeof r.value.pid === 'number' && Number.isInteger(r.value.pid))) {
          return fail(Code.invalidParameter, `field 'pid' must be a partition id or '*'`);
        }
        const edits = planUpdateTableAlive(this.host.view(), r.value);
        if (!edits.ok) return edits;
        const applied = await this.host.applyEdits(edits.value[0]!.tid, edits.value);
        return applied.ok ? ok({}) : applied;
      }),
      GetTablePartition: leaderOnly((body) => {
        const r = parse(object({ db: str, name: str, pid: nonNegativeInt }), 'GetTablePartition', body);
        if (!r.ok) return r;
        const t = [...this.host.view().tables.values()].find((x) => x.db === r.value.db && x.name === r.value.name);
        const p = t?.partitions.find((x) => x.pid === r.value.pid);
        if (!t) return fail(Code.tableNotFound, `table ${r.value.db}.${r.value.name} does not exist`);
        if (!p) return fail(Code.pidIsNotExist, `table ${r.value.db}.${r.value.name} has no partition ${r.value.pid}`);
        return ok({ partition: p });
      }),
      SetTablePartition: leaderOnly(async (body) => {
        const r = parse(object({ db: str, name: str, partition: unknownValue as Check<TablePartition> }), 'SetTablePartition', body);
        if (!r.ok) return r;
        const edit = planSetTablePartition(this.host.view(), r.value.db, r.value.name, r.value.partition);
        if (!edit.ok) return edit;
        const applied = await this.host.applyEdits(edit.value.tid, [edit.value]);
        return applied.ok ? ok({}) : applied;
      }),
      SetTtlNS: leaderOnly(async (body) => {
        const r = parse(
          object({
            db: str,
            name: str,
            ttlType: oneOf(...TTL_TYPES),
            absMinutes: nonNegativeInt,
            latCount: nonNegativeInt,
            index: optional(str),
          }),
          'SetTtlNS',
          body,
        );
        if (!r.ok) return r;
        const ttl: Ttl = { type: r.value.ttlType, absMinutes: r.value.absMinutes, latCount: r.value.latCount };
        const plan = planSetTtl(this.host.view(), { db: r.value.db, name: r.value.name, ttl, ...(r.value.index ? { index: r.value.index } : {}) });
        if (!plan.ok) return plan;
        return this.setTtl(plan.value.tid, plan.value.indexes, plan.value.ttl);
      }),
    };
  }

  /** setttl: every replica first (all must succeed), then the metadata (no notify, as the reference). */
  private async setTtl(tid: number, indexes: readonly string[], ttl: Ttl): Promise<Result<Record<string, never>>> {
    const table = this.host.table(tid);
    if (!table) return fail(Code.tableNotFound, `set ttl failed: table ${tid} is gone`);
    for (const p of table.partitions) {
      for (const rep of p.replicas) {
        for (const index of indexes) {
          const r = await callTablet(this.host.tabletClient(rep.endpoint), 'SetTtl', { tid, pid: p.pid, index, ttl });
          if (!r.ok) return fail(r.code, `set ttl failed on ${rep.endpoint} pid ${p.pid}: ${r.message}`);
        }
      }
    }
    const r = await this.host.applySchemaTtl(tid, indexes, ttl);
    return r.ok ? ok({}) : r;
  }
}

