import type { Server as HttpServer } from 'node:http';
import { assert } from '../base/assert.js';
import { DbError } from '../base/status.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { RpcClient, RpcHandler, RpcListener, Transport } from '../ports/transport.js';
import { FRAME_BYTES_MAX_DEFAULT, FRAME_BYTES_MAX_LIMIT } from '../protocol/frame.js';
import { localIdentity } from '../protocol/handshake.js';
import { parseEndpoint } from '../protocol/rpc-endpoint.js';
import { systemClock } from './node-clock.js';
import { TcpRpcClient } from './tcp-client.js';
import { TcpListener } from './tcp-server.js';
import { TIMER_DELAY_MS_MAX, type TcpSettings } from './tcp-shared.js';

/**
 * The Transport port over TCP: u32 length-prefixed frames carrying msgpack envelopes, a version
 * handshake per connection, request ids with pipelining, per-call deadlines, and writes coalesced
 * per event-loop turn. Server side in tcp-server.ts, client side in tcp-client.ts; the design is
 * in src/protocol/rpc-DESIGN.md.
 */
export interface TcpTransportOptions {
  /** This process's role, sent in every handshake ("tablet", "nameserver", "client", ...). */
  readonly role: string;
  /** The endpoint this process serves, sent in the client-side hello; '' when it serves none. */
  readonly advertisedEndpoint?: string;
  readonly features?: readonly string[];
  /** Largest frame payload accepted (and announced in the handshake). */
  readonly frameBytesMax?: number;
  /** Deadline of a call that does not set one. */
  readonly callTimeoutMsDefault?: number;
  /** TCP connect plus handshake. */
  readonly connectTimeoutMs?: number;
  /** Server: requests being handled per connection; beyond it requests get rpcOverloaded. */
  readonly requestsInFlightMax?: number;
  /** Client: calls in flight per RpcClient; beyond it calls get rpcOverloaded. */
  readonly callsInFlightMax?: number;
  /** Server: how long a connection being closed after an error may linger before it is destroyed. */
  readonly closeGraceMs?: number;
  /** Server: the monotonic clock request deadlines (CallContext.deadlineMs) are expressed on. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Only to impersonate another build in tests. */
  readonly protocolVersion?: number;
  readonly softwareVersion?: string;
}

export const TCP_TRANSPORT_DEFAULTS = {
  callTimeoutMsDefault: 10_000,
  connectTimeoutMs: 3_000,
  requestsInFlightMax: 1_024,
  callsInFlightMax: 10_000,
  closeGraceMs: 2_000,
} as const;

export class TcpTransport implements Transport {
  private readonly settings: TcpSettings;

  constructor(options: TcpTransportOptions) {
    const frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
    const settings: TcpSettings = {
      identity: localIdentity({
        role: options.role,
        endpoint: options.advertisedEndpoint ?? '',
        features: options.features ?? [],
        frameBytesMax,
        ...(options.protocolVersion === undefined ? {} : { protocolVersion: options.protocolVersion }),
        ...(options.softwareVersion === undefined ? {} : { softwareVersion: options.softwareVersion }),
      }),
      frameBytesMax,
      callTimeoutMsDefault: options.callTimeoutMsDefault ?? TCP_TRANSPORT_DEFAULTS.callTimeoutMsDefault,
      connectTimeoutMs: options.connectTimeoutMs ?? TCP_TRANSPORT_DEFAULTS.connectTimeoutMs,
      requestsInFlightMax: options.requestsInFlightMax ?? TCP_TRANSPORT_DEFAULTS.requestsInFlightMax,
      callsInFlightMax: options.callsInFlightMax ?? TCP_TRANSPORT_DEFAULTS.callsInFlightMax,
      closeGraceMs: options.closeGraceMs ?? TCP_TRANSPORT_DEFAULTS.closeGraceMs,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
    };
    for (const name of [
      'callTimeoutMsDefault',
      'connectTimeoutMs',
      'requestsInFlightMax',
      'callsInFlightMax',
      'closeGraceMs',
    ] as const) {
      assert(settings[name] > 0 && Number.isFinite(settings[name]), `${name} must be positive, got ${settings[name]}`);
    }
    assert(
      Number.isInteger(frameBytesMax) && frameBytesMax > 0 && frameBytesMax <= FRAME_BYTES_MAX_LIMIT,
      `frameBytesMax must be an integer in 1..${FRAME_BYTES_MAX_LIMIT}, got ${frameBytesMax}`,
    );
    assert(
      settings.callTimeoutMsDefault <= TIMER_DELAY_MS_MAX && settings.connectTimeoutMs <= TIMER_DELAY_MS_MAX,
      `timeouts must be at most ${TIMER_DELAY_MS_MAX} ms`,
    );
    this.settings = settings;
  }

  connect(endpoint: string): RpcClient {
    return new TcpRpcClient(endpoint, this.settings);
  }

  listen(endpoint: string, handler: RpcHandler): Promise<RpcListener> {
    const address = parseEndpoint(endpoint);
    if (!address.ok) return Promise.reject(DbError.from(address));
    return TcpListener.start(address.value, handler, this.settings);
  }

  /**
   * Like `listen`, and also answers HTTP requests on the same port with `http` (for /status and
   * /metrics, as the reference's servers do).
   */
  listenWithHttp(endpoint: string, handler: RpcHandler, http: HttpServer): Promise<RpcListener> {
    const address = parseEndpoint(endpoint);
    if (!address.ok) return Promise.reject(DbError.from(address));
    return TcpListener.start(address.value, handler, this.settings, http);
  }
}
