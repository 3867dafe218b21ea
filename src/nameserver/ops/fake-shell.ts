/**
 * A simulated nameserver shell around an OpEngine, for scenario tests and the simulator: it keeps
 * a small cluster model (tables, tablets, each replica's role/term/offsets, the op nodes and
 * counters of ZooKeeper, each tablet's task map) and carries out the engine's actions against it
 * the way DESIGN.md says the real shell must. Tablet tasks complete when the test lets them and
 * are learned by polling, as in the real system.
 */
import { assert } from '../../base/assert.js';
import type { Result } from '../../base/status.js';
import type { TableInfo } from '../../protocol/schema.js';
import { type Action, describeAction } from './actions.js';
import { type ClusterView, type ReplicaStatusView, replicaStatusKey, type TabletView } from './cluster-view.js';
import type { TaskStatusName } from './enums.js';
import { applyMetaEdit } from './meta-edit.js';
import type { OpInfo } from './op-info.js';
import type { OpEngine, TabletTaskReport, TaskReport } from './op-engine.js';
import type { OpRequest } from './op-requests.js';
import type { LocalRunTask, RunTask, TabletRunTask, TaskResult } from './task-defs.js';
import { decideTabletOffline, decideTabletOnline } from './tablet-events.js';

/** The tablet side of one replica. */
export interface ReplicaModel {
  loaded: boolean;
  mode: 'leader' | 'follower';
  term: number;
  offset: number;
  snapshotOffset: number;
  snapshotTerm: number;
  /** Followers a leader replicates to. */
  followers: Set<string>;
}

interface RecordedTask {
  readonly task: TabletRunTask;
  status: TaskStatusName;
}

export interface FakeShellOptions {
  /** Local tasks wait in `pendingLocal` for the test instead of running at once. */
  readonly manualLocal?: boolean;
  /** Tablet tasks for which this returns true end kFailed. */
  readonly failTabletTask?: (task: TabletRunTask) => boolean;
  readonly heartbeatTimeoutMs?: number;
}

export class FakeShell {
  readonly tables = new Map<number, TableInfo>();
  readonly tablets = new Map<string, { state: 'kHealthy' | 'kOffline'; changedAtMs: number }>();
  readonly replicas = new Map<string, ReplicaModel>();
  readonly zkOps = new Map<number, OpInfo>();
  readonly taskMaps = new Map<string, RecordedTask[]>();
  readonly trace: string[] = [];
  readonly logs: string[] = [];
  readonly pendingLocal: LocalRunTask[] = [];
  autoFailover = false;
  /** Local tasks wait in `pendingLocal` instead of running at once. */
  manualLocal: boolean;
  nowMs = 1_700_000_000_000;
  opIndex = 0;
  term = 1;
  /** The last submit's refusal ("<code> <message>"), or null. */
  lastSubmitError: string | null = null;

  constructor(
    public engine: OpEngine,
    private readonly options: FakeShellOptions = {},
  ) {
    this.manualLocal = options.manualLocal ?? false;
  }

  // ------------------------------------------------------------ model set-up

  addTablet(endpoint: string): void {
    this.tablets.set(endpoint, { state: 'kHealthy', changedAtMs: this.nowMs });
    if (!this.taskMaps.has(endpoint)) this.taskMaps.set(endpoint, []);
  }

  /** A table whose pids are placed on `placement[pid]` (first endpoint leads), all replicas loaded at offset 0. */
  addTable(tid: number, name: string, placement: readonly (readonly string[])[]): TableInfo {
    const table: TableInfo = {
      formatVersion: 1,
      tid,
      db: 'db',
      name,
      partitionNum: placement.length,
      replicaNum: placement[0]!.length,
      schema: { columns: [], indexes: [] },
      partitions: placement.map((eps, pid) => ({
        pid,
        replicas: eps.map((endpoint, i) => ({ endpoint, isLeader: i === 0, isAlive: true })),
        termOffsets: [{ term: this.term, offset: 0 }],
      })),
      storageMode: 'memory',
      replicationMode: 'async',
      compress: 'none',
      createdAtMs: 0,
    };
    this.tables.set(tid, table);
    placement.forEach((eps, pid) => {
      eps.forEach((endpoint, i) => {
        this.replicas.set(replicaStatusKey(tid, pid, endpoint), {
          loaded: true,
          mode: i === 0 ? 'leader' : 'follower',
          term: this.term,
          offset: 0,
          snapshotOffset: 0,
          snapshotTerm: this.term,
          followers: new Set(i === 0 ? eps.slice(1) : []),
        });
      });
    });
    return table;
  }

