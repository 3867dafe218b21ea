import { Code, type Result, fail, ok } from '../base/status.js';
import { type BinlogLayout, type TornTailReport, openLayout } from '../binlog/binlog-layout.js';
import type { LogEntry } from '../binlog/log-entry.js';
import { joinPath } from '../ports/disk.js';
import { describeMismatch } from './make-snapshot.js';
import { readManifest } from './manifest.js';
import { SNAPSHOT_DEFAULTS, type SnapshotEnv } from './snapshot-env.js';
import { readSnapshotFile } from './snapshot-file-reader.js';

/**
 * Receives a replica's state during recovery, synchronously. Rows and entries hold views into
 * shared read buffers: copy the bytes if the buffer should not stay alive with them.
 */
export interface RecoverySink {
  /** One row of the snapshot, in the order the snapshot holds them. */
  putRow(row: Uint8Array, insertTsMs: number, indexPositions: readonly number[]): void;
  /** One binlog entry after the snapshot, in offset order. */
  applyEntry(entry: LogEntry): void;
}

export interface RecoverRequest {
  readonly snapshotDir: string;
  readonly binlogDir: string;
  readonly sink: RecoverySink;
}

export interface RecoveryReport {
  /** Last offset recovered: open the binlog writer with this as its snapshot offset floor. */
  readonly offset: number;
  /** Term of the entry at `offset` (the snapshot's term when no entry was replayed; 0 for nothing). */
  readonly term: number;
  /** Offset the loaded snapshot covers (0 without a snapshot). */
  readonly snapshotOffset: number;
  readonly rowsFromSnapshot: number;
  readonly entriesReplayed: number;
  /** A torn binlog tail that was truncated (never replayed). */
  readonly tornTail?: TornTailReport;
  /** The binlog as the replay verified it: open its writer with it (nothing may write in between). */
  readonly binlogLayout: BinlogLayout;
}

/**
 * Rebuilds a replica: every row of the snapshot, then every binlog entry after the snapshot's
 * offset. A torn binlog tail is truncated and reported; corruption anywhere else, a gap between
 * the snapshot and the binlog, or a gap inside the binlog fails with code corruption. No writer
 * may have the binlog open meanwhile.
 */
export async function recover(env: SnapshotEnv, request: RecoverRequest): Promise<Result<RecoveryReport>> {
  const { disk, crc32, logger } = env;
  const { snapshotDir, binlogDir, sink } = request;
  const manifest = await readManifest(disk, snapshotDir);
  if (!manifest.ok) return manifest;
  const snapshot = manifest.value;
  let rowsFromSnapshot = 0;
  if (snapshot) {
    const path = joinPath(snapshotDir, snapshot.dataFile);
    const loaded = await readSnapshotFile(
      { disk, path, crc32, readChunkBytes: env.readChunkBytes ?? SNAPSHOT_DEFAULTS.readChunkBytes },
      sink.putRow.bind(sink),
    );
    if (!loaded.ok) return loaded;
    const mismatch = describeMismatch(snapshot, loaded.value);
    if (mismatch) return fail(Code.corruption, `snapshot file ${path} ${mismatch}`);
    rowsFromSnapshot = loaded.value.count;
  }
  const snapshotOffset = snapshot?.offset ?? 0;
  // One pass over the binlog: the scan that verifies the log (and repairs a torn tail) replays it.
  let term = snapshot?.term ?? 0;
  let offset = snapshotOffset;
  const layout = await openLayout(
    { disk, dir: binlogDir, crc32, logger, readChunkBytes: env.binlogReadChunkBytes ?? SNAPSHOT_DEFAULTS.binlogReadChunkBytes },
    {
      fromOffset: snapshotOffset + 1,
      visit: (entry) => {
        sink.applyEntry(entry);
        term = entry.term;
        offset = entry.offset;
      },
    },
  );
  if (!layout.ok) return layout;
  const { segments, lastOffset: logLast, tornTail, visited, ...rest } = layout.value;
  const firstOffset = segments[0]?.firstOffset ?? 0;
  if (segments.length > 0 && firstOffset > snapshotOffset + 1) {
    return fail(
      Code.corruption,
      `recovering from ${binlogDir} failed: the binlog starts at offset ${firstOffset} but the snapshot in ${snapshotDir} covers only up to ${snapshotOffset}`,
    );
  }
  if (offset < logLast) {
    return fail(Code.corruption, `recovering from ${binlogDir} failed: replay stopped at offset ${offset} but the log ends at ${logLast}`);
  }
  const result = {
    offset,
    term,
    snapshotOffset,
    rowsFromSnapshot,
    entriesReplayed: visited,
    ...(tornTail ? { tornTail } : {}),
  };
  logger.info('replica recovered', { snapshotDir, binlogDir, ...result });
  return ok({ ...result, binlogLayout: { segments, lastOffset: logLast, ...rest, ...(tornTail ? { tornTail } : {}) } });
}
