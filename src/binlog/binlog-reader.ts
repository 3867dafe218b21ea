import type { Crc32Fn } from '../base/crc32.js';
import { Code, type Result, fail, ok } from '../base/status.js';
import { type Disk, type FileHandle, joinPath } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';
import { type SegmentCheckpoint, type SegmentInfo, type TornTailReport, describeError, listSegments, openLayout } from './binlog-layout.js';
import { type ScanOptions, type ScanState, plausibleFrameLength, scanFrames } from './frame-scan.js';
import type { LogEntry } from './log-entry.js';
import { PositionsInterner } from './positions-interner.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, decodeSegmentHeader, parseSegmentFileName } from './segment-format.js';

export interface BinlogReaderOptions {
  readonly disk: Disk;
  readonly dir: string;
  readonly crc32: Crc32Fn;
  readonly logger: Logger;
  /**
   * Verify the last segment at open and truncate a torn tail (recovery: no writer may have the
   * directory open). Without it the reader never modifies anything and treats an incomplete record
   * at the very end of the log as a write still in progress.
   */
  readonly repairTail: boolean;
  /** Bytes per read (default 1 MiB). */
  readonly readChunkBytes?: number;
}

export interface BinlogReadReport {
  readonly segments: number;
  /** Oldest offset the log holds (0 when it has no segment). */
  readonly firstOffset: number;
  /** Offset of the last entry; only known after a repairing open. */
  readonly lastOffset?: number;
  readonly tornTail?: TornTailReport;
}

export interface ForEachOptions {
  /** Last offset to visit (default: to the end of the log). */
  readonly toOffset?: number;
  readonly afterRead?: () => Promise<void>;
}

export interface ForEachResult {
  readonly count: number;
  /** Offset of the last entry read (fromOffset - 1 when none). */
  readonly lastOffset: number;
}

interface Cursor {
  segmentIndex: number;
  handle: FileHandle;
  path: string;
  /** File position of the next frame. */
  filePos: number;
  nextOffset: number;
  buf: Uint8Array;
  view: DataView;
  /** File position of buf[0]. */
  bufStart: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads entries of one replica's binlog in offset order: `forEach` for recovery and snapshots
 * (synchronous callback per entry, large reads), `readFrom` for a replication reader that tails
 * the live log (it keeps its position, sees entries and segments appended after it opened, and
 * stops quietly at a record still being written). Offsets must be dense: a gap, or damage
 * anywhere but a repaired tail, fails with code corruption naming the file and byte.
 */
export class BinlogReader {
  readonly #o: BinlogReaderOptions;
  readonly #chunkBytes: number;
  readonly #segments: SegmentInfo[];
  readonly #interner = new PositionsInterner();
  /** Verified positions inside segments (by name), so seeking need not rescan from the start. */
  readonly #checkpoints = new Map<string, readonly SegmentCheckpoint[]>();
  #tail: Cursor | undefined;

  private constructor(options: BinlogReaderOptions, segments: SegmentInfo[]) {
    this.#o = options;
    this.#chunkBytes = options.readChunkBytes ?? 1024 * 1024;
    this.#segments = segments;
  }

  static async open(options: BinlogReaderOptions): Promise<Result<{ reader: BinlogReader; report: BinlogReadReport }>> {
    const { disk, dir, crc32, logger } = options;
    if (options.repairTail) {
      const layout = await openLayout({ disk, dir, crc32, logger, readChunkBytes: options.readChunkBytes ?? 4 * 1024 * 1024 });
      if (!layout.ok) return layout;
      const segments = [...layout.value.segments];
      const report: BinlogReadReport = {
        segments: segments.length,
        firstOffset: segments[0]?.firstOffset ?? 0,
        lastOffset: layout.value.lastOffset,
        ...(layout.value.tornTail ? { tornTail: layout.value.tornTail } : {}),
      };
      const reader = new BinlogReader(options, segments);
      const last = segments[segments.length - 1];
      if (last) reader.#checkpoints.set(last.name, layout.value.lastSegmentCheckpoints);
      return ok({ reader, report });
    }
    const listed = await listSegments(disk, dir, crc32);
    if (!listed.ok) return listed;
    const broken = listed.value.brokenLast;
    if (broken && broken.size >= SEGMENT_HEADER_BYTES) {
      return fail(Code.corruption, `binlog segment ${joinPath(dir, broken.name)} is corrupt at byte 0: ${broken.reason}`);
    }
    const segments = [...listed.value.segments];
    return ok({ reader: new BinlogReader(options, segments), report: { segments: segments.length, firstOffset: segments[0]?.firstOffset ?? 0 } });
  }

  /** Oldest offset the log held when last listed (0 without segments). */
  get firstOffset(): number {
    return this.#segments[0]?.firstOffset ?? 0;
  }

