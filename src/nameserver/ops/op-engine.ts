/**
 * The nameserver's op/task engine as a pure state machine (cluster.md §5, GUIDE.md habit 1). It
 * holds the op queues and the history of finished ops. Every input is a method call that gets the
 * current cluster view and time and returns the actions the shell must carry out; nothing awaits,
 * nothing reads a clock, and randomness comes only from the injected Rng. DESIGN.md describes the
 * model and the shell's side of each action and task.
 */
import { assert } from '../../base/assert.js';
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Rng } from '../../ports/clock.js';
import type { TablePartition } from '../../protocol/schema.js';
import type { Action, LogLevel } from './actions.js';
import { binlogSyncCaughtUp } from './binlog-sync-progress.js';
import { buildTasks } from './build-tasks.js';
import { type ClusterView, findPartition, healthyEndpoints } from './cluster-view.js';
import { type OpEngineConfig, RERUN_AFTER_RECOVERY } from './engine-config.js';
import type { DeleteSelector, OpStatusFilter, OpStatusRow, SubmitAccepted, TaskPollRound, TaskReport } from './engine-io.js';
import { isFinished } from './enums.js';
import type { MetaEdit } from './meta-edit.js';
import { type OpInfo, OP_INFO_FORMAT_VERSION, withChangeLeaderData, withOp } from './op-info.js';
import { type OpRequest, planOpRequest, type RequestOrigin } from './op-requests.js';
import type { PlannedOp } from './planned-op.js';
import { insertionIndex, queueIndex, recoveredOrder } from './queue-placement.js';
import { decideRecoverTable, planRecoverTable, recoverTableChildSpec } from './recover-table-decision.js';
import { leaderChangeAllowed, selectLeader } from './select-leader.js';
import { isTabletTask, type LocalRun, type RunTask, type TaskHeader, type TaskResult } from './task-defs.js';
import { doingLeaves, findLeaf, type LeafTask, leaves, nodeType, rollUp, setLeafStatus, setUnfinished, startable, type TaskNode } from './task-tree.js';

export { DEFAULT_OP_ENGINE_CONFIG, type OpEngineConfig, RERUN_AFTER_RECOVERY } from './engine-config.js';
export type { DeleteSelector, OpStatusFilter, OpStatusRow, SubmitAccepted, TabletTaskReport, TaskPollRound, TaskReport } from './engine-io.js';

type Phase = 'queued' | 'running' | 'finishing';

interface OpEntry {
  info: OpInfo;
  /** Built when the op starts (or is recovered); null before. */
  tasks: TaskNode[] | null;
  phase: Phase;
  outcome: 'kDone' | 'kFailed' | 'kCanceled' | null;
  /** A tablet may hold task records of this op (DeleteOPTask needed at the end). */
  tabletTasksSent: boolean;
  deleteRequested: boolean;
  deleteRetryOnTick: boolean;
  /** The current top-level task's start checks ran. */
  currentStarted: boolean;
  slowLogged: boolean;
  /** RecoverTable waiting for its child's op id. */
  pendingTicket: number | null;
  /** RecoverTable: what the running task resolved (endpoint, single replica). */
  recoverRun: { readonly taskId: number; readonly endpoint: string; readonly singleReplica: boolean } | null;
  /** Set when the op must fail without a failed task (cannot be rebuilt, refused start check). */
  forcedFailure: string | null;
}

interface Ticket {
  readonly planned: readonly PlannedOp[];
  readonly parent: { readonly opId: number; readonly taskId: number } | null;
}

const PUMP_ROUNDS_MAX = 100_000;

function nowSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

export class OpEngine {
  private readonly queues: OpEntry[][];
  private readonly done: OpEntry[] = [];
  private readonly tickets = new Map<number, Ticket>();
  private nextTicket = 1;
  private rpcVersion = 0;
  private actions: Action[] = [];

  constructor(
    private readonly config: OpEngineConfig,
    private readonly rng: Rng,
  ) {
    assert(config.queueCount >= 1, 'queueCount must be at least 1');
    assert(config.concurrencyMax <= config.queueCount, 'concurrencyMax must not exceed queueCount');
    assert(config.concurrencyDefault >= 1 && config.concurrencyDefault <= config.concurrencyMax, 'concurrencyDefault out of range');
    this.queues = Array.from({ length: config.queueCount }, () => []);
  }

  /** Bumped whenever a tablet task is handed to the shell; a poll round carries the value it started with. */
  get taskRpcVersion(): number {
    return this.rpcVersion;
  }

  // ---------------------------------------------------------------- inputs

