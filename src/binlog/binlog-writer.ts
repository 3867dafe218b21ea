import { assert } from '../base/assert.js';
import type { Crc32Fn } from '../base/crc32.js';
import { Code, type Failure, type Result, fail, ok, okVoid } from '../base/status.js';
import type { TimerHandle, Timers } from '../ports/clock.js';
import { type Disk, type FileHandle, joinPath } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';
import { type BinlogLayout, type SegmentInfo, type TornTailReport, describeError, openLayout } from './binlog-layout.js';
import { encodeEntry, encodedEntryBytes } from './entry-codec.js';
import { crc32Range } from './frame-crc.js';
import type { LogEntry, NewLogEntry } from './log-entry.js';
import {
  FRAME_HEADER_BYTES,
  PAYLOAD_BYTES_MAX,
  SEGMENT_HEADER_BYTES,
  encodeSegmentHeader,
  segmentFileName,
  writeFrameHeader,
} from './segment-format.js';

export interface BinlogWriterOptions {
  readonly disk: Disk;
  readonly dir: string;
  readonly timers: Timers;
  readonly crc32: Crc32Fn;
  readonly logger: Logger;
  /** Roll to a new segment once the current one holds this many bytes (binlog_single_file_max_size). */
  readonly segmentBytesMax: number;
  /** fsync period (binlog_sync_to_disk_interval); unused with `syncEveryWrite`. */
  readonly syncIntervalMs: number;
  /** fsync every batch before resolving anyone waiting on it. */
  readonly syncEveryWrite: boolean;
  /** Bytes appended but not yet written to the file above which `append` refuses (back-pressure). */
  readonly bufferBytesMax: number;
  /**
   * Offset the table's snapshot covers (default 0). A log that ends before it is entirely covered
   * and replaced by an empty one starting right after it; a log that starts after `snapshotOffset + 1`
   * leaves a gap and fails to open.
   */
  readonly snapshotOffset?: number;
  /** Limit on pending `whenDurable`/`whenFlushed` calls (default 1,048,576). */
  readonly waitersMax?: number;
  /** Bytes per read while verifying the last segment at open (default 4 MiB). */
  readonly readChunkBytes?: number;
  /**
   * The directory's layout as `openLayout` verified (and repaired) it just before, with nothing
   * written since (recovery hands over what its replay checked): open then skips its own scan.
   */
  readonly layout?: BinlogLayout;
}

export interface BinlogOpenReport {
  /** Offset of the oldest entry still in the log (lastOffset + 1 when the log is empty). */
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly segments: number;
  readonly tornTail?: TornTailReport;
  /** Segments removed because the snapshot covers all they hold. */
  readonly discardedSegments?: readonly string[];
}

interface Batch {
  buf: Uint8Array;
  view: DataView;
  used: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch starts a new segment. */
  readonly rollBefore: boolean;
}

interface Waiter {
  readonly offset: number;
  readonly resolve: (result: Result<void>) => void;
}

const BATCH_BYTES_INITIAL = 64 * 1024;
/** A batch stops growing here and the next append starts a new one (bounds copying on growth). */
const BATCH_BYTES_MAX = 1024 * 1024;
const WAITERS_MAX_DEFAULT = 1 << 20;
/** Batches up to this size are written with appendSync when the disk has it. */
const SYNC_WRITE_BYTES_MAX = 16 * 1024;

/**
 * Appends entries to the segment files of one replica's binlog. `append` is synchronous: it
 * assigns the next offset and encodes the entry into an in-memory batch. A single I/O loop writes
 * each batch with one append call (group commit), syncs on the configured policy, and rolls to a
 * new segment at batch boundaries after syncing the old one (so only the newest segment can ever
 * have a torn tail). Any I/O error is sticky: the writer refuses further appends and fails every
 * waiter; reopen the directory to recover.
 *
 * Invariant: durableOffset <= flushedOffset <= lastOffset.
 */
