/**
 * The SQL session against a real standalone database process: DDL, INSERT, DELETE, SHOW, DESC,
 * SET and prepared inserts as a user types them, checked through the client's own read path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryExecutor, QueryRequest } from '../src/client/sql-query-hook.js';
import { SqlSession } from '../src/client/sql-session.js';
import { type Connection, connect } from '../src/sdk/index.js';
import { PREFORMATTED_COLUMN, type ResultSet } from '../src/sql/statements/index.js';
import { cleanup } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

let db: Standalone;
let conn: Connection;
let session: SqlSession;
/** Recent event times: the orders table keeps 30 days. */
const T = Date.now() - 60_000;
const requests: QueryRequest[] = [];

/** Records what the session hands over and answers with one row. */
const recordingExecutor: QueryExecutor = {
  async execute(request) {
    requests.push(request);
    return { ok: true, value: { columns: [{ name: 'n', type: 'int' }], rows: [[1]] } };
  },
};

async function run(sql: string, params: readonly (string | number | bigint | boolean | null)[] = []): Promise<ResultSet> {
  const r = await session.execute(sql, params);
  if (!r.ok) throw new Error(`${sql} failed: ${r.message}`);
  return r.value;
}

async function failure(sql: string): Promise<string> {
  const r = await session.execute(sql);
  if (r.ok) throw new Error(`expected a failure: ${sql}`);
  return r.message;
}

async function rowsOf(table: string, key: string, index?: string): Promise<unknown[][]> {
  const r = await session.client.scan('shop', table, index === undefined ? { key } : { key, index });
  if (!r.ok) throw new Error(r.message);
  return r.value.map((row) => row.values);
}

beforeAll(async () => {
  db = await startStandalone();
  conn = await connect({ host: db.host, port: db.port });
  session = new SqlSession(conn.client, { queryExecutor: recordingExecutor });
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
});

