import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { assert } from '../base/assert.js';
import { Code, codeName, DbError, type Failure, fail, type Result } from '../base/status.js';
import type { Logger } from '../ports/logger.js';
import type { CallContext, PeerInfo, RpcHandler, RpcListener } from '../ports/transport.js';
import {
  decodeEnvelope,
  encodeEnvelopeFrame,
  encodeResponseFrame,
  type Envelope,
  type OutgoingEnvelope,
  type RequestEnvelope,
} from '../protocol/envelope.js';
import { FRAME_BYTES_MAX_DEFAULT, FRAME_HEADER_BYTES, FrameDecoder } from '../protocol/frame.js';
import { answerHello, handshakeMissing, type LocalIdentity } from '../protocol/handshake.js';
import { type Address, formatEndpoint } from '../protocol/rpc-endpoint.js';
import { errorText, KEEPALIVE_INITIAL_DELAY_MS, Outbox, type TcpSettings } from './tcp-shared.js';

/**
 * The server side of TcpTransport: accepts connections, checks each one's hello, dispatches its
 * requests to the handler (pipelined, bounded per connection) and writes the answers back.
 * Protocol violations close the offending connection only. See src/protocol/rpc-DESIGN.md.
 */
export class TcpListener implements RpcListener {
  private readonly connections = new Set<ServerConnection>();
  /** Sockets whose first bytes have not arrived yet (only when HTTP shares the port). */
  private readonly sniffing = new Set<Socket>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly handler: RpcHandler,
    readonly settings: TcpSettings,
    readonly identity: LocalIdentity,
    private readonly http: HttpServer | undefined,
  ) {
    server.on('connection', (socket: Socket) => {
      if (this.closing !== undefined) {
        socket.destroy();
        return;
      }
      if (!http) {
        this.adopt(socket);
        return;
      }
      // One port, two protocols: an HTTP request starts with a method name, an RPC frame with a
      // length whose first byte a method letter would make far larger than any frame allowed.
      this.sniffing.add(socket);
      socket.once('close', () => this.sniffing.delete(socket));
      socket.once('data', (first: Buffer) => {
        this.sniffing.delete(socket);
        socket.pause();
        socket.unshift(first);
        if (HTTP_METHOD.test(first.subarray(0, 8).toString('latin1'))) http.emit('connection', socket);
        else this.adopt(socket);
        socket.resume();
      });
    });
    server.on('error', (error) => settings.logger.error('rpc server error', { endpoint, error: errorText(error) }));
  }

  private adopt(socket: Socket): void {
    const connection = new ServerConnection(socket, this);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }

  static start(address: Address, handler: RpcHandler, settings: TcpSettings, http?: HttpServer): Promise<RpcListener> {
    return new Promise((resolve, reject) => {
      const server = createServer({ allowHalfOpen: true, noDelay: true, keepAlive: true });
      const onError = (error: Error) => {
        const where = formatEndpoint(address);
        reject(new DbError(Code.ioError, `listen on ${where} failed: ${errorText(error)}`));
      };
      server.once('error', onError);
      server.listen(address.port, address.host, () => {
        server.off('error', onError);
        const bound = server.address();
        assert(bound !== null && typeof bound === 'object', 'a TCP server has an address once listening');
        const endpoint = formatEndpoint({ host: address.host, port: bound.port });
        const identity: LocalIdentity = { ...settings.identity, endpoint };
        settings.logger.info('rpc server listening', { endpoint });
        resolve(new TcpListener(server, endpoint, handler, settings, identity, http));
      });
    });
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closing = new Promise((resolve) => {
        this.server.close(() => resolve());
        for (const connection of this.connections) connection.destroy();
        for (const socket of this.sniffing) socket.destroy();
        this.http?.closeAllConnections();
      });
    }
    return this.closing;
  }
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /;

type ServerConnectionState = 'awaitingHello' | 'ready' | 'closing';

