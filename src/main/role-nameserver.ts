/**
 * `--role=nameserver`. With --zk_cluster: a cluster nameserver taking part in leader election. With
 * no ZooKeeper and --tablet=<ep>: the standalone nameserver of a single tablet running in another
 * process, keeping its metadata in a local file under --db_root_path.
 */
import { join } from 'node:path';
import type { Flags } from '../config/flags.js';
import { NameServer } from '../nameserver/nameserver.js';
import type { Coordinator } from '../ports/coordinator.js';
import type { RpcClient } from '../ports/transport.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { LocalCoordinator } from '../runtime/local-coordinator.js';
import { mathRng, nodeTimers, systemClock } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { ZkCoordinator } from '../runtime/zk-coordinator.js';
import { endpointOf, loggerFor, onShutdown, warnIneffectiveFlags } from './process-env.js';
import { serveWithStatus } from './serve.js';

export async function runNameServer(flags: Flags): Promise<void> {
  const logger = loggerFor(flags, 'nameserver');
  warnIneffectiveFlags(flags, logger);
  const endpoint = endpointOf(flags);
  const zk = flags.string('zk_cluster');
  const tablet = flags.string('tablet');
  if (flags.int('name_server_task_concurrency') > flags.int('name_server_task_max_concurrency')) {
    throw new Error(
      `configuration error: --name_server_task_concurrency (${flags.int('name_server_task_concurrency')}) exceeds --name_server_task_max_concurrency (${flags.int('name_server_task_max_concurrency')})`,
    );
  }
  if (!zk && !tablet) throw new Error('configuration error: a nameserver needs --zk_cluster (cluster) or --tablet (standalone)');
  const coord: Coordinator = zk
    ? await ZkCoordinator.connect({ connectString: zk, sessionTimeoutMs: flags.int('zk_session_timeout'), logger })
    : await LocalCoordinator.open(join(flags.string('db_root_path').split(',')[0]!, '_nameserver', 'tree.json'));
  const transport = new TcpTransport({ role: 'nameserver', advertisedEndpoint: endpoint, logger });
  const clients = new Map<string, RpcClient>();
  const ns = new NameServer(
    {
      coord,
      tabletClient: (ep) => {
        let c = clients.get(ep);
        if (!c) clients.set(ep, (c = transport.connect(ep)));
        return c;
      },
      clock: systemClock,
      timers: nodeTimers,
      rng: mathRng,
      logger,
    },
    {
      endpoint,
      zkRootPath: flags.string('zk_root_path'),
      ...(zk ? {} : { standaloneTablet: tablet }),
      partitionNumDefault: flags.int('partition_num'),
      replicaNumDefault: flags.int('replica_num'),
      autoFailoverDefault: flags.bool('auto_failover'),
      tabletCallTimeoutMs: flags.int('request_timeout_ms'),
      tableStatusIntervalMs: flags.int('get_table_status_interval'),
      cluster: {
        tabletHeartbeatTimeoutMs: flags.int('tablet_heartbeat_timeout'),
        tabletOfflineCheckIntervalMs: flags.int('tablet_offline_check_interval'),
        taskStatusIntervalMs: flags.int('get_task_status_interval'),
        taskWaitTimeMs: flags.int('name_server_task_wait_time'),
        concurrency: flags.int('name_server_task_concurrency'),
        concurrencyMax: flags.int('name_server_task_max_concurrency'),
        checkBinlogSyncProgressDelta: flags.int('check_binlog_sync_progress_delta'),
        opNumMax: flags.int('max_op_num'),
        opExecuteTimeoutMs: flags.int('name_server_op_execute_timeout'),
      },
    },
  );
  const listener = await serveWithStatus(transport, endpoint, createRpcRouter('nameserver', ns.handlers()), {
    role: 'nameserver',
    status: () => ({ leader: ns.isLeader, cluster: zk || 'standalone' }),
  });
  await ns.start();
  logger.info('nameserver started', { endpoint, cluster: zk || 'standalone' });
  process.stdout.write(`nameserver ${endpoint} is up (${zk ? `cluster ${zk}${flags.string('zk_root_path')}` : `standalone, tablet ${tablet}`})\n`);
  onShutdown(logger, async () => {
    await listener.close();
    await ns.stop();
    for (const c of clients.values()) c.close();
    await coord.close();
  });
}