describe('SqlSession on a standalone database', () => {
  it('needs a database for table statements, and USE needs one that exists', async () => {
    expect(await failure('SHOW TABLES')).toBe('please enter database first');
    expect(await failure('USE shop')).toBe("database 'shop' does not exist [at 1:5]");
    expect((await run('CREATE DATABASE shop')).message).toBe('SUCCEED');
    expect((await run('CREATE DATABASE IF NOT EXISTS shop')).message).toBe('SUCCEED');
    expect(await failure('CREATE DATABASE shop')).toMatch(/shop/);
    expect((await run('USE shop')).message).toBe('Database changed');
    expect(session.database).toBe('shop');
    expect((await run('SHOW DATABASES')).rows).toContainEqual(['shop']);
  });

  it('creates tables from SQL and describes them', async () => {
    await run(`CREATE TABLE orders (
      id int NOT NULL, user string, amount double, note string DEFAULT 'none', ts timestamp,
      INDEX(KEY=user, TS=ts, TTL=30d), INDEX idx_id (KEY=id, TTL=(1d, 10), TTL_TYPE=absorlat)
    ) OPTIONS (PARTITIONNUM=1, REPLICANUM=1)`);
    await run('CREATE TABLE plain (c5 double, c1 int, c2 bigint)');
    expect((await run('SHOW TABLES')).rows.map((r) => r[0]).sort()).toEqual(['orders', 'plain']);
    const desc = await run('DESC orders');
    expect(desc.columns).toEqual([{ name: PREFORMATTED_COLUMN, type: 'string' }]);
    const [columns, indexes, storage] = desc.rows.map((r) => String(r[0]));
    expect(columns).toContain('  1   id       Int         NO     ');
    expect(columns).toContain('  4   note     Varchar     YES    none');
    expect(indexes).toMatch(/ {2}1 {3}INDEX_0_\d+ +user +ts +43200min +kAbsoluteTime/);
    expect(indexes).toMatch(/ {2}2 {3}idx_id +id +- +1440min\|\|10 +kAbsOrLat/);
    expect(storage).toContain('kNoCompress');
    // The default index is on the first column that is not float or double.
    expect(String((await run('DESC plain')).rows[1]![0])).toMatch(/INDEX_0_\d+ +c1 +- +0min +kAbsoluteTime/);
    const created = await run('SHOW CREATE TABLE orders');
    expect(created.columns.map((c) => c.name)).toEqual(['Table', 'Create Table']);
    expect(String(created.rows[0]![1])).toMatch(/^CREATE TABLE `orders` \(\n`id` int NOT NULL,/);
  });

  it('refuses bad DDL with the position of the problem', async () => {
    const noUnit = 'CREATE TABLE bad (c1 string, ts timestamp, INDEX(KEY=c1, TS=ts, TTL=100))';
    expect(await failure(noUnit)).toBe(
      `create table failed: index 1: TTL 100 has no unit; an ABSOLUTE TTL needs a time interval such as 30d, 12h or 100m [at 1:${noUnit.indexOf('100') + 1}]`,
    );
    expect(await failure('CREATE TABLE orders (c1 int)')).toMatch(/orders/);
    expect(await failure("CREATE TABLE s (c1 int) OPTIONS (STORAGE_MODE='SSD')")).toMatch(/STORAGE_MODE 'ssd' .* is not supported yet/);
    expect(await failure("CREATE TABLE d (c1 int) OPTIONS (DISTRIBUTION=[('10.0.0.1:1', [])])")).toMatch(
      /DISTRIBUTION names '10.0.0.1:1', which is not a healthy tablet/,
    );
    await run(`CREATE TABLE placed (c1 int) OPTIONS (PARTITIONNUM=1, REPLICANUM=1, DISTRIBUTION=[('${db.tabletEndpoint}', [])])`);
    const bad = await failure('SHOW TABLES;\nCREATE TABLE x (c1 int,, c2 int)');
    expect(bad).toBe(
      ['Syntax error: expected a column name or INDEX(...) but found "," [at 2:24]', 'CREATE TABLE x (c1 int,, c2 int)', `${' '.repeat(23)}^`].join('\n'),
    );
  });

  it('inserts rows from literals, defaults and parameters, several per statement', async () => {
    const r = await run(`INSERT INTO orders VALUES (1, 'ann', 9.5, 'first', ${T + 1}), (2, 'bob', NULL, 'x', ${T + 2})`);
    expect(r.affected).toBe(2);
    await run('INSERT INTO orders (id, user, ts) VALUES (3, ?, ?)', ['ann', T + 3]);
    await run(`insert into shop.orders (ts, user, id, amount) values (${T + 4}L, "ann", 4, 2)`);
    expect(await rowsOf('orders', 'ann')).toEqual([
      [4, 'ann', 2, 'none', T + 4],
      [3, 'ann', null, 'none', T + 3],
      [1, 'ann', 9.5, 'first', T + 1],
    ]);
    expect(await failure("INSERT INTO orders (user, ts) VALUES ('z', 1)")).toBe(
      "insert failed: column 'id' can't be null and has no default (it is not in the column list) [at 1:1]",
    );
    const noon = "INSERT INTO orders VALUES (5, 'z', 1.0, 'n', 'noon')";
    expect(await failure(noon)).toBe(
      `insert failed: column 'ts' is timestamp and cannot take the string literal 'noon' [at 1:${noon.indexOf("'noon'") + 1}]`,
    );
    expect(await failure("INSERT INTO nope VALUES (1)")).toBe("table 'shop.nope' does not exist");
    expect(await failure("INSERT OR IGNORE INTO orders VALUES (1, 'ann', 9.5, 'first', 1000)")).toMatch(/OR IGNORE is not supported yet/);
  });

  it('writes prepared inserts in batches', async () => {
    const small = new SqlSession(conn.client, { database: 'shop', insertLimits: { batchRowsMax: 7, pendingRowsMax: 50 } });
    const prepared = await small.prepareInsert('INSERT INTO orders (id, user, amount, ts) VALUES (?, ?, ?, ?)');
    if (!prepared.ok) throw new Error(prepared.message);
    expect(prepared.value.paramCount).toBe(4);
    for (let i = 0; i < 30; i++) expect(prepared.value.add([100 + i, 'cat', i / 2, T + i]).ok).toBe(true);
    expect(prepared.value.add([1, 'cat', 'x', 1])).toMatchObject({ ok: false, message: expect.stringMatching(/column 'amount' is double/) });
    expect(prepared.value.pendingRows).toBe(30);
    expect(await prepared.value.execute()).toEqual({ ok: true, value: 30 });
    expect(prepared.value.pendingRows).toBe(0);
    const count = await conn.client.count('shop', 'orders', { key: 'cat' });
    expect(count).toEqual({ ok: true, value: 30 });
    for (let i = 0; i < 50; i++) prepared.value.add([i, 'dog', 0, i]);
    expect(prepared.value.add([51, 'dog', 0, 51])).toMatchObject({ ok: false, message: expect.stringMatching(/limit is 50/) });
    prepared.value.clear();
  });

  it('deletes a key, a key within a time range, and a time range under every key', async () => {
    await run(`CREATE TABLE events (k string, n int, ts timestamp, INDEX(KEY=k, TS=ts)) OPTIONS (PARTITIONNUM=1)`);
    await run(`INSERT INTO events VALUES ('a', 1, 10), ('a', 2, 20), ('a', 3, 30), ('b', 4, 10), ('b', 5, 20), ('c', 6, 5)`);
    expect((await run("DELETE FROM events WHERE k = 'a' AND ts >= 20 AND ts < 30")).affected).toBe(1);
    expect(await rowsOf('events', 'a')).toEqual([
      ['a', 3, 30],
      ['a', 1, 10],
    ]);
    expect((await run('DELETE FROM events WHERE ts <= 10')).affected).toBe(3);
    expect(await rowsOf('events', 'b')).toEqual([['b', 5, 20]]);
    expect((await run("DELETE FROM events WHERE k = ?", ['a'])).affected).toBe(1);
    expect(await rowsOf('events', 'a')).toEqual([]);
    expect(await failure("DELETE FROM events WHERE n = 5")).toMatch(/the condition on \(n\) fits no index/);
    expect(await failure("DELETE FROM events WHERE k = 'a' OR k = 'b'")).toMatch(/OR is not supported/);
    expect(await failure("DELETE FROM events1 WHERE k = 'a'")).toBe("table 'shop.events1' does not exist");
    expect((await run('TRUNCATE TABLE events')).affected).toBe(1);
    expect(await rowsOf('events', 'b')).toEqual([]);
  });

  it('reaches tables of another database by their qualified name (multiple_databases, test_delete 21)', async () => {
    await run('CREATE DATABASE other; CREATE TABLE other.t (k string, ts timestamp, INDEX(KEY=k, TS=ts))');
    await run(`INSERT INTO other.t VALUES ('a', ${T}), ('a', ${T + 1}), ('b', ${T})`);
    expect((await run("DELETE FROM other.t WHERE k = 'a'")).affected).toBe(2);
    const left = await conn.client.scan('other', 't', { key: 'b' });
    expect(left.ok && left.value.map((r) => r.values)).toEqual([['b', T]]);
    expect(session.database).toBe('shop');
    expect((await run('DESC other.t')).rows.length).toBe(3);
    await run('DROP TABLE other.t; DROP DATABASE other');
  });

  it('reports table status from the tablets', async () => {
    const status = await run('SHOW TABLE STATUS');
    expect(status.columns.map((c) => c.name).slice(0, 5)).toEqual(['Table_id', 'Table_name', 'Database_name', 'Storage_type', 'Rows']);
    const orders = status.rows.find((r) => r[1] === 'orders')!;
    expect(orders.slice(2, 5)).toEqual(['shop', 'memory', '34']);
    expect(orders[13]).toBe('');
    expect((await run("SHOW TABLE STATUS LIKE 'sh%'")).rows.length).toBe(status.rows.length);
    expect((await run("SHOW TABLE STATUS LIKE 'nothing'")).rows).toEqual([]);
  });

  it('checks CREATE INDEX and adds the index; DROP INDEX checks the index and drops it', async () => {
    expect(await failure('CREATE INDEX i2 ON orders (nothing)')).toMatch(/key column 'nothing' does not exist/);
    expect(await failure('CREATE INDEX i2 ON orders (amount)')).toMatch(/float and double cannot be keys/);
    expect((await run('CREATE INDEX i2 ON orders (note) OPTIONS (ts=ts, ttl=10m)')).message).toBe('SUCCEED');
    expect(String((await run('DESC orders')).rows[1]![0])).toMatch(/ 3 +i2 +note +ts +10min +kAbsoluteTime/);
    expect(await failure('DROP INDEX orders.nothing')).toMatch(/has no index 'nothing'/);
    expect((await run('DROP INDEX orders.i2')).message).toBe('SUCCEED');
    expect(String((await run('DESC orders')).rows[1]![0])).not.toMatch(/ i2 /);
  });

  it('keeps session variables and hands queries to the executor with them', async () => {
    expect(await failure("SET @@execute_mode = 'batch'")).toMatch(/expected one of online, request, offline \[at 1:22\]/);
    await run("SET @@execute_mode = 'request'; SET @@whatever = 1");
    expect((await run('SHOW VARIABLES')).rows).toEqual([
      ['enable_trace', 'false'],
      ['execute_mode', 'request'],
      ['job_timeout', '60000'],
      ['sync_job', 'false'],
    ]);
    expect((await run('SHOW GLOBAL VARIABLES')).columns.map((c) => c.name)).toEqual(['Variable_name', 'Variable_value']);
    expect(await failure("SET GLOBAL execute_mode = 'online'")).toMatch(/SET GLOBAL .* not supported yet/);
    const r = await run('SELECT id FROM orders WHERE id = ?', [1]);
    expect(r.rows).toEqual([[1]]);
    expect(requests.at(-1)).toMatchObject({ sql: 'SELECT id FROM orders WHERE id = ?', db: 'shop', executeMode: 'request', params: [1] });
    expect(requests.at(-1)!.statement.kind).toBe('queryStatement');
    await run('SHOW DEPLOYMENTS');
    expect(requests.at(-1)!.statement.kind).toBe('show');
    await run("SET @@execute_mode = 'offline'");
    expect(await failure("INSERT INTO orders VALUES (9, 'x', 1.0, 'n', 1)")).toMatch(/offline mode is not supported/);
    await run("SET @@execute_mode = 'online'");
    const without = new SqlSession(conn.client, { database: 'shop' });
    expect(await without.execute('SELECT 1')).toMatchObject({ ok: false, message: expect.stringMatching(/no query executor/) });
  });

  it('runs scripts statement by statement and stops at the first failure', async () => {
    const all = await session.executeScript("CREATE TABLE s1 (a int); INSERT INTO s1 VALUES (1); -- note\nSHOW TABLES");
    expect(all.ok && all.value.map((r) => r.message ?? r.rows.length)).toEqual(['SUCCEED', 'SUCCEED', 5]);
    const stopped = await session.execute('CREATE TABLE s2 (a int);\n  INSERT INTO s2 VALUES (1 + 1);\nCREATE TABLE s3 (a int)');
    expect(stopped).toMatchObject({ ok: false, message: expect.stringMatching(/the value 1 \+ 1 .* \[at 2:26\]$/) });
    expect((await run('SHOW TABLES')).rows.map((r) => r[0])).not.toContain('s3');
    expect(await failure('  ')).toMatch(/no statement/);
    expect(await session.execute('SHOW TABLES; SHOW TABLES', [1])).toMatchObject({ ok: false, message: expect.stringMatching(/single statement/) });
  });

  it('drops tables and databases', async () => {
    for (const t of ['orders', 'plain', 'placed', 'events', 's1', 's2']) await run(`DROP TABLE ${t}`);
    expect((await run('DROP TABLE IF EXISTS orders')).message).toBe('SUCCEED');
    expect(await failure('DROP TABLE orders')).toMatch(/orders/);
    await run('DROP DATABASE shop');
    expect(session.database).toBeUndefined();
    expect((await run('SHOW DATABASES')).rows).not.toContainEqual(['shop']);
  });
});
