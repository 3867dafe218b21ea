/**
 * The I/O shell around the op engine (ops/DESIGN.md, "Actions"): it executes the engine's actions
 * (op ids from ZooKeeper, op records, tablet task RPCs, local tasks, task-record cleanup), feeds
 * results back, ticks the engine, and polls the tablets' task maps. Every call into the engine is
 * serialized; local tasks run outside that lock and report back when done.
 */
import { Mutex } from '../base/mutex.js';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Clock, TimerHandle, Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import type { RpcClient } from '../ports/transport.js';
import type { PartitionMetaMsg, TaskInfoMsg } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import type { Action } from './ops/actions.js';
import type { ClusterView } from './ops/cluster-view.js';
import type { DeleteSelector, OpStatusRow, OpStatusFilter, TabletTaskReport, TaskReport } from './ops/engine-io.js';
import type { MetaEdit } from './ops/meta-edit.js';
import { decodeOpInfo, encodeOpInfo, type OpInfo } from './ops/op-info.js';
import type { OpEngine } from './ops/op-engine.js';
import type { OpRequest, RequestOrigin } from './ops/op-requests.js';
import type { PlanNote } from './ops/planned-op.js';
import type { LocalRunTask, RunTask, TabletRunTask, TaskResult } from './ops/task-defs.js';
import type { ZkPaths } from './zk-paths.js';

/** What the runner needs from the nameserver that owns it. */
export interface OpHost {
  view(): ClusterView;
  table(tid: number): TableInfo | undefined;
  /** Applies metadata edits to a table: persist, notify, then swap in memory (serialized with DDL). */
  applyEdits(tid: number, edits: readonly MetaEdit[]): Promise<Result<void>>;
  /** Adds `by` to the global term counter in ZooKeeper and returns the new value. */
  bumpTerm(by: number): Promise<number>;
  /** Allocates `count` op ids; returns them in order. */
  allocateOpIds(count: number): Promise<number[]>;
  tabletClient(endpoint: string): RpcClient;
  partitionMetaFor(table: TableInfo, pid: number, mode: 'leader' | 'follower', endpoint: string): PartitionMetaMsg;
  isLeaderNow(): boolean;
}

export interface OpRunnerOptions {
  /** name_server_task_wait_time: the engine tick. */
  readonly tickIntervalMs: number;
  /** get_task_status_interval. */
  readonly taskStatusIntervalMs: number;
  readonly tabletCallTimeoutMs: number;
}


export class OpRunner {
  private readonly lock = new Mutex();
  private readonly timers: TimerHandle[] = [];
  private running = false;
  private polling = false;

  constructor(
    private readonly engine: OpEngine,
    private readonly host: OpHost,
    private readonly coord: Coordinator,
    private readonly paths: ZkPaths,
    private readonly deps: { clock: Clock; timers: Timers; logger: Logger },
    private readonly options: OpRunnerOptions,
  ) {}

  private now(): number {
    return this.deps.clock.nowMs();
  }

