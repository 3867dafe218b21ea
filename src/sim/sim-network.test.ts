import { describe, expect, it } from 'vitest';
import { seededRng } from '../base/seeded-rng.js';
import { Code, ok, type Result } from '../base/status.js';
import type { RpcHandler } from '../ports/transport.js';
import { SimClock } from './sim-clock.js';
import { SimNetwork } from './sim-network.js';
import { SimProcess } from './sim-process.js';

function world() {
  const clock = new SimClock();
  const net = new SimNetwork(clock, seededRng(7), { latencyMinMs: 1, latencyMaxMs: 5, connectTimeoutMs: 300 });
  const server = new SimProcess('s:1', 1);
  const client = new SimProcess('c', 1);
  return { clock, net, server, client };
}

/** Runs the simulation until `p` settles (bounded) and returns its value. */
async function settle<T>(clock: SimClock, p: Promise<T>, maxMs = 60_000): Promise<T | 'pending'> {
  let out: { v: T } | undefined;
  void p.then((v) => {
    out = { v };
  });
  await clock.runUntil(() => out !== undefined, { untilMs: clock.nowMs + maxMs });
  return out ? out.v : 'pending';
}

describe('SimNetwork', () => {
  it('delivers calls through the wire codec: the server gets a copy, bigint and bytes survive', async () => {
    const { clock, net, server, client } = world();
    const sent = { n: 5n, bytes: new Uint8Array([1, 2, 3]), nested: { s: 'x' } };
    let received: unknown;
    await net.transport(server, 'tablet').listen('s:1', (method, body) => {
      received = body;
      return ok({ method, echo: body });
    });
    const r = (await settle(clock, net.transport(client, 'client').connect('s:1').call('Echo', sent))) as Result<{ method: string; echo: typeof sent }>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const got = received as typeof sent;
    expect(got).not.toBe(sent);
    expect(got.nested).not.toBe(sent.nested);
    expect(got.bytes).not.toBe(sent.bytes);
    expect({ n: got.n, bytes: [...got.bytes], nested: got.nested }).toEqual({ n: 5n, bytes: [1, 2, 3], nested: { s: 'x' } });
    expect(r.value.method).toBe('Echo');
    expect(r.value.echo.n).toBe(5n);
    expect([...r.value.echo.bytes]).toEqual([1, 2, 3]);
    expect(clock.nowMs).toBeGreaterThanOrEqual(2);
  });

  it('refuses a call to an endpoint nobody listens on with unavailable', async () => {
    const { clock, net, client } = world();
    const r = (await settle(clock, net.transport(client, 'client').connect('nobody:1').call('X', {}))) as Result<unknown>;
    expect(r.ok ? 0 : r.code).toBe(Code.unavailable);
  });

  it('fails calls in flight with rpcConnectionLost when the server dies, then refuses', async () => {
    const { clock, net, server, client } = world();
    const slow: RpcHandler = () => new Promise(() => {});
    await net.transport(server, 'tablet').listen('s:1', slow);
    const c = net.transport(client, 'client').connect('s:1');
    const pending = c.call('Slow', {}, { timeoutMs: 10_000 });
    await clock.runFor(20);
    server.kill();
    net.processDied(server);
    const r = (await settle(clock, pending)) as Result<unknown>;
    expect(r.ok ? 0 : r.code).toBe(Code.rpcConnectionLost);
    const again = (await settle(clock, c.call('Slow', {}))) as Result<unknown>;
    expect(again.ok ? 0 : again.code).toBe(Code.unavailable);
  });

  it('times out a call whose messages are lost on an established connection, and connects nowhere across a partition', async () => {
    const { clock, net, server, client } = world();
    await net.transport(server, 'tablet').listen('s:1', () => ok({}));
    const c = net.transport(client, 'client').connect('s:1');
    expect(((await settle(clock, c.call('A', {}))) as Result<unknown>).ok).toBe(true);
    net.block('c', 's:1');
    const start = clock.nowMs;
    const lost = (await settle(clock, c.call('A', {}, { timeoutMs: 500 }))) as Result<unknown>;
    expect(lost.ok ? 0 : lost.code).toBe(Code.rpcTimeout);
    expect(clock.nowMs - start).toBe(500);
    const fresh = net.transport(client, 'client').connect('s:1');
    const refused = (await settle(clock, fresh.call('A', {}, { timeoutMs: 5_000 }))) as Result<unknown>;
    expect(refused.ok ? 0 : refused.code).toBe(Code.unavailable);
    net.unblock('c', 's:1');
    expect(((await settle(clock, fresh.call('A', {}))) as Result<unknown>).ok).toBe(true);
  });

  it('keeps requests of one connection in order even with random latency', async () => {
    const { clock, net, server, client } = world();
    net.setExtraDelay(200);
    const order: number[] = [];
    await net.transport(server, 'tablet').listen('s:1', (_m, body) => {
      order.push((body as { i: number }).i);
      return ok({});
    });
    const c = net.transport(client, 'client').connect('s:1');
    const calls = Array.from({ length: 20 }, (_, i) => c.call('N', { i }));
    await settle(clock, Promise.all(calls));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('never settles the calls of a dead caller', async () => {
    const { clock, net, server, client } = world();
    await net.transport(server, 'tablet').listen('s:1', () => ok({}));
    const c = net.transport(client, 'client').connect('s:1');
    const inFlight = c.call('A', {});
    client.kill();
    expect(await settle(clock, inFlight, 1_000)).toBe('pending');
    expect(await settle(clock, c.call('A', {}), 1_000)).toBe('pending');
  });

  it('answers internal when a handler throws, and reports the throw', async () => {
    const { clock, net, server, client } = world();
    const thrown: string[] = [];
    net.onHandlerError = (ep, m, e) => thrown.push(`${ep} ${m} ${String(e)}`);
    await net.transport(server, 'tablet').listen('s:1', () => {
      throw new Error('bug');
    });
    const r = (await settle(clock, net.transport(client, 'client').connect('s:1').call('Boom', {}))) as Result<unknown>;
    expect(r.ok ? 0 : r.code).toBe(Code.internal);
    expect(thrown).toEqual(['s:1 Boom Error: bug']);
  });
});
