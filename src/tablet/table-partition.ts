/**
 * One replica of one table partition on this tablet: the in-memory table, its binlog and its
 * snapshot directory (`<root>/<tid>_<pid>/{table_meta.json,binlog/,snapshot/}`, cluster.md §7.1).
 *
 * Write path (leader): the row goes into the MemTable (which validates it), then into the binlog
 * (offset assigned synchronously); the write is acknowledged at once when the binlog fsyncs on an
 * interval, or after the fsync of its batch when `binlog_sync_to_disk_interval` is 0.
 * Restart: the snapshot is loaded, then the binlog suffix replayed; a torn binlog tail is truncated.
 *
 * Replication (src/tablet/partition-replicator.ts): a leader notifies its replicator after each
 * write and, for a 'sync' table, acknowledges only once every follower has the entry. A follower
 * applies the leader's entries with their offsets (`applyReplicated`). A leader that learns of a
 * newer term stops accepting writes (`stepDown`) until its role is changed.
 */
import { assert } from '../base/assert.js';
import { Code, type Failure, fail, ok, okVoid, type Result } from '../base/status.js';
import type { BinlogLayout } from '../binlog/binlog-layout.js';
import { BinlogWriter } from '../binlog/binlog-writer.js';
import type { DeleteSpec, LogEntry } from '../binlog/log-entry.js';
import { joinPath } from '../ports/disk.js';
import type { PartitionMetaMsg, RequestIdMsg, TableMode, TablePartitionStatus, TableState } from '../protocol/messages.js';
import { isLiveIndex, liveIndexPosition, type TableSchema } from '../protocol/schema.js';
import type { LogBounds } from '../replication/follower-tracker.js';
import { makeSnapshot } from '../snapshot/make-snapshot.js';
import { recover } from '../snapshot/recover.js';
import type { RowInspector } from '../snapshot/row-inspector.js';
import { MemTable, type TsRow } from '../storage/mem-table.js';
import type { LeaderReplication, ReplicatedLog } from './leader-replication.js';
import type { PartitionEnv } from './partition-env.js';
import { PutDedupWindow } from './put-dedup-window.js';
import { createRowInspector } from './row-inspector.js';

/** The replica's meta file in its directory (the reference's table_meta.txt). */
export const TABLE_META_FILE = 'table_meta.json';
const META_FILE = TABLE_META_FILE;
const META_FORMAT_VERSION = 1;
const GC_SAFE_OFFSET_MS = 60_000;

export function partitionDirName(tid: number, pid: number): string {
  return `${tid}_${pid}`;
}

interface StoredMeta extends PartitionMetaMsg {
  formatVersion: number;
}

export class TablePartition implements ReplicatedLog {
  private state: TableState = 'normal';
  private diskBytes = 0;
  private inspector: RowInspector;
  /** Positions of the live indexes: what the binlog records for a put that names none. */
  private allPositions: readonly number[];
  private snapshotting: Promise<unknown> | undefined;
  private replication: LeaderReplication | undefined;
  /** Set when a follower reported a newer term: writes are refused with this reason. */
  private steppedDown: string | undefined;
  /** Set while this leader hands leadership over (draining to its followers): writes are refused. */
  private handingOff: string | undefined;
  /** Meta file writes, one at a time, each writing the meta current when it runs. */
  private metaWrites: Promise<void> = Promise.resolve();

  private constructor(
    private readonly env: PartitionEnv,
    readonly dir: string,
    private metaValue: PartitionMetaMsg,
    readonly table: MemTable,
    private readonly binlog: BinlogWriter,
    private snapshotOffsetValue: number,
    /** Recent idempotent put requests (absent when put_dedup_window is 0). */
    private readonly dedupe: PutDedupWindow | undefined,
  ) {
    this.inspector = createRowInspector(metaValue.schema, table.codec, GC_SAFE_OFFSET_MS);
    this.allPositions = livePositions(metaValue.schema);
  }

  get meta(): PartitionMetaMsg {
    return this.metaValue;
  }

