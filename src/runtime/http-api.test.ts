import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../ports/logger.js';
import { type HttpApiRequest, type HttpApiServer, startHttpApi } from './http-api.js';

let server: HttpApiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handle: (r: HttpApiRequest) => Promise<{ status: number; body: string }>, limits = { body: 1024, inFlight: 8 }) {
  server = await startHttpApi({
    endpoint: '127.0.0.1:0',
    bodyBytesMax: limits.body,
    requestsInFlightMax: limits.inFlight,
    role: 'apiserver',
    version: 'test',
    status: () => ({ extra: 1 }),
    handle,
    logger: silentLogger,
  });
  return `http://127.0.0.1:${server.port}`;
}

describe('startHttpApi', () => {
  it('hands every request but /status and /metrics to the handler, with the raw body bytes', async () => {
    const seen: { method: string; url: string; body: string }[] = [];
    const base = await start(async (r) => {
      seen.push({ method: r.method, url: r.url, body: new TextDecoder().decode(r.body) });
      return { status: 200, body: '{"code":0}' };
    });
    const put = await fetch(`${base}/dbs/a/tables/b?x=1`, { method: 'PUT', body: '{"v": 1}', headers: { 'content-type': 'text/weird' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await put.text()).toBe('{"code":0}');
    await fetch(`${base}/anything`, { method: 'DELETE' });
    await fetch(`${base}/dbs`);
    expect(seen).toEqual([
      { method: 'PUT', url: '/dbs/a/tables/b?x=1', body: '{"v": 1}' },
      { method: 'DELETE', url: '/anything', body: '' },
      { method: 'GET', url: '/dbs', body: '' },
    ]);
    const status = await fetch(`${base}/status`);
    expect(await status.json()).toMatchObject({ role: 'apiserver', version: 'test', extra: 1 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/openmldb_apiserver_requests_total\{method="PUT",status="200"/);
    expect(seen).toHaveLength(3);
  });

  it('refuses a body over the limit with 413 and a JSON envelope', async () => {
    let calls = 0;
    const base = await start(async () => {
      calls++;
      return { status: 200, body: '{}' };
    });
    const r = await fetch(`${base}/dbs/a`, { method: 'POST', body: 'x'.repeat(1025) });
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ code: -1, msg: 'request body too large: the limit is 1024 bytes' });
    const fits = await fetch(`${base}/dbs/a`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(fits.status).toBe(200);
    expect(calls).toBe(1);
  });

  it('answers a URL it cannot decode with 200 and "invalid url"', async () => {
    const base = await start(async () => ({ status: 200, body: '{}' }));
    const r = await fetch(`${base}/dbs/%zz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ code: -1, msg: 'invalid url' });
  });

  it('answers 500 with the error when the handler throws, and keeps serving', async () => {
    let fail = true;
    const base = await start(async () => {
      if (fail) throw new Error('boom');
      return { status: 200, body: '{"code":0}' };
    });
    const r = await fetch(`${base}/x`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ code: -1, msg: 'internal error: boom' });
    fail = false;
    expect((await fetch(`${base}/x`)).status).toBe(200);
  });

  it('refuses requests beyond the in-flight limit with 503', async () => {
    const waiting: (() => void)[] = [];
    let arrived = 0;
    let allArrived: () => void = () => {};
    const twoArrived = new Promise<void>((resolve) => (allArrived = resolve));
    const base = await start(
      async () => {
        if (++arrived === 2) allArrived();
        await new Promise<void>((resolve) => waiting.push(resolve));
        return { status: 200, body: '{"code":0}' };
      },
      { body: 1024, inFlight: 2 },
    );
    const first = [fetch(`${base}/a`), fetch(`${base}/b`)];
    await twoArrived;
    const third = await fetch(`${base}/c`);
    expect(third.status).toBe(503);
    expect(await third.json()).toEqual({ code: -1, msg: 'server busy: 2 requests in flight, the limit is 2' });
    for (const release of waiting) release();
    for (const r of await Promise.all(first)) expect(r.status).toBe(200);
  });
});
