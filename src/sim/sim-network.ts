import { assert } from '../base/assert.js';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Rng } from '../ports/clock.js';
import type { CallContext, CallOptions, PeerInfo, RpcClient, RpcHandler, RpcListener, Transport } from '../ports/transport.js';
import { decodeEnvelope, encodeEnvelopeFrame } from '../protocol/envelope.js';
import { FRAME_HEADER_BYTES } from '../protocol/frame.js';
import { PROTOCOL_VERSION, SOFTWARE_VERSION } from '../protocol/version.js';
import type { SimClock } from './sim-clock.js';
import { never, type SimProcess } from './sim-process.js';

/**
 * The Transport port in memory, with faults. Every request and response is a scheduled event after
 * a seeded latency, and goes through the real wire codec (msgpack envelopes: requests decoded with
 * copied binaries, responses with views), so nodes never share an object.
 *
 * Connection model, after the TCP transport (src/runtime/tcp-client.ts): a client connects lazily
 * to the listener currently at its endpoint and keeps that connection; calls on one connection are
 * delivered in order (FIFO per direction). Failures use the TCP transport's codes:
 * - nothing listens at the endpoint → `unavailable` (connection refused; nothing was sent);
 * - connecting across a partition → `unavailable` after the connect timeout;
 * - the listener goes away (its process crashed) with the call sent → `rpcConnectionLost`;
 * - a message lost (loss rate, or a partition on an established connection) → `rpcTimeout` at the
 *   caller's deadline; the server may or may not have acted.
 * Calls of a dead process never settle and messages to it are dropped (sim-process.ts).
 */
export interface SimNetworkOptions {
  readonly latencyMinMs?: number;
  readonly latencyMaxMs?: number;
  /** As the TCP transport: connect + handshake bound. */
  readonly connectTimeoutMs?: number;
  /** As the TCP transport: deadline of a call that sets none. */
  readonly callTimeoutMsDefault?: number;
  /** Calls in flight per client (beyond it: rpcOverloaded). */
  readonly callsInFlightMax?: number;
}

export interface NetworkStats {
  calls: number;
  delivered: number;
  dropped: number;
  refused: number;
  timedOut: number;
  connectionsLost: number;
}

/** One call in flight (internal to the network and its clients). */
export interface SimCall {
  readonly method: string;
  readonly from: SimProcess;
  settled: boolean;
  listener: SimListener | undefined;
  finish(result: Result<unknown>): void;
}

/** A listening endpoint of one process (internal to the network and its clients). */
export interface SimListener {
  readonly endpoint: string;
  readonly handler: RpcHandler;
  readonly owner: SimProcess;
  readonly identity: PeerInfo;
  readonly inflight: Set<SimCall>;
  closed: boolean;
}

const DEFAULTS = {
  latencyMinMs: 1,
  latencyMaxMs: 4,
  connectTimeoutMs: 3_000,
  callTimeoutMsDefault: 10_000,
  callsInFlightMax: 10_000,
} as const;

export class SimNetwork {
  readonly #listeners = new Map<string, SimListener>();
  /** Blocked pairs with the number of faults blocking each. */
  readonly #blocked = new Map<string, number>();
  readonly #o: Required<SimNetworkOptions>;
  #lossRate = 0;
  #extraDelayMaxMs = 0;
  readonly stats: NetworkStats = { calls: 0, delivered: 0, dropped: 0, refused: 0, timedOut: 0, connectionsLost: 0 };
  /** A handler threw instead of returning a Result: a bug in the server (the caller gets `internal`). */
  onHandlerError: (endpoint: string, method: string, error: unknown) => void = () => {};