  replica(tid: number, pid: number, endpoint: string): ReplicaModel | undefined {
    return this.replicas.get(replicaStatusKey(tid, pid, endpoint));
  }

  /** Writes `count` entries to the partition's leader replica (as the tablet that believes it leads). */
  write(tid: number, pid: number, endpoint: string, count: number): void {
    const r = this.replica(tid, pid, endpoint);
    assert(r?.loaded && r.mode === 'leader', `write: ${endpoint} does not lead tid ${tid} pid ${pid}`);
    r.offset += count;
  }

  /** The leader pushes its entries to the followers it replicates to (those that accept its term). */
  replicate(tid: number, pid: number, endpoint: string): void {
    const leader = this.replica(tid, pid, endpoint);
    assert(leader?.loaded && leader.mode === 'leader', `replicate: ${endpoint} does not lead`);
    for (const f of leader.followers) {
      const r = this.replica(tid, pid, f);
      if (!r?.loaded || r.mode !== 'follower' || !this.isHealthy(f) || r.term > leader.term) continue;
      r.offset = Math.max(r.offset, leader.offset);
      r.term = leader.term;
    }
  }

  isHealthy(endpoint: string): boolean {
    return this.tablets.get(endpoint)?.state === 'kHealthy';
  }

  view(): ClusterView {
    const tablets = new Map<string, TabletView>(this.tablets);
    const replicaStatus = new Map<string, ReplicaStatusView>();
    for (const table of this.tables.values()) {
      for (const p of table.partitions) {
        for (const r of p.replicas) {
          if (!this.isHealthy(r.endpoint)) continue;
          const model = this.replica(table.tid, p.pid, r.endpoint);
          const key = replicaStatusKey(table.tid, p.pid, r.endpoint);
          replicaStatus.set(key, model?.loaded ? { offset: model.offset, tabletHasPartition: true } : { offset: 0, tabletHasPartition: false });
        }
      }
    }
    return { tables: new Map(this.tables), tablets, replicaStatus, autoFailover: this.autoFailover };
  }

  // ------------------------------------------------------------ driving

  /** Submits a command and carries out everything that follows; returns the created op ids. */
  submit(req: OpRequest, origin: 'operator' | 'autoFailover' = 'operator'): number[] {
    const r = this.engine.submit(req, this.view(), this.nowMs, origin);
    if (!r.ok) {
      this.lastSubmitError = `${r.code} ${r.message}`;
      return [];
    }
    this.lastSubmitError = null;
    const first = this.opIndex + 1;
    this.run(r.value.actions);
    return Array.from({ length: r.value.opCount }, (_, i) => first + i);
  }

  tick(): void {
    this.run(this.engine.tick(this.view(), this.nowMs));
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }

  /** Carries out actions in order, including everything they lead to. */
  run(actions: readonly Action[]): void {
    const work = [...actions];
    for (let n = 0; work.length > 0; n++) {
      assert(n < 100_000, 'fake shell: actions do not settle');
      const a = work.shift()!;
      if (a.kind === 'log') {
        this.logs.push(`${a.level} ${a.message}`);
        continue;
      }
      this.trace.push(describeAction(a));
      work.push(...this.execute(a));
    }
  }