  get tid(): number {
    return this.metaValue.tid;
  }

  get pid(): number {
    return this.metaValue.pid;
  }

  get term(): number {
    return this.metaValue.term;
  }

  get tableState(): TableState {
    return this.state;
  }

  /** Why writes are refused after a step-down (undefined while this replica may write). */
  get steppedDownReason(): string | undefined {
    return this.steppedDown;
  }

  get offset(): number {
    return this.binlog.lastOffset;
  }

  get snapshotOffset(): number {
    return this.snapshotOffsetValue;
  }

  get binlogDir(): string {
    return joinPath(this.dir, 'binlog');
  }

  get snapshotDir(): string {
    return joinPath(this.dir, 'snapshot');
  }

  logBounds(): LogBounds {
    return { firstOffset: this.binlog.firstOffset, lastOffset: this.binlog.flushedOffset };
  }

  whenFlushed(offset: number): Promise<Result<void>> {
    return this.binlog.whenFlushed(offset);
  }

  whenDurable(offset: number): Promise<Result<void>> {
    return this.binlog.whenDurable(offset);
  }

  /** The replicator of this leader (undefined for a follower or without a transport). */
  attachReplication(replication: LeaderReplication | undefined): void {
    this.replication = replication;
  }

  stepDown(message: string): void {
    this.steppedDown ??= message;
  }

  /** Creates an empty replica; refuses a directory that already holds one. */
  static async create(env: PartitionEnv, root: string, meta: PartitionMetaMsg): Promise<Result<TablePartition>> {
    const dir = joinPath(root, partitionDirName(meta.tid, meta.pid));
    if (await env.disk.exists(joinPath(dir, META_FILE))) {
      return fail(
        Code.tableAlreadyExists,
        `create table failed: ${dir} already holds table ${meta.tid} partition ${meta.pid}; load it or drop it first`,
      );
    }
    await env.disk.mkdirp(joinPath(dir, 'binlog'));
    await env.disk.mkdirp(joinPath(dir, 'snapshot'));
    await writeMeta(env, dir, meta);
    return TablePartition.open(env, dir, meta, false);
  }

  /** Loads a replica from its snapshot and binlog, merging `meta` over the stored meta. */
  static async load(env: PartitionEnv, root: string, meta: PartitionMetaMsg): Promise<Result<TablePartition>> {
    const dir = joinPath(root, partitionDirName(meta.tid, meta.pid));
    if (!(await env.disk.exists(joinPath(dir, META_FILE)))) {
      return fail(Code.tableNotFound, `load table failed: no table ${meta.tid} partition ${meta.pid} in ${dir}`);
    }
    await writeMeta(env, dir, meta);
    return TablePartition.open(env, dir, meta, true);
  }

