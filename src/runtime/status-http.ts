/**
 * HTTP `/status` (JSON) and `/metrics` (Prometheus text, prom-client) for a server process. The
 * handler is served on the same port as the RPC (the listener tells the protocols apart by their
 * first bytes), so `curl http://<endpoint>/status` works as with the reference's servers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface StatusSource {
  /** Fields merged into the /status document. */
  status(): Record<string, unknown>;
}

export interface StatusHttp {
  readonly registry: Registry;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export function createStatusHttp(options: { role: string; endpoint: string; version: string; source: StatusSource }): StatusHttp {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role, endpoint: options.endpoint });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'openmldb_build_info',
    help: 'Software version of this process (value is always 1).',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: options.version }, 1);
  const startedAt = Date.now();
  return {
    registry,
    handle(req, res) {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { 'content-type': 'text/plain' }).end(`method ${req.method} not allowed; use GET\n`);
        return;
      }
      if (url === '/status') {
        const body = JSON.stringify({
          role: options.role,
          endpoint: options.endpoint,
          version: options.version,
          uptimeMs: Date.now() - startedAt,
          ...options.source.status(),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(`${body}\n`);
        return;
      }
      if (url === '/metrics') {
        registry
          .metrics()
          .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
          .catch((err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such page '${url}'; try /status or /metrics\n`);
    },
  };
}