  /** Validates a command, plans its ops and asks for their op ids. */
  submit(req: OpRequest, view: ClusterView, nowMs: number, origin: RequestOrigin = 'operator'): Result<SubmitAccepted> {
    const plan = planOpRequest(req, view, this.config, origin);
    if (!plan.ok) return plan;
    const notes = [...plan.value.notes];
    const accepted: PlannedOp[] = [];
    for (const planned of plan.value.ops) {
      const probe: OpInfo = this.newOpInfo(planned, -1, null);
      const built = buildTasks(probe, view, this.config);
      if (built.ok) {
        accepted.push(planned);
        continue;
      }
      if (origin === 'operator') return fail(built.code, `${req.kind} rejected: ${built.message}`);
      notes.push({ tid: planned.target.tid, pid: planned.target.pid, message: built.message });
    }
    if (this.queuedCount() + accepted.length > this.config.queuedOpsMax) {
      return fail(Code.createOpFailed, `${req.kind} rejected: ${this.queuedCount()} ops are queued; the limit is ${this.config.queuedOpsMax}`);
    }
    this.actions = [];
    for (const n of notes) this.log('info', `${req.kind}: tid ${n.tid} pid ${n.pid} skipped: ${n.message}`);
    let ticket: number | null = null;
    if (accepted.length > 0) {
      if (this.tickets.size >= this.config.pendingTicketsMax) {
        return fail(Code.createOpFailed, `${req.kind} rejected: ${this.tickets.size} op-id requests are outstanding`);
      }
      ticket = this.newTicket({ planned: accepted, parent: null });
    }
    this.pump(view, nowMs, false);
    return ok({ ticket, opCount: accepted.length, notes, actions: this.take() });
  }

  /** The shell allocated the ids of a ticket: create and queue the ops. */
  opIdsAllocated(ticket: number, ids: readonly number[], view: ClusterView, nowMs: number): { opIds: number[]; actions: Action[] } {
    const t = this.tickets.get(ticket);
    assert(t !== undefined, `unknown op-id ticket ${ticket}`);
    assert(ids.length === t.planned.length, `ticket ${ticket} needs ${t.planned.length} ids, got ${ids.length}`);
    this.tickets.delete(ticket);
    this.actions = [];
    const created: number[] = [];
    const parent = t.parent ? this.findQueued(t.parent.opId) : undefined;
    if (t.parent && (!parent || parent.info.taskStatus === 'kCanceled')) {
      this.log('warn', `op ${t.parent.opId} is gone or canceled; its child op is not created`, { ids });
    } else {
      t.planned.forEach((planned, i) => {
        const opId = ids[i]!;
        assert(this.findAny(opId) === undefined, `op id ${opId} is already in use`);
        this.enqueue(this.newOpInfo(planned, opId, t.parent?.opId ?? null));
        created.push(opId);
      });
      if (parent && t.parent) {
        const l = findLeaf(parent.tasks ?? [], t.parent.taskId);
        assert(l !== undefined, `op ${parent.info.opId} has no task ${t.parent.taskId}`);
        parent.pendingTicket = null;
        if (l.status === 'kDoing') setLeafStatus(l, 'kDone');
      }
    }
    this.pump(view, nowMs, false);
    return { opIds: created, actions: this.take() };
  }

  /** The shell could not allocate ids for a ticket. */
  opIdAllocationFailed(ticket: number, message: string, view: ClusterView, nowMs: number): Action[] {
    const t = this.tickets.get(ticket);
    assert(t !== undefined, `unknown op-id ticket ${ticket}`);
    this.tickets.delete(ticket);
    this.actions = [];
    this.log('error', `allocating op ids failed: ${message}`, { ticket });
    if (t.parent) {
      const parent = this.findQueued(t.parent.opId);
      const l = parent ? findLeaf(parent.tasks ?? [], t.parent.taskId) : undefined;
      if (parent) parent.pendingTicket = null;
      if (l && l.status === 'kDoing') setLeafStatus(l, 'kFailed');
    }
    this.pump(view, nowMs, false);
    return this.take();
  }

  /** Periodic step: start head ops, advance them, fail tasks whose tablet stayed offline. */
  tick(view: ClusterView, nowMs: number): Action[] {
    this.actions = [];
    this.pump(view, nowMs, true);
    return this.take();
  }

  /** The shell finished a local task, or failed to send a tablet task. */
  taskFinished(report: TaskReport, view: ClusterView, nowMs: number): Action[] {
    this.actions = [];
    const entry = this.findQueued(report.opId);
    const l = entry?.tasks ? findLeaf(entry.tasks, report.taskId) : undefined;
    if (!entry || !l || entry.phase !== 'running' || l.status !== 'kDoing') {
      this.log('info', `ignoring a late report for op ${report.opId} task ${report.taskId}`, { status: report.status });
    } else if (report.status === 'kFailed') {
      this.log('warn', `op ${report.opId} task ${report.taskId} (${l.def.type}) failed: ${report.message ?? 'no message'}`);
      setLeafStatus(l, 'kFailed');
    } else {
      this.completeLeaf(entry, l, report.result, view);
    }
    this.pump(view, nowMs, false);
    return this.take();
  }

  /** Results of one GetTaskStatus round. */
  taskStatusPolled(round: TaskPollRound, view: ClusterView, nowMs: number): Action[] {
    this.actions = [];
    const stale = round.rpcVersion !== this.rpcVersion;
    for (const entry of this.heads()) {
      if (entry.phase !== 'running' || !entry.tasks) continue;
      const current = entry.tasks[entry.info.taskIndex];
      if (!current) continue;
      for (const l of doingLeaves(current)) {
        if (!isTabletTask(l.def)) continue;
        const reports = round.reports.get(l.def.endpoint);
        if (!reports) continue;
        const match = reports.find(
          (r) => r.opId === entry.info.opId && r.taskType === l.def.type && r.tid === entry.info.tid && r.pid === entry.info.pid,
        );
        if (match) {
          l.pollMisses = 0;
          l.recovered = false;
          if (isFinished(match.status)) setLeafStatus(l, match.status);
          continue;
        }
        if (stale) continue;
        l.pollMisses++;
        if (l.recovered || l.pollMisses > this.config.taskPollMissesMax) {
          this.log('warn', `op ${entry.info.opId} task ${l.taskId} (${l.def.type}) is unknown to tablet ${l.def.endpoint}; failing it`, {
            polls: l.pollMisses,
            recovered: l.recovered,
          });
          setLeafStatus(l, 'kFailed');
        }
      }
    }
    this.pump(view, nowMs, false);
    return this.take();
  }

