import { assert } from '../base/assert.js';
import type { LogEntry, LogRequestId, NewLogEntry } from './log-entry.js';
import type { PositionsInterner } from './positions-interner.js';

/**
 * Binary form of a LogEntry (the payload of one binlog record). Little-endian, hand-written for
 * the write hot path. Numbers that may exceed 2^32 (offset, term, times) are f64, which holds
 * every safe integer exactly.
 *
 *   0  u8   entry codec version: 1, or 2 for a put carrying a request id
 *   1  u8   kind: 1 put, 2 delete
 *   2  u16  put: number of index positions; delete: flags (1 key, 2 fromTsMs, 4 toTsMs)
 *   4  f64  offset
 *   12 f64  term
 *   20 f64  insertTsMs
 *   28 put:    u16 × count index positions, [version 2: request id], then the row bytes (to the end)
 *      delete: u16 indexPos, [f64 fromTsMs], [f64 toTsMs], then the key as UTF-8 (to the end)
 *   request id (version 2 only): u8 n, clientId as n bytes of UTF-8 (1..255), f64 seq,
 *      u32 rowIndex, u32 rowCount
 *
 * Compatibility (src/protocol/DESIGN-versions.md): entries without a request id are written as
 * version 1, byte for byte as builds before version 2, which therefore read such a log. Version 2
 * entries appear only once the cluster version enables idempotent puts; older builds cannot read
 * them (no downgrade after finalize). This build reads both.
 */
export const ENTRY_CODEC_VERSION = 2;
/** The version written for entries without a request id (and the only one older builds read). */
export const ENTRY_CODEC_VERSION_PLAIN = 1;
export const CLIENT_ID_BYTES_MAX = 255;
const REQUEST_ID_FIXED_BYTES = 1 + 8 + 4 + 4;
export const ENTRY_HEADER_BYTES = 28;
export const INDEX_POSITIONS_MAX = 0xffff;

const KIND_PUT = 1;
const KIND_DELETE = 2;
const FLAG_KEY = 1;
const FLAG_FROM = 2;
const FLAG_TO = 4;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Bytes `encodeEntry` will write for `entry`. */
export function encodedEntryBytes(entry: NewLogEntry): number {
  if (entry.kind === 'put') {
    const rid = entry.requestId;
    return (
      ENTRY_HEADER_BYTES +
      2 * (entry.indexPositions?.length ?? 0) +
      (rid === undefined ? 0 : REQUEST_ID_FIXED_BYTES + utf8Length(rid.clientId)) +
      (entry.row?.length ?? 0)
    );
  }
  const spec = entry.delete;
  assert(spec !== undefined, 'a delete entry carries a delete spec');
  return (
    ENTRY_HEADER_BYTES +
    2 +
    (spec.fromTsMs === undefined ? 0 : 8) +
    (spec.toTsMs === undefined ? 0 : 8) +
    (spec.key === undefined ? 0 : utf8Length(spec.key))
  );
}

/** Asserts `entry` is well formed; messages are only built on failure (this runs per append). */
function assertEntryShape(entry: NewLogEntry, offset: number): void {
  if (!(Number.isSafeInteger(offset) && offset >= 1)) assert(false, `entry offset must be a positive integer, got ${offset}`);
  if (!(Number.isSafeInteger(entry.term) && entry.term >= 0)) assert(false, `entry term must be a non-negative integer, got ${entry.term}`);
  if (!Number.isSafeInteger(entry.insertTsMs)) assert(false, `entry insertTsMs must be an integer, got ${entry.insertTsMs}`);
  if (entry.kind === 'put') {
    if (entry.row === undefined) assert(false, `put entry at offset ${offset} has no row`);
    if (entry.indexPositions === undefined) assert(false, `put entry at offset ${offset} has no index positions`);
    if (entry.indexPositions.length > INDEX_POSITIONS_MAX) assert(false, `put entry at offset ${offset} has too many index positions`);
    const rid = entry.requestId;
    if (rid !== undefined) {
      const n = utf8Length(rid.clientId);
      if (!(n >= 1 && n <= CLIENT_ID_BYTES_MAX)) assert(false, `put entry at offset ${offset} has a client id of ${n} bytes`);
      if (!(Number.isSafeInteger(rid.seq) && rid.seq >= 0)) assert(false, `put entry at offset ${offset} has a bad request seq ${rid.seq}`);
      if (!(Number.isInteger(rid.rowCount) && rid.rowCount >= 1 && rid.rowCount <= 0xffff_ffff)) {
        assert(false, `put entry at offset ${offset} has a bad request row count ${rid.rowCount}`);
      }
      if (!(Number.isInteger(rid.rowIndex) && rid.rowIndex >= 0 && rid.rowIndex < rid.rowCount)) {
        assert(false, `put entry at offset ${offset} has a bad request row index ${rid.rowIndex}`);
      }
    }
    return;
  }
  if (entry.kind !== 'delete') assert(false, `unknown entry kind ${String(entry.kind)}`);
  const spec = entry.delete;
  if (spec === undefined) assert(false, `delete entry at offset ${offset} has no delete spec`);
  if (!(Number.isInteger(spec.indexPos) && spec.indexPos >= 0 && spec.indexPos <= INDEX_POSITIONS_MAX)) {
    assert(false, `delete entry at offset ${offset} has a bad indexPos ${spec.indexPos}`);
  }
  if (!(spec.fromTsMs === undefined || Number.isSafeInteger(spec.fromTsMs))) assert(false, `delete fromTsMs ${spec.fromTsMs} is not an integer`);
  if (!(spec.toTsMs === undefined || Number.isSafeInteger(spec.toTsMs))) assert(false, `delete toTsMs ${spec.toTsMs} is not an integer`);
}