  private static async open(
    env: PartitionEnv,
    dir: string,
    meta: PartitionMetaMsg,
    fromDisk: boolean,
  ): Promise<Result<TablePartition>> {
    const created = MemTable.create(meta.schema, { scanRowsMax: env.limits.scanRowsMax });
    if (!created.ok) return created;
    const table = created.value;
    const windowSize = env.limits.putDedupWindow ?? 0;
    const dedupe = windowSize > 0 ? new PutDedupWindow(windowSize) : undefined;
    let snapshotOffset = 0;
    let binlogLayout: BinlogLayout | undefined;
    if (fromDisk) {
      const failures: Failure[] = [];
      const recovered = await recover(
        { disk: env.disk, crc32: env.crc32, logger: env.logger },
        {
          snapshotDir: joinPath(dir, 'snapshot'),
          binlogDir: joinPath(dir, 'binlog'),
          sink: {
            putRow: (row, insertTsMs, positions) => {
              const r = table.put(row, insertTsMs, positions);
              if (!r.ok && failures.length < 10) failures.push(r);
            },
            applyEntry: (entry) => {
              const r = applyToTable(table, entry);
              if (!r.ok && failures.length < 10) failures.push(r);
              if (dedupe !== undefined) recordRequest(dedupe, entry);
            },
          },
        },
      );
      if (!recovered.ok) return recovered;
      if (failures.length > 0) {
        env.logger.warn('recovery skipped entries the table refused', {
          tid: meta.tid,
          pid: meta.pid,
          first: failures[0]!.message,
        });
      }
      if (recovered.value.tornTail) {
        env.logger.warn('binlog had a torn tail; it was truncated and not replayed', {
          tid: meta.tid,
          pid: meta.pid,
          tornTail: recovered.value.tornTail,
        });
      }
      env.logger.info('table loaded', {
        tid: meta.tid,
        pid: meta.pid,
        offset: recovered.value.offset,
        rowsFromSnapshot: recovered.value.rowsFromSnapshot,
        entriesReplayed: recovered.value.entriesReplayed,
      });
      snapshotOffset = recovered.value.snapshotOffset;
      binlogLayout = recovered.value.binlogLayout;
    }
    const writer = await BinlogWriter.open({
      disk: env.disk,
      dir: joinPath(dir, 'binlog'),
      timers: env.timers,
      crc32: env.crc32,
      logger: env.logger,
      segmentBytesMax: env.limits.binlogSegmentBytesMax,
      syncIntervalMs: Math.max(1, env.limits.binlogSyncIntervalMs),
      syncEveryWrite: env.limits.binlogSyncIntervalMs === 0,
      bufferBytesMax: env.limits.binlogBufferBytesMax,
      snapshotOffset,
      // The replay verified the binlog: the writer need not scan it again.
      ...(binlogLayout ? { layout: binlogLayout } : {}),
    });
    if (!writer.ok) return writer;
    // Dropped indexes were kept through the replay (a delete logged before the drop names one).
    for (const [position, index] of meta.schema.indexes.entries()) {
      if (!isLiveIndex(index)) {
        const dropped = table.dropIndex(position);
        if (!dropped.ok) return fail(dropped.code, `loading table ${meta.tid} partition ${meta.pid} failed: ${dropped.message}`);
      }
    }
    table.gc(env.clock.nowMs());
    return ok(new TablePartition(env, dir, meta, table, writer.value.writer, snapshotOffset, dedupe));
  }

  /** Changes the meta in memory at once and then in table_meta.json. */
  updateMeta(meta: PartitionMetaMsg): Promise<void> {
    assert(meta.tid === this.metaValue.tid && meta.pid === this.metaValue.pid, 'updateMeta of another partition');
    if (meta.schema !== this.metaValue.schema) {
      this.inspector = createRowInspector(meta.schema, this.table.codec, GC_SAFE_OFFSET_MS);
      this.allPositions = livePositions(meta.schema);
    }
    this.metaValue = meta;
    const write = this.metaWrites.then(() => writeMeta(this.env, this.dir, this.metaValue));
    this.metaWrites = write.catch(() => undefined);
    return write;
  }

  /** A new role (ChangeRole): clears a step-down and a handoff. */
  changeRole(mode: TableMode, term: number, followers: readonly string[]): Promise<void> {
    this.steppedDown = undefined;
    this.handingOff = undefined;
    return this.updateMeta({ ...this.metaValue, mode, term, followers: [...followers] });
  }

  /** A follower adopts a newer term (in memory now, in the meta file soon after). */
  adoptTerm(term: number): void {
    assert(term > this.metaValue.term, `adoptTerm ${term} does not raise term ${this.metaValue.term}`);
    this.updateMeta({ ...this.metaValue, term }).catch((error: unknown) =>
      this.env.logger.warn('persisting an adopted term failed', { tid: this.tid, pid: this.pid, term, error: String(error) }),
    );
  }

  private writable(what: string): Failure | undefined {
    if (this.metaValue.mode !== 'leader') {
      return fail(Code.tableIsFollower, `${what} failed: table ${this.describe()} is a follower on this tablet`);
    }
    if (this.steppedDown !== undefined) {
      return fail(Code.termFenced, `${what} failed: table ${this.describe()} is no longer the leader here: ${this.steppedDown}`);
    }
    if (this.handingOff !== undefined) {
      // Nothing was applied: the client may retry at the next leader.
      return fail(Code.tableIsFollower, `${what} failed: table ${this.describe()} is handing over leadership (${this.handingOff})`);
    }
    if (this.state === 'loading') return fail(Code.tableIsLoading, `${what} failed: table ${this.describe()} is loading`);
    return undefined;
  }

