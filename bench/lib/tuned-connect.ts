/**
 * The SDK's `connect`, with the client's retry policy chosen by the benchmark. The failover
 * benchmark measures the time until a write is acknowledged again; with the SDK's default pause
 * between retries (100 ms growing to 800 ms) the client's own back-off would be part of that
 * figure, so the writers there retry every `retryDelayMs` (growing to 8 × that).
 */
import { CLIENT_DEFAULTS, type ClientOptions, DbClient } from '../../src/client/db-client.js';
import { coordinatorDiscovery, type Discovery, staticDiscovery } from '../../src/client/discovery.js';
import { systemClock } from '../../src/runtime/node-clock.js';
import { TcpTransport } from '../../src/runtime/tcp-transport.js';
import { ZkCoordinator } from '../../src/runtime/zk-coordinator.js';
import { Connection } from '../../src/sdk/index.js';

export interface TunedConnectOptions {
  readonly host?: string;
  readonly port?: number;
  readonly zkCluster?: string;
  readonly zkPath?: string;
  readonly sessionTimeoutMs?: number;
  readonly client?: Partial<ClientOptions>;
}

export async function tunedConnect(options: TunedConnectOptions): Promise<Connection> {
  const clientOptions: ClientOptions = { ...CLIENT_DEFAULTS, ...options.client };
  let discovery: Discovery;
  if (options.zkCluster !== undefined) {
    const coord = await ZkCoordinator.connect({ connectString: options.zkCluster, sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000 });
    discovery = coordinatorDiscovery(coord, options.zkPath ?? '/openmldb', true);
  } else if (options.host !== undefined && options.port !== undefined) {
    discovery = staticDiscovery(`${options.host}:${options.port}`);
  } else {
    throw new Error('tunedConnect needs { host, port } or { zkCluster, zkPath }');
  }
  const transport = new TcpTransport({ role: 'client', callTimeoutMsDefault: clientOptions.requestTimeoutMs });
  const client = new DbClient(
    { transport, discovery, clock: systemClock, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    clientOptions,
  );
  return new Connection(client);
}