  private execute(a: Action): Action[] {
    switch (a.kind) {
      case 'allocateOpIds': {
        const ids = Array.from({ length: a.count }, () => ++this.opIndex);
        return this.engine.opIdsAllocated(a.ticket, ids, this.view(), this.nowMs).actions;
      }
      case 'persistOp':
        this.zkOps.set(a.op.opId, a.op);
        return [];
      case 'removeOpNode':
        this.zkOps.delete(a.opId);
        return [];
      case 'runTask':
        return this.runTask(a.task);
      case 'cancelTabletTasks':
        for (const e of a.endpoints) {
          for (const t of this.taskMaps.get(e) ?? []) {
            if (t.task.opId === a.opId && (t.status === 'kInited' || t.status === 'kDoing')) t.status = 'kCanceled';
          }
        }
        return [];
      case 'deleteTabletTasks': {
        const ids = new Set(a.opIds);
        for (const e of a.endpoints) {
          const map = this.taskMaps.get(e) ?? [];
          this.taskMaps.set(
            e,
            map.filter((t) => !ids.has(t.task.opId)),
          );
        }
        return this.engine.tabletTasksDeleted(a.opIds, true, this.view(), this.nowMs);
      }
      case 'log':
        return [];
    }
  }

  private runTask(task: RunTask): Action[] {
    if (task.kind === 'tablet') {
      if (!this.isHealthy(task.endpoint)) {
        return this.report({ opId: task.opId, taskId: task.taskId, status: 'kFailed', message: `tablet ${task.endpoint} unreachable` });
      }
      this.taskMaps.get(task.endpoint)!.push({ task, status: 'kDoing' });
      return [];
    }
    if (this.manualLocal) {
      this.pendingLocal.push(task);
      return [];
    }
    return this.report(this.executeLocal(task));
  }

  report(r: TaskReport): Action[] {
    return this.engine.taskFinished(r, this.view(), this.nowMs);
  }

  /** Answers the oldest pending local task (manualLocal mode) by executing it. */
  answerLocal(): void {
    const task = this.pendingLocal.shift();
    assert(task !== undefined, 'no pending local task');
    this.run(this.report(this.executeLocal(task)));
  }

  /** Runs the oldest pending local task but loses its report (the nameserver died meanwhile). */
  executeLocalUnreported(): void {
    const task = this.pendingLocal.shift();
    assert(task !== undefined, 'no pending local task');
    this.executeLocal(task);
  }

  /** A new nameserver leader takes over: a fresh engine recovers the ops persisted in ZooKeeper. */
  failoverNameserver(engine: OpEngine): void {
    this.engine = engine;
    this.pendingLocal.length = 0;
    this.run(engine.recover([...this.zkOps.values()], this.view(), this.nowMs));
  }

  /** Executes every recorded Doing tablet task on healthy tablets (their effects happen now). */
  completeTabletTasks(): number {
    let n = 0;
    for (const [endpoint, map] of this.taskMaps) {
      if (!this.isHealthy(endpoint)) continue;
      for (const t of map) {
        if (t.status !== 'kDoing') continue;
        n++;
        t.status = this.options.failTabletTask?.(t.task) ? 'kFailed' : this.applyTabletTask(t.task);
      }
    }
    return n;
  }

  /** One GetTaskStatus round over the healthy tablets. */
  poll(): void {
    const rpcVersion = this.engine.taskRpcVersion;
    const reports = new Map<string, TabletTaskReport[]>();
    for (const [endpoint, map] of this.taskMaps) {
      if (!this.isHealthy(endpoint)) continue;
      reports.set(
        endpoint,
        map.map((t) => ({ opId: t.task.opId, taskType: t.task.type, tid: t.task.tid, pid: t.task.pid, status: t.status })),
      );
    }
    this.run(this.engine.taskStatusPolled({ rpcVersion, reports }, this.view(), this.nowMs));
  }

  /** Lets every tablet task finish, polls and ticks until no op is active (bounded). */
  settle(roundsMax = 50): void {
    for (let i = 0; i < roundsMax; i++) {
      this.tick();
      if (this.pendingLocal.length > 0) return;
      if (this.engine.activeOpIds().length === 0 && this.engine.outstandingTickets().length === 0) return;
      this.completeTabletTasks();
      this.poll();
    }
  }

