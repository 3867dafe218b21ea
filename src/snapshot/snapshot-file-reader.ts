import type { Crc32Fn } from '../base/crc32.js';
import { Code, type Result, fail, ok } from '../base/status.js';
import { PositionsInterner } from '../binlog/positions-interner.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_PAYLOAD_BYTES_MAX,
  RECORD_HEADER_BYTES,
  SNAPSHOT_HEADER_BYTES,
  type SnapshotHeader,
  TRAILER_MARK,
  chunkCrc,
  decodeSnapshotHeader,
} from './snapshot-format.js';

/** Receives each record; `row` is a view into a shared read buffer (copy it to keep it apart). */
export type SnapshotRecordVisitor = (row: Uint8Array, insertTsMs: number, indexPositions: readonly number[]) => void;

export interface ReadSnapshotOptions {
  readonly disk: Disk;
  readonly path: string;
  readonly crc32: Crc32Fn;
  /** Bytes per read (default 8 MiB). */
  readonly readChunkBytes?: number;
  /** Awaited after the records of each read were visited (lets a consumer write them out). */
  readonly afterRead?: () => Promise<void>;
}

export interface SnapshotFileSummary extends SnapshotHeader {
  readonly count: number;
}

/**
 * Streams every record of a snapshot data file to `visit`, verifying each chunk's crc and the
 * trailer's record count. Large reads; per record only the row view is allocated (index position
 * lists are shared). Any damage is a corruption failure naming the file and byte.
 */
export async function readSnapshotFile(options: ReadSnapshotOptions, visit: SnapshotRecordVisitor): Promise<Result<SnapshotFileSummary>> {
  const { disk, path, crc32 } = options;
  const readBytes = options.readChunkBytes ?? 8 * 1024 * 1024;
  const interner = new PositionsInterner();
  const corrupt = (at: number, what: string): Result<SnapshotFileSummary> =>
    fail(Code.corruption, `snapshot file ${path} is corrupt at byte ${at}: ${what}`);
  let handle: FileHandle | undefined;
  try {
    handle = await disk.open(path, 'read');
    const fileBytes = await handle.size();
    const header = decodeSnapshotHeader(await handle.read(0, SNAPSHOT_HEADER_BYTES), crc32);
    if (typeof header === 'string') return corrupt(0, header);
    let filePos = SNAPSHOT_HEADER_BYTES;
    let count = 0;
    while (true) {
      if (filePos >= fileBytes) return corrupt(filePos, 'the file ends without a trailer (truncated?)');
      const buf = await handle.read(filePos, Math.min(readBytes, fileBytes - filePos));
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let p = 0;
      while (p + CHUNK_HEADER_BYTES <= buf.length) {
        const payloadBytes = view.getUint32(p, true);
        const records = view.getUint32(p + 4, true);
        if (payloadBytes > CHUNK_PAYLOAD_BYTES_MAX) return corrupt(filePos + p, `chunk length ${payloadBytes} is over the limit`);
        if (p + CHUNK_HEADER_BYTES + payloadBytes > buf.length) {
          if (filePos + p + CHUNK_HEADER_BYTES + payloadBytes > fileBytes) {
            return corrupt(filePos + p, `chunk of ${payloadBytes} bytes runs past the end of the file`);
          }
          break;
        }
        if (view.getUint32(p + 8, true) !== chunkCrc(buf, p, payloadBytes, crc32)) return corrupt(filePos + p, 'chunk crc mismatch');
        const payloadStart = p + CHUNK_HEADER_BYTES;
        if (records === TRAILER_MARK) {
          const total = payloadBytes === 8 ? view.getFloat64(payloadStart, true) : Number.NaN;
          if (total !== count) return corrupt(filePos + p, `trailer says ${total} records, the file holds ${count}`);
          const end = filePos + payloadStart + payloadBytes;
          if (end !== fileBytes) return corrupt(end, `${fileBytes - end} bytes follow the trailer`);
          return ok({ ...header, count });
        }
        const problem = visitChunk(buf, view, payloadStart, payloadStart + payloadBytes, records, interner, visit);
        if (problem) return corrupt(filePos + p, problem);
        count += records;
        p = payloadStart + payloadBytes;
      }
      if (p === 0) {
        // A chunk larger than one read: read exactly it next time.
        const payloadBytes = buf.length >= 4 ? view.getUint32(0, true) : 0;
        const whole = await handle.read(filePos, CHUNK_HEADER_BYTES + payloadBytes);
        if (whole.length < CHUNK_HEADER_BYTES + payloadBytes) return corrupt(filePos, 'incomplete chunk at the end of the file');
        const wholeView = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
        const records = wholeView.getUint32(4, true);
        if (records === TRAILER_MARK) return corrupt(filePos, 'oversized trailer');
        if (wholeView.getUint32(8, true) !== chunkCrc(whole, 0, payloadBytes, crc32)) return corrupt(filePos, 'chunk crc mismatch');
        const problem = visitChunk(whole, wholeView, CHUNK_HEADER_BYTES, CHUNK_HEADER_BYTES + payloadBytes, records, interner, visit);
        if (problem) return corrupt(filePos, problem);
        count += records;
        p = CHUNK_HEADER_BYTES + payloadBytes;
      }
      filePos += p;
      if (options.afterRead) await options.afterRead();
    }
  } catch (error) {
    return fail(Code.ioError, `reading snapshot file ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Visits the `records` records of one verified chunk payload; returns a problem message or undefined. */
function visitChunk(
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  records: number,
  interner: PositionsInterner,
  visit: SnapshotRecordVisitor,
): string | undefined {
  let p = start;
  for (let i = 0; i < records; i++) {
    if (p + RECORD_HEADER_BYTES > end) return `record ${i} of the chunk starts past its end`;
    const rowBytes = view.getUint32(p, true);
    const insertTsMs = view.getFloat64(p + 4, true);
    const positions = view.getUint16(p + 12, true);
    const rowStart = p + RECORD_HEADER_BYTES + 2 * positions;
    const rowEnd = rowStart + rowBytes;
    if (rowEnd > end) return `record ${i} of the chunk runs past its end`;
    visit(buf.subarray(rowStart, rowEnd), insertTsMs, interner.intern(buf, p + RECORD_HEADER_BYTES, positions));
    p = rowEnd;
  }
  return p === end ? undefined : `${end - p} bytes follow the last record of the chunk`;
}
