import { connect as netConnect, type Socket } from 'node:net';
import { assert } from '../base/assert.js';
import { Code, codeName, type Failure, fail, ok, type Result } from '../base/status.js';
import type { CallOptions, PeerInfo, RpcClient } from '../ports/transport.js';
import { decodeEnvelope, encodeEnvelopeFrame, encodeRequestFrame } from '../protocol/envelope.js';
import { FRAME_BYTES_MAX_DEFAULT, FRAME_HEADER_BYTES, FrameDecoder } from '../protocol/frame.js';
import { acceptHelloAck, helloFrom } from '../protocol/handshake.js';
import { CallDeadlines, type DeadlineEntry } from '../protocol/rpc-call-deadlines.js';
import { type Address, parseEndpoint } from '../protocol/rpc-endpoint.js';
import { nodeTimers, systemClock } from './node-clock.js';
import { errorText, KEEPALIVE_INITIAL_DELAY_MS, Outbox, TIMER_DELAY_MS_MAX, type TcpSettings } from './tcp-shared.js';

interface PendingCall extends DeadlineEntry {
  readonly id: number;
  readonly method: string;
  readonly resolve: (result: Result<unknown>) => void;
  /** The encoded request until it is handed to a connection. */
  frame: Uint8Array | undefined;
}

const CALL_ID_MAX = 0x7fff_ffff;

/**
 * The client side of TcpTransport: one connection to one endpoint, opened on the first call
 * (and again after a loss), calls pipelined by id, each with its own deadline.
 * See src/protocol/rpc-DESIGN.md.
 */
export class TcpRpcClient implements RpcClient {
  private readonly address: Result<Address>;
  private readonly pending = new Map<number, PendingCall>();
  private readonly deadlines = new CallDeadlines<PendingCall>(systemClock, nodeTimers, (call) => this.onTimeout(call));
  private connection: ClientConnection | undefined;
  private lastPeer: PeerInfo | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    readonly endpoint: string,
    readonly settings: TcpSettings,
  ) {
    this.address = parseEndpoint(endpoint);
  }

  peer(): PeerInfo | undefined {
    return this.lastPeer;
  }

  call(method: string, request: unknown, options?: CallOptions): Promise<Result<unknown>> {
    const refused = this.refuse(method);
    if (refused !== undefined) return Promise.resolve(refused);
    const timeoutMs = options?.timeoutMs ?? this.settings.callTimeoutMsDefault;
    if (!(timeoutMs >= 0 && timeoutMs <= TIMER_DELAY_MS_MAX)) {
      return Promise.resolve(
        fail(Code.rpcBadRequest, `call '${method}' to ${this.endpoint} refused: timeoutMs must be in 0..${TIMER_DELAY_MS_MAX}, got ${timeoutMs}`),
      );
    }
    const id = this.allocateId();
    const encoded = encodeRequestFrame(id, method, timeoutMs, request);
    if (!encoded.ok) return Promise.resolve(fail(Code.rpcBadRequest, `call '${method}' to ${this.endpoint} failed: ${encoded.message}`));
    return new Promise((resolve) => {
      const call: PendingCall = {
        id,
        method,
        resolve,
        frame: encoded.value,
        deadlineMs: 0,
        timeoutMs: 0,
        deadlinePrev: undefined,
        deadlineNext: undefined,
        deadlineTracked: false,
      };
      this.deadlines.add(call, timeoutMs);
      this.pending.set(id, call);
      const connection = this.connection ?? this.openConnection();
      if (connection.isReady()) connection.send(call);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    connection?.destroy();
    this.failAll(Code.rpcConnectionLost, 'the client was closed');
  }

  private refuse(method: string): Failure | undefined {
    if (this.closed) return fail(Code.rpcConnectionLost, `call '${method}' to ${this.endpoint} failed: the client was closed`);
    if (!this.address.ok) return fail(this.address.code, `call '${method}' failed: ${this.address.message}`);
    if (this.pending.size >= this.settings.callsInFlightMax) {
      return fail(
        Code.rpcOverloaded,
        `call '${method}' to ${this.endpoint} refused: ${this.pending.size} calls in flight ` +
          `(limit ${this.settings.callsInFlightMax})`,
      );
    }
    return undefined;
  }

  private allocateId(): number {
    let id = this.nextId;
    while (this.pending.has(id)) id = id === CALL_ID_MAX ? 1 : id + 1;
    this.nextId = id === CALL_ID_MAX ? 1 : id + 1;
    return id;
  }

  private openConnection(): ClientConnection {
    assert(this.address.ok, 'calls to an invalid endpoint are refused before connecting');
    const connection = new ClientConnection(this, this.address.value);
    this.connection = connection;
    return connection;
  }

  private onTimeout(call: PendingCall): void {
    if (this.pending.get(call.id) !== call) return;
    this.pending.delete(call.id);
    call.resolve(fail(Code.rpcTimeout, `call '${call.method}' to ${this.endpoint} timed out after ${call.timeoutMs} ms`));
  }

  /** The connection completed its handshake: send what waited for it. */
  onReady(connection: ClientConnection, peer: PeerInfo): void {
    this.lastPeer = peer;
    for (const call of this.pending.values()) if (call.frame !== undefined) connection.send(call);
  }

  onResponse(id: number, code: number, message: string, body: unknown): void {
    const call = this.pending.get(id);
    if (call === undefined) return; // timed out already: a late answer
    this.pending.delete(id);
    this.deadlines.remove(call);
    call.resolve(code === Code.ok ? ok(body) : fail(code, message.length > 0 ? message : codeName(code)));
  }

  /** Fails one call that cannot be sent (e.g. too large for the peer). */
  failCall(call: PendingCall, code: number, message: string): void {
    if (this.pending.get(call.id) !== call) return;
    this.pending.delete(call.id);
    this.deadlines.remove(call);
    call.resolve(fail(code, `call '${call.method}' to ${this.endpoint} failed: ${message}`));
  }

  onConnectionDead(connection: ClientConnection, code: number, message: string): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.failAll(code, message);
  }

  private failAll(code: number, message: string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.deadlines.clear();
    for (const call of calls) {
      call.resolve(fail(code, `call '${call.method}' to ${this.endpoint} failed: ${message}`));
    }
  }
}

