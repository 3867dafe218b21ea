/**
 * The sending end of a snapshot transfer (cluster.md §7.6, the reference's FileSender): the table
 * meta, the snapshot data file named in MANIFEST, then MANIFEST itself (last, so the receiver has
 * a manifest only once the data file is whole); only the meta when there is no snapshot. Each file goes as ReceiveFile, SendData blocks of
 * `streamBlockBytes` with their crc32, then CheckFile (size and crc of the whole file). The rate
 * is held to `streamBandwidthBytesPerSec`. A failed block is resent and a failed file restarted,
 * each up to `sendFileMaxTry` attempts.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import { type FileHandle, joinPath } from '../ports/disk.js';
import type { RpcClient } from '../ports/transport.js';
import type { TransferDir } from '../protocol/messages.js';
import { callTablet } from '../protocol/typed-call.js';
import { MANIFEST_FILE, parseManifest } from '../snapshot/manifest.js';
import type { PartitionEnv } from './partition-env.js';
import type { ReplicationOptions } from './replication-options.js';

export interface SnapshotTarget {
  readonly endpoint: string;
  readonly tid: number;
  readonly pid: number;
}

export interface SentSnapshot {
  /** Files sent, in order (only the meta when there is no snapshot). */
  readonly files: readonly string[];
  readonly bytes: number;
}

