/**
 * On-disk compatibility across versions (src/protocol/DESIGN-versions.md): release 0.2.0 reads
 * what release 0.1.0 wrote. A standalone 0.1.0 writes rows, makes a snapshot, writes and deletes
 * more (binlog after the snapshot) and stops; 0.2.0 is started on the same directories (bin/
 * replaced, as an upgrade does) and reads back exactly what 0.1.0 acknowledged: snapshot, binlog
 * and table metadata. Then the same directories go back to 0.1.0 (no cluster version was
 * finalized, so nothing 0.1.0 cannot read was written) and it still reads everything.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTablet } from '../src/protocol/typed-call.js';
import { TcpTransport } from '../src/runtime/tcp-transport.js';
import { connect, type TableSchema } from '../src/sdk/index.js';
import { freePort } from './harness/ports.js';
import { cleanup, tempDir } from './harness/program.js';
import { buildRelease, setFlag, startSh } from './harness/release-cluster.js';

const schema: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'ts', type: 'bigint', notNull: true },
    { name: 'v', type: 'string', notNull: false },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const KEYS = 10;
let dir: string;
let port: number;
let tabletEndpoint: string;
let releases: { old: string; next: string };

function install(release: string): void {
  cpSync(join(release, 'bin'), join(dir, 'bin'), { recursive: true, force: true });
}

async function start(): Promise<void> {
  const r = await startSh(dir, 'start', 'standalone');
  if (r.code !== 0) throw new Error(`start failed: ${r.out}`);
}

async function stop(): Promise<void> {
  const r = await startSh(dir, 'stop', 'standalone');
  if (r.code !== 0) throw new Error(`stop failed: ${r.out}`);
}

/** key → sorted `ts:v` of every row, read through the SDK. */
async function readAll(): Promise<Map<string, string[]>> {
  const conn = await connect({ host: '127.0.0.1', port });
  try {
    const out = new Map<string, string[]>();
    for (let k = 0; k < KEYS; k++) {
      const rows = await conn.scan('disk', 't', { key: `k${k}` });
      out.set(`k${k}`, rows.map((r) => `${r.values[1]}:${r.values[2]}`).sort());
    }
    return out;
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  releases = { old: await buildRelease('0.1.0'), next: await buildRelease('0.2.0') };
  dir = tempDir('disk-compat');
  cpSync(join(releases.old, 'conf'), join(dir, 'conf'), { recursive: true });
  install(releases.old);
  port = await freePort();
  tabletEndpoint = `127.0.0.1:${await freePort()}`;
  const flags = join(dir, 'conf', 'standalone.flags');
  setFlag(flags, 'endpoint', `127.0.0.1:${port}`);
  setFlag(flags, 'tablet', tabletEndpoint);
  setFlag(flags, 'binlog_single_file_max_size', '1');
});

afterAll(async () => {
  await startSh(dir, 'stop', 'standalone').catch(() => undefined);
  await cleanup();
});

describe('0.2.0 reads what 0.1.0 wrote', () => {
  it('snapshot, binlog after it (puts and deletes) and table metadata survive the upgrade and a rollback', async () => {
    await start();
    const expected = new Map<string, string[]>();
    const conn = await connect({ host: '127.0.0.1', port });
    await conn.createDatabase('disk');
    await conn.createTable('disk', 't', schema);
    const put = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const k = `k${i % KEYS}`;
        await conn.put('disk', 't', [k, BigInt(i), `v${i}`]);
        expected.set(k, [...(expected.get(k) ?? []), `${i}:v${i}`]);
      }
    };
    await put(0, 300);
    const tid = (await conn.listTables('disk'))[0]!.tid;
    const transport = new TcpTransport({ role: 'client' });
    const client = transport.connect(tabletEndpoint);
    const snap = await callTablet(client, 'MakeSnapshot', { tid, pid: 0 });
    client.close();
    expect(snap.ok && snap.value.offset).toBe(300);
    await put(300, 500);
    expect(await conn.deleteKey('disk', 't', { key: 'k3' })).toBe(50);
    expected.set('k3', []);
    await conn.close();
    for (const rows of expected.values()) rows.sort();
    expect(await readAll()).toEqual(expected);
    await stop();

    install(releases.next);
    expect(readFileSync(join(dir, 'bin', 'VERSION'), 'utf8').trim()).toBe('0.2.0');
    await start();
    expect(await readAll()).toEqual(expected);
    await stop();

    // No cluster version was finalized, so 0.2.0 wrote nothing 0.1.0 cannot read: rollback works.
    install(releases.old);
    await start();
    expect(await readAll()).toEqual(expected);
    await stop();
  });
});