  // ------------------------------------------------------------ tablet events

  /** The tablet's process dies: its registration goes away and its memory is lost. */
  killTablet(endpoint: string): void {
    this.tablets.set(endpoint, { state: 'kOffline', changedAtMs: this.nowMs });
    for (const [key, r] of this.replicas) {
      if (!key.endsWith(`_${endpoint}`)) continue;
      r.loaded = false;
      r.followers.clear();
    }
    this.taskMaps.set(endpoint, []);
  }

  /** The tablet's ZooKeeper session is lost but the process keeps running (and serving). */
  disconnectTablet(endpoint: string): void {
    this.tablets.set(endpoint, { state: 'kOffline', changedAtMs: this.nowMs });
  }

  /** The tablet registers again: `startup_` after a restart (memory empty), plain after a blip. */
  registerTablet(endpoint: string): void {
    this.tablets.set(endpoint, { state: 'kHealthy', changedAtMs: this.nowMs });
    if (!this.taskMaps.has(endpoint)) this.taskMaps.set(endpoint, []);
  }

  /** The shell's offline timer fired: decide, mark dead, take the endpoint offline. */
  onTabletOffline(endpoint: string, offlineSinceMs: number, startup = false): string {
    const d = decideTabletOffline({
      endpoint,
      view: this.view(),
      nowMs: this.nowMs,
      offlineSinceMs,
      tabletHeartbeatTimeoutMs: this.options.heartbeatTimeoutMs ?? 60_000,
      tabletOfflineCheckIntervalMs: 1000,
      startup,
    });
    if (d.kind !== 'failover') return d.kind;
    for (const edit of d.aliveEdits) {
      const t = this.tables.get(edit.tid)!;
      const next = applyMetaEdit(t, edit);
      assert(next.ok, `alive edit failed: ${next.ok ? '' : next.message}`);
      this.tables.set(edit.tid, next.value);
    }
    this.submit(d.offline, 'autoFailover');
    return d.kind;
  }

  /** The tablet registered again (the registry reported it online). */
  onTabletOnline(endpoint: string, startup: boolean, offlineSinceMs: number | undefined): string {
    const d = decideTabletOnline({
      endpoint,
      startup,
      autoFailover: this.autoFailover,
      offlineSinceMs,
      nowMs: this.nowMs,
      tabletHeartbeatTimeoutMs: this.options.heartbeatTimeoutMs ?? 60_000,
    });
    if (d.kind !== 'recover') return d.kind;
    if (d.offlineFirst) this.onTabletOffline(endpoint, offlineSinceMs ?? this.nowMs, true);
    this.submit(d.recover, 'autoFailover');
    return d.kind;
  }

  // ------------------------------------------------------------ task effects

  private model(task: { tid: number; pid: number }, endpoint: string): ReplicaModel {
    const key = replicaStatusKey(task.tid, task.pid, endpoint);
    let r = this.replicas.get(key);
    if (!r) {
      r = { loaded: false, mode: 'follower', term: 0, offset: 0, snapshotOffset: 0, snapshotTerm: 0, followers: new Set() };
      this.replicas.set(key, r);
    }
    return r;
  }

  private applyTabletTask(task: TabletRunTask): TaskStatusName {
    const self = this.model(task, task.endpoint);
    switch (task.type) {
      case 'kMakeSnapshot':
        if (!self.loaded) return 'kFailed';
        self.snapshotOffset = task.endOffset > 0 ? Math.min(task.endOffset, self.offset) : self.offset;
        self.snapshotTerm = self.term;
        return 'kDone';
      case 'kPauseSnapshot':
      case 'kRecoverSnapshot':
        return self.loaded ? 'kDone' : 'kFailed';
      case 'kSendSnapshot': {
        if (!self.loaded) return 'kFailed';
        const des = this.model(task, task.desEndpoint);
        des.snapshotOffset = self.snapshotOffset;
        des.snapshotTerm = self.snapshotTerm;
        return 'kDone';
      }
      case 'kLoadTable':
        if (self.loaded) return 'kFailed';
        self.loaded = true;
        self.mode = task.mode;
        self.offset = Math.max(self.offset, self.snapshotOffset);
        self.term = Math.max(self.term, self.snapshotTerm);
        return 'kDone';
      case 'kAddReplica':
        if (!self.loaded || self.mode !== 'leader') return 'kFailed';
        self.followers.add(task.desEndpoint);
        this.replicate(task.tid, task.pid, task.endpoint);
        return 'kDone';
      case 'kDelReplica':
        if (!self.loaded || self.mode !== 'leader') return 'kFailed';
        self.followers.delete(task.desEndpoint);
        return 'kDone';
      case 'kDropTable':
        this.replicas.delete(replicaStatusKey(task.tid, task.pid, task.endpoint));
        return 'kDone';
    }
  }

