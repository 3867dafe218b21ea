/**
 * Limits and periods of replication and snapshot transfer, with the reference's flag names. The
 * composition root fills them from flags; anything left out takes the default.
 */
export interface ReplicationOptions {
  /** binlog_sync_batch_size: most entries per AppendEntries. */
  readonly batchEntriesMax: number;
  /** Most row bytes per AppendEntries (keeps a batch well inside the RPC frame limit). */
  readonly batchBytesMax: number;
  /** binlog_coffee_time: back-off after a replication error. */
  readonly coffeeTimeMs: number;
  /** binlog_sync_wait_time: a caught-up follower link re-checks the log this often. */
  readonly idleWaitMs: number;
  /** binlog_match_logoffset_interval: retry period of the offset handshake. */
  readonly matchRetryMs: number;
  /** binlog_notify_on_put: wake follower links on every write. */
  readonly notifyOnPut: boolean;
  /** Deadline of one AppendEntries call. */
  readonly appendTimeoutMs: number;
  /** sync_replication_timeout: how long a put of a 'sync' table waits for every follower. */
  readonly syncTimeoutMs: number;
  /** Puts of one 'sync' partition waiting for followers at once; beyond it puts are refused. */
  readonly syncWaitersMax: number;
  /** binlog_delete_interval: period of removing binlog no snapshot or follower still needs. */
  readonly binlogDeleteIntervalMs: number;
  /** stream_block_size: bytes per SendData block. */
  readonly streamBlockBytes: number;
  /** stream_bandwidth_limit: bytes per second of one snapshot transfer (0 = unlimited). */
  readonly streamBandwidthBytesPerSec: number;
  /** send_file_max_try: attempts per block and per file. */
  readonly sendFileMaxTry: number;
  /** retry_send_file_wait_time_ms: wait between attempts. */
  readonly sendFileRetryWaitMs: number;
  /** Deadline of one snapshot-transfer call. */
  readonly transferTimeoutMs: number;
  /** Files being received at once. */
  readonly receiveSessionsMax: number;
  /** Task records kept (finished ones are evicted first when full). */
  readonly tasksMax: number;
  /**
   * leader_handoff_timeout: a leader giving up leadership (ChangeRole to follower, tablet stop)
   * waits this long for its alive followers to acknowledge its last offset (0: no wait).
   */
  readonly handoffTimeoutMs: number;
}

export const DEFAULT_REPLICATION_OPTIONS: ReplicationOptions = {
  batchEntriesMax: 32,
  batchBytesMax: 4 * 1024 * 1024,
  coffeeTimeMs: 1000,
  idleWaitMs: 100,
  matchRetryMs: 1000,
  notifyOnPut: true,
  appendTimeoutMs: 10_000,
  syncTimeoutMs: 5000,
  syncWaitersMax: 100_000,
  binlogDeleteIntervalMs: 60_000,
  streamBlockBytes: 1_232_896,
  streamBandwidthBytesPerSec: 20_971_520,
  sendFileMaxTry: 3,
  sendFileRetryWaitMs: 3000,
  transferTimeoutMs: 60_000,
  receiveSessionsMax: 64,
  tasksMax: 10_000,
  handoffTimeoutMs: 3000,
};

/** Fills defaults and checks the values against each other; throws a configuration error. */
export function replicationOptions(partial: Partial<ReplicationOptions> = {}): ReplicationOptions {
  const o: ReplicationOptions = { ...DEFAULT_REPLICATION_OPTIONS, ...partial };
  const positive: (keyof ReplicationOptions)[] = [
    'batchEntriesMax',
    'batchBytesMax',
    'appendTimeoutMs',
    'syncTimeoutMs',
    'syncWaitersMax',
    'binlogDeleteIntervalMs',
    'streamBlockBytes',
    'sendFileMaxTry',
    'transferTimeoutMs',
    'receiveSessionsMax',
    'tasksMax',
    'idleWaitMs',
  ];
  for (const name of positive) {
    const v = o[name];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`configuration error: replication option ${name} must be positive, got ${v}`);
  }
  for (const name of ['coffeeTimeMs', 'matchRetryMs', 'streamBandwidthBytesPerSec', 'sendFileRetryWaitMs', 'handoffTimeoutMs'] as const) {
    if (!(o[name] >= 0)) throw new Error(`configuration error: replication option ${name} must not be negative, got ${o[name]}`);
  }
  return o;
}
