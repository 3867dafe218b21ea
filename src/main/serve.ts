import { createServer } from 'node:http';
import type { RpcHandler, RpcListener } from '../ports/transport.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { createStatusHttp } from '../runtime/status-http.js';
import type { TcpTransport } from '../runtime/tcp-transport.js';

/** Serves RPC and HTTP /status + /metrics on one endpoint. */
export async function serveWithStatus(
  transport: TcpTransport,
  endpoint: string,
  handler: RpcHandler,
  status: { role: string; status: () => Record<string, unknown> },
): Promise<RpcListener> {
  const pages = createStatusHttp({ role: status.role, endpoint, version: SOFTWARE_VERSION, source: { status: status.status } });
  const http = createServer((req, res) => pages.handle(req, res));
  http.keepAliveTimeout = 5000;
  return transport.listenWithHttp(endpoint, handler, http);
}