  private editTable(tid: number, f: (t: TableInfo) => Result<TableInfo>): string | null {
    const t = this.tables.get(tid);
    if (!t) return `table ${tid} does not exist`;
    const next = f(t);
    if (!next.ok) return next.message;
    this.tables.set(tid, next.value);
    return null;
  }

  private executeLocal(task: LocalRunTask): TaskReport {
    const done = (result?: TaskResult): TaskReport =>
      result ? { opId: task.opId, taskId: task.taskId, status: 'kDone', result } : { opId: task.opId, taskId: task.taskId, status: 'kDone' };
    const failed = (message: string): TaskReport => ({ opId: task.opId, taskId: task.taskId, status: 'kFailed', message });
    switch (task.type) {
      case 'kFenceOldLeader': {
        if (!this.isHealthy(task.endpoint)) return done({ type: 'kFenceOldLeader', reachable: false, offset: null });
        const r = this.replica(task.tid, task.pid, task.endpoint);
        if (r?.loaded && r.mode === 'leader') {
          r.mode = 'follower';
          r.followers.clear();
        }
        return done({ type: 'kFenceOldLeader', reachable: true, offset: r?.loaded ? r.offset : null });
      }
      case 'kSelectLeader': {
        this.term += 2;
        const curTerm = this.term - 1;
        const followerOffsets = [];
        for (const f of task.followers) {
          const r = this.replica(task.tid, task.pid, f);
          if (!this.isHealthy(f) || !r?.loaded || r.mode !== 'follower') return failed(`FollowOfNoOne to ${f} failed`);
          r.term = Math.max(r.term, curTerm);
          followerOffsets.push({ endpoint: f, offset: r.offset });
        }
        return done({ type: 'kSelectLeader', curTerm, followerOffsets });
      }
      case 'kChangeLeader': {
        const r = this.replica(task.tid, task.pid, task.leader);
        if (!this.isHealthy(task.leader) || !r?.loaded) return failed(`ChangeRole on ${task.leader} failed`);
        if (r.mode === 'leader' && r.term === task.term) return done();
        r.mode = 'leader';
        r.term = task.term;
        r.followers = new Set(task.followers);
        return done();
      }
      case 'kRecoverTable': {
        const r = this.model(task, task.endpoint);
        const facts = r.loaded
          ? { hasTable: true, isLeader: r.mode === 'leader', term: r.term, offset: r.offset }
          : { hasTable: false, isLeader: false, term: r.snapshotTerm, offset: r.snapshotOffset };
        if (task.singleReplica) return done({ type: 'kRecoverTable', facts, leaderSnapshotOffset: null });
        if (r.loaded && r.mode === 'leader') {
          r.mode = 'follower';
          r.followers.clear();
        }
        if (!r.loaded) r.offset = r.snapshotOffset;
        const leader = task.leader ? this.replica(task.tid, task.pid, task.leader) : undefined;
        if (!leader?.loaded) return failed(`GetManifest on ${task.leader} failed`);
        return done({ type: 'kRecoverTable', facts, leaderSnapshotOffset: leader.snapshotOffset });
      }
      default: {
        const err = this.editTable(task.tid, (t) => applyMetaEdit(t, task.edit));
        return err ? failed(err) : done();
      }
    }
  }
}
