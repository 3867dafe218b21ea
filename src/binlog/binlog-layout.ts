import type { Crc32Fn } from '../base/crc32.js';
import { Code, type Result, fail, ok } from '../base/status.js';
import { type Disk, type FileHandle, joinPath } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';
import { type ScanState, isValidFrameAfter, plausibleFrameLength, scanFrames } from './frame-scan.js';
import { PositionsInterner } from './positions-interner.js';
import type { LogEntry } from './log-entry.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, decodeSegmentHeader, parseSegmentFileName } from './segment-format.js';

/**
 * The segment files of a binlog directory, and the repair of a torn tail: the only place that
 * decides whether damage at the end of the log is a crash artefact (truncated, reported) or
 * corruption (an error).
 */
export interface SegmentInfo {
  readonly sequence: number;
  readonly name: string;
  /** Offset of the first entry the segment holds (or will hold, when it is empty). */
  readonly firstOffset: number;
}

export interface TornTailReport {
  /** Path of the damaged segment. */
  readonly file: string;
  /** Bytes kept (0 when the file was removed). */
  readonly validBytes: number;
  readonly droppedBytes: number;
  /** What was found at the damaged position. */
  readonly reason: string;
  /** Offset of the last entry kept. */
  readonly lastOffset: number;
}

/** A verified frame position in a segment: the frame at `filePos` holds `offset`. */
export interface SegmentCheckpoint {
  readonly offset: number;
  readonly filePos: number;
}

export interface BinlogLayout {
  /** Ascending by sequence; empty when the directory holds no segment. */
  readonly segments: readonly SegmentInfo[];
  /** Offset of the last entry; `firstOffset - 1` of the last segment when it holds none; 0 without segments. */
  readonly lastOffset: number;
  /** Bytes of the last segment after repair (header included). */
  readonly lastSegmentBytes: number;
  /** Positions inside the last segment verified by the scan (ascending), for seeking without rescanning. */
  readonly lastSegmentCheckpoints: readonly SegmentCheckpoint[];
  readonly tornTail?: TornTailReport;
}

export interface LayoutEnv {
  readonly disk: Disk;
  readonly dir: string;
  readonly crc32: Crc32Fn;
  readonly logger: Logger;
  /** Bytes per read while scanning. */
  readonly readChunkBytes: number;
}

const TAIL_PROBE_WINDOW_BYTES = 4 * 1024 * 1024;

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface ListedSegments {
  readonly segments: SegmentInfo[];
  /** The last file, when its header is unreadable (it is not in `segments`). */
  readonly brokenLast?: { readonly name: string; readonly size: number; readonly reason: string; readonly allZero: boolean };
}

/** Lists the segment files of `dir` with their headers (a missing directory has none). */
export async function listSegments(disk: Disk, dir: string, crc32: Crc32Fn): Promise<Result<ListedSegments>> {
  try {
    if (!(await disk.exists(dir))) return ok({ segments: [] });
    const names = (await disk.list(dir))
      .filter((e) => !e.isDirectory && parseSegmentFileName(e.name) !== undefined)
      .map((e) => e.name)
      .sort();
    const segments: SegmentInfo[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const path = joinPath(dir, name);
      const handle = await disk.open(path, 'read');
      let bytes: Uint8Array;
      let size: number;
      try {
        size = await handle.size();
        bytes = await handle.read(0, Math.min(size, 64 * 1024));
      } finally {
        await handle.close();
      }
      const header = decodeSegmentHeader(bytes, crc32);
      const sequence = parseSegmentFileName(name)!;
      let problem = typeof header === 'string' ? header : undefined;
      if (typeof header !== 'string' && header.sequence !== sequence) {
        problem = `header names segment ${header.sequence}, the file name says ${sequence}`;
      }
      if (problem !== undefined) {
        if (i === names.length - 1) {
          const allZero = size === bytes.length && bytes.every((b) => b === 0);
          return ok({ segments, brokenLast: { name, size, reason: problem, allZero } });
        }
        return fail(Code.corruption, `binlog segment ${path} is corrupt at byte 0: ${problem}`);
      }
      const firstOffset = (header as { firstOffset: number }).firstOffset;
      const previous = segments[segments.length - 1];
      if (previous && firstOffset <= previous.firstOffset) {
        return fail(
          Code.corruption,
          `binlog segment ${path} starts at offset ${firstOffset}, not after ${joinPath(dir, previous.name)} which starts at ${previous.firstOffset}`,
        );
      }
      segments.push({ sequence, name, firstOffset });
    }
    return ok({ segments });
  } catch (error) {
    return fail(Code.ioError, `listing binlog segments in ${dir} failed: ${describeError(error)}`);
  }
}

/** Entries to hand out while the layout is verified (recovery): one pass over the log, not two. */
export interface LayoutReplay {
  /** Entries with an offset at or above this are decoded and visited, in offset order. */
  readonly fromOffset: number;
  readonly visit: (entry: LogEntry) => void;
}

