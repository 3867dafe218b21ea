import type { Crc32Fn } from '../base/crc32.js';
import type { Clock, Timers } from '../ports/clock.js';
import type { Disk } from '../ports/disk.js';
import type { Logger } from '../ports/logger.js';

/** Everything a table partition runs on: ports plus the limits taken from flags. */
export interface PartitionEnv {
  readonly disk: Disk;
  readonly crc32: Crc32Fn;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly limits: PartitionLimits;
}

export interface PartitionLimits {
  /** binlog_single_file_max_size, in bytes. */
  readonly binlogSegmentBytesMax: number;
  /** binlog_sync_to_disk_interval; 0 = fsync before acknowledging each write. */
  readonly binlogSyncIntervalMs: number;
  /** Unflushed binlog bytes above which puts are refused (back-pressure). */
  readonly binlogBufferBytesMax: number;
  /** make_snapshot_threshold_offset. */
  readonly snapshotThresholdOffset: number;
  /** scan_max_rows: most rows one read returns. */
  readonly scanRowsMax: number;
  /** Rows per put request. */
  readonly putRowsMax: number;
  /**
   * put_dedup_window: request ids of idempotent puts remembered per partition (0 or absent: none;
   * the Tablet sets 0 when its version lacks the feature).
   */
  readonly putDedupWindow?: number;
}

export const DEFAULT_PARTITION_LIMITS: PartitionLimits = {
  binlogSegmentBytesMax: 1024 * 1024 * 1024,
  binlogSyncIntervalMs: 5000,
  binlogBufferBytesMax: 64 * 1024 * 1024,
  snapshotThresholdOffset: 100_000,
  scanRowsMax: 100_000,
  putRowsMax: 10_000,
};
