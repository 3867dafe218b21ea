/**
 * Standalone mode, the embedded default: one process holding a nameserver with no ZooKeeper (its
 * metadata in a local file under the data directory) and one tablet. Clients connect to the
 * nameserver endpoint (`--endpoint`) and reach the tablet (`--tablet`) directly for data.
 */
import { join } from 'node:path';
import { Code, fail } from '../base/status.js';
import type { Flags } from '../config/flags.js';
import type { RpcHandler } from '../ports/transport.js';
import { NameServer } from '../nameserver/nameserver.js';
import { createLocalClient } from '../protocol/local-client.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { PROTOCOL_VERSION, SOFTWARE_VERSION } from '../protocol/version.js';
import { LocalCoordinator } from '../runtime/local-coordinator.js';
import { mathRng, nodeTimers, systemClock } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { serveWithStatus } from './serve.js';
import { endpointOf, loggerFor, onShutdown, partitionEnv, warnIneffectiveFlags } from './process-env.js';
import { createTablet } from './role-tablet.js';
import { inProcessDiscovery, tabletWithSql, transportWithLocal } from './tablet-sql.js';

export async function runStandalone(flags: Flags): Promise<void> {
  const logger = loggerFor(flags, 'standalone');
  warnIneffectiveFlags(flags, logger);
  const nsEndpoint = endpointOf(flags);
  const tabletEndpoint = flags.string('tablet');
  if (!tabletEndpoint) throw new Error('configuration error: standalone mode needs --tablet=<ip:port> for its tablet');
  if (tabletEndpoint === nsEndpoint) {
    throw new Error(`configuration error: --tablet and --endpoint must differ (both are ${nsEndpoint})`);
  }
  const env = partitionEnv(flags, logger.child({ module: 'tablet' }));
  const tablet = createTablet(flags, env, tabletEndpoint);
  const tabletTransport = new TcpTransport({ role: 'tablet', advertisedEndpoint: tabletEndpoint, logger });
  const self = { protocolVersion: PROTOCOL_VERSION, softwareVersion: SOFTWARE_VERSION, role: 'nameserver', endpoint: nsEndpoint };
  // The tablet's SQL reaches the nameserver in process; the nameserver is made below.
  let nsHandler: RpcHandler = () => fail(Code.unavailable, 'the nameserver is starting');
  const discovery = inProcessDiscovery(nsEndpoint);
  const sql = tabletWithSql(tablet, env, {
    transport: transportWithLocal(
      new Map([
        [nsEndpoint, () => createLocalClient(nsEndpoint, (m, r, c) => nsHandler(m, r, c), { ...self, role: 'tablet', endpoint: tabletEndpoint }, self)],
      ]),
      tabletTransport,
    ),
    discovery,
    requestTimeoutMs: flags.int('request_timeout_ms'),
  });
  const tabletHandler = createRpcRouter('tablet', sql.handlers);
  const tabletListener = await serveWithStatus(tabletTransport, tabletEndpoint, tabletHandler, {
    role: 'tablet',
    status: () => ({ mode: 'standalone', tables: tablet.status().length }),
  });

  const dataDir = flags.string('db_root_path').split(',')[0]!;
  const coord = await LocalCoordinator.open(join(dataDir, '_nameserver', 'tree.json'));
  const nsTransport = new TcpTransport({ role: 'nameserver', advertisedEndpoint: nsEndpoint, logger });
  const localTablet = createLocalClient(tabletEndpoint, tabletHandler, self, { ...self, role: 'tablet', endpoint: tabletEndpoint });
  const ns = new NameServer(
    {
      coord,
      tabletClient: (ep) => (ep === tabletEndpoint ? localTablet : nsTransport.connect(ep)),
      clock: systemClock,
      timers: nodeTimers,
      rng: mathRng,
      logger: logger.child({ module: 'nameserver' }),
    },
    {
      endpoint: nsEndpoint,
      zkRootPath: flags.string('zk_root_path'),
      standaloneTablet: tabletEndpoint,
      partitionNumDefault: 1,
      replicaNumDefault: 1,
      autoFailoverDefault: false,
      tabletCallTimeoutMs: flags.int('request_timeout_ms'),
      tableStatusIntervalMs: flags.int('get_table_status_interval'),
    },
  );
  nsHandler = createRpcRouter('nameserver', ns.handlers());
  discovery.attach((listener) => ns.onMetadataChange(listener));
  tablet.start();
  await ns.start();
  const nsListener = await serveWithStatus(nsTransport, nsEndpoint, nsHandler, {
    role: 'nameserver',
    status: () => ({ mode: 'standalone', leader: ns.isLeader }),
  });
  logger.info('standalone database started', { nameserver: nsEndpoint, tablet: tabletEndpoint, dataDir });
  const [host, port] = nsEndpoint.split(':');
  process.stdout.write(
    `OpenMLDB-TS ${SOFTWARE_VERSION} standalone is up\n` +
      `  nameserver  ${nsEndpoint}\n  tablet      ${tabletEndpoint}\n  data        ${dataDir}\n` +
      `connect: import { connect } from 'openmldb-ts'; await connect({ host: '${host}', port: ${port} })\n` +
      `     or: bin/openmldb --role=sql_client --host=${host} --port=${port}\n`,
  );
  onShutdown(logger, async () => {
    await nsListener.close();
    await ns.stop();
    await tabletListener.close();
    await sql.close();
    await tablet.close();
    await coord.close();
  });
}