/**
 * Writes `entry` with `offset` at `out[at]` (exactly `encodedEntryBytes(entry)` bytes, which the
 * caller has reserved) and returns the end position. `view` must cover the same memory as `out`.
 */
export function encodeEntry(entry: NewLogEntry, offset: number, out: Uint8Array, view: DataView, at: number): number {
  assertEntryShape(entry, offset);
  view.setFloat64(at + 4, offset, true);
  view.setFloat64(at + 12, entry.term, true);
  view.setFloat64(at + 20, entry.insertTsMs, true);
  out[at] = ENTRY_CODEC_VERSION_PLAIN;
  let p = at + ENTRY_HEADER_BYTES;
  if (entry.kind === 'put') {
    const positions = entry.indexPositions!;
    const row = entry.row!;
    out[at + 1] = KIND_PUT;
    view.setUint16(at + 2, positions.length, true);
    for (let i = 0; i < positions.length; i++) {
      const pos = positions[i]!;
      if (!(Number.isInteger(pos) && pos >= 0 && pos <= INDEX_POSITIONS_MAX)) assert(false, `bad index position ${pos}`);
      out[p++] = pos & 0xff;
      out[p++] = pos >>> 8;
    }
    const rid = entry.requestId;
    if (rid !== undefined) {
      out[at] = ENTRY_CODEC_VERSION;
      const written = utf8.encodeInto(rid.clientId, out.subarray(p + 1));
      if (written.read !== rid.clientId.length) assert(false, 'client id fits the reserved bytes');
      out[p] = written.written;
      p += 1 + written.written;
      view.setFloat64(p, rid.seq, true);
      view.setUint32(p + 8, rid.rowIndex, true);
      view.setUint32(p + 12, rid.rowCount, true);
      p += 16;
    }
    out.set(row, p);
    return p + row.length;
  }
  const spec = entry.delete!;
  let flags = 0;
  out[at + 1] = KIND_DELETE;
  view.setUint16(p, spec.indexPos, true);
  p += 2;
  if (spec.fromTsMs !== undefined) {
    flags |= FLAG_FROM;
    view.setFloat64(p, spec.fromTsMs, true);
    p += 8;
  }
  if (spec.toTsMs !== undefined) {
    flags |= FLAG_TO;
    view.setFloat64(p, spec.toTsMs, true);
    p += 8;
  }
  if (spec.key !== undefined) {
    flags |= FLAG_KEY;
    const written = utf8.encodeInto(spec.key, out.subarray(p));
    if (written.read !== spec.key.length) assert(false, 'delete key fits the reserved bytes');
    p += written.written;
  }
  view.setUint16(at + 2, flags, true);
  return p;
}

/** Offset field of an encoded entry, without decoding the rest (`view` covers `bytes`). */
export function peekEntryOffset(view: DataView, at: number): number {
  return view.getFloat64(at + 4, true);
}

/**
 * Decodes the entry in `bytes[start, end)`. Returns a message naming the problem when the bytes
 * are not a valid entry. The row of a put is a view into `bytes`.
 */