  /** Refuses writes from now on (a leader about to give up leadership drains its followers first). */
  beginHandoff(reason: string): void {
    this.handingOff ??= reason;
  }

  describe(): string {
    return `'${this.metaValue.name}' (tid ${this.metaValue.tid}, pid ${this.metaValue.pid})`;
  }

  /**
   * Stores rows; resolves with the binlog offset of the last one once the write is acknowledged
   * under the fsync policy. Rows are applied in order: on a bad row the earlier ones stay stored
   * and the error says how many.
   *
   * `requestId` (idempotent puts, given only while the cluster version enables them): a request
   * whose rows are all in the log already is answered like the original (its offset, after the
   * same acknowledgement wait) without applying anything; one partly in the log (its leader died
   * mid-request) gets only its missing rows.
   */
  async put(
    rows: readonly Uint8Array[],
    insertTsMs: number,
    indexPositions?: readonly number[],
    requestId?: RequestIdMsg,
  ): Promise<Result<number>> {
    const refused = this.writable('put');
    if (refused) return refused;
    if (this.binlog.unflushedBytes > this.env.limits.binlogBufferBytesMax) {
      return fail(Code.rpcOverloaded, `put failed: the binlog of ${this.describe()} is behind; retry later`);
    }
    let last = this.binlog.lastOffset;
    let first = 0;
    const dedupe = requestId === undefined ? undefined : this.dedupe;
    if (dedupe !== undefined) {
      const slot = dedupe.find(requestId!.clientId, requestId!.seq);
      if (slot >= 0) {
        if (dedupe.rowCount(slot) !== rows.length) {
          return fail(
            Code.invalidParameter,
            `put failed: request ${requestId!.clientId}/${requestId!.seq} was first sent with ${dedupe.rowCount(slot)} rows, now with ${rows.length}`,
          );
        }
        first = dedupe.rowsInLog(slot);
        if (first >= rows.length) {
          const original = dedupe.lastOffset(slot);
          const acknowledged = await this.acknowledge(original);
          return acknowledged.ok ? ok(original) : acknowledged;
        }
      }
    }
    for (let i = first; i < rows.length; i++) {
      const row = rows[i]!;
      const stored = this.table.put(row, insertTsMs, indexPositions);
      if (!stored.ok) {
        const prefix = rows.length > 1 ? `row ${i + 1} of ${rows.length} (${i} stored before it): ` : '';
        return fail(stored.code, `${prefix}${stored.message}`);
      }
      const appended = this.binlog.append({
        term: this.metaValue.term,
        kind: 'put',
        insertTsMs,
        indexPositions: indexPositions ?? this.allPositions,
        row,
        requestId:
          dedupe === undefined ? undefined : { clientId: requestId!.clientId, seq: requestId!.seq, rowIndex: i, rowCount: rows.length },
      });
      assert(appended.ok, `binlog append after a successful put: ${appended.ok ? '' : appended.message}`);
      last = appended.value;
      if (dedupe !== undefined) dedupe.record(requestId!.clientId, requestId!.seq, i, rows.length, last);
    }
    const acknowledged = await this.acknowledge(last);
    return acknowledged.ok ? ok(last) : acknowledged;
  }

  /**
   * After entries up to `last` were appended: wake the replicator, then wait for what the write
   * must have before it is acknowledged (fsync when syncing every write; every follower for a
   * 'sync' table).
   */
  private acknowledge(last: number): Promise<Result<void>> | Result<void> {
    const replication = this.replication;
    if (replication) replication.notifyAppended();
    const replicated = replication && this.metaValue.replicationMode === 'sync' ? replication.waitReplicated(last) : undefined;
    if (this.env.limits.binlogSyncIntervalMs !== 0) return replicated ?? okVoid;
    return this.binlog.whenDurable(last).then((durable) => (durable.ok && replicated ? replicated : durable));
  }