  /**
   * Calls `visit` for every entry with offset in [fromOffset, toOffset] (to the end of the log by
   * default), in order. Ends early, without error, where the log ends. `afterRead` is awaited
   * after the entries of each read were visited (a consumer can write them out meanwhile).
   */
  async forEach(fromOffset: number, visit: (entry: LogEntry) => void, options: ForEachOptions = {}): Promise<Result<ForEachResult>> {
    const from = Math.max(1, fromOffset);
    const sought = await this.#seek(from);
    if (!sought.ok) return sought;
    const cursor = sought.value;
    if (!cursor) return ok({ count: 0, lastOffset: from - 1 });
    try {
      let lastOffset = from - 1;
      const counting = (entry: LogEntry): void => {
        lastOffset = entry.offset;
        visit(entry);
      };
      const limits = { fromOffset: from, toOffset: options.toOffset ?? Number.POSITIVE_INFINITY, maxEntries: Number.POSITIVE_INFINITY, visit: counting };
      const run = await this.#run(cursor, limits, options.afterRead);
      if (!run.ok) return run;
      return ok({ count: run.value, lastOffset });
    } finally {
      await cursor.handle.close().catch(() => undefined);
    }
  }

  /**
   * Up to `maxEntries` entries starting at `offset` (fewer, possibly none, at the end of the log).
   * Sequential calls continue where the previous one stopped without seeking.
   */
  async readFrom(offset: number, maxEntries: number): Promise<Result<LogEntry[]>> {
    const entries: LogEntry[] = [];
    let cursor = this.#tail;
    if (!cursor || cursor.nextOffset !== offset) {
      if (cursor) await cursor.handle.close().catch(() => undefined);
      this.#tail = undefined;
      const sought = await this.#seek(Math.max(1, offset));
      if (!sought.ok) return sought;
      if (!sought.value) return ok(entries);
      cursor = this.#tail = sought.value;
    }
    const run = await this.#run(cursor, { fromOffset: offset, toOffset: Number.POSITIVE_INFINITY, maxEntries, visit: (e) => entries.push(e) });
    if (!run.ok) {
      await cursor.handle.close().catch(() => undefined);
      this.#tail = undefined;
      return run;
    }
    return ok(entries);
  }

  async close(): Promise<void> {
    await this.#tail?.handle.close().catch(() => undefined);
    this.#tail = undefined;
  }

