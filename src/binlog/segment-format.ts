import type { Crc32Fn } from '../base/crc32.js';
import { ENTRY_HEADER_BYTES } from './entry-codec.js';

/**
 * Layout of a binlog segment file `NNNNNNNN.log` (NNNNNNNN = segment sequence number):
 *
 *   header (SEGMENT_HEADER_BYTES):
 *     0  4 bytes  magic "OMBL"
 *     4  u16      segment format version (SEGMENT_FORMAT_VERSION)
 *     6  u16      header length in bytes
 *     8  f64      offset of the first entry this segment holds (or will hold)
 *     16 u32      segment sequence number (must match the file name)
 *     20 u32      crc32 of bytes 0..20
 *   records, each:
 *     u32 payload length | u32 crc32(payload) | payload (an encoded LogEntry, see entry-codec.ts)
 *
 * All integers little-endian.
 */
export const SEGMENT_FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 24;
export const FRAME_HEADER_BYTES = 8;
/** Smallest valid payload: an entry header. */
export const PAYLOAD_BYTES_MIN = ENTRY_HEADER_BYTES;
/** Largest payload a writer accepts and a reader believes (anything longer is corruption). */
export const PAYLOAD_BYTES_MAX = 64 * 1024 * 1024;

const MAGIC = [0x4f, 0x4d, 0x42, 0x4c]; // "OMBL"
const SEQUENCE_DIGITS = 8;
const NAME_RE = /^(\d{8})\.log$/;

export interface SegmentHeader {
  readonly formatVersion: number;
  readonly firstOffset: number;
  readonly sequence: number;
}

export function segmentFileName(sequence: number): string {
  return String(sequence).padStart(SEQUENCE_DIGITS, '0') + '.log';
}

/** The sequence number of a segment file name, or undefined for any other file. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = NAME_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function encodeSegmentHeader(header: { firstOffset: number; sequence: number }, crc32: Crc32Fn): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, SEGMENT_FORMAT_VERSION, true);
  view.setUint16(6, SEGMENT_HEADER_BYTES, true);
  view.setFloat64(8, header.firstOffset, true);
  view.setUint32(16, header.sequence, true);
  view.setUint32(20, crc32(out.subarray(0, 20)), true);
  return out;
}

/** Parses a header, or returns a message naming what is wrong with it. */
export function decodeSegmentHeader(bytes: Uint8Array, crc32: Crc32Fn): SegmentHeader | string {
  if (bytes.length < SEGMENT_HEADER_BYTES) return `header is ${bytes.length} bytes, expected ${SEGMENT_HEADER_BYTES}`;
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) return 'header does not start with the binlog magic "OMBL"';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER_BYTES);
  const formatVersion = view.getUint16(4, true);
  if (formatVersion !== SEGMENT_FORMAT_VERSION) {
    return `segment format version ${formatVersion} is not supported (this build reads version ${SEGMENT_FORMAT_VERSION})`;
  }
  const headerBytes = view.getUint16(6, true);
  if (headerBytes !== SEGMENT_HEADER_BYTES) return `header length ${headerBytes} is not ${SEGMENT_HEADER_BYTES}`;
  const stored = view.getUint32(20, true);
  const actual = crc32(bytes.subarray(0, 20));
  if (stored !== actual) return `header crc ${stored} does not match the computed ${actual}`;
  const firstOffset = view.getFloat64(8, true);
  if (!Number.isSafeInteger(firstOffset) || firstOffset < 1) return `header first offset ${firstOffset} is not a positive integer`;
  return { formatVersion, firstOffset, sequence: view.getUint32(16, true) };
}

export function writeFrameHeader(out: Uint8Array, at: number, payloadBytes: number, crc: number): void {
  out[at] = payloadBytes & 0xff;
  out[at + 1] = (payloadBytes >>> 8) & 0xff;
  out[at + 2] = (payloadBytes >>> 16) & 0xff;
  out[at + 3] = payloadBytes >>> 24;
  out[at + 4] = crc & 0xff;
  out[at + 5] = (crc >>> 8) & 0xff;
  out[at + 6] = (crc >>> 16) & 0xff;
  out[at + 7] = crc >>> 24;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