export function decodeEntry(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  interner: PositionsInterner,
): LogEntry | string {
  if (end - start < ENTRY_HEADER_BYTES) return `entry of ${end - start} bytes is shorter than its ${ENTRY_HEADER_BYTES}-byte header`;
  const version = bytes[start]!;
  if (version !== ENTRY_CODEC_VERSION_PLAIN && version !== ENTRY_CODEC_VERSION) {
    return `entry codec version ${version} is not supported (this build reads versions ${ENTRY_CODEC_VERSION_PLAIN}..${ENTRY_CODEC_VERSION})`;
  }
  const kind = bytes[start + 1]!;
  const count = bytes[start + 2]! | (bytes[start + 3]! << 8);
  const offset = view.getFloat64(start + 4, true);
  const term = view.getFloat64(start + 12, true);
  const insertTsMs = view.getFloat64(start + 20, true);
  if (!Number.isSafeInteger(offset) || offset < 1) return `entry offset ${offset} is not a positive integer`;
  if (!Number.isSafeInteger(term) || term < 0) return `entry term ${term} is not a non-negative integer`;
  if (!Number.isSafeInteger(insertTsMs)) return `entry insertTsMs ${insertTsMs} is not an integer`;
  const body = start + ENTRY_HEADER_BYTES;
  if (kind === KIND_PUT) {
    let rowStart = body + 2 * count;
    if (rowStart > end) return `put entry declares ${count} index positions but has ${end - body} bytes after its header`;
    const indexPositions = interner.intern(bytes, body, count);
    if (version === ENTRY_CODEC_VERSION_PLAIN) {
      return { term, offset, kind: 'put', insertTsMs, indexPositions, row: bytes.subarray(rowStart, end) };
    }
    const decoded = decodeRequestId(bytes, view, rowStart, end);
    if (typeof decoded === 'string') return decoded;
    rowStart = decoded.end;
    return { term, offset, kind: 'put', insertTsMs, indexPositions, row: bytes.subarray(rowStart, end), requestId: decoded.requestId };
  }
  if (version !== ENTRY_CODEC_VERSION_PLAIN) return `entry codec version ${version} is only used for puts, found kind ${kind}`;
  if (kind !== KIND_DELETE) return `entry kind ${kind} is unknown`;
  if (count & ~(FLAG_KEY | FLAG_FROM | FLAG_TO)) return `delete entry flags ${count} are unknown`;
  let p = body + 2;
  const fixedEnd = p + (count & FLAG_FROM ? 8 : 0) + (count & FLAG_TO ? 8 : 0);
  if (fixedEnd > end) return `delete entry is ${end - start} bytes, too short for its flags ${count}`;
  const indexPos = bytes[body]! | (bytes[body + 1]! << 8);
  let fromTsMs: number | undefined;
  let toTsMs: number | undefined;
  if (count & FLAG_FROM) {
    fromTsMs = view.getFloat64(p, true);
    p += 8;
    if (!Number.isSafeInteger(fromTsMs)) return `delete entry fromTsMs ${fromTsMs} is not an integer`;
  }
  if (count & FLAG_TO) {
    toTsMs = view.getFloat64(p, true);
    p += 8;
    if (!Number.isSafeInteger(toTsMs)) return `delete entry toTsMs ${toTsMs} is not an integer`;
  }
  let key: string | undefined;
  if (count & FLAG_KEY) {
    try {
      key = utf8Decoder.decode(bytes.subarray(p, end));
    } catch {
      return 'delete entry key is not valid UTF-8';
    }
  } else if (p !== end) return `delete entry without a key has ${end - p} trailing bytes`;
  const spec: { indexPos: number; key?: string; fromTsMs?: number; toTsMs?: number } = { indexPos };
  if (key !== undefined) spec.key = key;
  if (fromTsMs !== undefined) spec.fromTsMs = fromTsMs;
  if (toTsMs !== undefined) spec.toTsMs = toTsMs;
  return { term, offset, kind: 'delete', insertTsMs, delete: spec };
}

function decodeRequestId(bytes: Uint8Array, view: DataView, at: number, end: number): { requestId: LogRequestId; end: number } | string {
  if (at >= end) return 'put entry of version 2 ends before its request id';
  const n = bytes[at]!;
  const fixedEnd = at + 1 + n + 16;
  if (n === 0 || fixedEnd > end) return `put entry request id of ${n} client id bytes does not fit the entry`;
  let clientId: string;
  try {
    clientId = utf8Decoder.decode(bytes.subarray(at + 1, at + 1 + n));
  } catch {
    return 'put entry client id is not valid UTF-8';
  }
  const p = at + 1 + n;
  const seq = view.getFloat64(p, true);
  const rowIndex = view.getUint32(p + 8, true);
  const rowCount = view.getUint32(p + 12, true);
  if (!Number.isSafeInteger(seq) || seq < 0) return `put entry request seq ${seq} is not a non-negative integer`;
  if (rowCount < 1 || rowIndex >= rowCount) return `put entry request row ${rowIndex} of ${rowCount} is out of range`;
  return { requestId: { clientId, seq, rowIndex, rowCount }, end: fixedEnd };
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
