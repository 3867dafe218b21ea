/**
 * The tablet: the table partitions this process hosts and the RPC methods over them. Background
 * work (TTL garbage collection, the daily snapshot, disk-usage refresh) runs on the Timers port.
 * Requests are untrusted: each body is validated and a bad one gets an error naming the field.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import { HOUR_MS, MINUTE_MS } from '../base/units.js';
import type { DeleteSpec } from '../binlog/log-entry.js';
import type { TimerHandle } from '../ports/clock.js';
import { joinPath } from '../ports/disk.js';
import type { CallContext } from '../ports/transport.js';
import type { PartitionMetaMsg, TablePartitionStatus } from '../protocol/messages.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import type { TableSchema } from '../protocol/schema.js';
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
import type { PartitionEnv } from './partition-env.js';
import { partitionDirName, readStoredMeta, TablePartition } from './table-partition.js';

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

const tablePid = object({ tid: nonNegativeInt, pid: nonNegativeInt });
const putRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  rows: arrayOf(bytes, 100_000),
  insertTsMs: optional(num),
  indexPositions: optional(arrayOf(nonNegativeInt, 255)),
});
const keyRequest = object({ tid: nonNegativeInt, pid: nonNegativeInt, index: str, key: str });
const scanRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: str,
  key: str,
  newestTsMs: optional(num),
  oldestTsMs: optional(num),
  limit: optional(int),
});
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
const statusRequest = object({ tid: optional(nonNegativeInt), pid: optional(nonNegativeInt) });
const snapshotRequest = object({ tid: nonNegativeInt, pid: nonNegativeInt, force: withDefault(bool, true) });
const ttlRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: str,
  ttl: object({ type: oneOf('absolute', 'latest', 'absorlat', 'absandlat'), absMinutes: nonNegativeInt, latCount: nonNegativeInt }),
});

function parse<T>(check: Check<T>, method: string, body: unknown): Result<T> {
  const r = check(body ?? {}, '');
  return r.ok ? ok(r.value) : fail(Code.rpcBadRequest, `${method}: ${r.message}`);
}

function key(tid: number, pid: number): string {
  return partitionDirName(tid, pid);
}

export class Tablet {
  private readonly partitions = new Map<string, TablePartition>();
  /** Partitions being created, loaded or dropped: a second request for the same one is refused. */
  private readonly busy = new Set<string>();
  private readonly timers: TimerHandle[] = [];
  private lastSnapshotDay = -1;

  constructor(
    private readonly env: PartitionEnv,
    readonly options: TabletOptions,
  ) {}

  start(): void {
    this.timers.push(this.env.timers.every(this.options.gcIntervalMs, () => this.gcAll()));
    this.timers.push(this.env.timers.every(this.options.snapshotCheckIntervalMs, () => void this.scheduledSnapshots()));
    this.timers.push(this.env.timers.every(30_000, () => void this.refreshDiskUsage()));
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
      this.env.logger.info('table created', { tid: meta.tid, pid: meta.pid, name: meta.name, mode: meta.mode });
      return okVoid;
    });
  }

  async loadTable(meta: PartitionMetaMsg): Promise<Result<number>> {
    const existing = this.partitions.get(key(meta.tid, meta.pid));
    if (existing) return ok(existing.offset);
    return this.exclusive(meta.tid, meta.pid, 'load table', async () => {
      const loaded = await TablePartition.load(this.env, this.rootFor(meta.tid, meta.pid), meta);
      if (!loaded.ok) return loaded;
      this.partitions.set(key(meta.tid, meta.pid), loaded.value);
      return ok(loaded.value.offset);
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
        this.partitions.delete(key(tid, pid));
        await p.close();
      } else if (!(await this.env.disk.exists(dir))) {
        return fail(Code.tableNotFound, `drop table failed: table ${tid} partition ${pid} is not on tablet ${this.options.endpoint}`);
      }
      if (this.options.recycleEnabled) {
        await this.env.disk.mkdirp(this.options.recycleDir);
        const stamp = new Date(this.env.clock.nowMs()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
        await this.env.disk.rename(dir, joinPath(this.options.recycleDir, `${partitionDirName(tid, pid)}_${stamp}`));
      } else {
        await this.env.disk.remove(dir);
      }
      this.env.logger.info('table dropped', { tid, pid });
      return okVoid;
    });
  }

  status(tid?: number, pid?: number): TablePartitionStatus[] {
    return this.allPartitions()
      .filter((p) => (tid === undefined || p.meta.tid === tid) && (pid === undefined || p.meta.pid === pid))
      .map((p) => p.status())
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

  /** Flushes every binlog and stops background work (clean shutdown). */
  async close(): Promise<void> {
    for (const t of this.timers.splice(0)) t.cancel();
    for (const p of this.partitions.values()) {
      const r = await p.close();
      if (!r.ok) this.env.logger.error('closing a table failed', { tid: p.meta.tid, pid: p.meta.pid, error: r.message });
    }
    this.partitions.clear();
  }

  /** RPC methods of the tablet service. */
  handlers(): Record<string, MethodHandler> {
    return {
      CreateTable: async (body) => {
        const r = parse(object({ meta: partitionMeta }), 'CreateTable', body);
        if (!r.ok) return r;
        const created = await this.createTable(r.value.meta);
        return created.ok ? ok({}) : created;
      },
      LoadTable: async (body) => {
        const r = parse(object({ meta: partitionMeta }), 'LoadTable', body);
        if (!r.ok) return r;
        const loaded = await this.loadTable(r.value.meta);
        return loaded.ok ? ok({ offset: loaded.value }) : loaded;
      },
      DropTable: async (body) => {
        const r = parse(tablePid, 'DropTable', body);
        if (!r.ok) return r;
        const dropped = await this.dropTable(r.value.tid, r.value.pid);
        return dropped.ok ? ok({}) : dropped;
      },
      Put: async (body, context: CallContext) => {
        const r = parse(putRequest, 'Put', body);
        if (!r.ok) return r;
        const { tid, pid, rows, insertTsMs, indexPositions } = r.value;
        const p = this.find(tid, pid, 'put');
        if (!p.ok) return p;
        if (rows.length > this.env.limits.putRowsMax) {
          return fail(Code.rpcBadRequest, `put failed: ${rows.length} rows in one request, limit ${this.env.limits.putRowsMax}`);
        }
        void context;
        const put = await p.value.put(rows, insertTsMs ?? this.env.clock.nowMs(), indexPositions);
        return put.ok ? ok({ offset: put.value }) : put;
      },
      Get: (body) => {
        const r = parse(getRequest, 'Get', body);
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
        const r = parse(scanRequest, 'Scan', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'scan');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const { newestTsMs, oldestTsMs, limit } = r.value;
        const scanned = p.value.scan(idx.value, r.value.key, {
          ...(newestTsMs !== undefined ? { newestTsMs } : {}),
          ...(oldestTsMs !== undefined ? { oldestTsMs } : {}),
          ...(limit !== undefined && limit > 0 ? { limit } : {}),
        });
        if (!scanned.ok) return scanned;
        return ok({ rows: scanned.value.map((x) => x.row), tss: scanned.value.map((x) => x.tsMs) });
      },
      Count: (body) => {
        const r = parse(keyRequest, 'Count', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'count');
        if (!p.ok) return p;
        const idx = p.value.index(r.value.index);
        if (!idx.ok) return idx;
        const c = p.value.count(idx.value, r.value.key);
        return c.ok ? ok({ count: c.value }) : c;
      },
      Traverse: (body) => {
        const r = parse(traverseRequest, 'Traverse', body);
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
        const r = parse(deleteRequest, 'Delete', body);
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
        const r = parse(statusRequest, 'GetTableStatus', body);
        if (!r.ok) return r;
        return ok({ partitions: this.status(r.value.tid, r.value.pid) });
      },
      MakeSnapshot: async (body) => {
        const r = parse(snapshotRequest, 'MakeSnapshot', body);
        if (!r.ok) return r;
        const p = this.find(r.value.tid, r.value.pid, 'make snapshot');
        if (!p.ok) return p;
        const made = await p.value.makeSnapshot(r.value.force);
        return made.ok ? ok({ offset: made.value }) : made;
      },
      SetTtl: async (body) => {
        const r = parse(ttlRequest, 'SetTtl', body);
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
    };
  }
}

export const TABLET_DEFAULT_GC_INTERVAL_MS = 120 * MINUTE_MS;
