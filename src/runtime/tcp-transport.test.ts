import { connect as netConnect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Code, DbError, fail, ok, type Result } from '../base/status.js';
import type { RpcClient, RpcHandler, RpcListener } from '../ports/transport.js';
import { decodeEnvelope, type Envelope, encodeEnvelopeFrame, type OutgoingEnvelope } from '../protocol/envelope.js';
import { encodeFrame, FrameDecoder } from '../protocol/frame.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { PROTOCOL_VERSION, SOFTWARE_VERSION } from '../protocol/version.js';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function transport(options: Partial<TcpTransportOptions> = {}): TcpTransport {
  return new TcpTransport({ role: 'client', ...options });
}

async function serve(handler: RpcHandler, options: Partial<TcpTransportOptions> = {}, endpoint = '127.0.0.1:0') {
  const listener = await transport({ role: 'tablet', ...options }).listen(endpoint, handler);
  cleanups.push(() => listener.close());
  return listener;
}

function client(endpoint: string, options: Partial<TcpTransportOptions> = {}): RpcClient {
  const c = transport(options).connect(endpoint);
  cleanups.push(() => c.close());
  return c;
}

interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A promise resolving after `n` turns of the event loop (reorders responses without sleeping). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

const echoRouter = createRpcRouter('tablet', {
  echo: (request) => ok(request),
  peerRole: (_request, context) => ok(context.peer.role),
});

function frameOf(envelope: OutgoingEnvelope): Uint8Array {
  const encoded = encodeEnvelopeFrame(envelope);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.value;
}

const rawHello = (protocolVersion = PROTOCOL_VERSION) =>
  frameOf({
    kind: 'hello',
    protocolVersion,
    softwareVersion: 'raw',
    role: 'raw',
    endpoint: '',
    features: [],
    frameBytesMax: 1 << 20,
  });

/** A hand-made peer: writes `chunks` (then half-closes if asked) and collects what the server sends until it closes. */
function rawExchange(endpoint: string, chunks: readonly Uint8Array[], end = false): Promise<Envelope[]> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const received: Envelope[] = [];
    const decoder = new FrameDecoder();
    const socket = netConnect({ host: host!, port: Number(port) });
    socket.on('data', (chunk) => {
      const pushed = decoder.push(chunk, (payload) => {
        const decoded = decodeEnvelope(payload);
        if (decoded.ok) received.push(decoded.value);
        else reject(new Error(decoded.message));
      });
      if (!pushed.ok) reject(new Error(pushed.message));
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
    for (const chunk of chunks) socket.write(chunk);
    if (end) socket.end();
  });
}

/** A TCP server that accepts and never says anything. */
async function silentServer(): Promise<string> {
  const server: Server = createServer(() => {});
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `127.0.0.1:${address.port}`;
}

function expectFailure(result: Result<unknown>, code: number, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect({ code: result.code }).toEqual({ code });
  for (const fragment of fragments) expect(result.message).toContain(fragment);
}