  /** Deletes by index key (optionally a ts range [from, to)) or, without a key, a range over all keys. */
  async delete(spec: DeleteSpec): Promise<Result<{ offset: number; deleted: number }>> {
    const refused = this.writable('delete');
    if (refused) return refused;
    const deleted = deleteFromTable(this.table, spec);
    if (!deleted.ok) return deleted;
    const appended = this.binlog.append({
      term: this.metaValue.term,
      kind: 'delete',
      insertTsMs: this.env.clock.nowMs(),
      delete: spec,
    });
    if (!appended.ok) return appended;
    const acknowledged = await this.acknowledge(appended.value);
    if (!acknowledged.ok) return acknowledged;
    return ok({ offset: appended.value, deleted: deleted.value });
  }

  /**
   * A follower applies an entry its leader sent, with the leader's offset and term: first to the
   * binlog (which requires the next offset), then to the table. A row the table refuses stays in
   * the binlog, as it is in the leader's.
   */
  applyReplicated(entry: LogEntry): Result<number> {
    const appended = this.binlog.appendReplicated(entry);
    if (!appended.ok) return appended;
    if (this.dedupe !== undefined) recordRequest(this.dedupe, entry);
    const applied = applyToTable(this.table, entry);
    if (!applied.ok) this.env.logger.warn('replicated entry refused by the table', { offset: entry.offset, error: applied.message });
    return appended;
  }

  /** Stops snapshots (which delete binlog) while a snapshot is sent to another tablet. */
  pauseSnapshot(): Result<void> {
    if (this.state === 'snapshotPaused') return okVoid;
    if (this.state !== 'normal') return fail(Code.tableStatusIsNotNormal, `pause snapshot failed: table ${this.describe()} is ${this.state}`);
    this.state = 'snapshotPaused';
    return okVoid;
  }

  recoverSnapshot(): Result<void> {
    if (this.state === 'snapshotPaused') this.state = 'normal';
    if (this.state !== 'normal') return fail(Code.tableStatusIsNotNormal, `recover snapshot failed: table ${this.describe()} is ${this.state}`);
    return okVoid;
  }

  /** Position of the live index called `name`; a dropped one is refused as such. */
  index(name: string): Result<number> {
    const found = this.table.indexPosition(name);
    if (found.ok || liveIndexPosition(this.metaValue.schema, name) >= 0) return found;
    const lower = name.toLowerCase();
    if (this.metaValue.schema.indexes.some((i) => !isLiveIndex(i) && i.name.toLowerCase() === lower)) {
      return fail(Code.indexNotFound, `index '${name}' of table ${this.describe()} was dropped`);
    }
    return found;
  }

  /**
   * DROP INDEX on this replica: the index at `position` (which must be `name`) stops being
   * maintained and its memory is freed, at once; the table meta marks it dropped (on disk when
   * the returned promise resolves). Dropping a dropped index again answers ok.
   */
  async dropIndex(position: number, name: string): Promise<Result<void>> {
    const what = `drop index '${name}' of table ${this.describe()}`;
    const index = this.metaValue.schema.indexes[position];
    if (index === undefined) {
      return fail(Code.indexNotFound, `${what} failed: no index at position ${position} (the replica has ${this.metaValue.schema.indexes.length})`);
    }
    if (index.name.toLowerCase() !== name.toLowerCase()) {
      return fail(Code.invalidParameter, `${what} failed: position ${position} holds index '${index.name}'`);
    }
    if (!isLiveIndex(index)) return okVoid;
    const dropped = this.table.dropIndex(position);
    if (!dropped.ok) return fail(dropped.code, `${what} failed: ${dropped.message}`);
    const indexes = this.metaValue.schema.indexes.map((d, i) => (i === position ? { ...d, dropped: true } : d));
    await this.updateMeta({ ...this.metaValue, schema: { ...this.metaValue.schema, indexes } });
    this.env.logger.info('index dropped', { tid: this.tid, pid: this.pid, index: name, position });
    return okVoid;
  }