  /** Outcome of a deleteTabletTasks action. */
  tabletTasksDeleted(opIds: readonly number[], succeeded: boolean, view: ClusterView, nowMs: number): Action[] {
    this.actions = [];
    for (const opId of opIds) {
      const entry = this.findQueued(opId);
      if (entry?.phase !== 'finishing' || !entry.deleteRequested) continue;
      if (succeeded) {
        this.finalize(entry, nowMs);
      } else {
        entry.deleteRequested = false;
        entry.deleteRetryOnTick = true;
      }
    }
    if (!succeeded) this.log('warn', `DeleteOPTask failed for ops ${opIds.join(',')}; retrying on the next tick`);
    this.pump(view, nowMs, false);
    return this.take();
  }

  /** cancelop: refused while auto_failover is on; only an Inited/Doing op can be canceled. */
  cancel(opId: number, view: ClusterView, nowMs: number): Result<Action[]> {
    if (view.autoFailover) return fail(Code.autoFailoverIsEnabled, `cancel op ${opId} refused: auto_failover is enabled`);
    const entry = this.findQueued(opId);
    const status = entry?.info.taskStatus;
    if (!entry || entry.phase === 'finishing' || (status !== 'kInited' && status !== 'kDoing')) {
      return fail(Code.opStatusIsNotKdoingOrKinited, `cancel op ${opId} failed: it is not an Inited or Doing op in a queue`);
    }
    this.actions = [];
    entry.info = withOp(entry.info, { taskStatus: 'kCanceled' });
    for (const node of entry.tasks ?? []) setUnfinished(node, 'kCanceled');
    this.emit({ kind: 'persistOp', op: entry.info });
    if (entry.tabletTasksSent) this.emit({ kind: 'cancelTabletTasks', endpoints: healthyEndpoints(view), opId });
    this.log('info', `op ${opId} canceled`);
    this.pump(view, nowMs, false);
    return ok(this.take());
  }

  /** deleteop: by id (a finished op, or one still waiting to start), or every finished op with a status. */
  delete(selector: DeleteSelector): Result<{ deleted: number[]; actions: Action[] }> {
    this.actions = [];
    const deleted: number[] = [];
    const dropFromHistory = (e: OpEntry) => {
      this.done.splice(this.done.indexOf(e), 1);
      if (e.info.taskStatus !== 'kDone') this.emit({ kind: 'removeOpNode', opId: e.info.opId });
      deleted.push(e.info.opId);
    };
    if ('opId' in selector) {
      const finished = this.done.find((e) => e.info.opId === selector.opId);
      if (finished) {
        dropFromHistory(finished);
        return ok({ deleted, actions: this.take() });
      }
      const entry = this.findQueued(selector.opId);
      if (!entry) return fail(Code.invalidParameter, `delete op ${selector.opId} failed: no such op`);
      if (entry.phase !== 'queued') {
        return fail(Code.invalidParameter, `delete op ${selector.opId} failed: it is running; cancel it first`);
      }
      const queue = this.queues[entry.info.vecIdx]!;
      queue.splice(queue.indexOf(entry), 1);
      this.emit({ kind: 'removeOpNode', opId: selector.opId });
      deleted.push(selector.opId);
      return ok({ deleted, actions: this.take() });
    }
    if (!isFinished(selector.status)) {
      return fail(Code.invalidParameter, `delete ops by status ${selector.status} refused: only finished ops can be deleted by status`);
    }
    for (const e of [...this.done]) {
      if (e.info.taskStatus === selector.status && (selector.db === undefined || e.info.db === selector.db)) dropFromHistory(e);
    }
    return ok({ deleted, actions: this.take() });
  }