describe('TcpTransport: calls', () => {
  it('listens on port 0, reports the real port, and round-trips bigint and binary bodies', async () => {
    const listener = await serve(echoRouter);
    expect(listener.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(listener.endpoint).not.toBe('127.0.0.1:0');
    const c = client(listener.endpoint);
    expect(c.peer()).toBeUndefined();
    const body = { ts: 1_700_000_000_000, big: -(2n ** 62n), row: new Uint8Array([1, 2, 250]), s: 'ключ' };
    const result = await c.call('echo', body);
    expect(result.ok).toBe(true);
    const echoed = (result.ok ? result.value : {}) as typeof body;
    expect(echoed.big).toBe(-(2n ** 62n));
    expect([...echoed.row]).toEqual([1, 2, 250]);
    expect(echoed.ts).toBe(1_700_000_000_000);
    expect(echoed.s).toBe('ключ');
    expect(c.peer()).toMatchObject({
      role: 'tablet',
      endpoint: listener.endpoint,
      protocolVersion: PROTOCOL_VERSION,
      softwareVersion: SOFTWARE_VERSION,
    });
    expect(await c.call('peerRole', null)).toEqual(ok('client'));
  });

  it('gives the handler binary fields as views that stay intact after later frames arrive (the tablet copies what it keeps)', async () => {
    const seen: Uint8Array[] = [];
    const listener = await serve((_m, request) => ok(seen.push((request as { row: Uint8Array }).row)));
    const c = client(listener.endpoint);
    await Promise.all([1, 2, 3].map((n) => c.call('put', { row: new Uint8Array(40).fill(n) })));
    await Promise.all([4, 5, 6].map((n) => c.call('put', { row: new Uint8Array(40).fill(n) })));
    expect(seen.map((row) => row.byteLength)).toEqual([40, 40, 40, 40, 40, 40]);
    // Every byte of each row is still its own value: no receive buffer was reused under a view.
    expect(seen.map((row) => (row.every((b) => b === row[0]) ? row[0] : -1)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('turns the request timeout into a deadline on the server clock', async () => {
    const seen: (number | undefined)[] = [];
    const clock = { nowMs: () => 0, monotonicMs: () => 5_000 };
    const listener = await serve((_m, _r, context) => ok(seen.push(context.deadlineMs)), { clock });
    const c = client(listener.endpoint);
    await c.call('any', null, { timeoutMs: 1_234 });
    await c.call('any', null);
    expect(seen).toEqual([6_234, 5_000 + 10_000]);
  });

  it('pipelines 1,000 concurrent calls answered out of order and matches every response to its call', async () => {
    let maxInFlight = 0;
    let inFlight = 0;
    const listener = await serve(async (_m, request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const n = request as number;
      await turns((n * 7919) % 13);
      inFlight--;
      return ok({ n, square: BigInt(n) * BigInt(n) });
    });
    const c = client(listener.endpoint);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, n) => c.call('square', n)));
    results.forEach((result, n) => {
      expect(result).toEqual(ok({ n, square: BigInt(n * n) }));
    });
    expect(maxInFlight).toBeGreaterThan(1); // really pipelined, not one at a time
  });

  it('fails a call that outlives its timeout with rpcTimeout naming method, endpoint and timeout; a late answer is dropped', async () => {
    const release = gate();
    const listener = await serve(async (method) => {
      if (method === 'slow') await release.opened;
      return ok(method);
    });
    const c = client(listener.endpoint);
    const slow = await c.call('slow', null, { timeoutMs: 30 });
    expectFailure(slow, Code.rpcTimeout, "call 'slow'", listener.endpoint, 'timed out after 30 ms');
    release.open();
    expect(await c.call('fast', null)).toEqual(ok('fast'));
  });

  it('uses the configured default timeout for calls that set none', async () => {
    const listener = await serve(() => new Promise<Result<unknown>>(() => {}));
    const c = client(listener.endpoint, { callTimeoutMsDefault: 20 });
    expectFailure(await c.call('never', null), Code.rpcTimeout, 'timed out after 20 ms');
  });

  it('refuses a call with a nonsensical timeout without sending it', async () => {
    const c = client('127.0.0.1:1');
    expectFailure(await c.call('x', null, { timeoutMs: -1 }), Code.rpcBadRequest, 'timeoutMs must be in');
    expectFailure(await c.call('x', null, { timeoutMs: Number.NaN }), Code.rpcBadRequest, 'got NaN');
  });

  it('answers an unknown method with rpcUnknownMethod and keeps the connection', async () => {
    const release = gate();
    const listener = await serve(
      createRpcRouter('tablet', {
        hold: async () => {
          await release.opened;
          return ok('held');
        },
      }),
    );
    const c = client(listener.endpoint);
    const held = c.call('hold', null);
    expectFailure(await c.call('noSuchMethod', null), Code.rpcUnknownMethod, "unknown method 'noSuchMethod'", 'hold');
    release.open();
    expect(await held).toEqual(ok('held')); // the call in flight on the same connection survived
  });

  it('turns a throwing or rejecting handler, or one returning a non-Result, into an internal error and keeps serving', async () => {
    const listener = await serve((method) => {
      if (method === 'throw') throw new Error('boom');
      if (method === 'reject') return Promise.reject(new Error('async boom'));
      if (method === 'junk') return 42 as unknown as Result<unknown>;
      return ok('fine');
    });
    const c = client(listener.endpoint);
    expectFailure(await c.call('throw', null), Code.internal, "internal error in 'throw'", 'boom');
    expectFailure(await c.call('reject', null), Code.internal, 'async boom');
    expectFailure(await c.call('junk', null), Code.internal, 'returned number, not a Result');
    expect(await c.call('ok', null)).toEqual(ok('fine'));
  });

  it('passes a handler failure through with its code and message', async () => {
    const listener = await serve(() => fail(Code.tableNotFound, "table 'ads' not found"));
    const c = client(listener.endpoint);
    expect(await c.call('get', null)).toEqual(fail(Code.tableNotFound, "table 'ads' not found"));
  });

  it('fails a request over the server frame limit without losing the connection', async () => {
    const release = gate();
    const listener = await serve(
      async (method, request) => {
        if (method === 'hold') await release.opened;
        return ok(request);
      },
      { frameBytesMax: 1_000 },
    );
    const c = client(listener.endpoint);
    expect(await c.call('echo', 'small')).toEqual(ok('small'));
    const held = c.call('hold', 'x');
    const big = await c.call('put', new Uint8Array(2_000));
    expectFailure(big, Code.rpcFrameTooLarge, "call 'put'", "over the server's frame limit of 1000 bytes");
    release.open();
    expect(await held).toEqual(ok('x'));
  });

  it("answers with rpcFrameTooLarge when a response would exceed the caller's frame limit", async () => {
    const listener = await serve(() => ok(new Uint8Array(5_000)));
    const c = client(listener.endpoint, { frameBytesMax: 1_000 });
    expectFailure(await c.call('scan', null), Code.rpcFrameTooLarge, "response to 'scan'", "caller's frame limit of 1000 bytes");
  });

  it('bounds requests in flight per connection on the server (rpcOverloaded)', async () => {
    const release = gate();
    const listener = await serve(
      async () => {
        await release.opened;
        return ok('done');
      },
      { requestsInFlightMax: 2 },
    );
    const c = client(listener.endpoint);
    const first = c.call('a', null);
    const second = c.call('b', null);
    expectFailure(await c.call('c', null), Code.rpcOverloaded, '2 requests in flight', "'c' was not run");
    release.open();
    expect(await Promise.all([first, second])).toEqual([ok('done'), ok('done')]);
  });

  it('bounds calls in flight per client', async () => {
    const release = gate();
    const listener = await serve(async () => {
      await release.opened;
      return ok('done');
    });
    const c = client(listener.endpoint, { callsInFlightMax: 2 });
    const first = c.call('a', null);
    const second = c.call('b', null);
    expectFailure(await c.call('c', null), Code.rpcOverloaded, '2 calls in flight (limit 2)');
    release.open();
    expect(await Promise.all([first, second])).toEqual([ok('done'), ok('done')]);
  });
});

describe('TcpTransport: handshake and versions', () => {
  it.each([-1, 1])('a client at protocol N + (%d) talks to this server', async (delta) => {
    const listener = await serve(echoRouter);
    const c = client(listener.endpoint, { protocolVersion: PROTOCOL_VERSION + delta, softwareVersion: '9.9.9' });
    expect(await c.call('echo', 'hi')).toEqual(ok('hi'));
  });

  it.each([-2, 2])('a client at protocol N + (%d) is refused with a message naming both versions', async (delta) => {
    const listener = await serve(echoRouter);
    const peerVersion = PROTOCOL_VERSION + delta;
    const c = client(listener.endpoint, { protocolVersion: peerVersion, softwareVersion: '9.9.9' });
    expectFailure(
      await c.call('echo', 'hi'),
      Code.rpcIncompatiblePeer,
      `client runs software 9.9.9 (protocol ${peerVersion})`,
      `this node runs software ${SOFTWARE_VERSION} (protocol ${PROTOCOL_VERSION})`,
    );
    // The server keeps serving compatible clients.
    expect(await client(listener.endpoint).call('echo', 'still here')).toEqual(ok('still here'));
  });

  it.each([-1, 1])('this client talks to a server at protocol N + (%d)', async (delta) => {
    const listener = await serve(echoRouter, { protocolVersion: PROTOCOL_VERSION + delta });
    const c = client(listener.endpoint);
    expect(await c.call('echo', 'hi')).toEqual(ok('hi'));
    expect(c.peer()?.protocolVersion).toBe(PROTOCOL_VERSION + delta);
  });

  it.each([-2, 2])('this client refuses a server at protocol N + (%d)', async (delta) => {
    const serverVersion = PROTOCOL_VERSION + delta;
    const listener = await serve(echoRouter, { protocolVersion: serverVersion, softwareVersion: '7.7.7' });
    const c = client(listener.endpoint);
    // Each side checks against its own identity: the impersonated server refuses first.
    expectFailure(
      await c.call('echo', 'hi'),
      Code.rpcIncompatiblePeer,
      `client runs software ${SOFTWARE_VERSION} (protocol ${PROTOCOL_VERSION})`,
      `this node runs software 7.7.7 (protocol ${serverVersion})`,
    );
  });

  it('answers a raw hello from an incompatible peer with an error frame and closes', async () => {
    const listener = await serve(echoRouter);
    const received = await rawExchange(listener.endpoint, [rawHello(PROTOCOL_VERSION + 2)]);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ kind: 'error', code: Code.rpcIncompatiblePeer });
    expect((received[0] as { message: string }).message).toContain(`raw runs software raw (protocol ${PROTOCOL_VERSION + 2})`);
  });

  it('treats a request before the handshake as an error', async () => {
    const listener = await serve(echoRouter);
    const request = frameOf({ kind: 'request', id: 1, method: 'echo', body: 'sneaky' });
    const received = await rawExchange(listener.endpoint, [request]);
    expect(received).toEqual([
      {
        kind: 'error',
        code: Code.rpcBadRequest,
        message: 'handshake required: the first message on a connection must be hello, found request',
      },
    ]);
  });

  it('serves a raw peer that handshakes, pipelines and half-closes, then closes after the last answer', async () => {
    const listener = await serve(echoRouter);
    const requests = [1, 2, 3].map((id) => frameOf({ kind: 'request', id, method: 'echo', body: id * 10 }));
    const received = await rawExchange(listener.endpoint, [rawHello(), ...requests], true);
    expect(received[0]).toMatchObject({ kind: 'helloAck', role: 'tablet', endpoint: listener.endpoint });
    expect(received.slice(1)).toEqual([1, 2, 3].map((id) => ({ kind: 'response', id, code: 0, message: '', body: id * 10 })));
  });

  it('skips messages of a kind it does not know (sent by a newer peer)', async () => {
    const listener = await serve(echoRouter);
    const future = encodeFrame(new Uint8Array([0x82, 0xa4, ...Buffer.from('kind'), 0xa6, ...Buffer.from('cancel'), 0xa2, ...Buffer.from('id'), 1]));
    const request = frameOf({ kind: 'request', id: 2, method: 'echo', body: 'after' });
    const received = await rawExchange(listener.endpoint, [rawHello(), future, request], true);
    expect(received.slice(1)).toEqual([{ kind: 'response', id: 2, code: 0, message: '', body: 'after' }]);
  });
});

