/**
 * Bad input against a real server process: malformed and oversized frames, requests before the
 * handshake, unknown methods, wrong field types, malformed rows, unknown tables. Each gets an error
 * naming what was wrong; the server keeps serving and nothing stored is lost.
 */
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '../src/base/status.js';
import { TcpTransport } from '../src/runtime/tcp-transport.js';
import { type Connection, connect, type TableSchema } from '../src/sdk/index.js';
import { cleanup } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

let db: Standalone;
let conn: Connection;
let tid: number;
const transport = new TcpTransport({ role: 'client' });

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'v', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

/** Sends raw bytes and collects what the server answers until it closes or 2 s pass. */
function rawExchange(endpoint: string, bytes: Buffer): Promise<Buffer> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = netConnect({ host, port: Number(port) }, () => s.write(bytes));
    const done = () => resolve(Buffer.concat(chunks));
    s.on('data', (d) => chunks.push(d));
    s.on('close', done);
    s.on('error', done);
    setTimeout(() => s.destroy(), 2000);
  });
}

beforeAll(async () => {
  db = await startStandalone();
  conn = await connect({ host: db.host, port: db.port });
  await conn.createDatabase('bad');
  tid = await conn.createTable('bad', 't', schema);
  await conn.put('bad', 't', ['keep', 1]);
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
});

describe('bad input', () => {
  it('answers garbage bytes and an oversized frame length with an error and closes only that connection', async () => {
    const garbage = await rawExchange(db.tabletEndpoint, Buffer.from([0, 0, 0, 5, 1, 2, 3, 4, 5]));
    expect(garbage.length).toBeGreaterThan(0);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x7fffffff, 0);
    const oversized = await rawExchange(db.tabletEndpoint, huge);
    expect(oversized.toString('latin1')).toMatch(/frame|limit|large/i);
    expect(await conn.count('bad', 't', { key: 'keep' })).toBe(1);
  });

  it('names an unknown method and keeps the connection usable', async () => {
    const c = transport.connect(db.tabletEndpoint);
    const r = await c.call('NoSuchMethod', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(Code.rpcUnknownMethod);
      expect(r.message).toMatch(/unknown method 'NoSuchMethod'/);
    }
    const status = await c.call('GetTableStatus', {});
    expect(status.ok).toBe(true);
    c.close();
  });

  it('names the field of a request with wrong types, a malformed row and an unknown table', async () => {
    const c = transport.connect(db.tabletEndpoint);
    const wrongType = await c.call('Put', { tid, pid: 0, rows: ['not bytes'] });
    expect(!wrongType.ok && wrongType.message).toMatch(/field 'rows\[0\]' must be binary data, got string/);
    const badRow = await c.call('Put', { tid, pid: 0, rows: [new Uint8Array([1, 1, 200, 0, 0, 0, 9])] });
    expect(badRow.ok).toBe(false);
    if (!badRow.ok) expect(badRow.code).toBe(Code.invalidRow);
    const noTable = await c.call('Scan', { tid: 999, pid: 0, index: 'by_k', key: 'x' });
    expect(!noTable.ok && noTable.message).toMatch(/table 999 partition 0 is not on tablet/);
    const missing = await c.call('Scan', { tid, pid: 0, index: 'by_k' });
    expect(!missing.ok && missing.message).toMatch(/field 'key' must be a string, got nothing/);
    c.close();
    expect(await conn.count('bad', 't', { key: 'keep' })).toBe(1);
  });

  it('refuses a peer speaking an incompatible protocol, naming both versions', async () => {
    const old = new TcpTransport({ role: 'client', protocolVersion: -5, softwareVersion: '0.0.1' });
    const c = old.connect(db.tabletEndpoint);
    const r = await c.call('GetTableStatus', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(Code.rpcIncompatiblePeer);
      expect(r.message).toMatch(/0\.0\.1/);
      expect(r.message).toMatch(/0\.1\.0/);
    }
    c.close();
  });

  it('answers unknown HTTP pages with 404 and serves /status and /metrics', async () => {
    const base = `http://${db.tabletEndpoint}`;
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const status = (await (await fetch(`${base}/status`)).json()) as { role: string };
    expect(status.role).toBe('tablet');
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/openmldb_build_info\{[^}]*version="0\.1\.0"/);
  });
});