  /** A cursor at the start of the segment holding `offset`; undefined when the log has no segment. */
  async #seek(offset: number): Promise<Result<Cursor | undefined>> {
    if (this.#segments.length === 0 || offset >= this.#segments[this.#segments.length - 1]!.firstOffset) {
      const refreshed = await this.#refreshSegments();
      if (!refreshed.ok) return refreshed;
    }
    if (this.#segments.length === 0) return ok(undefined);
    let index = this.#segments.length - 1;
    while (index > 0 && this.#segments[index]!.firstOffset > offset) index--;
    const segment = this.#segments[index]!;
    if (segment.firstOffset > offset) {
      return fail(Code.unavailable, `binlog ${this.#o.dir} no longer holds offset ${offset}: its oldest entry is ${segment.firstOffset}`);
    }
    const opened = await this.#openSegment(index);
    if (!opened.ok) return opened;
    let best: SegmentCheckpoint | undefined;
    for (const checkpoint of this.#checkpoints.get(segment.name) ?? []) {
      if (checkpoint.offset > offset) break;
      best = checkpoint;
    }
    if (best) {
      opened.value.filePos = opened.value.bufStart = best.filePos;
      opened.value.nextOffset = best.offset;
    }
    return opened;
  }

  async #openSegment(index: number): Promise<Result<Cursor>> {
    const segment = this.#segments[index]!;
    const path = joinPath(this.#o.dir, segment.name);
    try {
      if (!(await this.#o.disk.exists(path))) {
        return fail(Code.unavailable, `binlog ${this.#o.dir} no longer holds offset ${segment.firstOffset}: ${segment.name} was deleted`);
      }
      const handle = await this.#o.disk.open(path, 'read');
      return ok({
        segmentIndex: index,
        handle,
        path,
        filePos: SEGMENT_HEADER_BYTES,
        nextOffset: segment.firstOffset,
        buf: EMPTY,
        view: new DataView(EMPTY.buffer),
        bufStart: SEGMENT_HEADER_BYTES,
      });
    } catch (error) {
      return fail(Code.ioError, `opening binlog segment ${path} failed: ${describeError(error)}`);
    }
  }

  /** Adds segments created since the last listing (a live log rolls). */
  async #refreshSegments(): Promise<Result<void>> {
    const { disk, dir, crc32 } = this.#o;
    try {
      if (!(await disk.exists(dir))) return ok(undefined);
      const knownSequence = this.#segments[this.#segments.length - 1]?.sequence ?? -1;
      const fresh = (await disk.list(dir))
        .map((e) => ({ name: e.name, sequence: e.isDirectory ? undefined : parseSegmentFileName(e.name) }))
        .filter((e): e is { name: string; sequence: number } => e.sequence !== undefined && e.sequence > knownSequence)
        .sort((a, b) => a.sequence - b.sequence);
      for (const { name, sequence } of fresh) {
        const path = joinPath(dir, name);
        const handle = await disk.open(path, 'read');
        const bytes = await handle.read(0, SEGMENT_HEADER_BYTES).finally(() => handle.close());
        if (bytes.length < SEGMENT_HEADER_BYTES && name === fresh[fresh.length - 1]!.name) break; // still being created
        const header = decodeSegmentHeader(bytes, crc32);
        if (typeof header === 'string') return fail(Code.corruption, `binlog segment ${path} is corrupt at byte 0: ${header}`);
        this.#segments.push({ sequence, name, firstOffset: header.firstOffset });
      }
      return ok(undefined);
    } catch (error) {
      return fail(Code.ioError, `listing binlog segments in ${dir} failed: ${describeError(error)}`);
    }
  }

  /** Scans from the cursor, crossing segments, until a limit, the end of the log or damage. */
  async #run(cursor: Cursor, limits: Omit<ScanOptions, 'crc32' | 'interner'>, afterRead?: () => Promise<void>): Promise<Result<number>> {
    const options: ScanOptions = { ...limits, crc32: this.#o.crc32, interner: this.#interner };
    const counts = { visited: 0 };
    const state: ScanState = { pos: 0, nextOffset: 0 };
    try {
      while (true) {
        state.pos = cursor.filePos - cursor.bufStart;
        state.nextOffset = cursor.nextOffset;
        const stop = scanFrames(cursor.buf, cursor.view, cursor.buf.length, state, options, counts);
        cursor.filePos = cursor.bufStart + state.pos;
        cursor.nextOffset = state.nextOffset;
        if (stop.kind === 'limit') return ok(counts.visited);
        if (stop.kind === 'bad') {
          return fail(Code.corruption, `binlog segment ${cursor.path} is corrupt at byte ${cursor.filePos}: ${stop.problem}: ${stop.detail}`);
        }
        if (afterRead && counts.visited > 0) await afterRead();
        const held = cursor.buf.length - state.pos;
        const frameBytes = plausibleFrameLength(cursor.buf, state.pos);
        const chunk = await cursor.handle.read(cursor.filePos, Math.max(this.#chunkBytes, frameBytes < 0 ? FRAME_HEADER_BYTES : frameBytes));
        if (chunk.length > held) {
          cursor.buf = chunk;
          cursor.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          cursor.bufStart = cursor.filePos;
          continue;
        }
        // No new bytes in this segment: move to the next one, or this is the end of the log.
        const moved = await this.#nextSegment(cursor, chunk.length);
        if (!moved.ok) return moved;
        if (!moved.value) return ok(counts.visited);
      }
    } catch (error) {
      return fail(Code.ioError, `reading binlog segment ${cursor.path} failed: ${describeError(error)}`);
    }
  }

  /** Moves the cursor to the next segment; false when the current one is the newest. */
  async #nextSegment(cursor: Cursor, leftoverBytes: number): Promise<Result<boolean>> {
    if (cursor.segmentIndex === this.#segments.length - 1) {
      const refreshed = await this.#refreshSegments();
      if (!refreshed.ok) return refreshed;
      if (cursor.segmentIndex === this.#segments.length - 1) return ok(false);
      // A newer segment exists, so the writer finished this one before creating it: look once more.
      const final = await cursor.handle.read(cursor.filePos, leftoverBytes + 1);
      if (final.length > leftoverBytes) return ok(true);
    }
    if (leftoverBytes > 0) {
      return fail(
        Code.corruption,
        `binlog segment ${cursor.path} is corrupt at byte ${cursor.filePos}: incomplete record (${leftoverBytes} bytes) at the end of a finished segment`,
      );
    }
    const next = this.#segments[cursor.segmentIndex + 1]!;
    if (next.firstOffset !== cursor.nextOffset) {
      return fail(
        Code.corruption,
        `binlog ${this.#o.dir} has a gap: ${cursor.path} ends before offset ${cursor.nextOffset} but ${next.name} starts at offset ${next.firstOffset}`,
      );
    }
    const opened = await this.#openSegment(cursor.segmentIndex + 1);
    if (!opened.ok) return opened;
    await cursor.handle.close();
    Object.assign(cursor, opened.value);
    return ok(true);
  }
}