interface BlockSource {
  readonly sizeBytes: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SnapshotSender {
  #startMs = 0;
  #sentBytes = 0;

  constructor(
    private readonly env: PartitionEnv,
    private readonly options: ReplicationOptions,
    private readonly client: RpcClient,
    private readonly target: SnapshotTarget,
    /** Checked between blocks: a canceled task stops sending. */
    private readonly isCanceled: () => boolean,
  ) {}

  /** Sends `<partitionDir>/<metaFile>`, the snapshot data file and MANIFEST. */
  async send(partitionDir: string, metaFile: string): Promise<Result<SentSnapshot>> {
    const { disk } = this.env;
    const snapshotDir = joinPath(partitionDir, 'snapshot');
    const manifestPath = joinPath(snapshotDir, MANIFEST_FILE);
    let manifestBytes: Uint8Array;
    let metaBytes: Uint8Array;
    let hasSnapshot: boolean;
    try {
      hasSnapshot = await disk.exists(manifestPath);
      manifestBytes = hasSnapshot ? await disk.readFile(manifestPath) : new Uint8Array(0);
      metaBytes = await disk.readFile(joinPath(partitionDir, metaFile));
    } catch (error) {
      return fail(Code.ioError, `sending the snapshot of ${partitionDir} failed: ${describeError(error)}`);
    }
    const manifest = hasSnapshot ? parseManifest(manifestBytes, manifestPath) : undefined;
    if (manifest && !manifest.ok) return manifest;
    this.#startMs = this.env.clock.monotonicMs();
    this.#sentBytes = 0;
    // The meta goes even without a snapshot (the reference then sends nothing): a receiver that
    // has no replica on disk (dropped, or never had one) can then load an empty replica that
    // catches up from the leader's binlog, instead of failing LoadTable on every retry (found by
    // the simulator: kReAddReplicaWithDropOP of a table without a snapshot never succeeded).
    const sentMeta = await this.#sendFile('', metaFile, bytesSource(metaBytes));
    if (!sentMeta.ok) return sentMeta;
    if (!manifest) return ok({ files: [metaFile], bytes: this.#sentBytes });
    const dataPath = joinPath(snapshotDir, manifest.value.dataFile);
    let handle: FileHandle;
    try {
      handle = await disk.open(dataPath, 'read');
    } catch (error) {
      return fail(Code.ioError, `sending snapshot file ${dataPath} failed: ${describeError(error)}`);
    }
    try {
      const sizeBytes = await handle.size();
      const sentData = await this.#sendFile('snapshot', manifest.value.dataFile, { sizeBytes, read: (p, n) => handle.read(p, n) });
      if (!sentData.ok) return sentData;
    } catch (error) {
      return fail(Code.ioError, `sending snapshot file ${dataPath} failed: ${describeError(error)}`);
    } finally {
      await handle.close().catch(() => undefined);
    }
    const sentManifest = await this.#sendFile('snapshot', MANIFEST_FILE, bytesSource(manifestBytes));
    if (!sentManifest.ok) return sentManifest;
    return ok({ files: [metaFile, `snapshot/${manifest.value.dataFile}`, `snapshot/${MANIFEST_FILE}`], bytes: this.#sentBytes });
  }

  async #sendFile(dir: TransferDir, fileName: string, source: BlockSource): Promise<Result<void>> {
    const what = `sending ${dir ? `${dir}/` : ''}${fileName} of tid ${this.target.tid} pid ${this.target.pid} to ${this.target.endpoint}`;
    let last: Result<void> = okVoid;
    for (let attempt = 1; attempt <= this.options.sendFileMaxTry; attempt++) {
      last = await this.#sendOnce(dir, fileName, source);
      if (last.ok || this.isCanceled()) break;
      this.env.logger.warn('snapshot file transfer failed', { what, attempt, error: last.message });
      if (attempt < this.options.sendFileMaxTry) await this.#sleep(this.options.sendFileRetryWaitMs);
    }
    if (last.ok) return last;
    return fail(last.code, `${what} failed after ${this.options.sendFileMaxTry} attempt(s): ${last.message}`);
  }

  async #sendOnce(dir: TransferDir, fileName: string, source: BlockSource): Promise<Result<void>> {
    const { tid, pid } = this.target;
    const timeoutMs = this.options.transferTimeoutMs;
    const begun = await callTablet(this.client, 'ReceiveFile', { tid, pid, dir, fileName, sizeBytes: source.sizeBytes }, { timeoutMs });
    if (!begun.ok) return begun;
    let crc = 0;
    const blockBytes = this.options.streamBlockBytes;
    for (let position = 0, blockId = 0; position < source.sizeBytes; blockId++) {
      if (this.isCanceled()) return fail(Code.unavailable, 'the task was canceled');
      const data = await source.read(position, Math.min(blockBytes, source.sizeBytes - position));
      if (data.length === 0) return fail(Code.ioError, `the file ended at byte ${position} of ${source.sizeBytes} while being sent`);
      const blockCrc32 = this.env.crc32(data);
      let sent: Result<unknown> = okVoid;
      for (let attempt = 1; attempt <= this.options.sendFileMaxTry; attempt++) {
        sent = await callTablet(this.client, 'SendData', { tid, pid, dir, fileName, blockId, data, blockCrc32 }, { timeoutMs });
        if (sent.ok || this.isCanceled()) break;
        if (attempt < this.options.sendFileMaxTry) await this.#sleep(this.options.sendFileRetryWaitMs);
      }
      if (!sent.ok) return fail(sent.code, `block ${blockId}: ${sent.message}`);
      crc = this.env.crc32(data, crc);
      position += data.length;
      await this.#throttle(data.length);
    }
    const checked = await callTablet(this.client, 'CheckFile', { tid, pid, dir, fileName, sizeBytes: source.sizeBytes, crc32: crc }, { timeoutMs });
    return checked.ok ? okVoid : checked;
  }

  /** Sleeps as long as needed to keep the average rate at or below the bandwidth limit. */
  async #throttle(bytes: number): Promise<void> {
    this.#sentBytes += bytes;
    const limit = this.options.streamBandwidthBytesPerSec;
    if (limit <= 0) return;
    const dueMs = this.#startMs + (this.#sentBytes * 1000) / limit;
    const waitMs = dueMs - this.env.clock.monotonicMs();
    if (waitMs >= 1) await this.#sleep(waitMs);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.env.timers.after(ms, resolve));
  }
}

function bytesSource(bytes: Uint8Array): BlockSource {
  return { sizeBytes: bytes.length, read: async (p, n) => bytes.subarray(p, p + n) };
}