  /**
   * A new leader reloads the persisted ops (RecoverOPTask, SkipDoneTask). Call once, on a fresh
   * engine, before any other input.
   */
  recover(persisted: readonly OpInfo[], view: ClusterView, nowMs: number): Action[] {
    assert(this.queuedCount() === 0 && this.done.length === 0, 'recover needs a fresh engine');
    this.actions = [];
    const ids = new Set<number>();
    const byQueue: OpEntry[][] = Array.from({ length: this.config.queueCount }, () => []);
    for (const info of [...persisted].sort((a, b) => a.opId - b.opId)) {
      assert(!ids.has(info.opId), `op ${info.opId} was persisted twice`);
      ids.add(info.opId);
      if (info.taskStatus === 'kDone' || info.taskStatus === 'kCanceled') {
        this.log('info', `recovery: op ${info.opId} is ${info.taskStatus}; removing its node`);
        this.emit({ kind: 'removeOpNode', opId: info.opId });
        continue;
      }
      const vecIdx = info.vecIdx >= 0 && info.vecIdx < this.config.queueCount ? info.vecIdx : info.pid % this.config.queueCount;
      const entry = this.newEntry(withOp(info, { vecIdx }));
      if (info.taskStatus === 'kInited') {
        byQueue[vecIdx]!.push(entry);
        continue;
      }
      const built = buildTasks(entry.info, view, this.config);
      if (info.taskStatus === 'kFailed') {
        entry.tasks = built.ok ? built.value : null;
        entry.outcome = 'kFailed';
        this.skipDoneTasks(entry, 'kFailed');
        this.remember(entry);
        continue;
      }
      entry.phase = 'running';
      entry.tabletTasksSent = true;
      if (!built.ok) {
        entry.tasks = [];
        entry.forcedFailure = `recovery: op ${info.opId} cannot be rebuilt: ${built.message}`;
      } else if (info.taskIndex > built.value.length) {
        entry.tasks = built.value;
        entry.forcedFailure = `recovery: op ${info.opId} has task index ${info.taskIndex} but only ${built.value.length} tasks`;
      } else {
        entry.tasks = built.value;
        this.skipDoneTasks(entry, null);
      }
      byQueue[vecIdx]!.push(entry);
    }
    byQueue.forEach((entries, i) => {
      const ordered = recoveredOrder(entries.map((e) => ({ opId: e.info.opId, parentId: e.info.parentId, e }))).map((o) => o.e);
      // Only a queue's head can have been running; keep it first whatever the ids say.
      this.queues[i]!.push(...ordered.filter((e) => e.phase !== 'queued'), ...ordered.filter((e) => e.phase === 'queued'));
    });
    this.log('info', `recovery: ${this.queuedCount()} ops queued, ${this.done.length} failed ops in history`);
    this.pump(view, nowMs, false);
    return this.take();
  }

  /** showopstatus rows: history and queues, sorted by op id. */
  show(filter: OpStatusFilter, nowMs: number): OpStatusRow[] {
    const all = [...this.done, ...this.queues.flat()];
    const now = nowSeconds(nowMs);
    return all
      .filter(
        (e) =>
          (filter.db === undefined || e.info.db === filter.db) &&
          (filter.name === undefined || e.info.name === filter.name) &&
          (filter.pid === undefined || e.info.pid === filter.pid) &&
          (filter.opId === undefined || e.info.opId === filter.opId),
      )
      .sort((a, b) => a.info.opId - b.info.opId)
      .map((e) => {
        const i = e.info;
        const current = e.tasks?.[i.taskIndex];
        const executeTimeS = i.startTimeS === 0 ? 0 : (i.endTimeS > 0 ? i.endTimeS : now) - i.startTimeS;
        return {
          opId: i.opId,
          opType: i.opType,
          db: i.db,
          name: i.name,
          pid: i.pid,
          status: i.taskStatus,
          startTimeS: i.startTimeS,
          executeTimeS,
          endTimeS: i.endTimeS,
          curTask: current && i.taskStatus !== 'kDone' ? nodeType(current) : '-',
          forReplicaCluster: i.forReplicaCluster,
        };
      });
  }

  // ------------------------------------------------------- introspection

  /** Op ids per queue, head first. */
  queueOpIds(): number[][] {
    return this.queues.map((q) => q.map((e) => e.info.opId));
  }

  /** Op ids of the finished-op history, oldest first. */
  historyOpIds(): number[] {
    return this.done.map((e) => e.info.opId);
  }

  op(opId: number): OpInfo | undefined {
    return this.findAny(opId)?.info;
  }

  /** Ops whose head position lets them run now (running or finishing). */
  activeOpIds(): number[] {
    return this.heads()
      .filter((e) => e.phase !== 'queued')
      .map((e) => e.info.opId);
  }

  outstandingTickets(): number[] {
    return [...this.tickets.keys()];
  }

  /** Checks the engine's invariants; throws an AssertionError on a violation. */
  checkInvariants(): void {
    const seen = new Set<number>();
    const active = new Set<string>();
    for (const [qi, queue] of this.queues.entries()) {
      queue.forEach((e, i) => {
        assert(!seen.has(e.info.opId), `op ${e.info.opId} appears twice`);
        seen.add(e.info.opId);
        assert(e.info.vecIdx === qi, `op ${e.info.opId} is in queue ${qi} but records ${e.info.vecIdx}`);
        if (i > 0) assert(e.phase === 'queued', `op ${e.info.opId} is ${e.phase} behind the head of queue ${qi}`);
        if (e.phase === 'queued') assert(e.tasks === null, `queued op ${e.info.opId} has tasks`);
        if (e.phase === 'running') {
          const key = `${e.info.tid}_${e.info.pid}`;
          assert(!active.has(key), `two ops run on partition ${key}`);
          active.add(key);
          assert(e.info.taskStatus === 'kDoing', `running op ${e.info.opId} is ${e.info.taskStatus}`);
        }
      });
    }
    for (const e of this.done) {
      assert(!seen.has(e.info.opId), `op ${e.info.opId} is both queued and finished`);
      seen.add(e.info.opId);
      assert(isFinished(e.info.taskStatus), `finished op ${e.info.opId} is ${e.info.taskStatus}`);
    }
    assert(this.done.length <= this.config.opNumMax, `history holds ${this.done.length} ops; the cap is ${this.config.opNumMax}`);
  }