/**
 * Lists the segments and verifies the last one to its end. A torn or corrupt tail (an incomplete
 * or bad record with nothing valid after it, or a last file whose header never made it to disk)
 * is truncated (or the file removed), logged and reported. Damage followed by valid records is
 * corruption and fails, naming the file and byte.
 *
 * With `replay`, every entry at or above `replay.fromOffset` is visited during the same scan:
 * the finished segments from the one holding `fromOffset` are read and checked too (damage there
 * is corruption, and so is a gap between segments), then the last one. Entries before a torn tail
 * are visited; when the scan then finds corruption the visits were of entries it does not vouch
 * for beyond the failure, so the caller discards what it built.
 */
export async function openLayout(env: LayoutEnv, replay?: LayoutReplay): Promise<Result<BinlogLayout & { readonly visited: number }>> {
  const listed = await listSegments(env.disk, env.dir, env.crc32);
  if (!listed.ok) return listed;
  const { segments, brokenLast } = listed.value;
  let tornTail: TornTailReport | undefined;
  if (brokenLast) {
    const path = joinPath(env.dir, brokenLast.name);
    if (brokenLast.size >= SEGMENT_HEADER_BYTES && !brokenLast.allZero) {
      return fail(Code.corruption, `binlog segment ${path} is corrupt at byte 0: ${brokenLast.reason}`);
    }
    try {
      await env.disk.remove(path);
    } catch (error) {
      return fail(Code.ioError, `removing torn binlog segment ${path} failed: ${describeError(error)}`);
    }
    const previous = segments[segments.length - 1];
    tornTail = {
      file: path,
      validBytes: 0,
      droppedBytes: brokenLast.size,
      reason: `segment header never became durable (${brokenLast.reason}); file removed`,
      lastOffset: previous ? previous.firstOffset - 1 : 0,
    };
  }
  const last = segments[segments.length - 1];
  if (!last) {
    if (tornTail) env.logger.warn('binlog tail truncated', { ...tornTail });
    const empty = { segments, lastOffset: 0, lastSegmentBytes: 0, lastSegmentCheckpoints: [], visited: 0 };
    return ok(tornTail ? { ...empty, tornTail } : empty);
  }
  const interner = new PositionsInterner();
  const counts = { visited: 0 };
  if (replay) {
    let first = segments.length - 1;
    while (first > 0 && segments[first]!.firstOffset > replay.fromOffset) first--;
    for (let i = first; i < segments.length - 1; i++) {
      const replayed = await replayFinishedSegment(env, segments[i]!, segments[i + 1]!, replay, interner, counts);
      if (!replayed.ok) return replayed;
    }
  }
  const scanned = await scanLastSegment(env, last, interner, counts, replay);
  if (!scanned.ok) return scanned;
  const { lastOffset, validBytes, checkpoints } = scanned.value;
  if (scanned.value.tornTail) {
    // A removed header-less file after this one cannot coexist with a torn record here: only the
    // newest file can be torn, because the writer syncs a segment before it creates the next.
    tornTail = scanned.value.tornTail;
  } else if (tornTail) {
    tornTail = { ...tornTail, lastOffset };
  }
  if (tornTail) env.logger.warn('binlog tail truncated', { ...tornTail });
  const layout = { segments, lastOffset, lastSegmentBytes: validBytes, lastSegmentCheckpoints: checkpoints, visited: counts.visited };
  return ok(tornTail ? { ...layout, tornTail } : layout);
}

