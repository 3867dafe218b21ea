import type { Crc32Fn } from '../base/crc32.js';
import type { Disk } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';

/** What snapshot making and recovery run on, and their limits. */
export interface SnapshotEnv {
  readonly disk: Disk;
  readonly crc32: Crc32Fn;
  readonly logger: Logger;
  /** Target payload bytes per checksummed chunk of a data file (default 1 MiB). */
  readonly chunkBytes?: number;
  /** Bytes per read of a snapshot data file (default 8 MiB). */
  readonly readChunkBytes?: number;
  /** Bytes per read of the binlog (default 4 MiB). */
  readonly binlogReadChunkBytes?: number;
  /** Most deletes one snapshot may apply (make_snapshot_max_deleted_keys; default 1,000,000). */
  readonly deletesMax?: number;
}

export const SNAPSHOT_DEFAULTS = {
  chunkBytes: 1024 * 1024,
  readChunkBytes: 8 * 1024 * 1024,
  binlogReadChunkBytes: 4 * 1024 * 1024,
  deletesMax: 1_000_000,
} as const;

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