  // ------------------------------------------------------------ internals

  private take(): Action[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }

  private emit(a: Action): void {
    this.actions.push(a);
  }

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.emit(fields ? { kind: 'log', level, message, fields } : { kind: 'log', level, message });
  }

  private newTicket(t: Ticket): number {
    const ticket = this.nextTicket++;
    this.tickets.set(ticket, t);
    this.emit({ kind: 'allocateOpIds', ticket, count: t.planned.length });
    return ticket;
  }

  private newOpInfo(planned: PlannedOp, opId: number, parentId: number | null): OpInfo {
    return {
      formatVersion: OP_INFO_FORMAT_VERSION,
      opId,
      ...planned.spec,
      ...planned.target,
      taskIndex: 0,
      taskStatus: 'kInited',
      startTimeS: 0,
      endTimeS: 0,
      parentId,
      vecIdx: queueIndex(planned.target.pid, planned.concurrency, this.config.queueCount),
      forReplicaCluster: false,
    };
  }

  private newEntry(info: OpInfo): OpEntry {
    return {
      info,
      tasks: null,
      phase: 'queued',
      outcome: null,
      tabletTasksSent: false,
      deleteRequested: false,
      deleteRetryOnTick: false,
      currentStarted: false,
      slowLogged: false,
      pendingTicket: null,
      recoverRun: null,
      forcedFailure: null,
    };
  }

  private enqueue(info: OpInfo): void {
    let placed = info;
    if (info.parentId !== null) {
      const parent = this.findQueued(info.parentId);
      if (parent) placed = withOp(info, { vecIdx: parent.info.vecIdx });
    }
    const queue = this.queues[placed.vecIdx]!;
    const at = insertionIndex(
      queue.map((e) => ({ opId: e.info.opId, parentId: e.info.parentId })),
      placed.parentId,
    );
    queue.splice(at, 0, this.newEntry(placed));
    this.emit({ kind: 'persistOp', op: placed });
  }

  private queuedCount(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  private heads(): OpEntry[] {
    return this.queues.map((q) => q[0]).filter((e): e is OpEntry => e !== undefined);
  }

  private findQueued(opId: number): OpEntry | undefined {
    for (const q of this.queues) {
      const e = q.find((x) => x.info.opId === opId);
      if (e) return e;
    }
    return undefined;
  }

  private findAny(opId: number): OpEntry | undefined {
    return this.findQueued(opId) ?? this.done.find((e) => e.info.opId === opId);
  }

  /** SkipDoneTask: tasks before taskIndex are done; the current one re-runs or waits for a poll. */
  private skipDoneTasks(entry: OpEntry, forced: 'kFailed' | null): void {
    const tasks = entry.tasks;
    if (!tasks) return;
    tasks.slice(0, entry.info.taskIndex).forEach((n) => {
      for (const l of leaves(n)) l.status = 'kDone';
    });
    const current = tasks[entry.info.taskIndex];
    if (!current) return;
    if (forced) {
      for (const l of leaves(current)) l.status = forced;
      return;
    }
    if (RERUN_AFTER_RECOVERY.has(nodeType(current))) {
      entry.currentStarted = false;
      return;
    }
    entry.currentStarted = true;
    for (const l of leaves(current)) {
      l.status = 'kDoing';
      l.recovered = true;
    }
  }

  /** True when another queue's running op works on the same partition. */
  private partitionBusy(entry: OpEntry): boolean {
    return this.heads().some(
      (h) => h !== entry && h.phase !== 'queued' && h.info.tid === entry.info.tid && h.info.pid === entry.info.pid,
    );
  }

  /** Runs every queue until nothing changes; batches the DeleteOPTask requests. */
  private pump(view: ClusterView, nowMs: number, fromTick: boolean): void {
    for (let round = 0; ; round++) {
      assert(round < PUMP_ROUNDS_MAX, 'op engine pump does not settle');
      let changed = false;
      for (const queue of this.queues) {
        for (;;) {
          const head = queue[0];
          if (!head) break;
          if (this.advance(head, view, nowMs)) changed = true;
          if (queue[0] === head) break;
        }
      }
      if (!changed) break;
    }
    const toDelete = this.heads().filter(
      (e) => e.phase === 'finishing' && !e.deleteRequested && (fromTick || !e.deleteRetryOnTick),
    );
    if (toDelete.length > 0) {
      for (const e of toDelete) e.deleteRequested = true;
      this.emit({ kind: 'deleteTabletTasks', endpoints: healthyEndpoints(view), opIds: toDelete.map((e) => e.info.opId) });
    }
  }

  /** Moves one head op forward as far as it can go now; true if anything changed. */
  private advance(entry: OpEntry, view: ClusterView, nowMs: number): boolean {
    if (entry.phase === 'finishing') return false;
    if (entry.info.taskStatus === 'kCanceled') {
      this.beginFinish(entry, 'kCanceled', view, nowMs);
      return true;
    }
    if (entry.forcedFailure !== null) {
      this.log('warn', `op ${entry.info.opId} (${entry.info.opType}) fails: ${entry.forcedFailure}`);
      this.beginFinish(entry, 'kFailed', view, nowMs);
      return true;
    }
    let changed = false;
    if (entry.phase === 'queued') {
      if (this.partitionBusy(entry)) return false;
      const built = buildTasks(entry.info, view, this.config);
      if (!built.ok) {
        this.log('warn', `op ${entry.info.opId} (${entry.info.opType}) cannot start: ${built.message}`);
        this.beginFinish(entry, 'kFailed', view, nowMs);
        return true;
      }
      entry.tasks = built.value;
      entry.phase = 'running';
      entry.info = withOp(entry.info, { taskStatus: 'kDoing', startTimeS: nowSeconds(nowMs) });
      this.emit({ kind: 'persistOp', op: entry.info });
      changed = true;
    }
    const tasks = entry.tasks!;
    for (let guard = 0; ; guard++) {
      assert(guard < 10_000, `op ${entry.info.opId} does not settle`);
      if (entry.pendingTicket !== null) break;
      const current = tasks[entry.info.taskIndex];
      if (!current) {
        this.beginFinish(entry, 'kDone', view, nowMs);
        return true;
      }
      if (!entry.currentStarted) {
        entry.currentStarted = true;
        const allowed = this.startCheck(entry, current, view);
        if (!allowed.ok) {
          for (const l of leaves(current)) if (!isFinished(l.status)) l.status = 'kFailed';
          entry.forcedFailure = `task ${nodeType(current)} refused: ${allowed.message}`;
          return true;
        }
        if (current.kind === 'group' && current.children.length === 0) {
          this.log('info', `op ${entry.info.opId}: no old leader on a healthy tablet to fence`);
        }
      }
      const status = rollUp(current);
      if (status === 'kDone') {
        entry.info = withOp(entry.info, { taskIndex: entry.info.taskIndex + 1 });
        entry.currentStarted = false;
        entry.recoverRun = null;
        this.emit({ kind: 'persistOp', op: entry.info });
        changed = true;
        continue;
      }
      if (status === 'kFailed' || status === 'kCanceled') {
        this.beginFinish(entry, 'kFailed', view, nowMs);
        return true;
      }
      let stepped = false;
      for (const l of startable(current)) {
        this.startLeaf(entry, l, view);
        stepped = true;
      }
      for (const l of doingLeaves(current)) {
        if (this.checkDoingLeaf(entry, l, view, nowMs)) stepped = true;
      }
      if (!stepped) break;
      changed = true;
    }
    if (!entry.slowLogged && entry.info.startTimeS > 0 && nowMs - entry.info.startTimeS * 1000 > this.config.opExecuteTimeoutMs) {
      entry.slowLogged = true;
      this.log('warn', `op ${entry.info.opId} (${entry.info.opType}) has run longer than ${this.config.opExecuteTimeoutMs} ms`);
    }
    return changed;
  }

  /** Checks made once when a top-level task becomes current. */
  private startCheck(entry: OpEntry, current: TaskNode, view: ClusterView): Result<void> {
    const type = nodeType(current);
    if (type !== 'kFenceOldLeader' && type !== 'kSelectLeader') return ok(undefined);
    const partition = this.partitionOf(view, entry);
    if (!partition) return fail(Code.tableNotFound, `tid ${entry.info.tid} pid ${entry.info.pid} no longer exists`);
    return leaderChangeAllowed(partition, view.autoFailover);
  }

  /** Engine-evaluated progress of a Doing leaf (binlog catch-up, offline tablet). True if it finished. */
  private checkDoingLeaf(entry: OpEntry, l: LeafTask, view: ClusterView, nowMs: number): boolean {
    const def = l.def;
    if (def.type === 'kCheckBinlogSyncProgress') {
      const partition = this.partitionOf(view, entry);
      if (!partition?.replicas.some((r) => r.endpoint === def.endpoint)) {
        this.log('warn', `op ${entry.info.opId}: check binlog sync failed: ${def.endpoint} is not a replica of tid ${entry.info.tid} pid ${entry.info.pid}`);
        setLeafStatus(l, 'kFailed');
        return true;
      }
      if (binlogSyncCaughtUp(view, entry.info.tid, partition, def.endpoint, def.offsetDelta)) {
        setLeafStatus(l, 'kDone');
        return true;
      }
      return false;
    }
    if (isTabletTask(def)) {
      const tablet = view.tablets.get(def.endpoint);
      if (tablet && tablet.state === 'kOffline' && nowMs - tablet.changedAtMs > this.config.tabletHeartbeatTimeoutMs) {
        this.log('warn', `op ${entry.info.opId} task ${l.taskId} (${def.type}) fails: tablet ${def.endpoint} has been offline for ${nowMs - tablet.changedAtMs} ms`);
        setLeafStatus(l, 'kFailed');
        return true;
      }
    }
    return false;
  }

  private partitionOf(view: ClusterView, entry: OpEntry): TablePartition | undefined {
    const table = view.tables.get(entry.info.tid);
    return table ? findPartition(table, entry.info.pid) : undefined;
  }

  private header(entry: OpEntry, l: LeafTask): TaskHeader {
    const i = entry.info;
    return { opId: i.opId, opType: i.opType, taskId: l.taskId, tid: i.tid, pid: i.pid };
  }

  private runLocal(entry: OpEntry, l: LeafTask, run: LocalRun): void {
    setLeafStatus(l, 'kDoing');
    this.emit({ kind: 'runTask', task: { ...this.header(entry, l), kind: 'local', ...run } as RunTask });
  }

  private runEdit(entry: OpEntry, l: LeafTask, type: Extract<LocalRun, { edit: MetaEdit }>['type'], edit: MetaEdit): void {
    this.runLocal(entry, l, { type, edit });
  }

  /** Starts an Inited leaf: hands it to the shell, or evaluates it here. */
  private startLeaf(entry: OpEntry, l: LeafTask, view: ClusterView): void {
    const def = l.def;
    const { tid, pid, opId } = entry.info;
    if (isTabletTask(def)) {
      setLeafStatus(l, 'kDoing');
      l.pollMisses = 0;
      entry.tabletTasksSent = true;
      this.rpcVersion++;
      this.emit({ kind: 'runTask', task: { ...this.header(entry, l), kind: 'tablet', ...def } });
      return;
    }
    const failLeaf = (message: string) => {
      this.log('warn', `op ${opId} task ${l.taskId} (${def.type}) failed: ${message}`);
      setLeafStatus(l, 'kFailed');
    };
    switch (def.type) {
      case 'kCheckBinlogSyncProgress':
        setLeafStatus(l, 'kDoing');
        return;
      case 'kFenceOldLeader':
        this.runLocal(entry, l, { type: 'kFenceOldLeader', endpoint: def.endpoint });
        return;
      case 'kSelectLeader': {
        assert(entry.info.opType === 'kChangeLeaderOP', `kSelectLeader in ${entry.info.opType}`);
        this.runLocal(entry, l, { type: 'kSelectLeader', followers: entry.info.data.followers });
        return;
      }
      case 'kChangeLeader':
      case 'kUpdateLeaderInfo': {
        assert(entry.info.opType === 'kChangeLeaderOP', `${def.type} in ${entry.info.opType}`);
        const d = entry.info.data;
        if (d.leader === null || d.term === null || d.offset === null) {
          failLeaf('no leader was selected');
          return;
        }
        if (def.type === 'kChangeLeader') {
          this.runLocal(entry, l, { type: 'kChangeLeader', leader: d.leader, followers: d.followers.filter((f) => f !== d.leader), term: d.term });
        } else {
          this.runEdit(entry, l, 'kUpdateLeaderInfo', {
            kind: 'setLeader',
            tid,
            pid,
            leader: d.leader,
            term: d.term,
            offset: d.offset,
            followers: d.followers.filter((f) => f !== d.leader),
          });
        }
        return;
      }
      case 'kAddTableInfo':
        this.runEdit(entry, l, def.type, { kind: 'addReplicaMeta', tid, pid, endpoint: def.endpoint });
        return;
      case 'kDelTableInfo':
        this.runEdit(entry, l, def.type, { kind: 'removeReplicaMeta', tid, pid, endpoint: def.endpoint });
        return;
      case 'kUpdateTableInfo':
        this.runEdit(entry, l, def.type, { kind: 'moveReplicaMeta', tid, pid, srcEndpoint: def.srcEndpoint, desEndpoint: def.desEndpoint });
        return;
      case 'kUpdatePartitionStatus':
        this.runEdit(entry, l, def.type, {
          kind: 'setReplicaStatus',
          tid,
          pid,
          endpoint: def.endpoint,
          isLeader: def.isLeader,
          isAlive: def.isAlive,
        });
        return;
      case 'kRecoverTable': {
        const child = this.queues[entry.info.vecIdx]!.find((e) => e.info.parentId === opId);
        if (child) {
          this.log('info', `op ${opId}: child op ${child.info.opId} already exists; recover table is done`);
          setLeafStatus(l, 'kDone');
          return;
        }
        const table = view.tables.get(tid);
        if (!table) {
          failLeaf(`table tid ${tid} no longer exists`);
          return;
        }
        const plan = planRecoverTable(view, table, pid, def.endpoint);
        if (!plan.ok) {
          failLeaf(plan.message);
          return;
        }
        if (plan.value.kind === 'alreadyAlive') {
          this.log('info', `op ${opId}: the replica on ${plan.value.endpoint} is alive; nothing to recover`);
          setLeafStatus(l, 'kDone');
          return;
        }
        const { endpoint, leader, singleReplica } = plan.value;
        entry.recoverRun = { taskId: l.taskId, endpoint, singleReplica };
        this.runLocal(entry, l, { type: 'kRecoverTable', endpoint, leader, singleReplica });
        return;
      }
    }
  }

  /** A local task reported kDone: apply its result. */
  private completeLeaf(entry: OpEntry, l: LeafTask, result: TaskResult | undefined, view: ClusterView): void {
    const opId = entry.info.opId;
    const failLeaf = (message: string) => {
      this.log('warn', `op ${opId} task ${l.taskId} (${l.def.type}) failed: ${message}`);
      setLeafStatus(l, 'kFailed');
    };
    if (result !== undefined && result.type !== l.def.type) {
      failLeaf(`the shell reported a ${result.type} result`);
      return;
    }
    switch (l.def.type) {
      case 'kFenceOldLeader': {
        if (result?.type !== 'kFenceOldLeader') {
          failLeaf('no fence result');
          return;
        }
        if (!result.reachable) {
          this.log('warn', `op ${opId}: old leader ${l.def.endpoint} is unreachable; it was not fenced`);
        } else if (result.offset !== null) {
          const prior = entry.info.opType === 'kChangeLeaderOP' ? entry.info.data.fencedOffset : null;
          entry.info = withChangeLeaderData(entry.info, { fencedOffset: Math.max(prior ?? 0, result.offset) });
        }
        setLeafStatus(l, 'kDone');
        return;
      }
      case 'kSelectLeader': {
        if (result?.type !== 'kSelectLeader') {
          failLeaf('no select-leader result');
          return;
        }
        assert(entry.info.opType === 'kChangeLeaderOP', 'kSelectLeader outside kChangeLeaderOP');
        const d = entry.info.data;
        const chosen = selectLeader({ followers: d.followers, offsets: result.followerOffsets, candidate: d.candidate }, this.rng);
        if (!chosen.ok) {
          failLeaf(chosen.message);
          return;
        }
        if (d.fencedOffset !== null && d.fencedOffset > chosen.value.offset) {
          this.log('warn', `op ${opId}: new leader ${chosen.value.leader} is at offset ${chosen.value.offset}; the fenced old leader had reached ${d.fencedOffset}: those entries are lost`);
        }
        // Only followers that answered stay followers of the new leader (the others are marked not
        // alive by UpdateLeaderInfo and recovered later), so a sync table never waits on them.
        const answered = new Set(result.followerOffsets.map((o) => o.endpoint));
        entry.info = withChangeLeaderData(entry.info, {
          leader: chosen.value.leader,
          offset: chosen.value.offset,
          term: result.curTerm + 1,
          followers: d.followers.filter((f) => answered.has(f)),
        });
        this.log('info', `op ${opId}: selected leader ${chosen.value.leader} offset ${chosen.value.offset} term ${result.curTerm + 1}`);
        setLeafStatus(l, 'kDone');
        return;
      }
      case 'kRecoverTable': {
        if (result?.type !== 'kRecoverTable') {
          failLeaf('no recover-table result');
          return;
        }
        assert(entry.info.opType === 'kRecoverTableOP', 'kRecoverTable outside kRecoverTableOP');
        const run = entry.recoverRun;
        assert(run !== null && run.taskId === l.taskId, `op ${opId}: recover table result without a run`);
        const partition = this.partitionOf(view, entry);
        if (!partition) {
          failLeaf(`tid ${entry.info.tid} pid ${entry.info.pid} no longer exists`);
          return;
        }
        const child = decideRecoverTable({
          singleReplica: run.singleReplica,
          facts: result.facts,
          termOffsets: partition.termOffsets,
          leaderSnapshotOffset: result.leaderSnapshotOffset,
        });
        if (!child.ok) {
          failLeaf(child.message);
          return;
        }
        this.log('info', `op ${opId}: recover ${run.endpoint} with ${child.value}`, { ...result.facts, leaderSnapshotOffset: result.leaderSnapshotOffset });
        if (this.tickets.size >= this.config.pendingTicketsMax) {
          failLeaf('too many op-id requests are outstanding');
          return;
        }
        const { tid, db, name, pid } = entry.info;
        entry.pendingTicket = this.newTicket({
          planned: [
            {
              spec: recoverTableChildSpec(child.value, entry.info.data, run.endpoint),
              target: { tid, db, name, pid },
              concurrency: entry.info.data.concurrency,
            },
          ],
          parent: { opId, taskId: l.taskId },
        });
        return;
      }
      default:
        setLeafStatus(l, 'kDone');
    }
  }

  private beginFinish(entry: OpEntry, outcome: 'kDone' | 'kFailed' | 'kCanceled', view: ClusterView, nowMs: number): void {
    entry.outcome = entry.info.taskStatus === 'kCanceled' ? 'kCanceled' : outcome;
    entry.phase = 'finishing';
    entry.deleteRequested = false;
    if (!entry.tabletTasksSent || healthyEndpoints(view).length === 0) this.finalize(entry, nowMs);
  }

  /** The op leaves its queue for the history (cluster.md §5.4 DeleteTask). */
  private finalize(entry: OpEntry, nowMs: number): void {
    const queue = this.queues[entry.info.vecIdx]!;
    assert(queue[0] === entry, `op ${entry.info.opId} finishes but is not the head of its queue`);
    queue.shift();
    const outcome = entry.outcome ?? 'kDone';
    entry.info = withOp(entry.info, { taskStatus: outcome, endTimeS: nowSeconds(nowMs) });
    entry.phase = 'finishing';
    if (outcome === 'kFailed') this.emit({ kind: 'persistOp', op: entry.info });
    else this.emit({ kind: 'removeOpNode', opId: entry.info.opId });
    this.log(outcome === 'kFailed' ? 'warn' : 'info', `op ${entry.info.opId} (${entry.info.opType}) ${outcome}`, {
      tid: entry.info.tid,
      pid: entry.info.pid,
    });
    this.remember(entry);
  }

  private remember(entry: OpEntry): void {
    this.done.push(entry);
    while (this.done.length > this.config.opNumMax) {
      const evicted = this.done.shift()!;
      if (evicted.info.taskStatus === 'kFailed') this.emit({ kind: 'removeOpNode', opId: evicted.info.opId });
    }
  }
}