export class BinlogWriter {
  readonly #o: BinlogWriterOptions;
  readonly #waitersMax: number;
  readonly #segments: SegmentInfo[];
  #handle: FileHandle;
  #lastOffset: number;
  #flushedOffset: number;
  #durableOffset: number;
  /** Bytes and entries of the segment the newest batch goes to. */
  #segmentBytes: number;
  #segmentEntries: number;
  readonly #pending: Batch[] = [];
  /**
   * A written batch buffer of the initial size, kept for the next batch: with one write in flight
   * every append starts a batch, and a fresh zero-filled 64 KiB buffer per put is most of its cost.
   */
  #spare: { buf: Uint8Array; view: DataView } | undefined;
  #unflushedBytes = 0;
  #syncWanted = 0;
  #pumping = false;
  #kickScheduled = false;
  #failure: Failure | undefined;
  #closed = false;
  /** close() has started: appends are refused while it flushes. */
  #closing = false;
  #closeResult: Promise<Result<void>> | undefined;
  #timer: TimerHandle | undefined;
  readonly #durableWaiters: Waiter[] = [];
  readonly #flushedWaiters: Waiter[] = [];
  /** Serializes deleteSegmentsBelow calls. */
  #deletion: Promise<void> = Promise.resolve();

  private constructor(options: BinlogWriterOptions, segments: SegmentInfo[], handle: FileHandle, lastOffset: number, segmentBytes: number) {
    this.#o = options;
    this.#waitersMax = options.waitersMax ?? WAITERS_MAX_DEFAULT;
    this.#segments = segments;
    this.#handle = handle;
    this.#lastOffset = lastOffset;
    this.#flushedOffset = lastOffset;
    this.#durableOffset = lastOffset;
    this.#segmentBytes = segmentBytes;
    this.#segmentEntries = lastOffset - segments[segments.length - 1]!.firstOffset + 1;
    if (!options.syncEveryWrite) {
      this.#timer = options.timers.every(options.syncIntervalMs, () => this.#requestSync(this.#lastOffset));
    }
  }

  /** Opens (creating when missing) the binlog in `options.dir`, repairing a torn tail. */
  static async open(options: BinlogWriterOptions): Promise<Result<{ writer: BinlogWriter; report: BinlogOpenReport }>> {
    const problem = checkOptions(options);
    if (problem) return fail(Code.invalidParameter, `opening binlog ${options.dir} failed: ${problem}`);
    const { disk, dir, crc32, logger } = options;
    const snapshotOffset = options.snapshotOffset ?? 0;
    try {
      await disk.mkdirp(dir);
    } catch (error) {
      return fail(Code.ioError, `opening binlog ${dir} failed: ${describeError(error)}`);
    }
    const layout = options.layout
      ? ok(options.layout)
      : await openLayout({ disk, dir, crc32, logger, readChunkBytes: options.readChunkBytes ?? 4 * 1024 * 1024 });
    if (!layout.ok) return layout;
    const segments = [...layout.value.segments];
    let lastOffset = layout.value.lastOffset;
    let segmentBytes = layout.value.lastSegmentBytes;
    const discarded: string[] = [];
    try {
      const first = segments[0];
      if (first && lastOffset < snapshotOffset) {
        for (const segment of segments) {
          await disk.remove(joinPath(dir, segment.name));
          discarded.push(segment.name);
        }
        logger.info('binlog segments covered by the snapshot discarded', { dir, snapshotOffset, lastOffset, discarded });
      } else if (first && first.firstOffset > snapshotOffset + 1) {
        return fail(
          Code.corruption,
          `opening binlog ${dir} failed: its first entry is offset ${first.firstOffset} but the snapshot covers only up to ${snapshotOffset}`,
        );
      }
      let handle: FileHandle;
      if (segments.length === 0 || discarded.length > 0) {
        const sequence = segments.length === 0 ? 0 : segments[segments.length - 1]!.sequence + 1;
        segments.length = 0;
        lastOffset = snapshotOffset;
        const created = await createSegment(options, sequence, lastOffset + 1);
        segments.push(created.info);
        handle = created.handle;
        segmentBytes = SEGMENT_HEADER_BYTES;
      } else {
        handle = await disk.open(joinPath(dir, segments[segments.length - 1]!.name), 'append');
      }
      const writer = new BinlogWriter(options, segments, handle, lastOffset, segmentBytes);
      const report: BinlogOpenReport = {
        firstOffset: segments[0]!.firstOffset,
        lastOffset,
        segments: segments.length,
        ...(layout.value.tornTail ? { tornTail: layout.value.tornTail } : {}),
        ...(discarded.length > 0 ? { discardedSegments: discarded } : {}),
      };
      return ok({ writer, report });
    } catch (error) {
      return fail(Code.ioError, `opening binlog ${dir} failed: ${describeError(error)}`);
    }
  }

