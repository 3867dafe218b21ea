/**
 * A table as the SQL engine reads it on a tablet (sql/plan/catalog.ts `SqlTable`): a partition
 * whose leader is on this tablet is read straight from its MemTable (no RPC, no copy: rows are
 * views of the stored bytes); any other partition is read from its leader with Scan / Traverse.
 * Metadata (schema, partitions, leaders) comes from the client core's cache; a remote answer that
 * says the metadata is out of date (not leader, no such table) marks it stale.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Clock } from '../ports/clock.js';
import type { RpcClient } from '../ports/transport.js';
import type { TableSchema } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import type { TableHandle } from '../client/table-handle.js';
import type { KeyScanRange, RowAccess, SqlTable, StoredRow } from '../sql/plan/catalog.js';
import type { TablePartition } from './table-partition.js';

/** The partitions this tablet hosts (the Tablet's public lookup). */
export interface LocalPartitions {
  partition(tid: number, pid: number): TablePartition | undefined;
}

export interface SqlTableDeps {
  readonly partitions: LocalPartitions;
  readonly rpc: (endpoint: string) => RpcClient;
  readonly clock: Clock;
  /** Called when a remote tablet's answer shows the cached metadata is out of date. */
  readonly onStale: () => void;
  readonly remoteCallTimeoutMs: number;
  /** Rows per Traverse page (local or remote). */
  readonly pageRows: number;
  /** Most rows one scan returns (scan_max_rows): a larger limit is no limit (the scan fails only if it finds more). */
  readonly scanRowsMax: number;
}

/** Codes after which the cached placement of a partition is not to be trusted. */
const STALE_CODES = new Set<number>([Code.tableIsFollower, Code.tableNotFound, Code.unavailable, Code.rpcConnectionLost, Code.termFenced]);

/** The local replica of a partition when it is a leader that may serve reads. */
export function localLeader(partitions: LocalPartitions, tid: number, pid: number): TablePartition | undefined {
  const p = partitions.partition(tid, pid);
  if (p === undefined || p.meta.mode !== 'leader' || p.steppedDownReason !== undefined || p.tableState === 'loading') return undefined;
  return p;
}

/**
 * The rows of a local partition under one index, in pages (MemTable traverse: grouped by key, each
 * key newest first). Returns false after yielding a failure.
 */
export function* localPages(
  partition: TablePartition,
  indexPos: number,
  deps: Pick<SqlTableDeps, 'clock' | 'pageRows'>,
): Generator<Result<readonly StoredRow[]>, boolean> {
  let cursor: Parameters<TablePartition['table']['traverse']>[3];
  do {
    const page = partition.table.traverse(indexPos, deps.clock.nowMs(), deps.pageRows, cursor);
    if (!page.ok) {
      yield page;
      return false;
    }
    yield ok(page.value.rows);
    cursor = page.value.next;
  } while (cursor !== undefined);
  return true;
}

export class TabletSqlTable implements SqlTable {
  readonly db: string;
  readonly name: string;
  readonly schema: TableSchema;
  readonly codec: RowAccess;

  constructor(
    private readonly handle: TableHandle,
    private readonly deps: SqlTableDeps,
  ) {
    this.db = handle.info.db;
    this.name = handle.info.name;
    this.schema = handle.info.schema;
    this.codec = handle.codec;
  }

  private get tid(): number {
    return this.handle.info.tid;
  }

  private indexName(indexPos: number): Result<string> {
    const index = this.schema.indexes[indexPos];
    return index === undefined ? fail(Code.indexNotFound, `table '${this.db}.${this.name}' has no index at position ${indexPos}`) : ok(index.name);
  }

  private remote(pid: number, what: string): Result<RpcClient> {
    const leader = this.handle.leaderOf(pid);
    if (!leader.ok) {
      this.deps.onStale();
      return fail(leader.code, `${what}: ${leader.message}`);
    }
    return ok(this.deps.rpc(leader.value));
  }

  private checked<T>(r: Result<T>, what: string): Result<T> {
    if (r.ok) return r;
    if (STALE_CODES.has(r.code)) this.deps.onStale();
    return fail(r.code, `${what}: ${r.message}`);
  }

  scanKey(indexPos: number, key: string, range: KeyScanRange): Result<readonly StoredRow[]> | Promise<Result<readonly StoredRow[]>> {
    if (range.limit !== undefined && range.limit > this.deps.scanRowsMax) {
      range = { ...(range.newestTsMs !== undefined ? { newestTsMs: range.newestTsMs } : {}), ...(range.oldestTsMs !== undefined ? { oldestTsMs: range.oldestTsMs } : {}) };
    }
    const pid = this.handle.partitionOf(key);
    const local = localLeader(this.deps.partitions, this.tid, pid);
    if (local !== undefined) return local.scan(indexPos, key, range);
    return this.remoteScan(pid, indexPos, key, range);
  }

  private async remoteScan(pid: number, indexPos: number, key: string, range: KeyScanRange): Promise<Result<readonly StoredRow[]>> {
    const what = `reading '${this.db}.${this.name}' partition ${pid}`;
    const index = this.indexName(indexPos);
    if (!index.ok) return index;
    const client = this.remote(pid, what);
    if (!client.ok) return client;
    const r = await callTablet(
      client.value,
      'Scan',
      {
        tid: this.tid,
        pid,
        index: index.value,
        key,
        ...(range.newestTsMs !== undefined ? { newestTsMs: range.newestTsMs } : {}),
        ...(range.oldestTsMs !== undefined ? { oldestTsMs: range.oldestTsMs } : {}),
        ...(range.limit !== undefined ? { limit: range.limit } : {}),
      },
      { timeoutMs: this.deps.remoteCallTimeoutMs },
    );
    const checked = this.checked(r, what);
    if (!checked.ok) return checked;
    const { rows, tss } = checked.value;
    return ok(rows.map((row, i) => ({ row, tsMs: tss[i]! })));
  }

  async *scanAll(indexPos: number): AsyncIterable<Result<readonly StoredRow[]>> {
    for (const partition of this.handle.info.partitions) {
      const pid = partition.pid;
      const local = localLeader(this.deps.partitions, this.tid, pid);
      if (local !== undefined) {
        const done = yield* localPages(local, indexPos, this.deps);
        if (!done) return;
        continue;
      }
      const what = `reading '${this.db}.${this.name}' partition ${pid}`;
      const index = this.indexName(indexPos);
      if (!index.ok) {
        yield index;
        return;
      }
      let cursor: string | undefined;
      do {
        const client = this.remote(pid, what);
        if (!client.ok) {
          yield client;
          return;
        }
        const r = await callTablet(
          client.value,
          'Traverse',
          { tid: this.tid, pid, index: index.value, limit: this.deps.pageRows, ...(cursor !== undefined ? { cursor } : {}) },
          { timeoutMs: this.deps.remoteCallTimeoutMs },
        );
        const checked = this.checked(r, what);
        if (!checked.ok) {
          yield checked;
          return;
        }
        const { rows, tss } = checked.value;
        yield ok(rows.map((row, i) => ({ row, tsMs: tss[i]! })));
        cursor = checked.value.cursor;
      } while (cursor !== undefined);
    }
  }
}