class ServerConnection {
  private state: ServerConnectionState = 'awaitingHello';
  private peer: PeerInfo | undefined;
  private readonly decoder: FrameDecoder;
  private readonly outbox: Outbox;
  private readonly remote: string;
  private inFlight = 0;
  private readEnded = false;
  private paused = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly listener: TcpListener,
  ) {
    this.decoder = new FrameDecoder(listener.settings.frameBytesMax);
    this.outbox = new Outbox(socket);
    this.remote = describeSocket(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', (error) => this.log().debug('rpc connection error', { error: errorText(error) }));
    socket.once('close', () => {
      if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
      this.state = 'closing';
    });
  }

  destroy(): void {
    this.state = 'closing';
    this.socket.destroy();
  }

  private log(): Logger {
    return this.listener.settings.logger;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.state === 'closing') return;
    const pushed = this.decoder.push(chunk, this.onFrame);
    if (!pushed.ok) this.closeWithError(pushed);
  };

  private readonly onEnd = (): void => {
    this.readEnded = true;
    if (this.state === 'closing') return;
    const partial = this.decoder.describePartialFrame();
    if (partial !== undefined) {
      this.closeWithError(fail(Code.rpcMalformedFrame, `${partial} when the connection ended`));
    } else if (this.inFlight === 0) {
      this.closeAfterFlush();
    }
  };

  private readonly onFrame = (payload: Uint8Array): void => {
    if (this.state === 'closing') return;
    // Binary fields stay views into the received bytes: the tablet copies what it keeps (rows into
    // its slabs and binlog batches), so a request pins its receive buffer only while it runs.
    const decoded = decodeEnvelope(payload, 'view');
    if (!decoded.ok) {
      this.closeWithError(decoded);
      return;
    }
    const envelope = decoded.value;
    if (this.state === 'awaitingHello') {
      this.onFirstMessage(envelope);
      return;
    }
    switch (envelope.kind) {
      case 'request':
        this.dispatch(envelope, this.peer!);
        return;
      case 'unknown':
        this.log().debug('rpc: skipping a message of unknown kind', { kind: envelope.wireKind, peer: this.remote });
        return;
      case 'error':
        this.log().warn('rpc client reported an error', { peer: this.remote, code: envelope.code, message: envelope.message });
        this.closeAfterFlush();
        return;
      case 'hello':
      case 'helloAck':
      case 'response':
        this.closeWithError(fail(Code.rpcBadRequest, `unexpected ${envelope.kind} from a client after the handshake`));
        return;
    }
  };

  private onFirstMessage(envelope: Envelope): void {
    if (envelope.kind !== 'hello') {
      const found = envelope.kind === 'unknown' ? `a message of unknown kind '${envelope.wireKind}'` : envelope.kind;
      this.closeWithError(handshakeMissing(found));
      return;
    }
    const answer = answerHello(envelope, this.listener.identity);
    if (!answer.accepted) {
      this.log().warn('rpc: refused a peer', { peer: this.remote, message: answer.reply.message });
      this.closeWithError(answer.reply);
      return;
    }
    this.peer = answer.peer;
    this.state = 'ready';
    this.send(answer.reply);
  }

  private dispatch(request: RequestEnvelope, peer: PeerInfo): void {
    const settings = this.listener.settings;
    if (this.inFlight >= settings.requestsInFlightMax) {
      this.respond(
        request,
        fail(
          Code.rpcOverloaded,
          `${this.listener.identity.role} ${this.listener.endpoint} is overloaded: ` +
            `${this.inFlight} requests in flight on this connection (limit ${settings.requestsInFlightMax}); ` +
            `'${request.method}' was not run`,
        ),
      );
      return;
    }
    this.inFlight++;
    const context: CallContext =
      request.timeoutMs === undefined ? { peer } : { peer, deadlineMs: settings.clock.monotonicMs() + request.timeoutMs };
    let result: Promise<Result<unknown>> | Result<unknown>;
    try {
      result = this.listener.handler(request.method, request.body, context);
    } catch (error) {
      this.finish(request, this.handlerThrew(request, error));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.finish(request, value),
        (error: unknown) => this.finish(request, this.handlerThrew(request, error)),
      );
    } else {
      this.finish(request, result);
    }
  }

  private handlerThrew(request: RequestEnvelope, error: unknown): Failure {
    this.log().error('rpc handler threw', {
      method: request.method,
      peer: this.remote,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return fail(Code.internal, `internal error in '${request.method}' on ${this.listener.endpoint}: ${errorText(error)}`);
  }

  private finish(request: RequestEnvelope, result: Result<unknown>): void {
    this.inFlight--;
    if (this.state === 'closing') return;
    if (!isResult(result)) {
      result = this.handlerThrew(request, new Error(`the handler returned ${typeof result}, not a Result`));
    }
    this.respond(request, result);
    if (this.readEnded && this.inFlight === 0) this.closeAfterFlush();
  }

  private respond(request: RequestEnvelope, result: Result<unknown>): void {
    const encoded = result.ok
      ? encodeResponseFrame(request.id, Code.ok, '', result.value)
      : encodeResponseFrame(request.id, result.code, result.message, undefined);
    if (!encoded.ok) {
      this.sendFailure(request, Code.internal, `the response to '${request.method}' cannot be encoded: ${encoded.message}`);
      return;
    }
    const limit = this.peer?.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
    const payloadBytes = encoded.value.length - FRAME_HEADER_BYTES;
    if (payloadBytes > limit) {
      this.sendFailure(
        request,
        Code.rpcFrameTooLarge,
        `the response to '${request.method}' is ${payloadBytes} bytes, over the caller's frame limit of ${limit} bytes`,
      );
      return;
    }
    this.push(encoded.value);
  }

  private sendFailure(request: RequestEnvelope, code: number, message: string): void {
    this.send({ kind: 'response', id: request.id, code, message, body: undefined });
  }

  private send(envelope: OutgoingEnvelope): void {
    const encoded = encodeEnvelopeFrame(envelope);
    assert(encoded.ok, `a ${envelope.kind} envelope of strings and numbers always encodes`);
    this.push(encoded.value);
  }

  private push(frame: Uint8Array): void {
    this.outbox.push(frame);
    if (!this.paused && this.socket.writableLength > this.listener.settings.frameBytesMax) {
      // The client is not reading its responses: stop reading its requests until it catches up.
      this.paused = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.paused = false;
        if (this.state !== 'closing') this.socket.resume();
      });
    }
  }

  /** Sends a connection-level error naming the problem, then closes this connection only. */
  private closeWithError(failure: { readonly code: number; readonly message: string }): void {
    if (this.state === 'closing') return;
    this.log().warn('rpc: closing a connection after an error', {
      peer: this.remote,
      code: codeName(failure.code),
      message: failure.message,
    });
    this.send({ kind: 'error', code: failure.code, message: failure.message });
    this.closeAfterFlush();
  }

  private closeAfterFlush(): void {
    if (this.state === 'closing') return;
    this.state = 'closing';
    this.outbox.flush();
    this.socket.end();
    if (this.paused) this.socket.resume();
    this.graceTimer = setTimeout(() => this.socket.destroy(), this.listener.settings.closeGraceMs);
    this.graceTimer.unref();
  }
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { ok?: unknown; code?: unknown; message?: unknown };
  if (r.ok === true) return true;
  return r.ok === false && typeof r.code === 'number' && r.code !== Code.ok && typeof r.message === 'string';
}

function describeSocket(socket: Socket): string {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined ? 'unknown peer' : formatEndpoint({ host: remoteAddress, port: remotePort ?? 0 });
}