describe('TcpTransport: bad input from the network', () => {
  it.each([
    ['a frame that is not msgpack', [encodeFrame(new Uint8Array([0xc1, 0xc1]))], false, Code.rpcMalformedFrame, 'not msgpack'],
    [
      'an oversized length',
      [new Uint8Array([0xff, 0xff, 0xff, 0xf0])],
      false,
      Code.rpcFrameTooLarge,
      'frame too large: 4294967280 bytes, over the limit of 33554432 bytes',
    ],
    ['a zero length', [new Uint8Array([0, 0, 0, 0])], false, Code.rpcMalformedFrame, 'length 0'],
    [
      'a truncated frame',
      [new Uint8Array([0, 0, 0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
      true,
      Code.rpcMalformedFrame,
      'truncated frame: got 10 of 100 payload bytes when the connection ended',
    ],
    ['a message that is not a map', [encodeFrame(new Uint8Array([0x93, 1, 2, 3]))], false, Code.rpcMalformedFrame, 'expected a map'],
  ] as const)('answers %s with an error naming the problem, closes that connection, and keeps serving others', async (_what, garbage, end, code, message) => {
    const listener = await serve(echoRouter);
    const other = client(listener.endpoint);
    expect(await other.call('echo', 'before')).toEqual(ok('before'));
    const received = await rawExchange(listener.endpoint, [rawHello(), ...garbage], end);
    expect(received[0]?.kind).toBe('helloAck');
    expect(received.slice(1)).toEqual([{ kind: 'error', code, message: expect.stringContaining(message) }]);
    expect(await other.call('echo', 'after')).toEqual(ok('after'));
  });

  it('answers garbage in place of a hello with an error', async () => {
    const listener = await serve(echoRouter);
    const received = await rawExchange(listener.endpoint, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
    expect(received).toEqual([{ kind: 'error', code: Code.rpcFrameTooLarge, message: expect.stringContaining('frame too large') }]);
  });
});

describe('TcpTransport: connections', () => {
  it('fails pending calls when the server goes away, and the next call reconnects to the restarted server', async () => {
    const release = gate();
    const handler: RpcHandler = async (method) => {
      if (method === 'hang') await release.opened;
      return ok(method);
    };
    const first = await transport({ role: 'tablet' }).listen('127.0.0.1:0', handler);
    const c = client(first.endpoint);
    expect(await c.call('ping', null)).toEqual(ok('ping'));
    const pending = [c.call('hang', null), c.call('hang', null)];
    await first.close();
    for (const result of await Promise.all(pending)) {
      expectFailure(result, Code.rpcConnectionLost, "call 'hang'", `connection to ${first.endpoint} lost`);
    }
    const second = await serve(handler, {}, first.endpoint);
    expect(second.endpoint).toBe(first.endpoint);
    expect(await c.call('ping', null)).toEqual(ok('ping'));
    release.open();
  });

  it('fails calls to an endpoint where nothing listens with unavailable (nothing was sent, a retry is safe)', async () => {
    const probe = await serve(echoRouter);
    const endpoint = probe.endpoint;
    await probe.close();
    const c = client(endpoint);
    expectFailure(await c.call('echo', null), Code.unavailable, `connect to ${endpoint} failed`, 'ECONNREFUSED');
  });

  it('times out a connect whose handshake never completes', async () => {
    const endpoint = await silentServer();
    const c = client(endpoint, { connectTimeoutMs: 40 });
    expectFailure(await c.call('echo', null), Code.unavailable, `connect to ${endpoint} timed out after 40 ms`);
  });

  it('close() fails pending calls, and later calls fail at once without connecting', async () => {
    const listener = await serve(() => new Promise<Result<unknown>>(() => {}));
    const c = client(listener.endpoint);
    const pending = c.call('hang', null);
    const waitingForConnect = c.call('hang', null);
    c.close();
    expectFailure(await pending, Code.rpcConnectionLost, 'the client was closed');
    expectFailure(await waitingForConnect, Code.rpcConnectionLost, 'the client was closed');
    expectFailure(await c.call('echo', null), Code.rpcConnectionLost, 'the client was closed');
  });

  it('refuses an invalid endpoint as a value', async () => {
    const c = client('no-port-here');
    expectFailure(await c.call('echo', null), Code.invalidParameter, "invalid endpoint 'no-port-here'");
    await expect(transport().listen('127.0.0.1:99999', echoRouter)).rejects.toThrow(/invalid endpoint/);
  });

  it('rejects listening on a port in use, naming the endpoint', async () => {
    const listener: RpcListener = await serve(echoRouter);
    const attempt = transport().listen(listener.endpoint, echoRouter);
    await expect(attempt).rejects.toBeInstanceOf(DbError);
    await expect(attempt).rejects.toThrow(`listen on ${listener.endpoint} failed: EADDRINUSE: address already in use`);
  });
});
