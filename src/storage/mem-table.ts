/**
 * One table partition in memory: every row stored once in slabs (slab-store.ts), and per index a
 * key → time-ordered list of row references (key-lists.ts). See DESIGN.md beside this file.
 *
 * Time never comes from a clock here: reads and gc take `nowMs` for TTL, put takes the insert time
 * for indexes without a ts column.
 */
import { assert } from '../base/assert.js';
import { Code, type Failure, fail, ok, okVoid, type Result } from '../base/status.js';
import { RowCodec, type RowCodecOptions } from '../protocol/row-codec.js';
import { ROW_BYTES_LIMIT } from '../protocol/row-layout.js';
import { columnIndex, type IndexDef, type TableSchema, type Ttl } from '../protocol/schema.js';
import { KeyLists } from './key-lists.js';
import { offsetOf, SLAB_BYTES_MAX, SLAB_COUNT_MAX, SlabStore, slabOf } from './slab-store.js';
import { absoluteCutoffMs, expiredCount, ttlError, ttlExpires, usesAbsolute } from './ttl.js';

export interface MemTableOptions {
  /** Bytes per slab (rows larger than a slab get one of their own). At most 1 MiB. */
  readonly slabBytes?: number;
  /** Largest row accepted by put. */
  readonly rowBytesMax?: number;
  /** Most rows one scan or traverse call returns. */
  readonly scanRowsMax?: number;
  /** Entries per arena chunk of an index (a power of two). */
  readonly keyListChunkSlots?: number;
  /** gc compacts slabs whose live bytes are below this fraction of their size. */
  readonly compactLiveFractionMax?: number;
  /** Schema versions of the rows (see RowCodec). */
  readonly codecOptions?: RowCodecOptions;
}

type MemTableLimits = Required<Omit<MemTableOptions, 'codecOptions'>>;

export const MEM_TABLE_DEFAULTS: MemTableLimits = {
  slabBytes: 1 << 20,
  rowBytesMax: 8 << 20,
  scanRowsMax: 100_000,
  keyListChunkSlots: 1 << 16,
  compactLiveFractionMax: 0.5,
};

/** gc compacts only when that frees at least this fraction of all slab bytes (and one slab). */
const COMPACT_RECLAIM_FRACTION_MIN = 0.1;
/** Size of the shared chunks packed scan answers are cut from (see packBuffer). */
const PACK_CHUNK_BYTES = 64 * 1024;
/** Most indexes per table: a row's reference count is one byte. */
export const INDEXES_PER_TABLE_MAX = 255;

export interface TsRow {
  readonly tsMs: number;
  /** View of the stored bytes; stays valid (slab bytes are never rewritten). Do not modify. */
  readonly row: Uint8Array;
}

/** Rows back to back in one buffer (each row's header gives its size), and the ts of each. */
export interface PackedRows {
  readonly packed: Uint8Array;
  readonly tss: number[];
}

export interface KeyedTsRow extends TsRow {
  readonly key: string;
}

/** A ts range, inclusive at both ends; rows come newest first. */
export interface ScanRange {
  readonly newestTsMs?: number;
  readonly oldestTsMs?: number;
  /** Most rows to return, 1..scanRowsMax. Without it, more matches than scanRowsMax is an error. */
  readonly limit?: number;
}

/** Where a traverse stopped: after the row of `key` (at `slot`) with `tsMs`, the `sameTsSeen`-th of that ts. */
export interface TraverseCursor {
  readonly slot: number;
  readonly key: string;
  readonly tsMs: number;
  readonly sameTsSeen: number;
}

export interface TraversePage {
  readonly rows: KeyedTsRow[];
  /** Absent when the index has no more rows. */
  readonly next?: TraverseCursor;
}

export interface GcResult {
  /** Index entries dropped by TTL, over all indexes. */
  readonly expiredEntries: number;
  /** Rows whose last index entry went, so their bytes are free. */
  readonly freedRows: number;
  readonly compactedSlabs: number;
  readonly relocatedRows: number;
}

export interface MemTableStats {
  /** Distinct rows stored (each held by one or more indexes). */
  readonly rowCount: number;
  readonly keyCount: readonly number[];
  /** Entries per index (a row counts once in each index holding it). */
  readonly entryCount: readonly number[];
  /** Slab bytes allocated + index arenas + an estimate of the per-key Map and string overhead. */
  readonly memBytes: number;
}

