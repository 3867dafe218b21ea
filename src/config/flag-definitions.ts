/**
 * Every flag the program knows, named as in the reference (cluster.md §2.2), with its type,
 * default and the roles that read it. A flag listed with `effect: 'none'` is accepted so that
 * configuration copied from the reference keeps working, and the process says at start-up that
 * it has no effect here (for example thread-pool sizes: Node runs one event loop per process).
 */
import { FEATURES } from '../protocol/features.js';
import { compareVersions, SOFTWARE_VERSION } from '../protocol/version.js';

export type FlagType = 'string' | 'int' | 'bool';

export interface FlagDefinition {
  readonly name: string;
  readonly type: FlagType;
  readonly defaultValue: string | number | boolean;
  readonly help: string;
  readonly effect?: 'none';
  /** Smallest accepted value for int flags. */
  readonly min?: number;
  /** First software version that knows the flag: older builds refuse it as unknown. */
  readonly since?: string;
}

function def(
  name: string,
  type: FlagType,
  defaultValue: string | number | boolean,
  help: string,
  extra: Partial<FlagDefinition> = {},
): FlagDefinition {
  return { name, type, defaultValue, help, ...extra };
}

const none = { effect: 'none' as const };

export const FLAG_DEFINITIONS: readonly FlagDefinition[] = [
  // identity and process
  def('role', 'string', '', 'tablet | nameserver | apiserver | standalone | ns_client | sql_client | client'),
  def('endpoint', 'string', '', 'ip:port this server binds to and registers under'),
  def('port', 'int', 0, 'port to bind when endpoint is empty (ip taken as 127.0.0.1)', { min: 0 }),
  def('use_name', 'bool', false, 'register a server name instead of ip:port', none),
  def('flagfile', 'string', '', 'read flags from this file (one --name=value per line)'),
  def('openmldb_log_dir', 'string', './logs', 'directory for this component log file'),
  def('log_level', 'string', 'info', 'debug | info | warn | error'),
  def('enable_status_service', 'bool', true, 'serve HTTP /status and /metrics on the endpoint'),
  def('version', 'bool', false, 'print the version and exit'),
  // ZooKeeper
  def('zk_cluster', 'string', '', 'host:port[,host:port] of ZooKeeper; empty = standalone'),
  def('zk_root_path', 'string', '/openmldb', 'root of every ZooKeeper node of this cluster'),
  def('zk_session_timeout', 'int', 2000, 'ZooKeeper session timeout in ms', { min: 1 }),
  def('zk_keep_alive_check_interval', 'int', 15000, 'period of the reconnect/re-register check in ms', { min: 1 }),
  def('zk_auth_schema', 'string', 'digest', 'ZooKeeper ACL scheme', none),
  def('zk_cert', 'string', '', 'ZooKeeper ACL credentials user:passwd', none),
  // nameserver
  def('tablet', 'string', '', 'standalone nameserver: endpoint of its single tablet'),
  def('tablet_heartbeat_timeout', 'int', 300000, 'grace time in ms after a tablet disappears before failover', {
    min: 0,
  }),
  def('tablet_offline_check_interval', 'int', 1000, 're-check period during the grace time, ms', { min: 1 }),
  def('auto_failover', 'bool', false, 'initial auto_failover (later starts read it from ZooKeeper)'),
  def('name_server_task_pool_size', 'int', 8, 'task thread pool size', none),
  def('name_server_task_concurrency', 'int', 2, 'ops that run at once by default', { min: 1 }),
  def('name_server_task_max_concurrency', 'int', 8, 'upper bound for a per-command concurrency', { min: 1 }),
  def('name_server_task_concurrency_for_replica_cluster', 'int', 2, 'multi-cluster op queues', none),
  def('name_server_task_wait_time', 'int', 1000, 'idle wait of the op loop, ms', { min: 1 }),
  def('name_server_op_execute_timeout', 'int', 7200000, 'log ops running longer than this, ms', { min: 1 }),
  def('get_task_status_interval', 'int', 2000, 'period of task status polling, ms', { min: 1 }),
  def('get_table_status_interval', 'int', 2000, 'period of table status polling, ms', { min: 1 }),
  def('check_binlog_sync_progress_delta', 'int', 100000, 'a follower within this many entries is caught up', {
    min: 0,
  }),
  def('max_op_num', 'int', 10000, 'finished ops kept in memory', { min: 1 }),
  def('partition_num', 'int', 8, 'default partitions per table', { min: 1 }),
  def('replica_num', 'int', 3, 'default replicas per partition (leader included)', { min: 1 }),
  def('system_table_replica_num', 'int', 1, 'replicas of system tables', { min: 1 }),
  def('enable_distsql', 'bool', false, 'distributed SQL', none),
  def('get_replica_status_interval', 'int', 10000, 'multi-cluster health check, ms', none),
  // tablet storage, binlog, snapshot
  def('db_root_path', 'string', './db', 'comma-separated data directories'),
  def('ssd_root_path', 'string', '', 'disk-table root', none),
  def('hdd_root_path', 'string', '', 'disk-table root', none),
  def('recycle_bin_root_path', 'string', './recycle', 'dropped tables and discarded binlogs go here'),
  def('recycle_bin_enabled', 'bool', true, 'move dropped data to the recycle bin instead of deleting it'),
  def('recycle_ttl', 'int', 0, 'minutes to keep recycle-bin entries (0 = forever)', none),
  def('binlog_single_file_max_size', 'int', 2048, 'roll to a new binlog file past this size, MB', { min: 1 }),
  def('binlog_sync_batch_size', 'int', 32, 'max entries per replication batch', { min: 1 }),
  def('binlog_notify_on_put', 'bool', true, 'wake replication on every put'),
  def('binlog_sync_wait_time', 'int', 100, 'replication wait when idle, ms', { min: 1 }),
  def('binlog_coffee_time', 'int', 1000, 'replication back-off after an error, ms', { min: 1 }),
  def('binlog_sync_to_disk_interval', 'int', 5000, 'binlog fsync period, ms (0 = fsync every write)', { min: 0 }),
  def('binlog_delete_interval', 'int', 60000, 'period of old-binlog removal, ms', { min: 1 }),
  def('binlog_match_logoffset_interval', 'int', 1000, 'retry period of a follower offset handshake, ms', { min: 1 }),
  def('binlog_enable_crc', 'bool', true, 'verify record checksums on read (they are always written)'),
  def('binlog_name_length', 'int', 8, 'digits in binlog file names', none),
  def('make_snapshot_time', 'int', 23, 'hour of day (0-23) for the scheduled snapshot', { min: 0 }),
  def('make_snapshot_check_interval', 'int', 600000, 'how often the snapshot hour is checked, ms', { min: 1 }),
  def('make_snapshot_threshold_offset', 'int', 100000, 'skip a scheduled snapshot below this binlog growth', {
    min: 0,
  }),
  def('make_snapshot_offline_interval', 'int', 86400, 'self-snapshot when none was made for this long, s', none),
  def('snapshot_compression', 'string', 'off', 'off | snappy | zlib', none),
  def('gc_interval', 'int', 120, 'TTL garbage collection period, minutes', { min: 1 }),
  def('disk_gc_interval', 'int', 120, 'disk-table GC period, minutes', none),
  def('gc_safe_offset', 'int', 1, 'extra minutes added to absolute TTL before GC removes rows', { min: 0 }),
  def('gc_pool_size', 'int', 2, 'GC thread pool', none),
  def('task_pool_size', 'int', 3, 'tablet task pool', none),
  def('io_pool_size', 'int', 2, 'binlog fsync pool', none),
  def('thread_pool_size', 'int', 16, 'RPC worker threads', none),
  def('max_memory_mb', 'int', 0, 'refuse puts when table memory exceeds this (0 = no limit)', { min: 0 }),
  def('latest_ttl_max', 'int', 1000, 'largest latest TTL accepted', { min: 1 }),
  def('absolute_ttl_max', 'int', 15768000, 'largest absolute TTL accepted, minutes', { min: 1 }),
  def('request_max_retry', 'int', 3, 'client RPC retries', { min: 0 }),
  def('request_timeout_ms', 'int', 20000, 'client RPC timeout, ms', { min: 1 }),
  def('request_sleep_time', 'int', 1000, 'client wait between retries, ms', { min: 0 }),
  def('rpc_frame_max_bytes', 'int', 33554432, 'largest RPC frame accepted, bytes', { min: 1024 }),
  def('scan_max_rows', 'int', 100000, 'largest number of rows one scan returns', { min: 1 }),
  def('stream_bandwidth_limit', 'int', 20971520, 'snapshot transfer limit, bytes/s', { min: 0 }),
  def('stream_block_size', 'int', 1232896, 'snapshot transfer block, bytes', { min: 1024 }),
  def('load_table_batch', 'int', 30, 'snapshot loading', none),
  def('load_table_thread_num', 'int', 3, 'snapshot loading', none),
  def('load_table_queue_size', 'int', 1000, 'snapshot loading', none),
  def('put_concurrency_limit', 'int', 0, 'per-method concurrency limit', none),
  def('get_concurrency_limit', 'int', 0, 'per-method concurrency limit', none),
  def('key_entry_max_height', 'int', 8, 'skiplist height', none),
  def('skiplist_max_height', 'int', 12, 'skiplist height', none),
  // apiserver and clients
  def('nameserver', 'string', '', 'standalone apiserver/sql_client: nameserver endpoint'),
  def('host', 'string', '', 'sql_client standalone: nameserver host'),
  def('cmd', 'string', '', 'run this command and exit'),
  def('interactive', 'bool', true, 'interactive prompt'),
  def('database', 'string', '', 'database to use at start'),
  def('sync_replication_timeout', 'int', 5000, 'sync tables: wait this long for followers, ms', { min: 1 }),
  // upgrade, ops and conf-diff tools (src/upgrade; docs/UPGRADE.md)
  def('to', 'string', '', 'upgrade: the new release directory (its bin/ and conf/)'),
  def('hosts', 'string', '', 'upgrade: file listing one node per line: <component> <release dir>'),
  def('dry_run', 'bool', false, 'upgrade: print the plan and each node\'s conf diff, change nothing (also --dry-run)'),
  def('resume', 'bool', false, 'upgrade: continue an interrupted or stopped upgrade from its state file'),
  def('upgrade_wait_timeout', 'int', 600000, 'upgrade/ops: longest wait for ops, a node to register or the cluster to catch up, ms', {
    min: 1,
  }),
  def('endpoints', 'string', '', 'ops: the tablet endpoint(s) a command works on, comma-separated'),
  def('allow_single_replica', 'bool', false, 'ops/upgrade: leave single-replica partitions where they are (no temporary replica)'),
  def('statfile', 'string', '.stat', 'ops: file where pre-upgrade records the leaders it moved, read by post-upgrade'),
  def('old', 'string', '', 'conf-diff: the flag file in use now'),
  def('new', 'string', '', 'conf-diff: the flag file of the new release'),
  // rolling upgrades (src/protocol/DESIGN-versions.md)
  def('leader_handoff_timeout', 'int', 3000, 'a leader giving up leadership (changeleader, stop) waits this long for its followers, ms', {
    min: 0,
  }),
  def('put_dedup_window', 'int', 10000, 'request ids remembered per partition for idempotent puts (0 = off)', {
    min: 0,
    since: FEATURES.idempotentPut.sinceVersion,
  }),
];

/** The flags a build of `softwareVersion` knows (a flag declared `since` a newer version is unknown to it). */
export function flagsForVersion(softwareVersion: string): ReadonlyMap<string, FlagDefinition> {
  return new Map(
    FLAG_DEFINITIONS.filter((d) => d.since === undefined || compareVersions(softwareVersion, d.since) >= 0).map((d) => [d.name, d]),
  );
}

export const FLAGS_BY_NAME: ReadonlyMap<string, FlagDefinition> = flagsForVersion(SOFTWARE_VERSION);
