/**
 * The tablet: the table partitions this process hosts and the RPC methods over them. Background
 * work (TTL garbage collection, the daily snapshot, disk-usage refresh, binlog removal) runs on
 * the Timers port. Requests are untrusted: each body is validated and a bad one gets an error
 * naming the field.
 *
 * In a cluster (a `TabletCluster` with a transport is given) every leader partition has a
 * PartitionReplicator pushing its binlog to its followers, and the methods of cluster-handlers.ts
 * serve replication, role changes, snapshot transfer and the nameserver's tasks.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import { HOUR_MS, MINUTE_MS } from '../base/units.js';
import type { DeleteSpec } from '../binlog/log-entry.js';
import type { TimerHandle } from '../ports/clock.js';
import { joinPath } from '../ports/disk.js';
import type { CallContext, RpcClient } from '../ports/transport.js';
import { featureActive, softwareSupports } from '../protocol/features.js';
import type { PartitionMetaMsg, RequestIdMsg, TableMode, TablePartitionStatus, TabletMethods, TaskInfoMsg } from '../protocol/messages.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import type { TableSchema } from '../protocol/schema.js';
import { EntryBatchDecoder } from '../replication/entry-batch.js';
import { readManifest } from '../snapshot/manifest.js';
import { applyAppendEntries } from './append-entries.js';
import { clusterHandlers, type TabletClusterOps, type TransferFile, taskInfo } from './cluster-handlers.js';
import { FileReceiver } from './file-receiver.js';
import { PartitionReplicator } from './partition-replicator.js';
import { type ReplicationOptions, replicationOptions } from './replication-options.js';
import { SnapshotSender } from './snapshot-sender.js';
import { TaskMap } from './task-map.js';
import {
  arrayOf,
  bool,
  bytes,
  type Check,
  int,
  nonNegativeInt,
  num,
  object,
  oneOf,
  optional,
  str,
  unknownValue,
  withDefault,
} from '../protocol/validate.js';
import { parseRequest } from './parse-request.js';
import { parseScanRequest } from './scan-request.js';
import type { ScanRange } from '../storage/mem-table.js';
import type { PartitionEnv } from './partition-env.js';
import { partitionDirName, readStoredMeta, TABLE_META_FILE, TablePartition } from './table-partition.js';

export interface TabletOptions {
  readonly endpoint: string;
  /** db_root_path, one or more directories. */
  readonly dataDirs: readonly string[];
  readonly recycleDir: string;
  readonly recycleEnabled: boolean;
  readonly gcIntervalMs: number;
  /** Hour of day for the scheduled snapshot (make_snapshot_time). */
  readonly snapshotHour: number;
  readonly snapshotCheckIntervalMs: number;
  /** This tablet's software version (default SOFTWARE_VERSION; tests run several side by side). */
  readonly softwareVersion?: string;
}

/** What a tablet in a cluster needs besides its own disk: other tablets, and replication settings. */
export interface TabletCluster {
  /** A client to another tablet; the tablet keeps one per endpoint and closes them on close(). */
  readonly connect: (endpoint: string) => RpcClient;
  readonly replication?: Partial<ReplicationOptions>;
}

const partitionMeta: Check<PartitionMetaMsg> = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  db: str,
  name: str,
  schema: unknownValue as Check<TableSchema>,
  mode: oneOf('leader', 'follower'),
  term: withDefault(nonNegativeInt, 0),
  followers: withDefault(arrayOf(str, 64), [] as string[]),
  replicationMode: withDefault(oneOf('async', 'sync'), 'async' as const),
  partitionNum: withDefault(int, 1),
}) as Check<PartitionMetaMsg>;

const putRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  rows: arrayOf(bytes, 100_000),
  insertTsMs: optional(num),
  indexPositions: optional(arrayOf(nonNegativeInt, 255)),
});
const keyRequest = object({ tid: nonNegativeInt, pid: nonNegativeInt, index: str, key: str });
const getRequest = object({ tid: nonNegativeInt, pid: nonNegativeInt, index: str, key: str, tsMs: optional(num) });
const traverseRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: optional(str),
  cursor: optional(str),
  limit: int,
});
const deleteRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: str,
  key: optional(str),
  fromTsMs: optional(num),
  toTsMs: optional(num),
});
/** At most 3 UTF-8 bytes per UTF-16 unit: 64 units always fit the binlog's 255-byte client id. */
const CLIENT_ID_CHARS_MAX = 64;