interface IndexState {
  readonly name: string;
  readonly keyCols: readonly number[];
  /** Column giving the ts, or -1: the insert time. */
  readonly tsCol: number;
  ttl: Ttl;
  expires: boolean;
  readonly lists: KeyLists;
}

export class MemTable {
  readonly codec: RowCodec;
  private schema: TableSchema;
  private readonly indexes: IndexState[];
  private allPositions: readonly number[];
  /** Positions of dropped indexes (dropIndex): puts skip them, names no longer find them. */
  private readonly droppedPositions = new Set<number>();
  /** Replaced once, when a second index is added to a table created with one (see addIndex). */
  private slabs: SlabStore;
  private readonly keyListChunkSlots: number;
  private readonly rowBytesMax: number;
  private readonly scanRowsMax: number;
  private readonly compactLiveFractionMax: number;
  private readonly scratchKeys: string[] = [];
  private readonly scratchTs: number[] = [];

  /** Builds a table after checking the schema (key and ts columns exist, TTLs valid) and the options. */
  static create(schema: TableSchema, options: MemTableOptions = {}): Result<MemTable> {
    const o = { ...MEM_TABLE_DEFAULTS, ...options };
    const bad = (what: string): Failure => fail(Code.invalidParameter, `create table failed: ${what}`);
    if (schema.columns.length === 0) return bad('the schema has no columns');
    if (schema.indexes.length === 0) return bad('the schema has no index');
    if (schema.indexes.length > INDEXES_PER_TABLE_MAX) return bad(`${schema.indexes.length} indexes, more than ${INDEXES_PER_TABLE_MAX}`);
    if (!Number.isInteger(o.slabBytes) || o.slabBytes < 64 || o.slabBytes > SLAB_BYTES_MAX) return bad(`slabBytes ${o.slabBytes} is not in 64..${SLAB_BYTES_MAX}`);
    if (!Number.isInteger(o.rowBytesMax) || o.rowBytesMax < 6 || o.rowBytesMax > ROW_BYTES_LIMIT) return bad(`rowBytesMax ${o.rowBytesMax} is not in 6..${ROW_BYTES_LIMIT}`);
    if (!Number.isInteger(o.scanRowsMax) || o.scanRowsMax < 1) return bad(`scanRowsMax ${o.scanRowsMax} is not a positive integer`);
    const chunk = o.keyListChunkSlots;
    if (!Number.isInteger(chunk) || chunk < 16 || chunk > 1 << 24 || (chunk & (chunk - 1)) !== 0) return bad(`keyListChunkSlots ${chunk} is not a power of two in 16..2^24`);
    if (!(o.compactLiveFractionMax >= 0 && o.compactLiveFractionMax <= 1)) return bad(`compactLiveFractionMax ${o.compactLiveFractionMax} is not in 0..1`);
    const names = new Set<string>();
    for (const index of schema.indexes) {
      const problem = indexProblem(schema, index);
      if (problem !== undefined) return bad(`index '${index.name}': ${problem}`);
      if (index.dropped === true) continue;
      if (names.has(index.name.toLowerCase())) return bad(`two indexes are named '${index.name}'`);
      names.add(index.name.toLowerCase());
    }
    return ok(new MemTable(schema, o));
  }

  private constructor(schema: TableSchema, o: MemTableLimits & MemTableOptions) {
    this.schema = schema;
    this.codec = new RowCodec(schema.columns, o.codecOptions);
    this.rowBytesMax = o.rowBytesMax;
    this.scanRowsMax = o.scanRowsMax;
    this.compactLiveFractionMax = o.compactLiveFractionMax;
    this.keyListChunkSlots = o.keyListChunkSlots;
    this.slabs = new SlabStore(o.slabBytes, schema.indexes.length > 1 ? 1 : 0);
    this.indexes = schema.indexes.map((def) => this.newIndex(def, o.keyListChunkSlots));
    this.allPositions = this.indexes.map((_, i) => i);
  }

  get indexCount(): number {
    return this.indexes.length;
  }

  indexName(indexPos: number): string | undefined {
    return this.indexes[indexPos]?.name;
  }

  /** Position of the index called `name` (case-insensitive). */
  indexPosition(name: string): Result<number> {
    const lower = name.toLowerCase();
    const pos = this.indexes.findIndex((i, p) => i.name.toLowerCase() === lower && !this.droppedPositions.has(p));
    if (pos < 0) {
      const live = this.indexes.filter((_, p) => !this.droppedPositions.has(p)).map((i) => i.name);
      return fail(Code.indexNotFound, `index '${name}' not found (indexes: ${live.join(', ')})`);
    }
    return ok(pos);
  }

