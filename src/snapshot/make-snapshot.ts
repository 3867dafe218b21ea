import { Code, type Result, fail, ok } from '../base/status.js';
import { BinlogReader } from '../binlog/binlog-reader.js';
import { PositionsInterner } from '../binlog/positions-interner.js';
import { type Disk, joinPath } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';
import { DeleteSet } from './delete-set.js';
import { MANIFEST_FILE, MANIFEST_FORMAT_VERSION, type Manifest, encodeManifest, readManifest } from './manifest.js';
import type { RowInspector } from './row-inspector.js';
import { SNAPSHOT_DEFAULTS, type SnapshotEnv, describeError } from './snapshot-env.js';
import { SnapshotFileWriter } from './snapshot-file-writer.js';
import { readSnapshotFile } from './snapshot-file-reader.js';

export interface MakeSnapshotRequest {
  readonly snapshotDir: string;
  readonly binlogDir: string;
  /** Last binlog offset to include; it must already be written to the binlog (e.g. its flushedOffset). */
  readonly uptoOffset: number;
  readonly inspector: RowInspector;
  /** Current time, for TTL expiry and the manifest's createdAtMs. */
  readonly nowMs: number;
}

export interface MakeSnapshotResult {
  readonly offset: number;
  readonly term: number;
  readonly count: number;
  /** Data file of the snapshot (undefined when there is still no snapshot at all). */
  readonly dataFile: string | undefined;
  /** False when the existing snapshot already covered `uptoOffset` and was kept. */
  readonly created: boolean;
  /** Rows left out because they expired or were deleted from every index. */
  readonly rowsDropped: number;
}

/**
 * Builds a new snapshot from the current one plus the binlog entries (its offset, uptoOffset]:
 * deletes in that range remove earlier rows, expired rows are dropped. It reads only files, so
 * writes go on meanwhile and the in-memory table needs no lock; entries appended after
 * `uptoOffset` stay in the binlog for the next snapshot and for recovery. Order: data file
 * (written as .tmp, fsynced, renamed), then MANIFEST (atomically), then the old data file is
 * removed. A crash at any point leaves the old or the new snapshot whole; leftovers are removed
 * by the next call. The caller deletes covered binlog segments afterwards and never runs two
 * calls on one directory at once.
 */
export async function makeSnapshot(env: SnapshotEnv, request: MakeSnapshotRequest): Promise<Result<MakeSnapshotResult>> {
  const { disk, crc32, logger } = env;
  const { snapshotDir, binlogDir, uptoOffset, nowMs } = request;
  const what = `making a snapshot of ${binlogDir} up to offset ${uptoOffset} in ${snapshotDir}`;
  try {
    await disk.mkdirp(snapshotDir);
  } catch (error) {
    return fail(Code.ioError, `${what} failed: ${describeError(error)}`);
  }
  const current = await readManifest(disk, snapshotDir);
  if (!current.ok) return current;
  const old = current.value;
  const oldOffset = old?.offset ?? 0;
  if (uptoOffset < oldOffset) {
    return fail(Code.invalidParameter, `${what} failed: the current snapshot already covers offset ${oldOffset}`);
  }
  if (uptoOffset === oldOffset) {
    return ok({ offset: oldOffset, term: old?.term ?? 0, count: old?.count ?? 0, dataFile: old?.dataFile, created: false, rowsDropped: 0 });
  }
  const removed = await removeLeftovers(disk, snapshotDir, old?.dataFile, logger);
  if (!removed.ok) return removed;

  const opened = await BinlogReader.open({
    disk,
    dir: binlogDir,
    crc32,
    logger,
    repairTail: false,
    readChunkBytes: env.binlogReadChunkBytes ?? SNAPSHOT_DEFAULTS.binlogReadChunkBytes,
  });
  if (!opened.ok) return opened;
  const reader = opened.value.reader;
  try {
    const deletes = new DeleteSet();
    let term = 0;
    const scanned = await reader.forEach(
      oldOffset + 1,
      (entry) => {
        term = entry.term;
        if (entry.kind === 'delete') deletes.add(entry.offset, entry.delete!);
      },
      { toOffset: uptoOffset },
    );
    if (!scanned.ok) return fail(scanned.code, `${what} failed: ${scanned.message}`);
    if (scanned.value.lastOffset !== uptoOffset) {
      return fail(Code.invalidParameter, `${what} failed: the binlog ends at offset ${scanned.value.lastOffset}`);
    }
    const deletesMax = env.deletesMax ?? SNAPSHOT_DEFAULTS.deletesMax;
    if (deletes.size > deletesMax) {
      return fail(Code.snapshotBusy, `${what} failed: the range holds ${deletes.size} deletes, over the limit of ${deletesMax}`);
    }
    const dataFile = `${String(uptoOffset).padStart(20, '0')}-${nowMs}.sdb`;
    const built = await writeDataFile(env, { ...request, old, dataFile, term, deletes, reader });
    if (!built.ok) return fail(built.code, `${what} failed: ${built.message}`);
    const manifest: Manifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      offset: uptoOffset,
      term,
      count: built.value.count,
      dataFile,
      createdAtMs: nowMs,
    };
    try {
      await disk.writeFileAtomic(joinPath(snapshotDir, MANIFEST_FILE), encodeManifest(manifest));
    } catch (error) {
      return fail(Code.ioError, `${what} failed: ${describeError(error)}`);
    }
    if (old && old.dataFile !== dataFile) {
      await disk.remove(joinPath(snapshotDir, old.dataFile)).catch((error: unknown) => {
        logger.warn('removing the previous snapshot data file failed; the next snapshot retries', { error: describeError(error) });
      });
    }
    logger.info('snapshot made', { snapshotDir, offset: uptoOffset, count: manifest.count, rowsDropped: built.value.rowsDropped, nowMs });
    return ok({ offset: uptoOffset, term, count: manifest.count, dataFile, created: true, rowsDropped: built.value.rowsDropped });
  } finally {
    await reader.close();
  }
}