  get dir(): string {
    return this.#o.dir;
  }
  /** Offset of the last appended entry (0 when nothing was ever appended and no snapshot). */
  get lastOffset(): number {
    return this.#lastOffset;
  }
  /** Entries up to here are in the file (readers see them), possibly not yet durable. */
  get flushedOffset(): number {
    return this.#flushedOffset;
  }
  /** Entries up to here survive a crash. */
  get durableOffset(): number {
    return this.#durableOffset;
  }
  /** Offset of the oldest entry the log still holds (lastOffset + 1 when it holds none). */
  get firstOffset(): number {
    return this.#segments[0]!.firstOffset;
  }
  get segments(): readonly SegmentInfo[] {
    return [...this.#segments];
  }
  /** Bytes appended but not yet written to the file. */
  get unflushedBytes(): number {
    return this.#unflushedBytes;
  }

  /** Appends a new entry (leader path) and returns the offset it was given. */
  append(entry: NewLogEntry): Result<number> {
    return this.#appendAt(entry, this.#lastOffset + 1);
  }

  /** Appends an entry that already has its offset (follower path): it must be lastOffset + 1. */
  appendReplicated(entry: LogEntry): Result<number> {
    if (entry.offset !== this.#lastOffset + 1) {
      return fail(
        Code.invalidParameter,
        `binlog append to ${this.#o.dir} refused: entry offset ${entry.offset} does not follow the last offset ${this.#lastOffset}`,
      );
    }
    return this.#appendAt(entry, entry.offset);
  }

  /** Resolves once every entry up to `offset` is fsynced. */
  whenDurable(offset: number): Promise<Result<void>> {
    return this.#wait(this.#durableWaiters, this.#durableOffset, offset);
  }

  /** Resolves once every entry up to `offset` is written to the file (visible to readers). */
  whenFlushed(offset: number): Promise<Result<void>> {
    return this.#wait(this.#flushedWaiters, this.#flushedOffset, offset);
  }

  /** Writes and fsyncs everything appended so far. */
  sync(): Promise<Result<void>> {
    const target = this.#lastOffset;
    const done = this.whenDurable(target);
    this.#requestSync(target);
    return done;
  }

  /**
   * Removes the oldest segments whose entries are all <= `offset` (covered by a snapshot). The
   * segment being written is never removed. Returns the removed file names.
   */
  deleteSegmentsBelow(offset: number): Promise<Result<readonly string[]>> {
    const run = this.#deletion.then(() => this.#deleteSegmentsBelow(offset));
    this.#deletion = run.then(() => undefined);
    return run;
  }

  async #deleteSegmentsBelow(offset: number): Promise<Result<readonly string[]>> {
    const removed: string[] = [];
    while (this.#segments.length >= 2 && this.#segments[1]!.firstOffset - 1 <= offset) {
      const oldest = this.#segments[0]!;
      const path = joinPath(this.#o.dir, oldest.name);
      try {
        await this.#o.disk.remove(path);
      } catch (error) {
        return fail(Code.ioError, `deleting binlog segment ${path} failed: ${describeError(error)}`);
      }
      assert(this.#segments[0] === oldest, 'only the serialized deletion removes segments');
      this.#segments.shift();
      removed.push(oldest.name);
    }
    if (removed.length > 0) this.#o.logger.info('binlog segments deleted', { dir: this.#o.dir, belowOffset: offset, removed });
    return ok(removed);
  }

  /** Flushes, fsyncs and closes. Later appends fail. */
  close(): Promise<Result<void>> {
    if (this.#closed && !this.#closing) return Promise.resolve(okVoid);
    this.#closeResult ??= this.#close();
    return this.#closeResult;
  }

  async #close(): Promise<Result<void>> {
    this.#closing = true;
    this.#timer?.cancel();
    const synced = this.#failure ?? (await this.sync());
    this.#closed = true;
    let result: Result<void> = synced;
    try {
      await this.#handle.close();
    } catch (error) {
      if (result.ok) result = fail(Code.ioError, `closing binlog ${this.#o.dir} failed: ${describeError(error)}`);
    }
    this.#failWaiters(fail(Code.unavailable, `binlog ${this.#o.dir} is closed`));
    return result;
  }

  /** Stops timers and fails waiters without touching the disk (the process is going away or crashed). */
  abandon(): void {
    this.#timer?.cancel();
    this.#closed = true;
    this.#pending.length = 0;
    this.#unflushedBytes = 0;
    this.#failWaiters(fail(Code.unavailable, `binlog ${this.#o.dir} was abandoned`));
  }

  #appendAt(entry: NewLogEntry, offset: number): Result<number> {
    if (this.#failure) return this.#failure;
    if (this.#closed || this.#closing) return fail(Code.unavailable, `binlog append to ${this.#o.dir} refused: the writer is closed`);
    const payloadBytes = encodedEntryBytes(entry);
    if (payloadBytes > PAYLOAD_BYTES_MAX) {
      return fail(Code.putFailed, `binlog append refused: an entry of ${payloadBytes} bytes is over the limit of ${PAYLOAD_BYTES_MAX} bytes`);
    }
    const frameBytes = FRAME_HEADER_BYTES + payloadBytes;
    if (this.#unflushedBytes > 0 && this.#unflushedBytes + frameBytes > this.#o.bufferBytesMax) {
      return fail(
        Code.unavailable,
        `binlog append to ${this.#o.dir} refused: ${this.#unflushedBytes} bytes are still waiting to be written, the limit is ${this.#o.bufferBytesMax}`,
      );
    }
    let batch = this.#pending[this.#pending.length - 1];
    const roll = this.#segmentEntries > 0 && this.#segmentBytes >= this.#o.segmentBytesMax;
    if (roll) {
      this.#segmentBytes = SEGMENT_HEADER_BYTES;
      this.#segmentEntries = 0;
    }
    if (!batch || roll || batch.used + frameBytes > Math.max(BATCH_BYTES_MAX, batch.buf.length)) {
      const bytes = Math.max(batch ? BATCH_BYTES_MAX : BATCH_BYTES_INITIAL, frameBytes);
      const spare = this.#spare;
      let buf: Uint8Array;
      let view: DataView;
      if (spare !== undefined && bytes === spare.buf.length) {
        this.#spare = undefined;
        ({ buf, view } = spare);
      } else {
        buf = new Uint8Array(bytes);
        view = new DataView(buf.buffer);
      }
      batch = { buf, view, used: 0, firstOffset: offset, lastOffset: offset - 1, rollBefore: roll };
      this.#pending.push(batch);
    } else if (batch.buf.length - batch.used < frameBytes) {
      const buf = new Uint8Array(Math.max(2 * batch.buf.length, batch.used + frameBytes));
      buf.set(batch.buf.subarray(0, batch.used));
      batch.buf = buf;
      batch.view = new DataView(buf.buffer);
    }
    const at = batch.used;
    const end = encodeEntry(entry, offset, batch.buf, batch.view, at + FRAME_HEADER_BYTES);
    if (end !== at + frameBytes) assert(false, `encoded entry ends at ${end - at}, expected ${frameBytes}`);
    writeFrameHeader(batch.buf, at, payloadBytes, crc32Range(batch.buf, at + FRAME_HEADER_BYTES, end));
    batch.used = end;
    batch.lastOffset = offset;
    this.#segmentBytes += frameBytes;
    this.#segmentEntries++;
    this.#unflushedBytes += frameBytes;
    this.#lastOffset = offset;
    this.#kick();
    return ok(offset);
  }

  #wait(waiters: Waiter[], reached: number, offset: number): Promise<Result<void>> {
    if (offset <= reached) return Promise.resolve(okVoid);
    if (this.#failure) return Promise.resolve(this.#failure);
    if (this.#closed) return Promise.resolve(fail(Code.unavailable, `binlog ${this.#o.dir} is closed`));
    if (offset > this.#lastOffset) {
      return Promise.resolve(fail(Code.invalidParameter, `binlog ${this.#o.dir} has no offset ${offset} yet (last is ${this.#lastOffset})`));
    }
    if (this.#durableWaiters.length + this.#flushedWaiters.length >= this.#waitersMax) {
      return Promise.resolve(fail(Code.unavailable, `binlog ${this.#o.dir} has ${this.#waitersMax} waiters already`));
    }
    return new Promise((resolve) => {
      let i = waiters.length;
      while (i > 0 && waiters[i - 1]!.offset > offset) i--;
      waiters.splice(i, 0, { offset, resolve });
    });
  }

  #requestSync(target: number): void {
    if (this.#closed || this.#failure || target <= this.#durableOffset) return;
    this.#syncWanted = Math.max(this.#syncWanted, target);
    void this.#pump();
  }

  #kick(): void {
    if (this.#kickScheduled || this.#pumping) return;
    this.#kickScheduled = true;
    queueMicrotask(() => {
      this.#kickScheduled = false;
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#failure) {
        if (this.#syncWanted > this.#durableOffset && this.#flushedOffset >= this.#syncWanted) {
          await this.#syncFile();
          continue;
        }
        const batch = this.#pending.shift();
        if (!batch) break;
        if (batch.rollBefore) await this.#roll();
        if (batch.firstOffset !== this.#flushedOffset + 1) assert(false, `batch starts at ${batch.firstOffset} after flushed ${this.#flushedOffset}`);
        const bytes = batch.buf.subarray(0, batch.used);
        // A small batch (a put or a few, at low concurrency) is written in place: a write through
        // the thread pool costs more CPU in wake-ups than the write itself. Larger ones go async.
        if (batch.used <= SYNC_WRITE_BYTES_MAX && this.#handle.appendSync !== undefined) this.#handle.appendSync(bytes);
        else await this.#handle.append(bytes);
        // The file has the bytes now: the buffer may be written again (every byte of a frame is).
        if (batch.buf.length === BATCH_BYTES_INITIAL && this.#spare === undefined) this.#spare = { buf: batch.buf, view: batch.view };
        this.#unflushedBytes -= batch.used;
        this.#flushedOffset = batch.lastOffset;
        resolveUpTo(this.#flushedWaiters, this.#flushedOffset);
        if (this.#o.syncEveryWrite) await this.#syncFile();
      }
    } catch (error) {
      this.#setFailure(`writing binlog ${this.#o.dir} failed: ${describeError(error)}`);
    } finally {
      this.#pumping = false;
    }
  }

  async #syncFile(): Promise<void> {
    const target = this.#flushedOffset;
    await this.#handle.sync();
    this.#durableOffset = Math.max(this.#durableOffset, target);
    resolveUpTo(this.#durableWaiters, this.#durableOffset);
  }

  async #roll(): Promise<void> {
    await this.#syncFile();
    await this.#handle.close();
    const sequence = this.#segments[this.#segments.length - 1]!.sequence + 1;
    const created = await createSegment(this.#o, sequence, this.#flushedOffset + 1);
    this.#handle = created.handle;
    this.#segments.push(created.info);
  }

  #setFailure(message: string): void {
    if (this.#failure) return;
    this.#o.logger.error('binlog writer failed', { dir: this.#o.dir, error: message });
    this.#failure = fail(Code.ioError, `${message}; the binlog refuses writes until it is reopened`);
    this.#pending.length = 0;
    this.#unflushedBytes = 0;
    this.#failWaiters(this.#failure);
  }

  #failWaiters(failure: Failure): void {
    for (const w of this.#durableWaiters.splice(0)) w.resolve(failure);
    for (const w of this.#flushedWaiters.splice(0)) w.resolve(failure);
  }
}

function resolveUpTo(waiters: Waiter[], reached: number): void {
  let n = 0;
  while (n < waiters.length && waiters[n]!.offset <= reached) n++;
  if (n === 0) return;
  for (const w of waiters.splice(0, n)) w.resolve(okVoid);
}

async function createSegment(
  options: BinlogWriterOptions,
  sequence: number,
  firstOffset: number,
): Promise<{ info: SegmentInfo; handle: FileHandle }> {
  const name = segmentFileName(sequence);
  const handle = await options.disk.open(joinPath(options.dir, name), 'append');
  await handle.append(encodeSegmentHeader({ firstOffset, sequence }, options.crc32));
  return { info: { sequence, name, firstOffset }, handle };
}

function checkOptions(o: BinlogWriterOptions): string | undefined {
  if (!(Number.isInteger(o.segmentBytesMax) && o.segmentBytesMax > SEGMENT_HEADER_BYTES)) {
    return `segmentBytesMax must be an integer above ${SEGMENT_HEADER_BYTES}, got ${o.segmentBytesMax}`;
  }
  if (!(Number.isInteger(o.bufferBytesMax) && o.bufferBytesMax > 0)) return `bufferBytesMax must be a positive integer, got ${o.bufferBytesMax}`;
  if (!o.syncEveryWrite && !(o.syncIntervalMs > 0)) return `syncIntervalMs must be positive, got ${o.syncIntervalMs}`;
  const snapshotOffset = o.snapshotOffset ?? 0;
  if (!(Number.isSafeInteger(snapshotOffset) && snapshotOffset >= 0)) return `snapshotOffset must be a non-negative integer, got ${snapshotOffset}`;
  return undefined;
}
