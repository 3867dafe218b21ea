import type { Flags } from '../config/flags.js';
import { DEFAULT_PARTITION_LIMITS, type PartitionLimits } from '../tablet/partition-env.js';

const MB = 1024 * 1024;

export function partitionLimitsFromFlags(flags: Flags): PartitionLimits {
  return {
    ...DEFAULT_PARTITION_LIMITS,
    binlogSegmentBytesMax: flags.int('binlog_single_file_max_size') * MB,
    binlogSyncIntervalMs: flags.int('binlog_sync_to_disk_interval'),
    snapshotThresholdOffset: flags.int('make_snapshot_threshold_offset'),
    scanRowsMax: flags.int('scan_max_rows'),
    // A flag declared `since` a newer version is unknown to older builds (and so is the feature).
    putDedupWindow: flags.isKnown('put_dedup_window') ? flags.int('put_dedup_window') : 0,
  };
}