  private droppedRead(indexPos: number, what: string): Failure | undefined {
    if (!this.table.isDropped(indexPos)) return undefined;
    const name = this.metaValue.schema.indexes[indexPos]?.name ?? String(indexPos);
    return fail(Code.indexNotFound, `${what} failed: index '${name}' of table ${this.describe()} was dropped`);
  }

  scan(indexPos: number, key: string, range: { newestTsMs?: number; oldestTsMs?: number; limit?: number }): Result<TsRow[]> {
    return this.droppedRead(indexPos, 'scan') ?? this.table.scan(indexPos, key, this.env.clock.nowMs(), range);
  }

  get(indexPos: number, key: string, tsMs?: number): Result<TsRow | undefined> {
    return this.droppedRead(indexPos, 'get') ?? this.table.get(indexPos, key, this.env.clock.nowMs(), tsMs);
  }

  count(indexPos: number, key: string): Result<number> {
    return this.droppedRead(indexPos, 'count') ?? this.table.count(indexPos, key, this.env.clock.nowMs());
  }

  gc(): void {
    const r = this.table.gc(this.env.clock.nowMs());
    if (r.expiredEntries > 0 || r.compactedSlabs > 0) {
      this.env.logger.debug('gc', { tid: this.metaValue.tid, pid: this.metaValue.pid, ...r });
    }
  }

  /**
   * Makes a snapshot up to the last written binlog offset (unless `force` is false and the binlog
   * grew less than the threshold), then deletes the binlog segments it covers.
   */
  async makeSnapshot(force: boolean, endOffset = 0): Promise<Result<number>> {
    if (this.state !== 'normal') {
      return fail(Code.snapshotBusy, `make snapshot failed: table ${this.describe()} is ${this.state}`);
    }
    const last = this.binlog.lastOffset;
    const upto = endOffset > 0 ? Math.min(endOffset, last) : last;
    if (upto <= this.snapshotOffsetValue) return ok(this.snapshotOffsetValue);
    if (!force && upto < this.snapshotOffsetValue + this.env.limits.snapshotThresholdOffset) {
      return ok(this.snapshotOffsetValue);
    }
    this.state = 'makingSnapshot';
    const work = (async () => {
      // Snapshots are built from the binlog files: wait until they hold everything written so far.
      const flushed = await this.binlog.whenFlushed(upto);
      if (!flushed.ok) return flushed;
      return makeSnapshot(
        { disk: this.env.disk, crc32: this.env.crc32, logger: this.env.logger },
        {
          snapshotDir: this.snapshotDir,
          binlogDir: this.binlogDir,
          uptoOffset: upto,
          inspector: this.inspector,
          nowMs: this.env.clock.nowMs(),
        },
      );
    })();
    this.snapshotting = work;
    try {
      const made = await work;
      if (!made.ok) return made;
      this.snapshotOffsetValue = made.value.offset;
      await this.deleteObsoleteBinlog();
      return ok(made.value.offset);
    } finally {
      this.state = 'normal';
      this.snapshotting = undefined;
    }
  }

  /**
   * Removes binlog segments that the snapshot covers and no follower still needs (a follower that
   * needs a removed entry must be re-seeded from a snapshot).
   */
  async deleteObsoleteBinlog(): Promise<void> {
    const followerNeeds = this.replication?.retainFromOffset() ?? Number.POSITIVE_INFINITY;
    const below = Math.min(this.snapshotOffsetValue, followerNeeds - 1);
    if (below <= 0) return;
    const removed = await this.binlog.deleteSegmentsBelow(below);
    if (!removed.ok) this.env.logger.warn('binlog segments not removed', { tid: this.tid, pid: this.pid, error: removed.message });
  }

  async refreshDiskUsage(): Promise<void> {
    this.diskBytes = await this.env.disk.usage(this.dir);
  }