  ttl(indexPos: number): Ttl | undefined {
    return this.indexes[indexPos]?.ttl;
  }

  /**
   * Stores a row in every index, or only in those at `indexPositions` (a cluster partition keeps
   * the indexes whose key hashes to it). Each index takes its key from the row and its ts from its
   * ts column, or `insertTsMs` when it has none. Nothing is stored unless everything checks out.
   */
  put(row: Uint8Array, insertTsMs: number, indexPositions?: readonly number[]): Result<void> {
    if (!(row instanceof Uint8Array)) return fail(Code.invalidRow, `put failed: expected row bytes, got ${typeof row}`);
    if (row.length > this.rowBytesMax) {
      return fail(Code.invalidRow, `put failed: row of ${row.length} bytes exceeds the limit of ${this.rowBytesMax} bytes`);
    }
    const valid = this.codec.validateRow(row);
    if (!valid.ok) return fail(Code.invalidRow, `put failed: ${valid.message}`);
    let positions = this.allPositions;
    if (indexPositions !== undefined) {
      const problem = this.positionsProblem(indexPositions);
      if (problem !== undefined) return problem;
      positions = this.droppedPositions.size === 0 ? indexPositions : indexPositions.filter((p) => !this.droppedPositions.has(p));
      if (positions.length === 0) return okVoid;
    }
    const keys = this.scratchKeys;
    const tss = this.scratchTs;
    for (let j = 0; j < positions.length; j++) {
      const index = this.indexes[positions[j]!]!;
      let ts: number;
      if (index.tsCol >= 0) {
        const t = this.codec.readTsMs(row, index.tsCol);
        if (t === null || t < 0 || t > Number.MAX_SAFE_INTEGER) {
          const column = this.schema.columns[index.tsCol]!.name;
          if (t === null) return fail(Code.putFailed, `put failed: index '${index.name}' orders rows by column '${column}', which is NULL in this row`);
          return fail(Code.putFailed, `put failed: index '${index.name}' ts column '${column}' holds ${t}, outside 0..${Number.MAX_SAFE_INTEGER}`);
        }
        ts = t;
      } else {
        if (!Number.isSafeInteger(insertTsMs) || insertTsMs < 0) {
          return fail(Code.putFailed, `put failed: index '${index.name}' has no ts column and the insert time ${insertTsMs} is not a non-negative integer of ms`);
        }
        ts = insertTsMs;
      }
      tss[j] = ts;
      keys[j] = this.codec.readKey(row, index.keyCols);
    }
    const ref = this.slabs.add(row, positions.length);
    if (ref < 0) return fail(Code.exceedMaxMemory, `put failed: the table holds the most slabs it can address (${SLAB_COUNT_MAX})`);
    for (let j = 0; j < positions.length; j++) this.indexes[positions[j]!]!.lists.insert(keys[j]!, ref, tss[j]!);
    return okVoid;
  }