/** Reads and checks a segment that a newer one follows, visiting its entries from `replay.fromOffset`. */
async function replayFinishedSegment(
  env: LayoutEnv,
  segment: SegmentInfo,
  next: SegmentInfo,
  replay: LayoutReplay,
  interner: PositionsInterner,
  counts: { visited: number },
): Promise<Result<void>> {
  const path = joinPath(env.dir, segment.name);
  let handle: FileHandle | undefined;
  try {
    handle = await env.disk.open(path, 'read');
    const fileBytes = await handle.size();
    const state: ScanState = { pos: 0, nextOffset: segment.firstOffset };
    const options = { crc32: env.crc32, interner, fromOffset: replay.fromOffset, toOffset: Number.POSITIVE_INFINITY, maxEntries: Number.POSITIVE_INFINITY, visit: replay.visit };
    let filePos = SEGMENT_HEADER_BYTES;
    let readBytes = env.readChunkBytes;
    while (filePos < fileBytes) {
      const buf = await handle.read(filePos, Math.min(readBytes, fileBytes - filePos));
      state.pos = 0;
      const stop = scanFrames(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), buf.length, state, options, counts);
      filePos += state.pos;
      if (stop.kind === 'bad') return fail(Code.corruption, `binlog segment ${path} is corrupt at byte ${filePos}: ${stop.problem}: ${stop.detail}`);
      if (filePos >= fileBytes) break;
      const frameBytes = plausibleFrameLength(buf, state.pos);
      const needed = frameBytes < 0 ? FRAME_HEADER_BYTES : frameBytes;
      if (filePos + needed > fileBytes) {
        return fail(
          Code.corruption,
          `binlog segment ${path} is corrupt at byte ${filePos}: incomplete record (${fileBytes - filePos} bytes) at the end of a finished segment`,
        );
      }
      readBytes = Math.max(env.readChunkBytes, needed);
    }
    if (next.firstOffset !== state.nextOffset) {
      return fail(
        Code.corruption,
        `binlog ${env.dir} has a gap: ${path} ends before offset ${state.nextOffset} but ${next.name} starts at offset ${next.firstOffset}`,
      );
    }
    return ok(undefined);
  } catch (error) {
    return fail(Code.ioError, `reading binlog segment ${path} failed: ${describeError(error)}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

interface ScannedSegment {
  readonly lastOffset: number;
  readonly validBytes: number;
  readonly checkpoints: readonly SegmentCheckpoint[];
  readonly tornTail?: TornTailReport;
}

async function scanLastSegment(
  env: LayoutEnv,
  segment: SegmentInfo,
  interner: PositionsInterner,
  counts: { visited: number },
  replay: LayoutReplay | undefined,
): Promise<Result<ScannedSegment>> {
  const path = joinPath(env.dir, segment.name);
  let handle: FileHandle | undefined;
  try {
    handle = await env.disk.open(path, 'append');
    const fileBytes = await handle.size();
    const state: ScanState = { pos: 0, nextOffset: segment.firstOffset };
    const options = {
      crc32: env.crc32,
      interner,
      fromOffset: replay?.fromOffset ?? Number.POSITIVE_INFINITY,
      toOffset: Number.POSITIVE_INFINITY,
      maxEntries: Number.POSITIVE_INFINITY,
      ...(replay ? { visit: replay.visit } : {}),
    };
    let filePos = SEGMENT_HEADER_BYTES;
    let readBytes = env.readChunkBytes;
    let damage: { at: number; reason: string } | undefined;
    const checkpoints: SegmentCheckpoint[] = [];
    while (filePos < fileBytes) {
      const buf = await handle.read(filePos, Math.min(readBytes, fileBytes - filePos));
      state.pos = 0;
      const stop = scanFrames(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), buf.length, state, options, counts);
      filePos += state.pos;
      if (state.pos > 0) checkpoints.push({ offset: state.nextOffset, filePos });
      if (stop.kind === 'bad' && stop.problem === 'badEntry') {
        // The record is whole and its crc holds: an entry this build cannot read is never a torn write.
        return fail(Code.corruption, `binlog segment ${path} is corrupt at byte ${filePos}: ${stop.problem}: ${stop.detail}`);
      }
      if (stop.kind === 'bad') {
        damage = { at: filePos, reason: `${stop.problem}: ${stop.detail}` };
        break;
      }
      if (filePos >= fileBytes) break;
      const frameBytes = plausibleFrameLength(buf, state.pos);
      const needed = frameBytes < 0 ? FRAME_HEADER_BYTES : frameBytes;
      if (filePos + needed > fileBytes) {
        damage = { at: filePos, reason: `incomplete record: ${fileBytes - filePos} bytes left at the end of the file` };
        break;
      }
      readBytes = Math.max(env.readChunkBytes, needed);
    }
    const lastOffset = state.nextOffset - 1;
    if (!damage) return ok({ lastOffset, validBytes: fileBytes, checkpoints });
    if (await hasValidFrameAfter(handle, damage.at, fileBytes, lastOffset, env.crc32)) {
      return fail(
        Code.corruption,
        `binlog segment ${path} is corrupt at byte ${damage.at} (after offset ${lastOffset}): ${damage.reason}; valid records follow it`,
      );
    }
    await handle.truncate(damage.at);
    await handle.sync();
    return ok({
      lastOffset,
      validBytes: damage.at,
      checkpoints,
      tornTail: { file: path, validBytes: damage.at, droppedBytes: fileBytes - damage.at, reason: damage.reason, lastOffset },
    });
  } catch (error) {
    return fail(Code.ioError, `scanning binlog segment ${path} failed: ${describeError(error)}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function hasValidFrameAfter(
  handle: FileHandle,
  damagedAt: number,
  fileBytes: number,
  lastOffset: number,
  crc32: Crc32Fn,
): Promise<boolean> {
  for (let windowStart = damagedAt + 1; windowStart < fileBytes; windowStart += TAIL_PROBE_WINDOW_BYTES) {
    const window = await handle.read(windowStart, Math.min(TAIL_PROBE_WINDOW_BYTES + 64, fileBytes - windowStart));
    const candidates = Math.min(TAIL_PROBE_WINDOW_BYTES, window.length);
    for (let q = 0; q < candidates; q++) {
      const frameBytes = plausibleFrameLength(window, q);
      if (frameBytes < 0 || windowStart + q + frameBytes > fileBytes) continue;
      if (q + frameBytes <= window.length) {
        if (isValidFrameAfter(window, q, lastOffset, crc32)) return true;
      } else if (isValidFrameAfter(await handle.read(windowStart + q, frameBytes), 0, lastOffset, crc32)) {
        return true;
      }
    }
  }
  return false;
}
