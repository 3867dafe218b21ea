import type { Crc32Fn } from '../base/crc32.js';

/**
 * Layout of a snapshot data file (`*.sdb`), little-endian:
 *
 *   header (SNAPSHOT_HEADER_BYTES):
 *     0  4 bytes  magic "OMSN"
 *     4  u16      snapshot format version (SNAPSHOT_FORMAT_VERSION)
 *     6  u16      header length in bytes
 *     8  f64      binlog offset the snapshot covers
 *     16 f64      term of the entry at that offset
 *     24 u32      reserved (0)
 *     28 u32      crc32 of bytes 0..28
 *   chunks, each:
 *     u32 payload length | u32 record count | u32 crc32(record count bytes + payload) | payload
 *     payload = records: u32 row length | f64 insertTsMs | u16 position count | u16 × count | row
 *   trailer: a chunk whose record count is TRAILER_MARK and whose 8-byte payload is the f64 total
 *   number of records. Nothing may follow it.
 */
export const SNAPSHOT_FORMAT_VERSION = 1;
export const SNAPSHOT_HEADER_BYTES = 32;
export const CHUNK_HEADER_BYTES = 12;
export const RECORD_HEADER_BYTES = 14;
export const TRAILER_MARK = 0xffffffff;
/** Largest chunk payload a reader believes. */
export const CHUNK_PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;

const MAGIC = [0x4f, 0x4d, 0x53, 0x4e]; // "OMSN"

export interface SnapshotHeader {
  readonly offset: number;
  readonly term: number;
}

export function encodeSnapshotHeader(header: SnapshotHeader, crc32: Crc32Fn): Uint8Array {
  const out = new Uint8Array(SNAPSHOT_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint16(6, SNAPSHOT_HEADER_BYTES, true);
  view.setFloat64(8, header.offset, true);
  view.setFloat64(16, header.term, true);
  view.setUint32(28, crc32(out.subarray(0, 28)), true);
  return out;
}

export function decodeSnapshotHeader(bytes: Uint8Array, crc32: Crc32Fn): SnapshotHeader | string {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) return `header is ${bytes.length} bytes, expected ${SNAPSHOT_HEADER_BYTES}`;
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) return 'header does not start with the snapshot magic "OMSN"';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SNAPSHOT_HEADER_BYTES);
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    return `snapshot format version ${version} is not supported (this build reads version ${SNAPSHOT_FORMAT_VERSION})`;
  }
  if (view.getUint16(6, true) !== SNAPSHOT_HEADER_BYTES) return `header length ${view.getUint16(6, true)} is not ${SNAPSHOT_HEADER_BYTES}`;
  const stored = view.getUint32(28, true);
  const actual = crc32(bytes.subarray(0, 28));
  if (stored !== actual) return `header crc ${stored} does not match the computed ${actual}`;
  return { offset: view.getFloat64(8, true), term: view.getFloat64(16, true) };
}

/** crc32 of a chunk: over its record-count field and its payload. */
export function chunkCrc(bytes: Uint8Array, chunkStart: number, payloadBytes: number, crc32: Crc32Fn): number {
  const countCrc = crc32(bytes.subarray(chunkStart + 4, chunkStart + 8));
  const payloadStart = chunkStart + CHUNK_HEADER_BYTES;
  return crc32(bytes.subarray(payloadStart, payloadStart + payloadBytes), countCrc);
}