  /** Reloads persisted ops (a new leader) and starts the tick and poll loops. */
  async start(): Promise<void> {
    const persisted: OpInfo[] = [];
    for (const name of await this.coord.children(this.paths.opData)) {
      const path = `${this.paths.opData}/${name}`;
      try {
        const { data } = await this.coord.get(path);
        const decoded = decodeOpInfo(data, path);
        if (decoded.ok) persisted.push(decoded.op);
        else this.deps.logger.error('an op record cannot be read; it is left in ZooKeeper', { path, error: decoded.message });
      } catch (err) {
        if (!(err instanceof CoordinatorError && err.code === 'noNode')) throw err;
      }
    }
    this.running = true;
    await this.withEngine((e) => e.recover(persisted, this.host.view(), this.now()));
    this.timers.push(this.deps.timers.every(this.options.tickIntervalMs, () => void this.tick()));
    this.timers.push(this.deps.timers.every(this.options.taskStatusIntervalMs, () => void this.pollTaskStatus()));
    this.deps.logger.info('op engine started', { recoveredOps: persisted.length });
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.splice(0)) t.cancel();
  }

  /** Runs `f` on the engine under the lock and executes the actions it returns. */
  private withEngine(f: (engine: OpEngine) => Action[]): Promise<void> {
    return this.lock.run(async () => {
      if (!this.running) return;
      await this.execute(f(this.engine));
    });
  }

  private async tick(): Promise<void> {
    if (!this.running || !this.host.isLeaderNow()) return;
    await this.withEngine((e) => e.tick(this.host.view(), this.now()));
  }

  async submit(req: OpRequest, origin: RequestOrigin = 'operator'): Promise<Result<{ opCount: number; notes: readonly PlanNote[] }>> {
    if (!this.running) return fail(Code.nameserverIsNotLeader, 'the op engine is not running on this nameserver');
    return this.lock.run(async () => {
      const r = this.engine.submit(req, this.host.view(), this.now(), origin);
      if (!r.ok) return r;
      for (const n of r.value.notes) this.deps.logger.info('op plan note', { ...n });
      await this.execute(r.value.actions);
      return ok({ opCount: r.value.opCount, notes: r.value.notes });
    });
  }

  async cancel(opId: number): Promise<Result<void>> {
    return this.lock.run(async () => {
      const r = this.engine.cancel(opId, this.host.view(), this.now());
      if (!r.ok) return r;
      await this.execute(r.value);
      return ok(undefined);
    });
  }

  async delete(selector: DeleteSelector): Promise<Result<number[]>> {
    return this.lock.run(async () => {
      const r = this.engine.delete(selector);
      if (!r.ok) return r;
      await this.execute(r.value.actions);
      return ok(r.value.deleted);
    });
  }

  /** Partitions (`tid_pid`) with an unfinished op, or undefined while op ids are being allocated. */
  busyPartitions(): Set<string> | undefined {
    if (this.engine.outstandingTickets().length > 0) return undefined;
    const out = new Set<string>();
    for (const id of this.engine.queueOpIds().flat()) {
      const op = this.engine.op(id);
      if (op) out.add(`${op.tid}_${op.pid}`);
    }
    return out;
  }

  show(filter: OpStatusFilter): OpStatusRow[] {
    return this.engine.show(filter, this.now());
  }

  /** Executes actions in order; actions produced by feedback are executed right after. */
  private async execute(actions: readonly Action[]): Promise<void> {
    const queue = [...actions];
    while (queue.length > 0) {
      // A stopped runner (leadership lost, maybe regained by a new runner that reloaded the op
      // records) must not act on: its engine is stale, and an op record it wrote now would be
      // an orphan the new runner never loads (found by the simulator).
      if (!this.running) return;
      const a = queue.shift()!;
      switch (a.kind) {
        case 'allocateOpIds': {
          let follow: Action[];
          try {
            const ids = await this.host.allocateOpIds(a.count);
            follow = this.engine.opIdsAllocated(a.ticket, ids, this.host.view(), this.now()).actions;
          } catch (err) {
            follow = this.engine.opIdAllocationFailed(a.ticket, String(err), this.host.view(), this.now());
          }
          queue.unshift(...follow);
          break;
        }
        case 'persistOp':
          await this.persist(a.op);
          break;
        case 'removeOpNode':
          try {
            await this.coord.delete(this.paths.op(a.opId));
          } catch (err) {
            if (!(err instanceof CoordinatorError && err.code === 'noNode')) {
              this.deps.logger.warn('removing an op record failed', { opId: a.opId, error: String(err) });
            }
          }
          break;
        case 'runTask':
          this.runTask(a.task);
          break;
        case 'cancelTabletTasks':
          for (const ep of a.endpoints) {
            void callTablet(this.host.tabletClient(ep), 'CancelOP', { opId: a.opId }, { timeoutMs: this.options.tabletCallTimeoutMs });
          }
          break;
        case 'deleteTabletTasks': {
          const results = await Promise.all(
            a.endpoints.map((ep) =>
              callTablet(this.host.tabletClient(ep), 'DeleteOPTask', { opIds: [...a.opIds] }, { timeoutMs: this.options.tabletCallTimeoutMs }),
            ),
          );
          const allOk = results.every((r) => r.ok || r.code === Code.rpcUnknownMethod);
          queue.unshift(...this.engine.tabletTasksDeleted(a.opIds, allOk, this.host.view(), this.now()));
          break;
        }
        case 'log':
          this.deps.logger[a.level](a.message, a.fields ? { ...a.fields } : undefined);
          break;
      }
    }
  }

  /** Writes an op record; retried until it lands or this nameserver is no longer the leader. */
  private async persist(op: OpInfo): Promise<void> {
    const data = encodeOpInfo(op);
    const path = this.paths.op(op.opId);
    for (let attempt = 0; ; attempt++) {
      try {
        try {
          await this.coord.set(path, data);
        } catch (err) {
          if (!(err instanceof CoordinatorError && err.code === 'noNode')) throw err;
          await this.coord.create(path, data, 'persistent');
        }
        return;
      } catch (err) {
        if (!this.running) return;
        if (!this.host.isLeaderNow()) throw new Error(`op ${op.opId} not persisted: this nameserver lost leadership (${String(err)})`);
        this.deps.logger.warn('persisting an op failed; retrying', { opId: op.opId, attempt, error: String(err) });
        await new Promise<void>((resolve) => this.deps.timers.after(Math.min(2000, 100 * (attempt + 1)), resolve));
      }
    }
  }

  private report(report: TaskReport): void {
    void this.withEngine((e) => e.taskFinished(report, this.host.view(), this.now()));
  }

  private runTask(task: RunTask): void {
    if (task.kind === 'tablet') {
      void this.sendTabletTask(task);
    } else {
      void this.runLocal(task).then(
        (r) =>
          this.report(
            r.ok
              ? { opId: task.opId, taskId: task.taskId, status: 'kDone', ...(r.value ? { result: r.value } : {}) }
              : { opId: task.opId, taskId: task.taskId, status: 'kFailed', message: r.message },
          ),
        (err: unknown) => this.report({ opId: task.opId, taskId: task.taskId, status: 'kFailed', message: String(err) }),
      );
    }
  }

  private taskInfo(task: TabletRunTask): TaskInfoMsg {
    return {
      opId: task.opId,
      opType: task.opType,
      taskType: task.type,
      status: 'kDoing',
      taskId: task.taskId,
      tid: task.tid,
      pid: task.pid,
      endpoint: task.endpoint,
    };
  }

  /** Sends a tablet task; its completion is learned from GetTaskStatus polls. */
  private async sendTabletTask(task: TabletRunTask): Promise<void> {
    const client = this.host.tabletClient(task.endpoint);
    const info = this.taskInfo(task);
    const t = { timeoutMs: this.options.tabletCallTimeoutMs };
    const ids = { tid: task.tid, pid: task.pid };
    let r: Result<unknown>;
    switch (task.type) {
      case 'kMakeSnapshot':
        r = await client.call('MakeSnapshot', { ...ids, force: true, endOffset: task.endOffset, task: info }, t);
        break;
      case 'kPauseSnapshot':
        r = await callTablet(client, 'PauseSnapshot', { ...ids, task: info }, t);
        break;
      case 'kRecoverSnapshot':
        r = await callTablet(client, 'RecoverSnapshot', { ...ids, task: info }, t);
        break;
      case 'kSendSnapshot':
        r = await callTablet(client, 'SendSnapshot', { ...ids, endpoint: task.desEndpoint, task: info }, t);
        break;
      case 'kAddReplica':
        r = await callTablet(client, 'AddReplica', { ...ids, endpoint: task.desEndpoint, task: info }, t);
        break;
      case 'kDelReplica':
        r = await callTablet(client, 'DelReplica', { ...ids, endpoint: task.desEndpoint, task: info }, t);
        break;
      case 'kDropTable':
        r = await client.call('DropTable', { ...ids, task: info }, t);
        break;
      case 'kLoadTable': {
        const table = this.host.table(task.tid);
        if (!table) {
          r = fail(Code.tableNotFound, `load table: table ${task.tid} is gone`);
          break;
        }
        const meta = this.host.partitionMetaFor(table, task.pid, task.mode, task.endpoint);
        r = await client.call('LoadTable', { meta, task: info }, t);
        break;
      }
    }
    if (!r.ok) {
      this.deps.logger.warn('sending a tablet task failed', { task: task.type, endpoint: task.endpoint, opId: task.opId, error: r.message });
      this.report({ opId: task.opId, taskId: task.taskId, status: 'kFailed', message: r.message });
    }
  }

  /** One GetTaskStatus round over the healthy tablets. */
  private async pollTaskStatus(): Promise<void> {
    if (!this.running || this.polling || !this.host.isLeaderNow()) return;
    this.polling = true;
    try {
      const rpcVersion = this.engine.taskRpcVersion;
      const view = this.host.view();
      const reports = new Map<string, TabletTaskReport[]>();
      await Promise.all(
        [...view.tablets.entries()]
          .filter(([, t]) => t.state === 'kHealthy')
          .map(async ([ep]) => {
            const r = await callTablet(this.host.tabletClient(ep), 'GetTaskStatus', {}, { timeoutMs: this.options.tabletCallTimeoutMs });
            if (!r.ok) return;
            reports.set(
              ep,
              r.value.tasks.map((x) => ({
                opId: x.opId,
                taskType: x.taskType,
                tid: x.tid ?? -1,
                pid: x.pid ?? -1,
                status: x.status,
              })) as TabletTaskReport[],
            );
          }),
      );
      await this.withEngine((e) => e.taskStatusPolled({ rpcVersion, reports }, this.host.view(), this.now()));
    } finally {
      this.polling = false;
    }
  }

  // ---- local tasks ---------------------------------------------------------------------------

  private async runLocal(task: LocalRunTask): Promise<Result<TaskResult | undefined>> {
    const t = { timeoutMs: this.options.tabletCallTimeoutMs };
    const ids = { tid: task.tid, pid: task.pid };
    switch (task.type) {
      case 'kFenceOldLeader': {
        const client = this.host.tabletClient(task.endpoint);
        const table = this.host.table(task.tid);
        const term = table?.partitions.find((p) => p.pid === task.pid)?.termOffsets.at(-1)?.term ?? 0;
        const demoted = await callTablet(client, 'ChangeRole', { ...ids, mode: 'follower', term }, t);
        if (!demoted.ok && (demoted.code === Code.rpcConnectionLost || demoted.code === Code.unavailable || demoted.code === Code.rpcTimeout)) {
          return ok({ type: 'kFenceOldLeader', reachable: false, offset: null });
        }
        const pair = await callTablet(client, 'GetTermPair', ids, t);
        return ok({ type: 'kFenceOldLeader', reachable: true, offset: pair.ok ? pair.value.offset : null });
      }
      case 'kSelectLeader': {
        const newTerm = await this.host.bumpTerm(2);
        const curTerm = newTerm - 1;
        const answers = await Promise.all(
          task.followers.map(async (ep) => ({
            ep,
            r: await callTablet(this.host.tabletClient(ep), 'AppendEntries', { ...ids, term: curTerm, preLogIndex: 0 }, t),
          })),
        );
        const followerOffsets = [];
        for (const { ep, r } of answers) {
          if (r.ok) followerOffsets.push({ endpoint: ep, offset: r.value.offset });
          else this.deps.logger.warn('select leader: a follower did not answer; it is left out', { endpoint: ep, error: r.message });
        }
        if (followerOffsets.length === 0) return fail(Code.noAliveFollower, 'select leader: no follower answered');
        return ok({ type: 'kSelectLeader', curTerm, followerOffsets });
      }
      case 'kChangeLeader': {
        const r = await callTablet(
          this.host.tabletClient(task.leader),
          'ChangeRole',
          { ...ids, mode: 'leader', term: task.term, followers: [...task.followers] },
          t,
        );
        if (!r.ok && r.code !== Code.tableIsLeader) return r;
        return ok(undefined);
      }
      case 'kRecoverTable': {
        const client = this.host.tabletClient(task.endpoint);
        const pair = await callTablet(client, 'GetTermPair', ids, t);
        if (!pair.ok) return fail(pair.code, `recover table: GetTermPair on ${task.endpoint} failed: ${pair.message}`);
        const facts = pair.value;
        let leaderSnapshotOffset: number | null = null;
        if (!task.singleReplica) {
          if (facts.hasTable && facts.isLeader) {
            const demoted = await callTablet(client, 'ChangeRole', { ...ids, mode: 'follower', term: facts.term }, t);
            if (!demoted.ok && demoted.code !== Code.tableIsFollower) return demoted;
          }
          if (!facts.hasTable) {
            const deleted = await callTablet(client, 'DeleteBinlog', ids, t);
            if (!deleted.ok && deleted.code !== Code.tableNotFound) return deleted;
          }
          if (task.leader) {
            const manifest = await callTablet(this.host.tabletClient(task.leader), 'GetManifest', ids, t);
            if (!manifest.ok) return fail(manifest.code, `recover table: GetManifest on ${task.leader} failed: ${manifest.message}`);
            leaderSnapshotOffset = manifest.value.exists ? manifest.value.offset : 0;
          }
        }
        return ok({ type: 'kRecoverTable', facts, leaderSnapshotOffset });
      }
      default: {
        const applied = await this.host.applyEdits(task.tid, [task.edit]);
        return applied.ok ? ok(undefined) : applied;
      }
    }
  }
}

