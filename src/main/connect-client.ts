import { randomBytes } from 'node:crypto';
import type { Flags } from '../config/flags.js';
import { CLIENT_DEFAULTS, DbClient } from '../client/db-client.js';
import { coordinatorDiscovery, type Discovery, staticDiscovery } from '../client/discovery.js';
import { systemClock } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { ZkCoordinator } from '../runtime/zk-coordinator.js';

/**
 * A client for the shells and the API server: ZooKeeper discovery with --zk_cluster, otherwise the
 * nameserver at --endpoint, --nameserver or --host/--port (standalone).
 */
export async function connectClient(flags: Flags): Promise<DbClient> {
  const zk = flags.string('zk_cluster');
  let discovery: Discovery;
  if (zk) {
    const coord = await ZkCoordinator.connect({ connectString: zk, sessionTimeoutMs: flags.int('zk_session_timeout') });
    discovery = coordinatorDiscovery(coord, flags.string('zk_root_path'), true);
  } else {
    const host = flags.string('host');
    const port = flags.int('port');
    const endpoint = flags.string('nameserver') || flags.string('endpoint') || (host && port ? `${host}:${port}` : '');
    if (!endpoint) {
      throw new Error('configuration error: give --zk_cluster and --zk_root_path (cluster) or --host and --port (standalone)');
    }
    discovery = staticDiscovery(endpoint);
  }
  const requestTimeoutMs = flags.int('request_timeout_ms');
  return new DbClient(
    {
      transport: new TcpTransport({ role: 'client', callTimeoutMsDefault: requestTimeoutMs }),
      discovery,
      clock: systemClock,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      clientId: randomBytes(12).toString('base64url'),
    },
    { ...CLIENT_DEFAULTS, requestTimeoutMs },
  );
}
