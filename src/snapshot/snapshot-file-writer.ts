import { assert } from '../base/assert.js';
import type { Crc32Fn } from '../base/crc32.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_PAYLOAD_BYTES_MAX,
  RECORD_HEADER_BYTES,
  type SnapshotHeader,
  TRAILER_MARK,
  chunkCrc,
  encodeSnapshotHeader,
} from './snapshot-format.js';

/**
 * Writes a snapshot data file: `add` appends a record to the current chunk (synchronously);
 * full chunks are sealed with their crc and written by `flush`, which callers await between
 * input batches so at most about one input batch of chunks is held in memory.
 */
export class SnapshotFileWriter {
  readonly #handle: FileHandle;
  readonly #crc32: Crc32Fn;
  readonly #chunkBytes: number;
  #buf: Uint8Array;
  #view: DataView;
  #used = CHUNK_HEADER_BYTES;
  #records = 0;
  #total = 0;
  readonly #sealed: Uint8Array[] = [];

  private constructor(handle: FileHandle, crc32: Crc32Fn, chunkBytes: number) {
    this.#handle = handle;
    this.#crc32 = crc32;
    this.#chunkBytes = chunkBytes;
    this.#buf = new Uint8Array(chunkBytes + CHUNK_HEADER_BYTES);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Creates (or replaces) `path` and writes the header. */
  static async create(
    disk: Disk,
    path: string,
    header: SnapshotHeader,
    options: { crc32: Crc32Fn; chunkBytes: number },
  ): Promise<SnapshotFileWriter> {
    assert(options.chunkBytes > 0 && options.chunkBytes <= CHUNK_PAYLOAD_BYTES_MAX, `bad chunkBytes ${options.chunkBytes}`);
    await disk.remove(path);
    const handle = await disk.open(path, 'append');
    await handle.append(encodeSnapshotHeader(header, options.crc32));
    return new SnapshotFileWriter(handle, options.crc32, options.chunkBytes);
  }

  /** Records added so far. */
  get count(): number {
    return this.#total;
  }

  add(row: Uint8Array, insertTsMs: number, indexPositions: readonly number[]): void {
    const recordBytes = RECORD_HEADER_BYTES + 2 * indexPositions.length + row.length;
    if (recordBytes > CHUNK_PAYLOAD_BYTES_MAX) assert(false, `snapshot record of ${recordBytes} bytes is too large`);
    if (this.#used + recordBytes > this.#buf.length) {
      if (this.#records > 0) this.#seal();
      if (CHUNK_HEADER_BYTES + recordBytes > this.#buf.length) {
        this.#buf = new Uint8Array(CHUNK_HEADER_BYTES + recordBytes);
        this.#view = new DataView(this.#buf.buffer);
      }
    }
    const buf = this.#buf;
    let p = this.#used;
    this.#view.setUint32(p, row.length, true);
    this.#view.setFloat64(p + 4, insertTsMs, true);
    this.#view.setUint16(p + 12, indexPositions.length, true);
    p += RECORD_HEADER_BYTES;
    for (let i = 0; i < indexPositions.length; i++) {
      const pos = indexPositions[i]!;
      buf[p++] = pos & 0xff;
      buf[p++] = pos >>> 8;
    }
    buf.set(row, p);
    this.#used = p + row.length;
    this.#records++;
    this.#total++;
    if (this.#used - CHUNK_HEADER_BYTES >= this.#chunkBytes) this.#seal();
  }

  /** Writes every sealed chunk. */
  async flush(): Promise<void> {
    while (this.#sealed.length > 0) await this.#handle.append(this.#sealed.shift()!);
  }

  /** Seals the last chunk, writes the trailer, fsyncs and closes. Returns the record count. */
  async finish(): Promise<number> {
    if (this.#records > 0) this.#seal();
    const trailer = new Uint8Array(CHUNK_HEADER_BYTES + 8);
    const view = new DataView(trailer.buffer);
    view.setUint32(0, 8, true);
    view.setUint32(4, TRAILER_MARK, true);
    view.setFloat64(CHUNK_HEADER_BYTES, this.#total, true);
    view.setUint32(8, chunkCrc(trailer, 0, 8, this.#crc32), true);
    this.#sealed.push(trailer);
    await this.flush();
    await this.#handle.sync();
    await this.#handle.close();
    return this.#total;
  }

  /** Closes without finishing (the caller removes the file). */
  async abort(): Promise<void> {
    this.#sealed.length = 0;
    await this.#handle.close().catch(() => undefined);
  }

  #seal(): void {
    const payloadBytes = this.#used - CHUNK_HEADER_BYTES;
    this.#view.setUint32(0, payloadBytes, true);
    this.#view.setUint32(4, this.#records, true);
    this.#view.setUint32(8, chunkCrc(this.#buf, 0, payloadBytes, this.#crc32), true);
    this.#sealed.push(this.#buf.subarray(0, this.#used));
    this.#buf = new Uint8Array(this.#chunkBytes + CHUNK_HEADER_BYTES);
    this.#view = new DataView(this.#buf.buffer);
    this.#used = CHUNK_HEADER_BYTES;
    this.#records = 0;
  }
}