/** A Put's request id (feature idempotentPut), read only while the cluster version enables it. */
function parseRequestId(value: unknown): RequestIdMsg | string | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as { clientId?: unknown; seq?: unknown };
  if (typeof v !== 'object' || typeof v.clientId !== 'string' || v.clientId.length === 0 || v.clientId.length > CLIENT_ID_CHARS_MAX) {
    return `field 'requestId.clientId' must be a string of 1..${CLIENT_ID_CHARS_MAX} characters`;
  }
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) return `field 'requestId.seq' must be a non-negative integer`;
  return { clientId: v.clientId, seq: v.seq };
}

const statusRequest = object({ tid: optional(nonNegativeInt), pid: optional(nonNegativeInt) });
const snapshotRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  force: withDefault(bool, true),
  endOffset: withDefault(nonNegativeInt, 0),
  task: optional(taskInfo),
});
const deleteIndexRequest = object({ tid: nonNegativeInt, pid: nonNegativeInt, index: str, position: nonNegativeInt });
const ttlRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: str,
  ttl: object({ type: oneOf('absolute', 'latest', 'absorlat', 'absandlat'), absMinutes: nonNegativeInt, latCount: nonNegativeInt }),
});


function key(tid: number, pid: number): string {
  return partitionDirName(tid, pid);
}

export class Tablet implements TabletClusterOps {
  private readonly partitions = new Map<string, TablePartition>();
  /** Partitions being created, loaded or dropped: a second request for the same one is refused. */
  private readonly busy = new Set<string>();
  /** Partitions being loaded in the background (LoadTable tasks), shown by GetTableStatus. */
  private readonly loading = new Map<string, PartitionMetaMsg>();
  private readonly timers: TimerHandle[] = [];
  private lastSnapshotDay = -1;
  private readonly replication: ReplicationOptions;
  private readonly replicators = new Map<string, PartitionReplicator>();
  private readonly clients = new Map<string, RpcClient>();
  private readonly tasks: TaskMap;
  private readonly receiver: FileReceiver;
  /** Snapshot transfers in progress, by `<dest>/<tid>_<pid>`. */
  private readonly sending = new Set<string>();
  private readonly decoder = new EntryBatchDecoder();
  private readonly env: PartitionEnv;
  /** This tablet's software version. */
  readonly version: string;
  private clusterVersionValue: string | undefined;
  /** Puts carrying a request id are deduplicated (the cluster version enables idempotentPut). */
  private acceptRequestIds = false;

  constructor(
    env: PartitionEnv,
    readonly options: TabletOptions,
    private readonly cluster?: TabletCluster,
  ) {
    this.version = options.softwareVersion ?? SOFTWARE_VERSION;
    // A build without idempotent puts keeps no window (and so never writes request ids).
    const putDedupWindow = softwareSupports('idempotentPut', this.version) ? (env.limits.putDedupWindow ?? 0) : 0;
    this.env = { ...env, limits: { ...env.limits, putDedupWindow } };
    this.replication = replicationOptions(cluster?.replication);
    this.tasks = new TaskMap(this.replication.tasksMax);
    this.receiver = new FileReceiver(env, this.replication.receiveSessionsMax);
  }

  start(): void {
    this.timers.push(this.env.timers.every(this.options.gcIntervalMs, () => this.gcAll()));
    this.timers.push(this.env.timers.every(this.options.snapshotCheckIntervalMs, () => void this.scheduledSnapshots()));
    this.timers.push(this.env.timers.every(30_000, () => void this.refreshDiskUsage()));
    this.timers.push(this.env.timers.every(this.replication.binlogDeleteIntervalMs, () => void this.deleteObsoleteBinlogs()));
  }

  /** The finalized cluster version (from the coordinator); idempotent puts follow it. */
  setClusterVersion(version: string | undefined): void {
    this.clusterVersionValue = version;
    const accept = featureActive('idempotentPut', this.version, version) && (this.env.limits.putDedupWindow ?? 0) > 0;
    if (accept !== this.acceptRequestIds) this.env.logger.info('idempotent puts', { enabled: accept, clusterVersion: version });
    this.acceptRequestIds = accept;
  }

  get clusterVersion(): string | undefined {
    return this.clusterVersionValue;
  }

  partition(tid: number, pid: number): TablePartition | undefined {
    return this.partitions.get(key(tid, pid));
  }

  allPartitions(): TablePartition[] {
    return [...this.partitions.values()];
  }

