/**
 * The HTTP listener of the API server (fastify): GET /status and /metrics as on every other
 * component, every other request handed to a handler that knows nothing of HTTP libraries
 * (src/apiserver). Bodies are read as raw bytes whatever their content type, up to
 * `bodyBytesMax`; a larger body is refused with HTTP 413 and a JSON envelope saying the limit.
 * At most `requestsInFlightMax` requests are handled at once; more get HTTP 503.
 */
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyReply } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import type { Logger } from '../ports/logger.js';
import { createStatusHttp } from './status-http.js';

export interface HttpApiRequest {
  readonly method: string;
  readonly url: string;
  readonly body: Uint8Array;
}

export interface HttpApiResponse {
  readonly status: number;
  /** JSON text. */
  readonly body: string;
}

export interface HttpApiOptions {
  /** ip:port to listen on. */
  readonly endpoint: string;
  readonly bodyBytesMax: number;
  readonly requestsInFlightMax: number;
  readonly role: string;
  readonly version: string;
  /** Fields merged into /status. */
  readonly status: () => Record<string, unknown>;
  readonly handle: (request: HttpApiRequest) => Promise<HttpApiResponse>;
  readonly logger: Logger;
}

export interface HttpApiServer {
  /** The port listened on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

const EMPTY = new Uint8Array(0);

function envelope(msg: string): string {
  return JSON.stringify({ code: -1, msg });
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApiServer> {
  const colon = options.endpoint.lastIndexOf(':');
  const host = options.endpoint.slice(0, colon);
  const port = Number(options.endpoint.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`configuration error: --endpoint must be ip:port, got '${options.endpoint}'`);
  }
  const pages = createStatusHttp({ role: options.role, endpoint: options.endpoint, version: options.version, source: { status: options.status } });
  const requests = new Counter({
    name: 'openmldb_apiserver_requests_total',
    help: 'HTTP API requests by method and HTTP status.',
    labelNames: ['method', 'status'],
    registers: [pages.registry],
  });
  const latency = new Histogram({
    name: 'openmldb_apiserver_request_seconds',
    help: 'Time to answer an HTTP API request.',
    labelNames: ['method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [pages.registry],
  });
  let inFlight = 0;

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyBytesMax,
    keepAliveTimeout: 5000,
    // A URL fastify cannot decode is answered like any unroutable request: 200 with code -1.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      if (err.code === 'FST_ERR_BAD_URL') reply.code(200).type('application/json').send(envelope('invalid url'));
      else reply.code(400).type('application/json').send(envelope(`bad request: ${err.message}`));
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: { code?: string; statusCode?: number; message: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      reply.code(413).type('application/json').send(envelope(`request body too large: the limit is ${options.bodyBytesMax} bytes`));
      return;
    }
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) options.logger.error('HTTP API request failed', { error: err.message });
    reply.code(status).type('application/json').send(envelope(status === 500 ? `internal error: ${err.message}` : err.message));
  });

  const statusPage = (req: { raw: IncomingMessage }, reply: FastifyReply) => {
    reply.hijack();
    pages.handle(req.raw, reply.raw);
  };
  app.get('/status', statusPage);
  app.get('/metrics', statusPage);
  app.all('/*', async (req, reply) => {
    const method = req.method;
    if (inFlight >= options.requestsInFlightMax) {
      requests.inc({ method, status: 503 });
      return reply.code(503).type('application/json').send(envelope(`server busy: ${inFlight} requests in flight, the limit is ${options.requestsInFlightMax}`));
    }
    inFlight++;
    const stop = latency.startTimer({ method });
    try {
      const body = req.body instanceof Uint8Array ? req.body : EMPTY;
      const r = await options.handle({ method, url: req.url, body });
      requests.inc({ method, status: r.status });
      return reply.code(r.status).type('application/json').send(r.body);
    } finally {
      stop();
      inFlight--;
    }
  });

  await app.listen({ host, port });
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => app.close(),
  };
}
