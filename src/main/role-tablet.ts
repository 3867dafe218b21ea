/**
 * The tablet server process (`--role=tablet`). In a cluster it registers itself in ZooKeeper
 * (wired in by the cluster composition); here it builds the Tablet from flags.
 */
import { MINUTE_MS } from '../base/units.js';
import { coordinatorDiscovery, staticDiscovery } from '../client/discovery.js';
import type { Flags } from '../config/flags.js';
import type { RpcClient } from '../ports/transport.js';
import { ClusterVersionWatch, readClusterVersion } from '../protocol/cluster-version.js';
import { checkJoin } from '../protocol/features.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { nodeTimers } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { ZkCoordinator } from '../runtime/zk-coordinator.js';
import type { PartitionEnv } from '../tablet/partition-env.js';
import { TabletRegistration } from '../tablet/registration.js';
import type { ReplicationOptions } from '../tablet/replication-options.js';
import { Tablet } from '../tablet/tablet.js';
import { endpointOf, loggerFor, onShutdown, partitionEnv, warnIneffectiveFlags } from './process-env.js';
import { serveWithStatus } from './serve.js';
import { tabletWithSql } from './tablet-sql.js';

/** Replication settings from flags (cluster.md §2.2 names). */
export function replicationFromFlags(flags: Flags): Partial<ReplicationOptions> {
  return {
    batchEntriesMax: flags.int('binlog_sync_batch_size'),
    coffeeTimeMs: flags.int('binlog_coffee_time'),
    idleWaitMs: flags.int('binlog_sync_wait_time'),
    matchRetryMs: flags.int('binlog_match_logoffset_interval'),
    notifyOnPut: flags.bool('binlog_notify_on_put'),
    syncTimeoutMs: flags.int('sync_replication_timeout'),
    binlogDeleteIntervalMs: flags.int('binlog_delete_interval'),
    streamBlockBytes: Math.min(flags.int('stream_block_size'), Math.floor(flags.int('rpc_frame_max_bytes') / 2)),
    streamBandwidthBytesPerSec: flags.int('stream_bandwidth_limit'),
    appendTimeoutMs: flags.int('request_timeout_ms'),
    handoffTimeoutMs: flags.int('leader_handoff_timeout'),
  };
}

/**
 * The tablet from flags. With `connect` (a transport to reach other tablets) it replicates and
 * runs the nameserver's tasks; without it (standalone) it holds single-replica tables only.
 */
export function createTablet(flags: Flags, env: PartitionEnv, endpoint: string, connect?: (endpoint: string) => RpcClient): Tablet {
  const dataDirs = flags
    .string('db_root_path')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (dataDirs.length === 0) throw new Error('configuration error: --db_root_path is empty');
  const hour = flags.int('make_snapshot_time');
  if (hour > 23) throw new Error(`configuration error: --make_snapshot_time must be an hour 0..23, got ${hour}`);
  return new Tablet(env, {
    endpoint,
    dataDirs,
    recycleDir: flags.string('recycle_bin_root_path'),
    recycleEnabled: flags.bool('recycle_bin_enabled'),
    gcIntervalMs: flags.int('gc_interval') * MINUTE_MS,
    snapshotHour: hour,
    snapshotCheckIntervalMs: flags.int('make_snapshot_check_interval'),
  }, connect ? { connect, replication: replicationFromFlags(flags) } : undefined);
}

/** `--role=tablet`: serves the tablet RPC (and /status, /metrics); in a cluster registers in ZooKeeper. */
export async function runTablet(flags: Flags): Promise<void> {
  const logger = loggerFor(flags, 'tablet');
  warnIneffectiveFlags(flags, logger);
  const endpoint = endpointOf(flags);
  const env = partitionEnv(flags, logger);
  const transport = new TcpTransport({
    role: 'tablet',
    advertisedEndpoint: endpoint,
    logger,
    frameBytesMax: flags.int('rpc_frame_max_bytes'),
  });
  const peers = new Map<string, RpcClient>();
  const tablet = createTablet(flags, env, endpoint, (ep) => {
    let c = peers.get(ep);
    if (!c) peers.set(ep, (c = transport.connect(ep)));
    return c;
  });
  const zk = flags.string('zk_cluster');
  const coord = zk ? await ZkCoordinator.connect({ connectString: zk, sessionTimeoutMs: flags.int('zk_session_timeout'), logger }) : undefined;
  const rootPath = flags.string('zk_root_path');
  let versionWatch: ClusterVersionWatch | undefined;
  if (coord) {
    // A build older than the cluster version must not join (it cannot read what finalized features write).
    const join = checkJoin('tablet', SOFTWARE_VERSION, await readClusterVersion(coord, rootPath));
    if (!join.ok) {
      await coord.close();
      throw new Error(join.message);
    }
    versionWatch = new ClusterVersionWatch(coord, rootPath, logger, (version) => tablet.setClusterVersion(version));
    await versionWatch.refresh();
  }
  // SQL reads metadata through the cluster's nameserver: found in ZooKeeper, or given (--nameserver) in standalone.
  const nameserver = flags.string('nameserver');
  const discovery = coord
    ? coordinatorDiscovery(coord, flags.string('zk_root_path'), false)
    : nameserver
      ? staticDiscovery(nameserver)
      : undefined;
  const sql = tabletWithSql(tablet, env, discovery && { transport, discovery, requestTimeoutMs: flags.int('request_timeout_ms') });
  const listener = await serveWithStatus(transport, endpoint, createRpcRouter('tablet', sql.handlers), {
    role: 'tablet',
    status: () => ({ tables: tablet.status().length }),
  });
  tablet.start();
  let registration: TabletRegistration | undefined;
  if (coord) {
    registration = new TabletRegistration(coord, `${flags.string('zk_root_path')}/nodes`, endpoint, SOFTWARE_VERSION, nodeTimers, logger);
    await registration.start();
  }
  logger.info('tablet started', { endpoint, cluster: zk || 'standalone' });
  process.stdout.write(`tablet ${endpoint} is up (${zk ? `cluster ${zk}${flags.string('zk_root_path')}` : 'standalone'})\n`);
  onShutdown(logger, async () => {
    // Leaders stop taking writes and hand everything acknowledged to their followers while this
    // tablet is still registered (a failover started now would fence the followers mid-drain).
    await tablet.drainLeaders('the tablet is stopping');
    versionWatch?.stop();
    await registration?.stop();
    await listener.close();
    await sql.close();
    await tablet.close();
    await coord?.close();
  });
}
