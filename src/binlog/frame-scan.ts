import type { Crc32Fn } from '../base/crc32.js';
import { decodeEntry, peekEntryOffset } from './entry-codec.js';
import { crc32Range } from './frame-crc.js';
import type { LogEntry } from './log-entry.js';
import type { PositionsInterner } from './positions-interner.js';
import { FRAME_HEADER_BYTES, PAYLOAD_BYTES_MAX, PAYLOAD_BYTES_MIN, readU32 } from './segment-format.js';

/** Why a scan could not take the frame at `ScanState.pos`. */
export type FrameProblem = 'badLength' | 'badCrc' | 'badEntry' | 'offsetGap';

export type ScanStop =
  /** The bytes after `pos` do not hold a whole frame (possibly none at all): read more, or it is the end. */
  | { readonly kind: 'needMore' }
  /** `maxEntries` entries were visited or the entry at `toOffset` was passed. */
  | { readonly kind: 'limit' }
  | { readonly kind: 'bad'; readonly problem: FrameProblem; readonly detail: string };

/** Where a scan is; advanced in place. `pos` indexes the buffer being scanned. */
export interface ScanState {
  pos: number;
  /** Offset the next frame must carry. */
  nextOffset: number;
}

export interface ScanOptions {
  readonly crc32: Crc32Fn;
  readonly interner: PositionsInterner;
  /** Entries below this offset are verified (crc, offset) but not decoded or visited. */
  readonly fromOffset: number;
  /** Stop after the entry with this offset. */
  readonly toOffset: number;
  /** Stop after visiting this many entries. */
  readonly maxEntries: number;
  /** Called for each entry in [fromOffset, toOffset]; absent = verify only. */
  readonly visit?: (entry: LogEntry) => void;
}

const NEED_MORE: ScanStop = { kind: 'needMore' };
const LIMIT: ScanStop = { kind: 'limit' };

/**
 * Walks whole frames of `bytes[state.pos, end)`, checking length, crc, entry encoding and offset
 * density. Returns the number of entries visited through `visited` in `counts` (mutated) and why it
 * stopped; `state` then points at the first frame not taken.
 */
export function scanFrames(
  bytes: Uint8Array,
  view: DataView,
  end: number,
  state: ScanState,
  options: ScanOptions,
  counts: { visited: number },
): ScanStop {
  // Frames are small: their crc is computed in place (crc32Range), the injected crc32 is for large buffers.
  const { interner, fromOffset, toOffset, maxEntries, visit } = options;
  let pos = state.pos;
  let next = state.nextOffset;
  try {
    while (true) {
      if (counts.visited >= maxEntries || next > toOffset) return LIMIT;
      if (end - pos < FRAME_HEADER_BYTES) return NEED_MORE;
      const length = readU32(bytes, pos);
      if (length < PAYLOAD_BYTES_MIN || length > PAYLOAD_BYTES_MAX) {
        return { kind: 'bad', problem: 'badLength', detail: `record length ${length} is outside ${PAYLOAD_BYTES_MIN}..${PAYLOAD_BYTES_MAX}` };
      }
      const payloadStart = pos + FRAME_HEADER_BYTES;
      const payloadEnd = payloadStart + length;
      if (payloadEnd > end) return NEED_MORE;
      const stored = readU32(bytes, pos + 4);
      const actual = crc32Range(bytes, payloadStart, payloadEnd);
      if (stored !== actual) {
        return { kind: 'bad', problem: 'badCrc', detail: `record crc ${stored} does not match the computed ${actual}` };
      }
      const offset = peekEntryOffset(view, payloadStart);
      if (offset !== next) {
        return { kind: 'bad', problem: 'offsetGap', detail: `record holds offset ${offset} where offset ${next} was expected` };
      }
      if (offset >= fromOffset) {
        const entry = decodeEntry(bytes, view, payloadStart, payloadEnd, interner);
        if (typeof entry === 'string') return { kind: 'bad', problem: 'badEntry', detail: entry };
        if (visit) visit(entry);
        counts.visited++;
      }
      pos = payloadEnd;
      next++;
    }
  } finally {
    state.pos = pos;
    state.nextOffset = next;
  }
}

/**
 * Length of the frame at `bytes[at]` when its header is plausible (length within limits), else -1.
 * The frame may extend past the end of `bytes`.
 */
export function plausibleFrameLength(bytes: Uint8Array, at: number): number {
  if (at + FRAME_HEADER_BYTES > bytes.length) return -1;
  const length = readU32(bytes, at);
  return length < PAYLOAD_BYTES_MIN || length > PAYLOAD_BYTES_MAX ? -1 : FRAME_HEADER_BYTES + length;
}

/**
 * True when `bytes[at, at + frameLength)` is a whole frame with a valid crc carrying an offset
 * above `afterOffset`. Used to tell a torn tail (nothing valid follows the damage) from corruption
 * in the middle (valid records follow it).
 */
export function isValidFrameAfter(bytes: Uint8Array, at: number, afterOffset: number, _crc32?: Crc32Fn): boolean {
  const frameLength = plausibleFrameLength(bytes, at);
  if (frameLength < 0 || at + frameLength > bytes.length) return false;
  const payloadStart = at + FRAME_HEADER_BYTES;
  if (readU32(bytes, at + 4) !== crc32Range(bytes, payloadStart, at + frameLength)) return false;
  const offset = peekEntryOffset(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), payloadStart);
  return Number.isSafeInteger(offset) && offset > afterOffset;
}
