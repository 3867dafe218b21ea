/**
 * The receiving end of a snapshot transfer (cluster.md §7.6, the reference's FileReceiver): a file
 * arrives as `ReceiveFile` (start), `SendData` blocks in order, and `CheckFile` (size and crc of the
 * whole file). Bytes go to `<path>.tmp`, which is fsynced and renamed over `<path>` only after the
 * check, so a reader never sees a partial file. Each block carries its crc32: a block damaged on
 * the way is refused and the sender resends it. A repeat of the last block (its reply was lost)
 * is acknowledged again.
 */
import type { Crc32Fn } from '../base/crc32.js';
import { Mutex } from '../base/mutex.js';
import { Code, fail, okVoid, type Result } from '../base/status.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';

export interface ReceiverEnv {
  readonly disk: Disk;
  readonly crc32: Crc32Fn;
  readonly logger: Logger;
}

interface Session {
  readonly tmpPath: string;
  readonly handle: FileHandle;
  readonly sizeBytes: number;
  nextBlockId: number;
  receivedBytes: number;
  crc: number;
  lastBlockCrc: number;
  lastBlockBytes: number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class FileReceiver {
  readonly #sessions = new Map<string, Session>();
  readonly #mutex = new Mutex();

  constructor(
    private readonly env: ReceiverEnv,
    private readonly sessionsMax: number,
  ) {}

  get receiving(): number {
    return this.#sessions.size;
  }

  /** Starts receiving `path` (replacing an unfinished transfer of the same file). */
  begin(path: string, sizeBytes: number): Promise<Result<void>> {
    return this.#mutex.run(async () => {
      await this.#drop(path);
      if (this.#sessions.size >= this.sessionsMax) {
        return fail(Code.rpcOverloaded, `receiving ${path} refused: ${this.sessionsMax} files are being received already`);
      }
      const tmpPath = `${path}.tmp`;
      try {
        await this.env.disk.mkdirp(path.slice(0, Math.max(0, path.lastIndexOf('/'))));
        await this.env.disk.remove(tmpPath);
        const handle = await this.env.disk.open(tmpPath, 'append');
        this.#sessions.set(path, { tmpPath, handle, sizeBytes, nextBlockId: 0, receivedBytes: 0, crc: 0, lastBlockCrc: -1, lastBlockBytes: -1 });
        return okVoid;
      } catch (error) {
        return fail(Code.ioError, `receiving ${path} failed: ${describeError(error)}`);
      }
    });
  }

  block(path: string, blockId: number, data: Uint8Array, blockCrc32: number): Promise<Result<void>> {
    return this.#mutex.run(async () => {
      const s = this.#sessions.get(path);
      if (!s) return fail(Code.invalidParameter, `receiving block ${blockId} of ${path} failed: no transfer of it is in progress`);
      if (blockId === s.nextBlockId - 1 && blockCrc32 === s.lastBlockCrc && data.length === s.lastBlockBytes) return okVoid;
      if (blockId !== s.nextBlockId) {
        return fail(Code.invalidParameter, `receiving block ${blockId} of ${path} failed: expected block ${s.nextBlockId}`);
      }
      const crc = this.env.crc32(data);
      if (crc !== blockCrc32 >>> 0) {
        return fail(Code.corruption, `receiving block ${blockId} of ${path} failed: its crc32 is ${crc}, the sender's is ${blockCrc32}; the block was damaged on the way`);
      }
      if (s.receivedBytes + data.length > s.sizeBytes) {
        return fail(
          Code.invalidParameter,
          `receiving block ${blockId} of ${path} failed: it brings the file to ${s.receivedBytes + data.length} bytes, more than the announced ${s.sizeBytes}`,
        );
      }
      try {
        await s.handle.append(data);
      } catch (error) {
        await this.#drop(path);
        return fail(Code.ioError, `receiving block ${blockId} of ${path} failed: ${describeError(error)}`);
      }
      s.nextBlockId++;
      s.receivedBytes += data.length;
      s.crc = this.env.crc32(data, s.crc);
      s.lastBlockCrc = blockCrc32 >>> 0;
      s.lastBlockBytes = data.length;
      return okVoid;
    });
  }

  /** Checks size and crc, then makes the file durable under its final name. */
  finish(path: string, sizeBytes: number, crc32: number): Promise<Result<void>> {
    return this.#mutex.run(async () => {
      const s = this.#sessions.get(path);
      if (!s) return fail(Code.invalidParameter, `checking ${path} failed: no transfer of it is in progress`);
      if (s.receivedBytes !== sizeBytes || s.sizeBytes !== sizeBytes || s.crc !== crc32 >>> 0) {
        await this.#drop(path);
        return fail(
          Code.corruption,
          `checking ${path} failed: received ${s.receivedBytes} bytes with crc32 ${s.crc}, the sender has ${sizeBytes} bytes with crc32 ${crc32 >>> 0}`,
        );
      }
      this.#sessions.delete(path);
      try {
        await s.handle.sync();
        await s.handle.close();
        await this.env.disk.rename(s.tmpPath, path);
      } catch (error) {
        await this.env.disk.remove(s.tmpPath).catch(() => undefined);
        return fail(Code.ioError, `finishing ${path} failed: ${describeError(error)}`);
      }
      this.env.logger.info('file received', { path, bytes: sizeBytes });
      return okVoid;
    });
  }

  /** Abandons every unfinished transfer (their .tmp files are removed). */
  closeAll(): Promise<void> {
    return this.#mutex.run(async () => {
      for (const path of [...this.#sessions.keys()]) await this.#drop(path);
    });
  }

  async #drop(path: string): Promise<void> {
    const s = this.#sessions.get(path);
    if (!s) return;
    this.#sessions.delete(path);
    await s.handle.close().catch(() => undefined);
    await this.env.disk.remove(s.tmpPath).catch(() => undefined);
  }
}
