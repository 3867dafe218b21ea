/**
 * The standalone database as a user runs it: a real process on loopback, the TypeScript SDK, kill -9
 * and restart. With binlog_sync_to_disk_interval=0 every acknowledged write is fsynced first, so
 * nothing acknowledged may be missing after the crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, DbError, type TableSchema } from '../src/sdk/index.js';
import { cleanup, kill9 } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

const schema: TableSchema = {
  columns: [
    { name: 'user', type: 'string', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'amount', type: 'double', notNull: false },
    { name: 'n', type: 'bigint', notNull: false },
  ],
  indexes: [{ name: 'by_user', keyColumns: ['user'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

let db: Standalone;
let conn: Connection;

beforeAll(async () => {
  db = await startStandalone(['--binlog_sync_to_disk_interval=0']);
  conn = await connect({ host: db.host, port: db.port });
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
});

describe('standalone database', () => {
  it('creates a database and a table, stores rows and reads them back newest first', async () => {
    await conn.createDatabase('demo');
    await conn.createTable('demo', 'clicks', schema);
    expect(await conn.listDatabases()).toEqual(['demo']);
    const tables = await conn.listTables('demo');
    expect(tables.map((t) => t.name)).toEqual(['clicks']);
    await conn.putMany(
      'demo',
      'clicks',
      Array.from({ length: 200 }, (_, i) => [`u${i % 10}`, 1_700_000_000_000 + i, i / 2, BigInt(i) * 10_000_000_000n]),
    );
    const rows = await conn.scan('demo', 'clicks', { index: 'by_user', key: 'u3', limit: 3 });
    expect(rows.map((r) => r.values)).toEqual([
      ['u3', 1_700_000_000_193, 96.5, 1_930_000_000_000n],
      ['u3', 1_700_000_000_183, 91.5, 1_830_000_000_000n],
      ['u3', 1_700_000_000_173, 86.5, 1_730_000_000_000n],
    ]);
    expect(await conn.count('demo', 'clicks', { key: 'u3' })).toBe(20);
    expect((await conn.preview('demo', 'clicks', 1000)).length).toBe(200);
  });

  it('rejects bad input with errors that name the problem, and keeps serving', async () => {
    await expect(conn.put('demo', 'clicks', ['u1', 'not a time', 1, null])).rejects.toThrow(/column 'ts' expects timestamp/);
    await expect(conn.put('demo', 'nope', ['u1', 1, 1, null])).rejects.toThrow(/table 'demo.nope' does not exist/);
    await expect(conn.put('demo', 'clicks', ['u1', 1])).rejects.toThrow(/2 values for 4 columns/);
    await expect(conn.scan('demo', 'clicks', { index: 'by_nothing', key: 'x' })).rejects.toThrow(/has no index 'by_nothing'/);
    await expect(conn.createTable('demo', 'clicks', schema)).rejects.toThrow(/already exists/);
    const err = await conn.createDatabase('demo').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe(314);
    await conn.put('demo', 'clicks', { user: 'late', ts: 1_800_000_000_000, amount: null });
    expect(await conn.count('demo', 'clicks', { key: 'late' })).toBe(1);
  });

  it('keeps every acknowledged write across kill -9 and restart', async () => {
    const acked: number[] = [];
    const writes = Array.from({ length: 300 }, (_, i) =>
      conn.put('demo', 'clicks', ['crash', 1_750_000_000_000 + i, i, null]).then(
        () => acked.push(i),
        () => undefined,
      ),
    );
    await Promise.all(writes.slice(0, 150));
    await kill9(db.proc);
    await Promise.allSettled(writes);
    expect(acked.length).toBeGreaterThanOrEqual(150);
    await db.restart();
    const rows = await conn.scan('demo', 'clicks', { key: 'crash', limit: 1000 });
    const present = new Set(rows.map((r) => r.values[2]));
    const missing = acked.filter((i) => !present.has(i));
    expect(missing).toEqual([]);
    expect(await conn.count('demo', 'clicks', { key: 'u3' })).toBe(20);
    expect(await conn.listDatabases()).toEqual(['demo']);
  });

  it('drops a table and a database', async () => {
    await conn.dropTable('demo', 'clicks');
    await expect(conn.count('demo', 'clicks', { key: 'u3' })).rejects.toThrow(/does not exist/);
    await conn.dropDatabase('demo');
    expect(await conn.listDatabases()).toEqual([]);
  });
});