  private rootFor(tid: number, pid: number): string {
    const dirs = this.options.dataDirs;
    if (dirs.length === 1) return dirs[0]!;
    let h = 2166136261;
    for (const ch of `${tid}${pid}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    return dirs[(h >>> 0) % dirs.length]!;
  }

  private find(tid: number, pid: number, what: string): Result<TablePartition> {
    const p = this.partitions.get(key(tid, pid));
    if (!p) return fail(Code.tableNotFound, `${what} failed: table ${tid} partition ${pid} is not on tablet ${this.options.endpoint}`);
    return ok(p);
  }

  private async exclusive<T>(tid: number, pid: number, what: string, body: () => Promise<Result<T>>): Promise<Result<T>> {
    const k = key(tid, pid);
    if (this.busy.has(k)) return fail(Code.tableIsLoading, `${what} failed: table ${tid} partition ${pid} is busy with another request`);
    this.busy.add(k);
    try {
      return await body();
    } finally {
      this.busy.delete(k);
    }
  }

  async createTable(meta: PartitionMetaMsg): Promise<Result<void>> {
    if (this.partitions.has(key(meta.tid, meta.pid))) {
      return fail(Code.tableAlreadyExists, `create table failed: table ${meta.tid} partition ${meta.pid} already exists`);
    }
    return this.exclusive(meta.tid, meta.pid, 'create table', async () => {
      const created = await TablePartition.create(this.env, this.rootFor(meta.tid, meta.pid), meta);
      if (!created.ok) return created;
      this.partitions.set(key(meta.tid, meta.pid), created.value);
      this.startReplication(created.value);
      this.env.logger.info('table created', { tid: meta.tid, pid: meta.pid, name: meta.name, mode: meta.mode });
      return okVoid;
    });
  }

  async loadTable(meta: PartitionMetaMsg): Promise<Result<number>> {
    const existing = this.partitions.get(key(meta.tid, meta.pid));
    if (existing) return ok(existing.offset);
    return this.exclusive(meta.tid, meta.pid, 'load table', async () => {
      this.loading.set(key(meta.tid, meta.pid), meta);
      try {
        const loaded = await TablePartition.load(this.env, this.rootFor(meta.tid, meta.pid), meta);
        if (!loaded.ok) return loaded;
        this.partitions.set(key(meta.tid, meta.pid), loaded.value);
        this.startReplication(loaded.value);
        return ok(loaded.value.offset);
      } finally {
        this.loading.delete(key(meta.tid, meta.pid));
      }
    });
  }

  /** The stored meta of a replica on this tablet's disk (loaded or not). */
  storedMeta(tid: number, pid: number): Promise<Result<PartitionMetaMsg>> {
    return readStoredMeta(this.env, this.rootFor(tid, pid), tid, pid);
  }

  async dropTable(tid: number, pid: number): Promise<Result<void>> {
    return this.exclusive(tid, pid, 'drop table', async () => {
      const p = this.partitions.get(key(tid, pid));
      const dir = joinPath(this.rootFor(tid, pid), partitionDirName(tid, pid));
      if (p) {
        this.stopReplication(p, `table ${tid} partition ${pid} was dropped`);
        this.partitions.delete(key(tid, pid));
        await p.close();
      } else if (!(await this.env.disk.exists(dir))) {
        return fail(Code.tableNotFound, `drop table failed: table ${tid} partition ${pid} is not on tablet ${this.options.endpoint}`);
      }
      await this.recycle(dir, partitionDirName(tid, pid));
      this.env.logger.info('table dropped', { tid, pid });
      return okVoid;
    });
  }

  /** Moves `path` to the recycle bin as `<name>_<time>` (or deletes it when the bin is off). */
  private async recycle(path: string, name: string): Promise<void> {
    if (this.options.recycleEnabled) {
      await this.env.disk.mkdirp(this.options.recycleDir);
      const stamp = new Date(this.env.clock.nowMs()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
      let target = joinPath(this.options.recycleDir, `${name}_${stamp}`);
      for (let n = 1; await this.env.disk.exists(target); n++) target = joinPath(this.options.recycleDir, `${name}_${stamp}_${n}`);
      await this.env.disk.rename(path, target);
    } else {
      await this.env.disk.remove(path);
    }
  }

  status(tid?: number, pid?: number): TablePartitionStatus[] {
    const loaded = this.allPartitions().map((p) => p.status());
    const loading = [...this.loading.values()].map(
      (m): TablePartitionStatus => ({
        tid: m.tid,
        pid: m.pid,
        db: m.db,
        name: m.name,
        mode: m.mode,
        state: 'loading',
        term: m.term,
        offset: 0,
        recordCnt: 0,
        memBytes: 0,
        diskBytes: 0,
      }),
    );
    return [...loaded, ...loading]
      .filter((s) => (tid === undefined || s.tid === tid) && (pid === undefined || s.pid === pid))
      .sort((a, b) => a.tid - b.tid || a.pid - b.pid);
  }

  private gcAll(): void {
    for (const p of this.partitions.values()) p.gc();
  }

  private async scheduledSnapshots(): Promise<void> {
    const now = new Date(this.env.clock.nowMs());
    const day = Math.floor(this.env.clock.nowMs() / (24 * HOUR_MS));
    if (now.getHours() !== this.options.snapshotHour || day === this.lastSnapshotDay) return;
    this.lastSnapshotDay = day;
    for (const p of this.partitions.values()) {
      const r = await p.makeSnapshot(false);
      if (!r.ok) this.env.logger.warn('scheduled snapshot failed', { tid: p.meta.tid, pid: p.meta.pid, error: r.message });
    }
  }

  private async refreshDiskUsage(): Promise<void> {
    for (const p of this.partitions.values()) await p.refreshDiskUsage();
  }

  private async deleteObsoleteBinlogs(): Promise<void> {
    for (const p of [...this.partitions.values()]) {
      if (p.tableState === 'normal') await p.deleteObsoleteBinlog();
    }
  }

  /**
   * Before a clean stop: every leader partition stops taking writes and waits (all at once, up to
   * leader_handoff_timeout) until its alive followers have everything it acknowledged, so a
   * failover after the stop loses none of it.
   */
  async drainLeaders(reason: string): Promise<void> {
    const draining: Promise<void>[] = [];
    for (const p of this.partitions.values()) {
      const replicator = this.replicators.get(key(p.tid, p.pid));
      if (p.meta.mode !== 'leader') continue;
      p.beginHandoff(reason);
      if (!replicator || p.steppedDownReason !== undefined) continue;
      draining.push(
        replicator.drain(p.offset, this.replication.handoffTimeoutMs).then(({ drained, behind }) => {
          const fields = { tid: p.tid, pid: p.pid, offset: p.offset, behind };
          if (drained) this.env.logger.info('leader drained to its followers', fields);
          else this.env.logger.warn('leader drain timed out; followers behind', fields);
        }),
      );
    }
    await Promise.all(draining);
  }

  /** Flushes every binlog and stops background work (clean shutdown). */
  async close(): Promise<void> {
    for (const t of this.timers.splice(0)) t.cancel();
    for (const p of this.partitions.values()) this.stopReplication(p, 'the tablet is shutting down');
    for (const p of this.partitions.values()) {
      const r = await p.close();
      if (!r.ok) this.env.logger.error('closing a table failed', { tid: p.meta.tid, pid: p.meta.pid, error: r.message });
    }
    this.partitions.clear();
    await this.receiver.closeAll();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  // ---- replication and cluster operations (TabletClusterOps) ----

  private clientFor(endpoint: string): RpcClient {
    let client = this.clients.get(endpoint);
    if (!client) {
      if (!this.cluster) throw new Error('clientFor without a cluster transport');
      client = this.cluster.connect(endpoint);
      this.clients.set(endpoint, client);
    }
    return client;
  }

  /** Gives a leader partition a replicator for its followers (replacing any previous one). */
  private startReplication(p: TablePartition): void {
    this.stopReplication(p, 'its role changed');
    if (p.meta.mode !== 'leader') return;
    if (!this.cluster) {
      if (p.meta.followers.length > 0) {
        this.env.logger.warn('table has followers but this tablet has no cluster transport; not replicating', {
          tid: p.tid,
          pid: p.pid,
          followers: p.meta.followers,
        });
      }
      return;
    }
    const replicator = new PartitionReplicator(
      p,
      p.term,
      { env: this.env, options: this.replication, clientFor: (ep) => this.clientFor(ep) },
      p.meta.followers,
    );
    this.replicators.set(key(p.tid, p.pid), replicator);
    p.attachReplication(replicator);
  }

  private stopReplication(p: TablePartition, reason: string): void {
    const k = key(p.tid, p.pid);
    const replicator = this.replicators.get(k);
    if (!replicator) return;
    this.replicators.delete(k);
    p.attachReplication(undefined);
    replicator.stop(reason);
  }

  /** The leader partition and its replicator; a stepped-down leader only when `evenSteppedDown` (to observe it). */
  private leaderOf(
    tid: number,
    pid: number,
    what: string,
    evenSteppedDown = false,
  ): Result<{ p: TablePartition; replicator: PartitionReplicator }> {
    const p = this.find(tid, pid, what);
    if (!p.ok) return p;
    if (p.value.meta.mode !== 'leader') return fail(Code.tableIsFollower, `${what} failed: table ${p.value.describe()} is a follower on this tablet`);
    const down = p.value.steppedDownReason;
    if (down !== undefined && !evenSteppedDown) return fail(Code.termFenced, `${what} failed: table ${p.value.describe()} is no longer the leader here: ${down}`);
    const replicator = this.replicators.get(key(tid, pid));
    if (!replicator) {
      return fail(Code.unavailable, `${what} failed: tablet ${this.options.endpoint} was started without a cluster transport and cannot replicate`);
    }
    return ok({ p: p.value, replicator });
  }

  appendEntries(request: TabletMethods['AppendEntries']['req']): Promise<Result<TabletMethods['AppendEntries']['res']>> {
    const p = this.find(request.tid, request.pid, 'append entries');
    if (!p.ok) return Promise.resolve(p);
    return applyAppendEntries(p.value, request, this.decoder, Math.max(this.replication.batchEntriesMax, 1024), this.env.limits.binlogSyncIntervalMs === 0);
  }

  async addReplica(tid: number, pid: number, endpoint: string): Promise<Result<void>> {
    const leader = this.leaderOf(tid, pid, 'add replica');
    if (!leader.ok) return leader;
    const { p, replicator } = leader.value;
    if (endpoint === this.options.endpoint) return fail(Code.invalidParameter, `add replica failed: ${endpoint} is this leader's own endpoint`);
    if (!p.meta.followers.includes(endpoint)) await p.updateMeta({ ...p.meta, followers: [...p.meta.followers, endpoint] });
    replicator.addFollower(endpoint);
    this.env.logger.info('replica added', { tid, pid, follower: endpoint });
    return okVoid;
  }

  async delReplica(tid: number, pid: number, endpoint: string): Promise<Result<void>> {
    const leader = this.leaderOf(tid, pid, 'del replica');
    if (!leader.ok) return leader;
    const { p, replicator } = leader.value;
    const known = replicator.removeFollower(endpoint);
    if (p.meta.followers.includes(endpoint)) await p.updateMeta({ ...p.meta, followers: p.meta.followers.filter((f) => f !== endpoint) });
    this.env.logger.info('replica removed', { tid, pid, follower: endpoint, wasReplicating: known });
    return okVoid;
  }

  /**
   * A leader becoming a follower first hands over: it refuses writes, then waits (bounded) until
   * its alive followers have its last offset, so the next leader has every acknowledged write.
   */
  async changeRole(
    tid: number,
    pid: number,
    mode: TableMode,
    term: number,
    followers: readonly string[],
  ): Promise<Result<TabletMethods['ChangeRole']['res']>> {
    const found = this.find(tid, pid, 'change role');
    if (!found.ok) return found;
    const p = found.value;
    if (p.meta.mode === mode) {
      return fail(mode === 'leader' ? Code.tableIsLeader : Code.tableIsFollower, `change role failed: table ${p.describe()} is already the ${mode} here`);
    }
    if (term < p.term) return fail(Code.termFenced, `change role failed: term ${term} is below the current term ${p.term} of table ${p.describe()}`);
    let drained: boolean | undefined;
    const replicator = this.replicators.get(key(tid, pid));
    if (mode === 'follower' && replicator && p.steppedDownReason === undefined) {
      p.beginHandoff('the leader is changing');
      const d = await replicator.drain(p.offset, this.replication.handoffTimeoutMs);
      drained = d.drained;
      this.env.logger[d.drained ? 'info' : 'warn']('leader handoff', { tid, pid, offset: p.offset, drained: d.drained, behind: d.behind });
      if (this.partitions.get(key(tid, pid)) !== p || p.meta.mode !== 'leader') {
        return fail(Code.tableIsFollower, `change role failed: table ${p.describe()} changed while it handed over leadership`);
      }
    }
    this.stopReplication(p, `it became a ${mode}`);
    await p.changeRole(mode, term, mode === 'leader' ? followers.filter((f) => f !== this.options.endpoint) : []);
    this.startReplication(p);
    this.env.logger.info('role changed', { tid, pid, mode, term, followers });
    return ok(drained === undefined ? { offset: p.offset } : { offset: p.offset, drained });
  }

  async getTermPair(tid: number, pid: number): Promise<Result<TabletMethods['GetTermPair']['res']>> {
    const p = this.partitions.get(key(tid, pid));
    if (p) return ok({ hasTable: true, isLeader: p.meta.mode === 'leader', term: p.term, offset: p.offset });
    const manifest = await readManifest(this.env.disk, joinPath(this.partitionDir(tid, pid), 'snapshot'));
    if (!manifest.ok) return manifest;
    return ok({ hasTable: false, isLeader: false, term: manifest.value?.term ?? 0, offset: manifest.value?.offset ?? 0 });
  }

  getTableFollower(tid: number, pid: number): Result<TabletMethods['GetTableFollower']['res']> {
    const leader = this.leaderOf(tid, pid, 'get table follower', true);
    if (!leader.ok) return leader;
    const followers = leader.value.replicator.followers();
    if (followers.length === 0) return fail(Code.noFollower, `get table follower failed: table ${leader.value.p.describe()} has no follower`);
    return ok({ offset: leader.value.p.offset, followers });
  }

  async getManifest(tid: number, pid: number): Promise<Result<TabletMethods['GetManifest']['res']>> {
    const manifest = await readManifest(this.env.disk, joinPath(this.partitionDir(tid, pid), 'snapshot'));
    if (!manifest.ok) return manifest;
    const m = manifest.value;
    return ok(m ? { exists: true, offset: m.offset, term: m.term, count: m.count, name: m.dataFile } : { exists: false, offset: 0, term: 0, count: 0, name: '' });
  }

  async deleteBinlog(tid: number, pid: number): Promise<Result<void>> {
    if (this.partitions.has(key(tid, pid))) {
      return fail(Code.tableAlreadyExists, `delete binlog failed: table ${tid} partition ${pid} is loaded on tablet ${this.options.endpoint}`);
    }
    return this.exclusive(tid, pid, 'delete binlog', async () => {
      const dir = joinPath(this.partitionDir(tid, pid), 'binlog');
      if (await this.env.disk.exists(dir)) await this.recycle(dir, `${partitionDirName(tid, pid)}_binlog`);
      this.env.logger.info('binlog deleted', { tid, pid });
      return okVoid;
    });
  }

  pauseSnapshot(tid: number, pid: number): Result<void> {
    const p = this.find(tid, pid, 'pause snapshot');
    return p.ok ? p.value.pauseSnapshot() : p;
  }

  recoverSnapshot(tid: number, pid: number): Result<void> {
    const p = this.find(tid, pid, 'recover snapshot');
    return p.ok ? p.value.recoverSnapshot() : p;
  }

  async sendSnapshot(tid: number, pid: number, endpoint: string, remoteTid: number, isCanceled: () => boolean): Promise<Result<void>> {
    const found = this.find(tid, pid, 'send snapshot');
    if (!found.ok) return found;
    const p = found.value;
    if (p.tableState !== 'snapshotPaused') {
      return fail(Code.tableStatusIsNotNormal, `send snapshot failed: table ${p.describe()} is ${p.tableState}; pause its snapshots first (PauseSnapshot)`);
    }
    if (!this.cluster) return fail(Code.unavailable, `send snapshot failed: tablet ${this.options.endpoint} has no cluster transport`);
    const transfer = `${endpoint}/${partitionDirName(tid, pid)}`;
    if (this.sending.has(transfer)) return fail(Code.snapshotBusy, `send snapshot failed: table ${p.describe()} is already being sent to ${endpoint}`);
    this.sending.add(transfer);
    try {
      const sender = new SnapshotSender(this.env, this.replication, this.clientFor(endpoint), { endpoint, tid: remoteTid, pid }, isCanceled);
      const sent = await sender.send(p.dir, TABLE_META_FILE);
      if (!sent.ok) return sent;
      this.env.logger.info('snapshot sent', { tid, pid, to: endpoint, remoteTid, files: sent.value.files, bytes: sent.value.bytes });
      return okVoid;
    } finally {
      this.sending.delete(transfer);
    }
  }

  private transferPath(file: TransferFile, what: string): Result<string> {
    if (this.partitions.has(key(file.tid, file.pid)) || this.loading.has(key(file.tid, file.pid))) {
      return fail(
        Code.tableAlreadyExists,
        `${what} refused: table ${file.tid} partition ${file.pid} is loaded on tablet ${this.options.endpoint}; drop it before sending a snapshot to it`,
      );
    }
    return ok(joinPath(this.partitionDir(file.tid, file.pid), file.dir, file.fileName));
  }

  async receiveFile(file: TransferFile, sizeBytes: number): Promise<Result<void>> {
    const path = this.transferPath(file, `receiving ${file.fileName}`);
    return path.ok ? this.receiver.begin(path.value, sizeBytes) : path;
  }

  async receiveBlock(file: TransferFile, blockId: number, data: Uint8Array, blockCrc32: number): Promise<Result<void>> {
    const path = this.transferPath(file, `receiving ${file.fileName}`);
    return path.ok ? this.receiver.block(path.value, blockId, data, blockCrc32) : path;
  }

  async checkFile(file: TransferFile, sizeBytes: number, crc32: number): Promise<Result<void>> {
    const path = this.transferPath(file, `checking ${file.fileName}`);
    return path.ok ? this.receiver.finish(path.value, sizeBytes, crc32) : path;
  }

  async runTask<T>(
    task: TaskInfoMsg | undefined,
    work: (isCanceled: () => boolean) => Promise<Result<T>> | Result<T>,
  ): Promise<Result<T | undefined>> {
    if (!task) return work(() => false);
    const added = this.tasks.add(task);
    if (!added.ok) return added;
    const record = added.value;
    const isCanceled = () => this.tasks.isCanceled(record);
    const finish = (result: Result<unknown>) => {
      this.tasks.finish(record, result);
      const level = result.ok ? 'info' : 'warn';
      this.env.logger[level]('task finished', { ...record.info, ...(result.ok ? {} : { error: result.message }) });
    };
    Promise.resolve()
      .then(() => work(isCanceled))
      .then(finish, (error: unknown) => finish(fail(Code.internal, `${task.taskType} failed: ${String(error)}`)));
    return ok(undefined);
  }

  taskStatus(): TaskInfoMsg[] {
    return this.tasks.list();
  }

  deleteTasks(opIds: readonly number[]): void {
    this.tasks.delete(opIds);
  }

  cancelOp(opId: number): void {
    const n = this.tasks.cancel(opId);
    if (n > 0) this.env.logger.info('tasks canceled', { opId, tasks: n });
  }

  /** Snapshot transfers this tablet is sending now. */
  get snapshotTransfers(): number {
    return this.sending.size;
  }

  private partitionDir(tid: number, pid: number): string {
    return joinPath(this.rootFor(tid, pid), partitionDirName(tid, pid));
  }

  /** RPC methods of the tablet service. */
  handlers(): Record<string, MethodHandler> {
    return {
      ...clusterHandlers(this),
      CreateTable: async (body) => {
        const r = parseRequest(object({ meta: partitionMeta }), 'CreateTable', body);
        if (!r.ok) return r;
        const created = await this.createTable(r.value.meta);
        return created.ok ? ok({}) : created;
      },
      LoadTable: async (body) => {
        const r = parseRequest(object({ meta: partitionMeta, task: optional(taskInfo) }), 'LoadTable', body);
        if (!r.ok) return r;
        // With a task the offset is not known yet: 0, and GetTableStatus shows the load.
        const loaded = await this.runTask(r.value.task, () => this.loadTable(r.value.meta));
        return loaded.ok ? ok({ offset: loaded.value ?? 0 }) : loaded;
      },
      DropTable: async (body) => {
        const r = parseRequest(object({ tid: nonNegativeInt, pid: nonNegativeInt, task: optional(taskInfo) }), 'DropTable', body);
        if (!r.ok) return r;
        const dropped = await this.runTask(r.value.task, () => this.dropTable(r.value.tid, r.value.pid));
        return dropped.ok ? ok({}) : dropped;
      },
      Put: async (body, context: CallContext) => {
        const r = parseRequest(putRequest, 'Put', body);
        if (!r.ok) return r;
        const { tid, pid, rows, insertTsMs, indexPositions } = r.value;
        const p = this.find(tid, pid, 'put');
        if (!p.ok) return p;
        if (rows.length > this.env.limits.putRowsMax) {
          return fail(Code.rpcBadRequest, `put failed: ${rows.length} rows in one request, limit ${this.env.limits.putRowsMax}`);
        }
        void context;
        let requestId: RequestIdMsg | undefined;
        if (this.acceptRequestIds) {
          const rid = parseRequestId((body as { requestId?: unknown }).requestId);
          if (typeof rid === 'string') return fail(Code.rpcBadRequest, `Put: ${rid}`);
          requestId = rid;
        }
        const put = await p.value.put(rows, insertTsMs ?? this.env.clock.nowMs(), indexPositions, requestId);
        return put.ok ? ok({ offset: put.value }) : put;
      },
      Get: (body) => {
        const r = parseRequest(getRequest, 'Get', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'get');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const got = p.value.get(idx.value, r.value.key, r.value.tsMs);
        if (!got.ok) return got;
        return ok(got.value ? { row: got.value.row, tsMs: got.value.tsMs } : {});
      },
      Scan: (body) => {
        const r = parseScanRequest(body);
        if (!r.ok) return r;
        const q = r.value;
        const p = this.find(q.tid, q.pid, 'scan');
        if (!p.ok) return p;
        const idx = p.value.index(q.index);
        if (!idx.ok) return idx;
        const range: ScanRange = { newestTsMs: q.newestTsMs, oldestTsMs: q.oldestTsMs, limit: q.limit !== undefined && q.limit > 0 ? q.limit : undefined };
        if (q.packed === true) {
          // One binary for all rows (see messages.ts): no view per row here, none on the caller's side.
          const packed = p.value.table.scanPacked(idx.value, q.key, this.env.clock.nowMs(), range);
          if (!packed.ok) return packed;
          return ok({ rows: [], tss: packed.value.tss, packedRows: packed.value.packed });
        }
        const scanned = p.value.scan(idx.value, q.key, range);
        if (!scanned.ok) return scanned;
        const rows = new Array<Uint8Array>(scanned.value.length);
        const tss = new Array<number>(scanned.value.length);
        for (let i = 0; i < rows.length; i++) {
          rows[i] = scanned.value[i]!.row;
          tss[i] = scanned.value[i]!.tsMs;
        }
        return ok({ rows, tss });
      },
      Count: (body) => {
        const r = parseRequest(keyRequest, 'Count', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'count');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const c = p.value.count(idx.value, r.value.key);
        return c.ok ? ok({ count: c.value }) : c;
      },
      Traverse: (body) => {
        const r = parseRequest(traverseRequest, 'Traverse', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'traverse');
        if (!p.ok) return p;
        const idx = r.value.index === undefined ? ok(0) : p.value.index(r.value.index);
        if (!idx.ok) return idx;
        let cursor: Parameters<TablePartition['table']['traverse']>[3];
        if (r.value.cursor !== undefined) {
          try {
            cursor = JSON.parse(r.value.cursor);
          } catch {
            return fail(Code.rpcBadRequest, `traverse failed: cursor '${r.value.cursor.slice(0, 40)}' is not one this tablet issued`);
          }
        }
        const page = p.value.table.traverse(idx.value, this.env.clock.nowMs(), r.value.limit, cursor);
        if (!page.ok) return page;
        return ok({
          rows: page.value.rows.map((x) => x.row),
          tss: page.value.rows.map((x) => x.tsMs),
          ...(page.value.next ? { cursor: JSON.stringify(page.value.next) } : {}),
        });
      },
      Delete: async (body) => {
        const r = parseRequest(deleteRequest, 'Delete', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'delete');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const spec: DeleteSpec = {
          indexPos: idx.value,
          ...(r.value.key !== undefined ? { key: r.value.key } : {}),
          ...(r.value.fromTsMs !== undefined ? { fromTsMs: r.value.fromTsMs } : {}),
          ...(r.value.toTsMs !== undefined ? { toTsMs: r.value.toTsMs } : {}),
        };
        return p.value.delete(spec);
      },
      GetTableStatus: (body) => {
        const r = parseRequest(statusRequest, 'GetTableStatus', body);
        if (!r.ok) return r;
        return ok({ partitions: this.status(r.value.tid, r.value.pid) });
      },
      MakeSnapshot: async (body) => {
        const r = parseRequest(snapshotRequest, 'MakeSnapshot', body);
        if (!r.ok) return r;
        const { tid, pid, force, endOffset, task } = r.value;
        const made = await this.runTask(task, () => {
          const p = this.find(tid, pid, 'make snapshot');
          return p.ok ? p.value.makeSnapshot(force, endOffset) : p;
        });
        return made.ok ? ok({ offset: made.value ?? 0 }) : made;
      },
      SetTtl: async (body) => {
        const r = parseRequest(ttlRequest, 'SetTtl', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'set ttl');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const set = p.value.table.setTtl(idx.value, r.value.ttl);
        if (!set.ok) return set;
        // Persist with the replica's meta so the TTL survives a restart.
        const meta = p.value.meta;
        const indexes = meta.schema.indexes.map((d, i) => (i === idx.value ? { ...d, ttl: r.value.ttl } : d));
        await p.value.updateMeta({ ...meta, schema: { ...meta.schema, indexes } });
        return ok({});
      },
      DeleteIndex: async (body) => {
        const r = parseRequest(deleteIndexRequest, 'DeleteIndex', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'delete index');
        if (!p.ok) return p;
        const dropped = await p.value.dropIndex(r.value.position, r.value.index);
        return dropped.ok ? ok({}) : dropped;
      },
    };
  }
}

export const TABLET_DEFAULT_GC_INTERVAL_MS = 120 * MINUTE_MS;
