/**
 * `--role=apiserver`: the HTTP API server (sql.md §6) on --endpoint, a client of the cluster found
 * through --zk_cluster/--zk_root_path, or of a standalone database's nameserver at --nameserver.
 * The largest request body accepted is --rpc_frame_max_bytes: a body becomes at most one RPC
 * request, and a larger one could not be forwarded anyway.
 */
import { handleApiRequest } from '../apiserver/api-server.js';
import { createApiClient } from '../apiserver/db-api-client.js';
import { SqlQueryClient } from '../client/sql-query-client.js';
import type { Flags } from '../config/flags.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { startHttpApi } from '../runtime/http-api.js';
import { connectClient } from './connect-client.js';
import { endpointOf, loggerFor, onShutdown, warnIneffectiveFlags } from './process-env.js';

/** Requests handled at once; more are refused with HTTP 503 until some finish. */
const REQUESTS_IN_FLIGHT_MAX = 512;

export async function runApiServer(flags: Flags): Promise<void> {
  const logger = loggerFor(flags, 'apiserver');
  warnIneffectiveFlags(flags, logger);
  const endpoint = endpointOf(flags);
  const zk = flags.string('zk_cluster');
  const nameserver = flags.string('nameserver');
  if (!zk && !nameserver) {
    throw new Error('configuration error: the apiserver needs --zk_cluster and --zk_root_path (cluster) or --nameserver=<ip:port> (standalone)');
  }
  const client = await connectClient(flags);
  const api = createApiClient(client, new SqlQueryClient(client));
  const http = await startHttpApi({
    endpoint,
    bodyBytesMax: flags.int('rpc_frame_max_bytes'),
    requestsInFlightMax: REQUESTS_IN_FLIGHT_MAX,
    role: 'apiserver',
    version: SOFTWARE_VERSION,
    status: () => (zk ? { mode: 'cluster', zkCluster: zk, zkRootPath: flags.string('zk_root_path') } : { mode: 'standalone', nameserver }),
    handle: (request) => handleApiRequest(api, request),
    logger: logger.child({ module: 'http' }),
  });
  logger.info('apiserver started', { endpoint, ...(zk ? { zkCluster: zk } : { nameserver }) });
  process.stdout.write(`OpenMLDB-TS ${SOFTWARE_VERSION} apiserver is up on http://${endpoint}\n`);
  onShutdown(logger, async () => {
    await http.close();
    await client.close();
  });
}