  status(): TablePartitionStatus {
    const stats = this.table.stats();
    const m = this.metaValue;
    return {
      tid: m.tid,
      pid: m.pid,
      db: m.db,
      name: m.name,
      mode: m.mode,
      state: this.state,
      term: m.term,
      offset: this.binlog.lastOffset,
      recordCnt: stats.rowCount,
      memBytes: stats.memBytes,
      diskBytes: this.diskBytes,
    };
  }

  /** Flushes and closes the binlog (a clean stop). */
  async close(): Promise<Result<void>> {
    await this.snapshotting;
    await this.metaWrites;
    return this.binlog.close();
  }
}

function livePositions(schema: TableSchema): number[] {
  const out: number[] = [];
  schema.indexes.forEach((index, i) => {
    if (isLiveIndex(index)) out.push(i);
  });
  return out;
}

async function writeMeta(env: PartitionEnv, dir: string, meta: PartitionMetaMsg): Promise<void> {
  const stored: StoredMeta = { formatVersion: META_FORMAT_VERSION, ...meta };
  await env.disk.writeFileAtomic(joinPath(dir, META_FILE), new TextEncoder().encode(JSON.stringify(stored)));
}

/** Reads a replica's stored meta (for LoadTable requests that leave fields out). */
export async function readStoredMeta(env: PartitionEnv, root: string, tid: number, pid: number): Promise<Result<PartitionMetaMsg>> {
  const path = joinPath(root, partitionDirName(tid, pid), META_FILE);
  if (!(await env.disk.exists(path))) return fail(Code.tableNotFound, `no table ${tid} partition ${pid} under ${root}`);
  try {
    const stored = JSON.parse(new TextDecoder().decode(await env.disk.readFile(path))) as StoredMeta;
    if (stored.formatVersion > META_FORMAT_VERSION) {
      return fail(Code.corruption, `${path} has format version ${stored.formatVersion}; this build reads ${META_FORMAT_VERSION}`);
    }
    const { formatVersion: _v, ...meta } = stored;
    return ok(meta);
  } catch (err) {
    return fail(Code.corruption, `${path} is not readable: ${(err as Error).message}`);
  }
}

function recordRequest(dedupe: PutDedupWindow, entry: LogEntry): void {
  const rid = entry.requestId;
  if (rid !== undefined) dedupe.record(rid.clientId, rid.seq, rid.rowIndex, rid.rowCount, entry.offset);
}

function applyToTable(table: MemTable, entry: LogEntry): Result<void> {
  if (entry.kind === 'put') {
    if (!entry.row) return fail(Code.corruption, `binlog entry ${entry.offset} is a put without a row`);
    return table.put(entry.row, entry.insertTsMs, entry.indexPositions);
  }
  if (!entry.delete) return fail(Code.corruption, `binlog entry ${entry.offset} is a delete without a spec`);
  const r = deleteFromTable(table, entry.delete);
  return r.ok ? okVoid : r;
}

/**
 * Applies a binlog delete spec (`fromTsMs <= ts < toTsMs`, bounds optional) to the table, whose
 * range delete takes a newer inclusive bound and an older exclusive one.
 */
function deleteFromTable(table: MemTable, spec: DeleteSpec): Result<number> {
  const newest = spec.toTsMs === undefined ? Number.MAX_SAFE_INTEGER : spec.toTsMs - 1;
  const olderExclusive = spec.fromTsMs === undefined ? undefined : spec.fromTsMs - 1;
  const whole = spec.fromTsMs === undefined && spec.toTsMs === undefined;
  const one = (key: string): Result<number> =>
    whole ? table.deleteKey(spec.indexPos, key) : table.deleteRange(spec.indexPos, key, newest, olderExclusive);
  if (spec.key !== undefined) return one(spec.key);
  const keys = table.keys(spec.indexPos);
  if (!keys.ok) return keys;
  let total = 0;
  for (const key of [...keys.value]) {
    const r = one(key);
    if (!r.ok) return r;
    total += r.value;
  }
  return ok(total);
}