type ClientConnectionState = 'handshaking' | 'ready' | 'dead';

class ClientConnection {
  private state: ClientConnectionState = 'handshaking';
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly outbox: Outbox;
  private connectTimer: NodeJS.Timeout | undefined;
  private peerFrameBytesMax = FRAME_BYTES_MAX_DEFAULT;
  private socketError: Error | undefined;

  constructor(
    private readonly client: TcpRpcClient,
    address: Address,
  ) {
    const settings = client.settings;
    this.decoder = new FrameDecoder(settings.frameBytesMax);
    this.socket = netConnect({ host: address.host, port: address.port, noDelay: true });
    this.socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    this.outbox = new Outbox(this.socket);
    this.connectTimer = setTimeout(() => {
      // Nothing was sent before the handshake completed: `unavailable` tells callers a retry is safe.
      this.die(
        Code.unavailable,
        `connect to ${client.endpoint} timed out after ${settings.connectTimeoutMs} ms (TCP connect and handshake)`,
      );
    }, settings.connectTimeoutMs);
    this.socket.on('data', this.onData);
    this.socket.on('error', (error) => {
      this.socketError = error;
    });
    this.socket.once('close', () => {
      const reason = this.socketError === undefined ? 'closed by the peer' : errorText(this.socketError);
      this.die(
        this.state === 'handshaking' ? Code.unavailable : Code.rpcConnectionLost,
        this.state === 'handshaking'
          ? `connect to ${client.endpoint} failed: ${reason}`
          : `connection to ${client.endpoint} lost: ${reason}`,
      );
    });
    const hello = encodeEnvelopeFrame(helloFrom(settings.identity));
    assert(hello.ok, 'a hello of strings and numbers always encodes');
    this.socket.write(hello.value); // queued by Node until the socket connects
  }

  isReady(): boolean {
    return this.state === 'ready';
  }

  send(call: PendingCall): void {
    const frame = call.frame!;
    call.frame = undefined;
    const payloadBytes = frame.length - FRAME_HEADER_BYTES;
    if (payloadBytes > this.peerFrameBytesMax) {
      this.client.failCall(
        call,
        Code.rpcFrameTooLarge,
        `the request is ${payloadBytes} bytes, over the server's frame limit of ${this.peerFrameBytesMax} bytes`,
      );
      return;
    }
    this.outbox.push(frame);
  }

  destroy(): void {
    this.state = 'dead';
    this.clearConnectTimer();
    this.socket.destroy();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private die(code: number, message: string): void {
    if (this.state === 'dead') return;
    this.destroy();
    this.client.onConnectionDead(this, code, message);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.state === 'dead') return;
    const pushed = this.decoder.push(chunk, this.onFrame);
    if (!pushed.ok) this.die(pushed.code, `bad frame from ${this.client.endpoint}: ${pushed.message}`);
  };

  private readonly onFrame = (payload: Uint8Array): void => {
    if (this.state === 'dead') return;
    // Responses are mostly read and dropped (rows decoded into values), so binary fields stay
    // views into the received bytes; requests, whose rows servers keep, are decoded with copies.
    const decoded = decodeEnvelope(payload, 'view');
    if (!decoded.ok) {
      this.die(decoded.code, `bad message from ${this.client.endpoint}: ${decoded.message}`);
      return;
    }
    const envelope = decoded.value;
    switch (envelope.kind) {
      case 'response':
        if (this.state === 'ready') this.client.onResponse(envelope.id, envelope.code, envelope.message, envelope.body);
        else this.die(Code.rpcMalformedFrame, `${this.client.endpoint} answered before the handshake`);
        return;
      case 'helloAck': {
        if (this.state !== 'handshaking') {
          this.die(Code.rpcMalformedFrame, `${this.client.endpoint} sent a second helloAck`);
          return;
        }
        const accepted = acceptHelloAck(envelope, this.client.settings.identity);
        if (!accepted.ok) {
          this.die(accepted.code, accepted.message);
          return;
        }
        this.state = 'ready';
        this.clearConnectTimer();
        this.peerFrameBytesMax = envelope.frameBytesMax;
        this.client.onReady(this, accepted.value);
        return;
      }
      case 'error':
        this.die(envelope.code, envelope.message);
        return;
      case 'unknown':
        return; // a newer server's message kind: skip it
      case 'hello':
      case 'request':
        this.die(Code.rpcMalformedFrame, `${this.client.endpoint} sent a ${envelope.kind}, which servers do not send`);
        return;
    }
  };
}