  constructor(
    readonly clock: SimClock,
    private readonly rng: Rng,
    options: SimNetworkOptions = {},
  ) {
    this.#o = { ...DEFAULTS, ...options };
    assert(this.#o.latencyMinMs >= 0 && this.#o.latencyMaxMs >= this.#o.latencyMinMs, 'latency bounds must satisfy 0 <= min <= max');
  }

  /** The Transport of one process; `role` is what its handshake would announce. */
  transport(proc: SimProcess, role: string): Transport {
    const identity: PeerInfo = { protocolVersion: PROTOCOL_VERSION, softwareVersion: SOFTWARE_VERSION, role, endpoint: proc.name };
    return {
      connect: (endpoint) => new SimRpcClient(this, proc, identity, endpoint),
      listen: async (endpoint, handler) => this.#listen(proc, identity, endpoint, handler),
    };
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** Messages between `a` and `b` (process names / endpoints) are lost, both ways, until `unblock`. */
  block(a: string, b: string): void {
    if (a === b) return;
    const key = pairKey(a, b);
    this.#blocked.set(key, (this.#blocked.get(key) ?? 0) + 1);
  }

  /** Undoes one `block(a, b)` (a pair blocked by two faults stays blocked until both heal). */
  unblock(a: string, b: string): void {
    const key = pairKey(a, b);
    const n = this.#blocked.get(key) ?? 0;
    if (n <= 1) this.#blocked.delete(key);
    else this.#blocked.set(key, n - 1);
  }

  isBlocked(a: string, b: string): boolean {
    return this.#blocked.size > 0 && this.#blocked.has(pairKey(a, b));
  }

  /** Removes every partition. */
  healPartitions(): void {
    this.#blocked.clear();
  }

  get partitionedPairs(): number {
    return this.#blocked.size;
  }

  /** Each message is lost with this probability (0 turns loss off). */
  setLossRate(rate: number): void {
    assert(rate >= 0 && rate < 1, `loss rate must be in [0, 1), got ${rate}`);
    this.#lossRate = rate;
  }

  /** Each message gets up to this much extra latency, uniformly (0 turns it off). */
  setExtraDelay(maxMs: number): void {
    assert(maxMs >= 0, `extra delay must not be negative, got ${maxMs}`);
    this.#extraDelayMaxMs = Math.floor(maxMs);
  }

  /** A process died: its listeners vanish and the calls they were serving fail as connection losses. */
  processDied(proc: SimProcess): void {
    for (const listener of [...this.#listeners.values()]) if (listener.owner === proc) this.#close(listener);
  }

  // ---- internals (used by SimRpcClient) --------------------------------------------------------

  latency(): number {
    const { latencyMinMs, latencyMaxMs } = this.#o;
    let ms = latencyMinMs + (latencyMaxMs > latencyMinMs ? this.rng.int(latencyMaxMs - latencyMinMs + 1) : 0);
    if (this.#extraDelayMaxMs > 0) ms += this.rng.int(this.#extraDelayMaxMs + 1);
    return ms;
  }

  /** Whether one message from `a` to `b` is lost now. */
  lost(a: string, b: string): boolean {
    if (this.isBlocked(a, b)) return true;
    return this.#lossRate > 0 && this.rng.next() < this.#lossRate;
  }

  listenerAt(endpoint: string): SimListener | undefined {
    return this.#listeners.get(endpoint);
  }

  get options(): Required<SimNetworkOptions> {
    return this.#o;
  }

  /** Runs the request on the server and sends the response back. */
  deliver(call: SimCall, listener: SimListener, frame: Uint8Array, client: SimRpcClient, timeoutMs: number): void {
    if (listener.closed) return;
    if (this.isBlocked(call.from.name, listener.endpoint)) {
      this.stats.dropped++;
      return;
    }
    this.stats.delivered++;
    const decoded = decodeEnvelope(frame.subarray(FRAME_HEADER_BYTES), 'copy');
    assert(decoded.ok && decoded.value.kind === 'request', `the simulated wire garbled a request: ${decoded.ok ? decoded.value.kind : decoded.message}`);
    const request = decoded.value;
    const context: CallContext = { peer: client.identity, deadlineMs: this.clock.clock.monotonicMs() + timeoutMs };
    const owner = listener.owner;
    void owner
      .gate(async () => {
        try {
          return await listener.handler(request.method, request.body, context);
        } catch (error) {
          this.onHandlerError(listener.endpoint, request.method, error);
          return fail(Code.internal, `internal error in '${request.method}' on ${listener.endpoint}: ${String(error)}`);
        }
      })
      .then((result) => this.#respond(call, listener, request.id, request.method, result, client));
  }

  #respond(call: SimCall, listener: SimListener, id: number, method: string, result: unknown, client: SimRpcClient): void {
    if (listener.closed) return;
    const r: Result<unknown> = isResult(result)
      ? result
      : fail(Code.internal, `internal error in '${method}' on ${listener.endpoint}: the handler returned no Result`);
    let encoded = encodeEnvelopeFrame(
      r.ok ? { kind: 'response', id, code: Code.ok, message: '', body: r.value } : { kind: 'response', id, code: r.code, message: r.message, body: undefined },
    );
    if (!encoded.ok) {
      encoded = encodeEnvelopeFrame({
        kind: 'response',
        id,
        code: Code.internal,
        message: `the response to '${method}' cannot be encoded: ${encoded.message}`,
        body: undefined,
      });
      assert(encoded.ok, 'an error response always encodes');
    }
    if (this.lost(listener.endpoint, call.from.name)) {
      this.stats.dropped++;
      return;
    }
    const frame = encoded.value;
    const at = client.responseSlot(this.clock.nowMs + this.latency());
    this.clock.after(
      at - this.clock.nowMs,
      () => {
        if (listener.closed || this.isBlocked(listener.endpoint, call.from.name)) return;
        const response = decodeEnvelope(frame.subarray(FRAME_HEADER_BYTES), 'view');
        assert(response.ok && response.value.kind === 'response', 'the simulated wire garbled a response');
        const v = response.value;
        call.finish(v.code === Code.ok ? ok(v.body) : fail(v.code, v.message));
      },
      call.from,
    );
  }

  #listen(proc: SimProcess, identity: PeerInfo, endpoint: string, handler: RpcHandler): RpcListener {
    assert(proc.alive, `a dead process cannot listen on ${endpoint}`);
    const existing = this.#listeners.get(endpoint);
    assert(existing === undefined, `${endpoint} is already listened on by ${existing?.owner.name}`);
    const listener: SimListener = { endpoint, handler, owner: proc, identity: { ...identity, endpoint }, inflight: new Set(), closed: false };
    this.#listeners.set(endpoint, listener);
    return {
      endpoint,
      close: async () => this.#close(listener),
    };
  }

  #close(listener: SimListener): void {
    if (listener.closed) return;
    listener.closed = true;
    if (this.#listeners.get(listener.endpoint) === listener) this.#listeners.delete(listener.endpoint);
    for (const call of [...listener.inflight]) {
      this.clock.after(
        this.latency(),
        () => {
          if (call.settled) return;
          this.stats.connectionsLost++;
          call.finish(fail(Code.rpcConnectionLost, `call '${call.method}' to ${listener.endpoint} failed: the connection was lost (the peer went away)`));
        },
        call.from,
      );
    }
    listener.inflight.clear();
  }
}

export class SimRpcClient implements RpcClient {
  readonly #pending = new Set<SimCall>();
  #connection: SimListener | undefined;
  #requestTailMs = 0;
  #responseTailMs = 0;
  #closed = false;
  #nextId = 1;

  constructor(
    private readonly net: SimNetwork,
    private readonly from: SimProcess,
    readonly identity: PeerInfo,
    readonly endpoint: string,
  ) {}

  peer(): PeerInfo | undefined {
    return this.#connection?.identity;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#pending]) call.finish(fail(Code.rpcConnectionLost, `call '${call.method}' to ${this.endpoint} failed: the client was closed`));
  }

  /** The delivery time of the next response on this connection (in order after the previous one). */
  responseSlot(atMs: number): number {
    this.#responseTailMs = Math.max(atMs, this.#responseTailMs);
    return this.#responseTailMs;
  }

  call(method: string, request: unknown, options?: CallOptions): Promise<Result<unknown>> {
    if (!this.from.alive) return never();
    if (this.#closed) return Promise.resolve(fail(Code.rpcConnectionLost, `call '${method}' to ${this.endpoint} failed: the client was closed`));
    const o = this.net.options;
    if (this.#pending.size >= o.callsInFlightMax) {
      return Promise.resolve(fail(Code.rpcOverloaded, `call '${method}' to ${this.endpoint} refused: ${this.#pending.size} calls in flight (limit ${o.callsInFlightMax})`));
    }
    const timeoutMs = options?.timeoutMs ?? o.callTimeoutMsDefault;
    const id = this.#nextId++;
    const encoded = encodeEnvelopeFrame({ kind: 'request', id, method, timeoutMs, body: request });
    if (!encoded.ok) return Promise.resolve(fail(Code.rpcBadRequest, `call '${method}' to ${this.endpoint} failed: ${encoded.message}`));
    this.net.stats.calls++;
    return new Promise((resolve) => {
      const clock = this.net.clock;
      const call: SimCall = {
        method,
        from: this.from,
        settled: false,
        listener: undefined,
        finish: (result) => {
          if (call.settled || !this.from.alive) return;
          call.settled = true;
          deadline.cancel();
          this.#pending.delete(call);
          call.listener?.inflight.delete(call);
          resolve(result);
        },
      };
      const deadline = clock.after(
        timeoutMs,
        () => {
          this.net.stats.timedOut++;
          call.finish(fail(Code.rpcTimeout, `call '${method}' to ${this.endpoint} timed out after ${timeoutMs} ms`));
        },
        this.from,
      );
      this.#pending.add(call);
      this.#send(call, encoded.value, timeoutMs);
    });
  }

  #send(call: SimCall, frame: Uint8Array, timeoutMs: number): void {
    const net = this.net;
    const clock = net.clock;
    const listener = net.listenerAt(this.endpoint);
    if (!listener) {
      this.#connection = undefined;
      net.stats.refused++;
      clock.after(
        net.latency(),
        () => call.finish(fail(Code.unavailable, `connect to ${this.endpoint} failed: connection refused (nothing listens there)`)),
        this.from,
      );
      return;
    }
    if (this.#connection !== listener) {
      if (net.isBlocked(this.from.name, this.endpoint)) {
        this.#connection = undefined;
        const { connectTimeoutMs } = net.options;
        clock.after(
          connectTimeoutMs,
          () => call.finish(fail(Code.unavailable, `connect to ${this.endpoint} timed out after ${connectTimeoutMs} ms (TCP connect and handshake)`)),
          this.from,
        );
        return;
      }
      this.#connection = listener;
      this.#requestTailMs = clock.nowMs;
      this.#responseTailMs = clock.nowMs;
    }
    call.listener = listener;
    listener.inflight.add(call);
    if (net.lost(this.from.name, this.endpoint)) {
      net.stats.dropped++;
      return;
    }
    this.#requestTailMs = Math.max(clock.nowMs + net.latency(), this.#requestTailMs);
    clock.after(this.#requestTailMs - clock.nowMs, () => net.deliver(call, listener, frame, this, timeoutMs), listener.owner);
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}