interface BuildInput extends MakeSnapshotRequest {
  readonly old: Manifest | undefined;
  readonly dataFile: string;
  readonly term: number;
  readonly deletes: DeleteSet;
  readonly reader: BinlogReader;
}

/** Writes `dataFile` from the old snapshot plus the binlog range; removes its .tmp on failure. */
async function writeDataFile(env: SnapshotEnv, input: BuildInput): Promise<Result<{ count: number; rowsDropped: number }>> {
  const { disk, crc32 } = env;
  const { snapshotDir, inspector, nowMs, old, deletes, reader } = input;
  const tmpPath = joinPath(snapshotDir, `${input.dataFile}.tmp`);
  const interner = new PositionsInterner();
  let writer: SnapshotFileWriter | undefined;
  let rowsDropped = 0;
  let finished = false;
  try {
    writer = await SnapshotFileWriter.create(disk, tmpPath, { offset: input.uptoOffset, term: input.term }, {
      crc32,
      chunkBytes: env.chunkBytes ?? SNAPSHOT_DEFAULTS.chunkBytes,
    });
    const out = writer;
    const keep = (row: Uint8Array, insertTsMs: number, positions: readonly number[], writtenAtOffset: number): void => {
      if (inspector.isExpired?.(row, insertTsMs, nowMs)) {
        rowsDropped++;
        return;
      }
      const kept = deletes.survivingPositions(row, insertTsMs, positions, writtenAtOffset, inspector);
      if (kept.length === 0) {
        rowsDropped++;
        return;
      }
      out.add(row, insertTsMs, kept === positions ? positions : interner.internArray(kept));
    };
    const flush = (): Promise<void> => out.flush();
    if (old) {
      const path = joinPath(snapshotDir, old.dataFile);
      const loaded = await readSnapshotFile(
        { disk, path, crc32, readChunkBytes: env.readChunkBytes ?? SNAPSHOT_DEFAULTS.readChunkBytes, afterRead: flush },
        (row, insertTsMs, positions) => keep(row, insertTsMs, positions, 0),
      );
      if (!loaded.ok) return loaded;
      const mismatch = describeMismatch(old, loaded.value);
      if (mismatch) return fail(Code.corruption, `snapshot file ${path} ${mismatch}`);
    }
    const replayed = await reader.forEach(
      old ? old.offset + 1 : 1,
      (entry) => {
        if (entry.kind === 'put') keep(entry.row!, entry.insertTsMs, entry.indexPositions!, entry.offset);
      },
      { toOffset: input.uptoOffset, afterRead: flush },
    );
    if (!replayed.ok) return replayed;
    const count = await writer.finish();
    finished = true;
    await disk.rename(tmpPath, joinPath(snapshotDir, input.dataFile));
    return ok({ count, rowsDropped });
  } catch (error) {
    return fail(Code.ioError, describeError(error));
  } finally {
    if (!finished) {
      await writer?.abort();
      await disk.remove(tmpPath).catch(() => undefined);
    }
  }
}

export function describeMismatch(manifest: Manifest, file: { offset: number; count: number }): string | undefined {
  if (file.offset !== manifest.offset) return `covers offset ${file.offset} but the manifest says ${manifest.offset}`;
  if (file.count !== manifest.count) return `holds ${file.count} records but the manifest says ${manifest.count}`;
  return undefined;
}

/** Removes data files and temporaries that no manifest names (left by a crash mid-snapshot). */
async function removeLeftovers(disk: Disk, dir: string, current: string | undefined, logger: Logger): Promise<Result<void>> {
  try {
    for (const entry of await disk.list(dir)) {
      if (entry.isDirectory || entry.name === current) continue;
      if (entry.name.endsWith('.sdb') || entry.name.endsWith('.tmp')) {
        await disk.remove(joinPath(dir, entry.name));
        logger.info('removed a leftover snapshot file', { dir, file: entry.name });
      }
    }
    return ok(undefined);
  } catch (error) {
    return fail(Code.ioError, `cleaning snapshot directory ${dir} failed: ${describeError(error)}`);
  }
}