  /** The newest live row of `key`, or with `tsMs` the newest live row whose ts is exactly that. */
  get(indexPos: number, key: string, nowMs: number, tsMs?: number): Result<TsRow | undefined> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    const lists = index.lists;
    const slot = lists.slotOf(key);
    if (slot < 0) return ok(undefined);
    let i = lists.length(slot) - 1;
    if (tsMs !== undefined) {
      i = lists.upperBound(slot, tsMs) - 1;
      if (i < 0 || lists.tsAt(slot, i) !== tsMs) return ok(undefined);
    }
    if (i < this.expired(index, slot, nowMs)) return ok(undefined);
    return ok({ tsMs: lists.tsAt(slot, i), row: this.slabs.view(lists.refAt(slot, i)) });
  }

  /** Live rows of `key` with oldestTsMs <= ts <= newestTsMs (both inclusive), newest first. */
  scan(indexPos: number, key: string, nowMs: number, range: ScanRange = {}): Result<TsRow[]> {
    const failed = this.findSpan(indexPos, key, nowMs, range);
    if (failed !== undefined) return failed;
    const lists = this.indexes[indexPos]!.lists;
    const slot = this.spanSlot;
    const rows = new Array<TsRow>(this.spanCount);
    for (let j = 0, i = this.spanTop; j < rows.length; j++, i--) {
      rows[j] = { tsMs: lists.tsAt(slot, i), row: this.slabs.view(lists.refAt(slot, i)) };
    }
    return ok(rows);
  }

  /**
   * The rows `scan` returns, copied back to back into one buffer (each row's header gives its
   * size) with their ts in the same order: no view per row (the RPC answer's hot path).
   */
  scanPacked(indexPos: number, key: string, nowMs: number, range: ScanRange = {}): Result<PackedRows> {
    const failed = this.findSpan(indexPos, key, nowMs, range);
    if (failed !== undefined) return failed;
    const lists = this.indexes[indexPos]!.lists;
    const slabs = this.slabs;
    const slot = this.spanSlot;
    const top = this.spanTop;
    const tss = new Array<number>(this.spanCount);
    let bytes = 0;
    for (let j = 0; j < tss.length; j++) {
      tss[j] = lists.tsAt(slot, top - j);
      bytes += slabs.rowBytes(lists.refAt(slot, top - j));
    }
    const packed = this.packBuffer(bytes);
    let pos = 0;
    for (let j = 0; j < tss.length; j++) pos = slabs.copyRow(lists.refAt(slot, top - j), packed, pos);
    return ok({ packed, tss });
  }

  /**
   * Fresh bytes for a packed answer: small ones are cut from a shared chunk (a Uint8Array of its
   * own costs about 1 µs; a view, a tenth of that). Bytes handed out are never written again: a
   * chunk is only used forward, and a new one replaces it when full.
   */
  private packBuffer(bytes: number): Uint8Array {
    if (bytes > PACK_CHUNK_BYTES / 4) return new Uint8Array(bytes);
    if (this.packChunk === undefined || this.packChunkUsed + bytes > PACK_CHUNK_BYTES) {
      this.packChunk = new Uint8Array(PACK_CHUNK_BYTES);
      this.packChunkUsed = 0;
    }
    const start = this.packChunkUsed;
    this.packChunkUsed = start + bytes;
    return this.packChunk.subarray(start, start + bytes);
  }

  private packChunk: Uint8Array | undefined;
  private packChunkUsed = 0;

  /** Output of findSpan: the rows of a scan are entries spanTop, spanTop - 1, ... (spanCount of them) of spanSlot. */
  private spanSlot = -1;
  private spanTop = -1;
  private spanCount = 0;

  /** Checks a scan and finds its entries (into spanSlot, spanTop, spanCount), or says why it fails. */
  private findSpan(indexPos: number, key: string, nowMs: number, range: ScanRange): Failure | undefined {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    const limit = range.limit ?? this.scanRowsMax;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.scanRowsMax) {
      return fail(Code.invalidParameter, `scan failed: limit ${limit} is not in 1..${this.scanRowsMax}`);
    }
    this.spanCount = 0;
    const lists = index.lists;
    const slot = lists.slotOf(key);
    if (slot < 0) return undefined;
    const newest = range.newestTsMs ?? Number.POSITIVE_INFINITY;
    const oldest = range.oldestTsMs ?? Number.NEGATIVE_INFINITY;
    if (oldest > newest) return undefined;
    const hi = newest === Number.POSITIVE_INFINITY ? lists.length(slot) : lists.upperBound(slot, newest);
    const lo = Math.max(this.expired(index, slot, nowMs), oldest === Number.NEGATIVE_INFINITY ? 0 : lists.lowerBound(slot, oldest));
    if (range.limit === undefined && hi - lo > limit) {
      return fail(
        Code.tooManyRows,
        `scan failed: key '${key}' of index '${index.name}' has ${hi - lo} rows in the range, more than the ${limit} one scan returns; give a limit or a narrower range`,
      );
    }
    this.spanSlot = slot;
    this.spanTop = hi - 1;
    this.spanCount = Math.max(0, Math.min(limit, hi - lo));
    return undefined;
  }

  /** Rows of `key`; live ones only unless `filterExpired` is false. */
  count(indexPos: number, key: string, nowMs: number, filterExpired = true): Result<number> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    const slot = index.lists.slotOf(key);
    if (slot < 0) return ok(0);
    return ok(index.lists.length(slot) - (filterExpired ? this.expired(index, slot, nowMs) : 0));
  }

  /** Keys of an index in storage order; with `nowMs`, only keys that still have a live row. */
  keys(indexPos: number, nowMs?: number): Result<IterableIterator<string>> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    return ok(this.keysOf(index, nowMs));
  }

  private *keysOf(index: IndexState, nowMs: number | undefined): IterableIterator<string> {
    const lists = index.lists;
    for (let slot = lists.nextSlot(0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
      if (nowMs !== undefined && this.expired(index, slot, nowMs) === lists.length(slot)) continue;
      yield lists.keyOf(slot)!;
    }
  }

  /**
   * A page of all live rows of an index: key by key in storage order (stable, not sorted), each
   * key's rows newest first. Pass the returned cursor to continue; rows added meanwhile to keys
   * already passed are not seen.
   */
  traverse(indexPos: number, nowMs: number, limit: number, cursor?: TraverseCursor): Result<TraversePage> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    if (!Number.isInteger(limit) || limit < 1 || limit > this.scanRowsMax) {
      return fail(Code.invalidParameter, `traverse failed: limit ${limit} is not in 1..${this.scanRowsMax}`);
    }
    const lists = index.lists;
    const rows: KeyedTsRow[] = [];
    let lastKey = cursor?.key;
    let lastTs = cursor?.tsMs ?? 0;
    let sameTs = cursor?.sameTsSeen ?? 0;
    for (let slot = lists.nextSlot(cursor?.slot ?? 0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
      const key = lists.keyOf(slot)!;
      const expired = this.expired(index, slot, nowMs);
      let i = lists.length(slot) - 1;
      if (cursor !== undefined && slot === cursor.slot) {
        if (key === cursor.key) {
          // skip the rows with the cursor's ts already returned (fewer if some were deleted since)
          const sameTsStart = lists.lowerBound(slot, cursor.tsMs);
          i = Math.max(lists.upperBound(slot, cursor.tsMs) - 1 - cursor.sameTsSeen, sameTsStart - 1);
        } else {
          lastKey = undefined;
        }
      }
      for (; i >= expired; i--) {
        const tsMs = lists.tsAt(slot, i);
        if (rows.length === limit) return ok({ rows, next: { slot, key: lastKey!, tsMs: lastTs, sameTsSeen: sameTs } });
        if (key === lastKey && tsMs === lastTs) sameTs++;
        else sameTs = 1;
        lastKey = key;
        lastTs = tsMs;
        rows.push({ key, tsMs, row: this.slabs.view(lists.refAt(slot, i)) });
      }
    }
    return ok({ rows });
  }

  /** Deletes every row of `key`, from every index of the table. Returns the number of rows. */
  deleteKey(indexPos: number, key: string): Result<number> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    const slot = index.lists.slotOf(key);
    if (slot < 0) return ok(0);
    return ok(this.removeEntries(indexPos, slot, 0, index.lists.length(slot)));
  }

  /**
   * Deletes the rows of `key` with toTsMs < ts <= fromTsMs (the reference's [ts, end_ts) read
   * newest first: `fromTsMs` is the newer bound and is included; without `toTsMs` every row at or
   * before `fromTsMs` goes), from every index of the table. Returns the number of rows.
   */
  deleteRange(indexPos: number, key: string, fromTsMs: number, toTsMs?: number): Result<number> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    if (typeof fromTsMs !== 'number' || Number.isNaN(fromTsMs) || (toTsMs !== undefined && (typeof toTsMs !== 'number' || Number.isNaN(toTsMs)))) {
      return fail(Code.invalidParameter, `delete failed: ts bounds ${fromTsMs} and ${toTsMs} must be numbers`);
    }
    if (toTsMs !== undefined && toTsMs > fromTsMs) {
      return fail(Code.invalidParameter, `delete failed: the newer bound ${fromTsMs} is older than the older bound ${toTsMs}`);
    }
    const lists = index.lists;
    const slot = lists.slotOf(key);
    if (slot < 0) return ok(0);
    const hi = lists.upperBound(slot, fromTsMs);
    const lo = toTsMs === undefined ? 0 : lists.upperBound(slot, toTsMs);
    return ok(this.removeEntries(indexPos, slot, lo, hi));
  }

  /** Drops TTL-expired entries of every index, frees dead rows, compacts sparse slabs. */
  gc(nowMs: number): GcResult {
    let expiredEntries = 0;
    let freedRows = 0;
    for (const index of this.indexes) {
      if (!index.expires) continue;
      const lists = index.lists;
      for (let slot = lists.nextSlot(0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
        const n = this.expired(index, slot, nowMs);
        if (n === 0) continue;
        for (let i = 0; i < n; i++) if (this.slabs.release(lists.refAt(slot, i))) freedRows++;
        lists.removeRange(slot, 0, n);
        expiredEntries += n;
      }
    }
    const reclaimBytesMin = Math.max(this.slabs.slabBytes, this.slabs.allocatedBytes * COMPACT_RECLAIM_FRACTION_MIN);
    const compaction = this.slabs.compact(this.compactLiveFractionMax, reclaimBytesMin, (move) => {
      for (const index of this.indexes) index.lists.rewriteRefs(move);
    });
    return { expiredEntries, freedRows, compactedSlabs: compaction.slabsFreed, relocatedRows: compaction.rowsMoved };
  }

  /**
   * Appends an index (positions of the existing ones do not move) and returns its position. The
   * new index starts empty: rows stored before it are not in it until they are put again with
   * `indexPositions: [position]` (the tablet's backfill). Rows put afterwards without
   * `indexPositions` go into every index, the new one included.
   */
  addIndex(def: IndexDef): Result<number> {
    const bad = (what: string): Failure => fail(Code.invalidParameter, `add index '${def.name}' failed: ${what}`);
    if (this.indexes.length >= INDEXES_PER_TABLE_MAX) return bad(`the table already has ${INDEXES_PER_TABLE_MAX} indexes`);
    const problem = indexProblem(this.schema, def);
    if (problem !== undefined) return bad(problem);
    if (this.indexes.some((i, p) => i.name.toLowerCase() === def.name.toLowerCase() && !this.droppedPositions.has(p))) {
      return bad('the table already has an index of that name');
    }
    // A one-index table stores rows without a holder count; a second index needs one.
    if (this.slabs.prefixBytes === 0) this.countRowHolders();
    this.schema = { columns: this.schema.columns, indexes: [...this.schema.indexes, def] };
    this.indexes.push(this.newIndex(def, this.keyListChunkSlots));
    this.allPositions = this.indexes.map((_, i) => i).filter((p) => !this.droppedPositions.has(p));
    return ok(this.indexes.length - 1);
  }

  /**
   * Drops the index at `position` (DROP INDEX): its key lists go and every row it held loses a
   * holder (a row no other index holds is freed). The position stays taken, so the others never
   * move: puts skip it from now on, `indexPosition` no longer finds its name, and reads through
   * the position find nothing (the tablet refuses them before they get here). The first index
   * cannot be dropped (every row of a partition is stored under it). Dropping it again is a no-op.
   * `create` builds indexes the schema marks dropped like the others (a replay of entries written
   * before the drop may need them): the loader drops them once the table is loaded.
   */
  dropIndex(position: number): Result<void> {
    const index = this.indexes[position];
    if (index === undefined) return this.noIndex(position);
    if (this.droppedPositions.has(position)) return okVoid;
    if (position === 0) return fail(Code.invalidParameter, `drop index '${index.name}' failed: the first index of a table cannot be dropped`);
    assert(this.slabs.prefixBytes === 1, 'a table of several indexes counts the holders of its rows');
    const lists = index.lists;
    for (let slot = lists.nextSlot(0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
      const n = lists.length(slot);
      for (let i = 0; i < n; i++) this.slabs.release(lists.refAt(slot, i));
    }
    const empty = new KeyLists({ storesTs: index.tsCol < 0, chunkSlots: 16, tsOfRef: () => 0 });
    this.indexes[position] = { ...index, expires: false, lists: empty };
    this.droppedPositions.add(position);
    this.allPositions = this.allPositions.filter((p) => p !== position);
    return okVoid;
  }

  isDropped(position: number): boolean {
    return this.droppedPositions.has(position);
  }

  /** Copies every row into a store with a holder count per row (each row is held by its one index). */
  private countRowHolders(): void {
    const from = this.slabs;
    const to = new SlabStore(from.slabBytes, 1);
    for (const index of this.indexes) {
      index.lists.rewriteRefs((ref) => {
        const moved = to.add(from.view(ref), 1);
        assert(moved >= 0, 'adding an index ran out of slab ids while copying rows');
        return moved;
      });
    }
    this.slabs = to;
  }

  /**
   * Visits every stored row once (a row several indexes hold is visited once), expired or not:
   * index by index (those without a ts column first), key by key in storage order, each key's
   * rows oldest first. With `heldBy`, only the rows that index holds, in its order. `insertTsMs`
   * is the row's insert time when an index without a ts column holds it, else undefined (indexes
   * with a ts column do not keep it). The visitor must not modify the table.
   */
  forEachRow(visit: (row: Uint8Array, insertTsMs: number | undefined) => void, heldBy?: number): Result<void> {
    if (heldBy !== undefined) {
      const index = this.indexes[heldBy];
      if (index === undefined) return this.noIndex(heldBy);
      let insertTimes: Map<number, number> | undefined;
      if (index.tsCol >= 0 && this.indexes.some((i) => i.tsCol < 0)) {
        insertTimes = new Map();
        for (const other of this.indexes) if (other.tsCol < 0) this.walkIndex(other, (ref, ts) => insertTimes!.set(ref, ts));
      }
      this.walkIndex(index, (ref, ts) => visit(this.slabs.view(ref), index.tsCol < 0 ? ts : insertTimes?.get(ref)));
      return okVoid;
    }
    const shared = this.slabs.prefixBytes === 1;
    const seen = new Map<number, Uint8Array>();
    const firstVisit = (ref: number): boolean => {
      if (!shared) return true;
      const id = slabOf(ref);
      let bits = seen.get(id);
      if (bits === undefined) {
        bits = new Uint8Array((this.slabs.slab(ref).length >>> 3) + 1);
        seen.set(id, bits);
      }
      const at = offsetOf(ref);
      const mask = 1 << (at & 7);
      if ((bits[at >>> 3]! & mask) !== 0) return false;
      bits[at >>> 3]! |= mask;
      return true;
    };
    const order = [...this.indexes].sort((a, b) => Number(a.tsCol >= 0) - Number(b.tsCol >= 0));
    for (const index of order) {
      this.walkIndex(index, (ref, ts) => {
        if (firstVisit(ref)) visit(this.slabs.view(ref), index.tsCol < 0 ? ts : undefined);
      });
    }
    return okVoid;
  }

  /** Every entry of an index: its row reference and ts, key by key, oldest first. */
  private walkIndex(index: IndexState, visit: (ref: number, tsMs: number) => void): void {
    const lists = index.lists;
    for (let slot = lists.nextSlot(0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
      const n = lists.length(slot);
      for (let i = 0; i < n; i++) visit(lists.refAt(slot, i), lists.tsAt(slot, i));
    }
  }

  /** Changes an index's TTL (the setttl command); reads use it at once, gc frees accordingly. */
  setTtl(indexPos: number, ttl: Ttl): Result<void> {
    const index = this.indexes[indexPos];
    if (index === undefined) return this.noIndex(indexPos);
    const problem = ttlError(ttl);
    if (problem !== undefined) return fail(Code.invalidParameter, `setttl failed: ${problem}`);
    index.ttl = { type: ttl.type, absMinutes: ttl.absMinutes, latCount: ttl.latCount };
    index.expires = ttlExpires(index.ttl);
    return okVoid;
  }

  stats(): MemTableStats {
    let memBytes = this.slabs.allocatedBytes;
    for (const index of this.indexes) memBytes += index.lists.memBytes();
    return {
      rowCount: this.slabs.liveRows,
      keyCount: this.indexes.map((i) => i.lists.keyCount),
      entryCount: this.indexes.map((i) => i.lists.entryCount),
      memBytes,
    };
  }

  /** Checks that indexes, reference counts and slab accounting agree (tests; O(rows)). */
  checkInvariants(): void {
    const holders = new Map<number, number>();
    for (const index of this.indexes) {
      index.lists.checkInvariants();
      const lists = index.lists;
      for (let slot = lists.nextSlot(0); slot >= 0; slot = lists.nextSlot(slot + 1)) {
        for (let i = 0; i < lists.length(slot); i++) {
          const ref = lists.refAt(slot, i);
          holders.set(ref, (holders.get(ref) ?? 0) + 1);
        }
      }
    }
    let liveBytes = 0;
    for (const [ref, count] of holders) {
      const slab = this.slabs.slab(ref);
      if (slab === undefined) throw new Error(`row ${ref} points into a freed slab`);
      const start = offsetOf(ref);
      if (this.slabs.prefixBytes === 1 && slab[start - 1] !== count) {
        throw new Error(`row ${ref} is held by ${count} indexes but counts ${slab[start - 1]}`);
      }
      liveBytes += RowCodec.rowBytes(slab, start) + this.slabs.prefixBytes;
    }
    if (holders.size !== this.slabs.liveRows) throw new Error(`${holders.size} rows referenced, ${this.slabs.liveRows} counted live`);
    if (liveBytes !== this.slabs.liveBytesTotal) throw new Error(`${liveBytes} live bytes referenced, ${this.slabs.liveBytesTotal} counted`);
  }

  private newIndex(def: IndexDef, chunkSlots: number): IndexState {
    const keyCols = def.keyColumns.map((c) => columnIndex(this.schema, c));
    const tsCol = def.tsColumn === undefined ? -1 : columnIndex(this.schema, def.tsColumn);
    const codec = this.codec;
    const tsOfRef = (ref: number): number => codec.readTsMsAt(this.slabs.slab(ref), offsetOf(ref), tsCol)!;
    const lists = new KeyLists({ storesTs: tsCol < 0, chunkSlots, tsOfRef });
    const ttl = { type: def.ttl.type, absMinutes: def.ttl.absMinutes, latCount: def.ttl.latCount };
    return { name: def.name, keyCols, tsCol, ttl, expires: ttlExpires(ttl), lists };
  }

  /** How many of the oldest entries of a slot are expired at `nowMs`. */
  private expired(index: IndexState, slot: number, nowMs: number): number {
    if (!index.expires) return 0;
    const ttl = index.ttl;
    const lists = index.lists;
    const pastAbsolute = usesAbsolute(ttl) ? lists.upperBound(slot, absoluteCutoffMs(ttl, nowMs)) : 0;
    return expiredCount(ttl, lists.length(slot), pastAbsolute);
  }

  /** Removes entries [from, to) of a slot, and the same rows from the table's other indexes. */
  private removeEntries(indexPos: number, slot: number, from: number, to: number): number {
    const lists = this.indexes[indexPos]!.lists;
    const count = to - from;
    if (count <= 0) return 0;
    const refs = new Array<number>(count);
    for (let k = 0; k < count; k++) refs[k] = lists.refAt(slot, from + k);
    lists.removeRange(slot, from, to);
    for (const ref of refs) {
      if (this.slabs.release(ref)) continue;
      for (let other = 0; other < this.indexes.length; other++) {
        if (other !== indexPos && this.removeFromIndex(this.indexes[other]!, ref)) break;
      }
    }
    return count;
  }

  /** Removes a row from an index if it is there; returns true when that freed the row. */
  private removeFromIndex(index: IndexState, ref: number): boolean {
    const slab = this.slabs.slab(ref);
    const start = offsetOf(ref);
    const lists = index.lists;
    const slot = lists.slotOf(this.codec.readKeyAt(slab, start, index.keyCols));
    if (slot < 0) return false;
    const ts = index.tsCol >= 0 ? (this.codec.readTsMsAt(slab, start, index.tsCol) ?? undefined) : undefined;
    const i = lists.indexOfRef(slot, ref, ts);
    if (i < 0) return false;
    lists.removeRange(slot, i, i + 1);
    return this.slabs.release(ref);
  }

  private positionsProblem(positions: readonly number[]): Failure | undefined {
    for (let j = 0; j < positions.length; j++) {
      const p = positions[j]!;
      if (!Number.isInteger(p) || p < 0 || p >= this.indexes.length) {
        return fail(Code.indexNotFound, `put failed: index position ${p} is not in 0..${this.indexes.length - 1}`);
      }
      for (let k = 0; k < j; k++) {
        if (positions[k] === p) return fail(Code.invalidParameter, `put failed: index position ${p} is given twice`);
      }
    }
    return undefined;
  }

  private noIndex(indexPos: number): Failure {
    return fail(Code.indexNotFound, `index position ${indexPos} not found (the table has ${this.indexes.length} indexes)`);
  }
}

function indexProblem(schema: TableSchema, index: IndexDef): string | undefined {
  if (index.keyColumns.length === 0) return 'no key column';
  for (const c of index.keyColumns) if (columnIndex(schema, c) < 0) return `key column '${c}' is not a column of the table`;
  if (index.tsColumn !== undefined) {
    const ts = columnIndex(schema, index.tsColumn);
    if (ts < 0) return `ts column '${index.tsColumn}' is not a column of the table`;
    const type = schema.columns[ts]!.type;
    if (type !== 'bigint' && type !== 'timestamp') return `ts column '${index.tsColumn}' is ${type}, not bigint or timestamp`;
  }
  return ttlError(index.ttl);
}
