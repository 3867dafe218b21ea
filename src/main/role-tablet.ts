/**
 * The tablet server process (`--role=tablet`). In a cluster it registers itself in ZooKeeper
 * (wired in by the cluster composition); here it builds the Tablet from flags.
 */
import { MINUTE_MS } from '../base/units.js';
import type { Flags } from '../config/flags.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { nodeTimers } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { ZkCoordinator } from '../runtime/zk-coordinator.js';
import type { PartitionEnv } from '../tablet/partition-env.js';
import { TabletRegistration } from '../tablet/registration.js';
import { Tablet } from '../tablet/tablet.js';
import { endpointOf, loggerFor, onShutdown, partitionEnv, warnIneffectiveFlags } from './process-env.js';
import { serveWithStatus } from './serve.js';

export function createTablet(flags: Flags, env: PartitionEnv, endpoint: string): Tablet {
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
  });
}

/** `--role=tablet`: serves the tablet RPC (and /status, /metrics); in a cluster registers in ZooKeeper. */
export async function runTablet(flags: Flags): Promise<void> {
  const logger = loggerFor(flags, 'tablet');
  warnIneffectiveFlags(flags, logger);
  const endpoint = endpointOf(flags);
  const env = partitionEnv(flags, logger);
  const tablet = createTablet(flags, env, endpoint);
  const transport = new TcpTransport({
    role: 'tablet',
    advertisedEndpoint: endpoint,
    logger,
    frameBytesMax: flags.int('rpc_frame_max_bytes'),
  });
  const listener = await serveWithStatus(transport, endpoint, createRpcRouter('tablet', tablet.handlers()), {
    role: 'tablet',
    status: () => ({ tables: tablet.status().length }),
  });
  tablet.start();
  let coord: ZkCoordinator | undefined;
  let registration: TabletRegistration | undefined;
  const zk = flags.string('zk_cluster');
  if (zk) {
    coord = await ZkCoordinator.connect({ connectString: zk, sessionTimeoutMs: flags.int('zk_session_timeout'), logger });
    registration = new TabletRegistration(coord, `${flags.string('zk_root_path')}/nodes`, endpoint, SOFTWARE_VERSION, nodeTimers, logger);
    await registration.start();
  }
  logger.info('tablet started', { endpoint, cluster: zk || 'standalone' });
  process.stdout.write(`tablet ${endpoint} is up (${zk ? `cluster ${zk}${flags.string('zk_root_path')}` : 'standalone'})\n`);
  onShutdown(logger, async () => {
    await registration?.stop();
    await listener.close();
    await tablet.close();
    await coord?.close();
  });
}
