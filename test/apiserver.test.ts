/**
 * The HTTP API server as a real process (`--role=apiserver --nameserver=...`) in front of a real
 * standalone database: SQL execution with parameters, row inserts, deployment calls in both row
 * forms, int64 round trips, dates, NULLs, NaN/Infinity, catalog listing, every error the reference
 * answers, an oversized body and malformed JSON, after which the server keeps serving.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, parseJson } from '../src/apiserver/json-parse.js';
import { freePort } from './harness/ports.js';
import { cleanup, type Proc, startProgram, stopGracefully, tempDir, waitReady } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

const BODY_BYTES_MAX = 65536;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** Recent event times: the deployment's window keeps rows by ts. */
const T = Date.now() - 600_000;

let db: Standalone;
let api: Proc;
let base: string;

interface Answer {
  readonly status: number;
  readonly text: string;
  /** The body as plain data: objects for JSON objects; integers as numbers when safe, else bigint. */
  readonly json: Record<string, unknown>;
}

function plain(v: Json): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, m]) => [k, plain(m)]));
  return v;
}

async function request(method: string, path: string, body?: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  const text = await res.text();
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(`${method} ${path} answered ${res.status} with text that is not JSON: ${text}`);
  return { status: res.status, text, json: plain(parsed.value) as Record<string, unknown> };
}

/** A handled request: HTTP 200 and the envelope. */
async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await request(method, path, typeof body === 'string' || body === undefined ? body : JSON.stringify(body));
  expect(r.status, r.text).toBe(200);
  return r.json;
}

async function sql(text: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return call('POST', '/dbs/shop', { mode: 'online', sql: text, ...extra });
}

const OK = { code: 0, msg: 'ok' };

beforeAll(async () => {
  db = await startStandalone();
  const dir = tempDir('apiserver');
  const endpoint = `127.0.0.1:${await freePort()}`;
  base = `http://${endpoint}`;
  api = startProgram(
    [
      '--role=apiserver',
      `--endpoint=${endpoint}`,
      `--nameserver=${db.nsEndpoint}`,
      `--openmldb_log_dir=${join(dir, 'logs')}`,
      `--rpc_frame_max_bytes=${BODY_BYTES_MAX}`,
    ],
    dir,
  );
  await waitReady(api, endpoint, dir);
  expect(await call('POST', '/dbs/shop', { mode: 'online', sql: 'CREATE DATABASE shop' })).toEqual(OK);
  expect(
    await sql(`CREATE TABLE orders (id bigint NOT NULL, user string, amount int, price float, score double, day date,
      ts timestamp NOT NULL, vip bool, small smallint, INDEX(KEY=user, TS=ts))`),
  ).toEqual(OK);
});

afterAll(async () => {
  if (api !== undefined) await stopGracefully(api);
  await cleanup();
});

describe('apiserver against a standalone database', () => {
  it('serves /status and /metrics on its endpoint', async () => {
    const status = await fetch(`${base}/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ role: 'apiserver', mode: 'standalone', nameserver: db.nsEndpoint });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('openmldb_apiserver_requests_total');
  });

  it('inserts rows with PUT and reads them back exactly (int64, dates, NULL, widened float)', async () => {
    const put = (row: unknown[]) => call('PUT', '/dbs/shop/tables/orders', `{"value": [[${row.map((v) => (typeof v === 'bigint' ? v.toString() : JSON.stringify(v))).join(',')}]]}`);
    expect(await put([INT64_MAX, 'ann', 10, 1.1, 2.5, '2020-5-1', T + 1000, true, 7])).toEqual(OK);
    expect(await put([INT64_MIN, 'ann', 20, 0.5, 3, '2020-05-02', T + 2000, false, -7])).toEqual(OK);
    expect(await put([3, 'bob', null, null, null, null, T + 3000, null, null])).toEqual(OK);
    const r = await request('POST', '/dbs/shop', JSON.stringify({ mode: 'online', sql: 'SELECT id, user, amount, price, score, day, ts, vip, small FROM orders' }));
    expect(r.text).toContain('9223372036854775807');
    expect(r.text).toContain('-9223372036854775808');
    const data = r.json.data as { schema: string[]; data: unknown[][] };
    expect(data.schema).toEqual(['Int64', 'String', 'Int32', 'Float', 'Double', 'Date', 'Timestamp', 'Bool', 'Int16']);
    const rows = [...data.data].sort((a, b) => Number(a[6]) - Number(b[6]));
    expect(rows).toEqual([
      [INT64_MAX, 'ann', 10, Math.fround(1.1), 2.5, '2020-5-1', T + 1000, true, 7],
      [INT64_MIN, 'ann', 20, 0.5, 3, '2020-5-2', T + 2000, false, -7],
      [3, 'bob', null, null, null, null, T + 3000, null, null],
    ]);
    expect(r.text).toContain('1.100000023841858');
  });

  it('runs SQL with parameters, the DATE one as a packed int32', async () => {
    const day = ((2020 - 1900) << 16) | ((5 - 1) << 8) | 2;
    const r = await call(
      'POST',
      '/dbs/shop',
      `{"mode": "online", "sql": "SELECT id, amount FROM orders WHERE id = ? AND user = ? AND day = ?",
        "input": {"schema": ["Int64", "STRING", "Date"], "data": [-9223372036854775808, "ann", ${day}]}}`,
    );
    expect(r).toEqual({ ...OK, data: { schema: ['Int64', 'Int32'], data: [[INT64_MIN, 20]] } });
    const none = await sql('SELECT id FROM orders WHERE id = ?', { input: { schema: ['bigint'], data: [42] } });
    expect(none).toEqual({ ...OK, data: { schema: ['Int64'], data: [] } });
    expect(await sql('SHOW TABLES')).toEqual({ ...OK, data: { schema: ['String'], data: [['orders']] } });
  });

  it('keeps NaN and Infinity as tokens unless asked to write null', async () => {
    expect(await sql('CREATE TABLE m (k string, x double, ts timestamp, INDEX(KEY=k, TS=ts))')).toEqual(OK);
    expect(await call('PUT', '/dbs/shop/tables/m', `{"value": [["a", NaN, ${T}]]}`)).toEqual(OK);
    expect(await call('PUT', '/dbs/shop/tables/m', `{"value": [["b", -Infinity, ${T}]]}`)).toEqual(OK);
    const raw = await request('POST', '/dbs/shop', '{"mode": "online", "sql": "SELECT k, x FROM m"}');
    expect(raw.text).toMatch(/\["a",NaN\]/);
    expect(raw.text).toMatch(/\["b",-Infinity\]/);
    const nulls = await sql('SELECT k, x FROM m', { write_nan_and_inf_null: true });
    expect(((nulls.data as { data: unknown[][] }).data).sort()).toEqual([
      ['a', null],
      ['b', null],
    ]);
  });

  it('deploys and calls a deployment with array rows, object rows and the schema', async () => {
    expect(
      await sql(
        'DEPLOY totals SELECT id, user, sum(amount) OVER w AS total, day FROM orders ' +
          'WINDOW w AS (PARTITION BY user ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
      ),
    ).toEqual(OK);
    const arrays = await call(
      'POST',
      '/dbs/shop/deployments/totals',
      `{"input": [[9223372036854775806, "ann", 5, 1.0, 1.0, "2021-1-2", ${T + 5000}, true, 1],
                  [1, "zed", 1, 1.0, 1.0, null, ${T + 5000}, null, null]]}`,
    );
    expect(arrays).toEqual({ ...OK, data: { data: [[INT64_MAX - 1n, 'ann', 35, '2021-1-2'], [1, 'zed', 1, null]] } });
    const objects = await call('POST', '/dbs/shop/deployments/totals', {
      input: [{ id: 4, user: 'bob', amount: 7, price: 1, score: 2, day: '2022-12-31', ts: T + 6000, vip: false, small: 3, ignored: 'x' }],
      need_schema: true,
    });
    expect(objects).toEqual({
      ...OK,
      data: {
        data: [{ id: 4, user: 'bob', total: 7, day: '2022-12-31' }],
        schema: [
          { name: 'id', type: 'int64' },
          { name: 'user', type: 'string' },
          { name: 'total', type: 'int32' },
          { name: 'day', type: 'date' },
        ],
      },
    });
    // The request rows were not stored.
    expect(await sql('SELECT count(id) AS n FROM orders WHERE user = ?', { input: { schema: ['string'], data: ['zed'] } })).toMatchObject({
      data: { data: [[0]] },
    });
    const legacy = await call('POST', '/dbs/shop/procedures/totals', { input: [[2, 'bob', 1, 1, 1, '2020-1-1', T + 7000, true, 1]], common_cols: [] });
    expect(legacy).toEqual({ ...OK, data: { data: [[2, 'bob', 1, '2020-1-1']], common_cols_data: [] } });
  });

  it('describes a deployment', async () => {
    const r = await call('GET', '/dbs/shop/deployments/totals');
    expect(r).toMatchObject({
      ...OK,
      data: {
        name: 'totals',
        input_schema: [
          { name: 'id', type: 'int64' },
          { name: 'user', type: 'string' },
          { name: 'amount', type: 'int32' },
          { name: 'price', type: 'float' },
          { name: 'score', type: 'double' },
          { name: 'day', type: 'date' },
          { name: 'ts', type: 'timestamp' },
          { name: 'vip', type: 'bool' },
          { name: 'small', type: 'int16' },
        ],
        input_common_cols: [],
        output_schema: [
          { name: 'id', type: 'int64' },
          { name: 'user', type: 'string' },
          { name: 'total', type: 'int32' },
          { name: 'day', type: 'date' },
        ],
        output_common_cols: [],
        dbs: ['shop'],
        tables: ['orders'],
      },
    });
    expect((r.data as { procedure: string }).procedure).toMatch(/^DEPLOY totals SELECT/);
    expect(await call('GET', '/dbs/shop/deployments/nope')).toEqual({ code: -1, msg: 'deployment not found' });
    expect(await call('GET', '/dbs/shop/procedures/totals')).toEqual({ code: -1, msg: 'procedure not found' });
  });

  it('lists databases and tables and dumps table metadata', async () => {
    expect(await call('GET', '/dbs')).toEqual({ ...OK, dbs: ['shop'] });
    const tables = await call('GET', '/dbs/shop/tables');
    expect((tables.tables as { name: string }[]).map((t) => t.name).sort()).toEqual(['m', 'orders']);
    const one = await call('GET', '/dbs/shop/tables/orders');
    expect(one).toMatchObject({
      ...OK,
      table: {
        name: 'orders',
        db: 'shop',
        partition_num: 1,
        replica_num: 1,
        table_partition_size: 1,
        compress_type: 'nocompress',
        column_key: [{ col_name: ['user'], ts_name: 'ts', ttl: { ttl_type: 'absolute', abs_ttl: 0, lat_ttl: 0 } }],
        partition_key: [],
      },
    });
    const columns = (one.table as { column_desc: unknown[] }).column_desc;
    expect(columns[0]).toEqual({ name: 'id', data_type: 'kBigInt', not_null: true, is_constant: false });
    expect(columns[1]).toEqual({ name: 'user', data_type: 'kVarchar', not_null: false, is_constant: false });
    expect(await call('GET', '/dbs/nope/tables')).toEqual({ code: -1, msg: 'DB not found' });
    expect(await call('GET', '/dbs/nope/tables/orders')).toEqual({ code: -1, msg: 'DB not found' });
    expect(await call('GET', '/dbs/shop/tables/nope')).toEqual({ code: -1, msg: 'Table not found' });
    expect(await call('POST', '/refresh')).toEqual(OK);
  });

  it('answers every refused PUT with the reference message and stores nothing', async () => {
    const put = (body: string, table = 'orders') => call('PUT', `/dbs/shop/tables/${table}`, body);
    const err = (msg: string) => ({ code: -1, msg });
    /** A row of `orders` as JSON text, with some values (given as JSON text) replaced. */
    const row = (changes: Record<number, string> = {}) =>
      `[${['1', '"x"', '1', '1.5', '1.5', '"2020-1-1"', String(T), 'true', '1'].map((v, i) => changes[i] ?? v).join(', ')}]`;
    expect(await put('{"value": [[1, "x"')).toEqual(err('Json parse failed, error code: 7'));
    expect(await put('')).toEqual(err('Json parse failed, error code: 1'));
    expect(await put(`{"value": [${row()}, ${row()}]}`)).toEqual(err('Invalid value in body, only support to put one row'));
    expect(await put(`{"value": ${row()}}`)).toEqual(err('Invalid value in body, only support to put one row'));
    expect(await put(`{"values": [${row()}]}`)).toEqual(err('Invalid value in body, only support to put one row'));
    expect(await put('{"value": [[1, "x"]]}')).toEqual(err('column size != schema size'));
    expect(await put(`{"value": [${row({ 1: '2' })}]}`)).toEqual(err('value is not string for col user'));
    expect(await put(`{"value": [${row({ 2: '1.5' })}]}`)).toEqual(err('conversion failed on col amount[2] with value 1.5'));
    expect(await put(`{"value": [${row({ 0: '9223372036854775808' })}]}`)).toEqual(
      err('conversion failed on col id[3] with value 9223372036854775808'),
    );
    expect(await put(`{"value": [${row({ 0: 'null' })}]}`)).toEqual(err('conversion failed on col id[3] with value null'));
    expect(await put(`{"value": [${row({ 5: '"2020-02-30"' })}]}`)).toEqual(err('conversion failed on col day[7] with value "2020-02-30"'));
    expect(await put(`{"value": [${row({ 6: '"2020-01-01 00:00:00"' })}]}`)).toEqual(
      err('conversion failed on col ts[8] with value "2020-01-01 00:00:00"'),
    );
    expect(await put(`{"value": [${row({ 7: '1' })}]}`)).toEqual(err('conversion failed on col vip[0] with value 1'));
    expect(await put(`{"value": [${row({ 8: '40000' })}]}`)).toEqual(err('conversion failed on col small[1] with value 40000'));
    const missing = await put(`{"value": [${row()}]}`, 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.msg).toMatch(/nope/);
    const users = await sql('SELECT user FROM orders WHERE user = ?', { input: { schema: ['string'], data: ['x'] } });
    expect(users).toMatchObject({ data: { data: [] } });
  });

  it('answers every refused deployment call with the reference message', async () => {
    const post = (body: string, name = 'totals') => call('POST', `/dbs/shop/deployments/${name}`, body);
    const err = (msg: string) => ({ code: -1, msg });
    const row = `[1, "ann", 1, 1.0, 1.0, "2020-1-1", ${T}, true, 1]`;
    expect(await post('{"input": [')).toEqual(err('Request body json parse failed'));
    expect(await post('{"need_schema": true}')).toEqual(err('Field input is invalid'));
    expect(await post('{"input": []}')).toEqual(err('Field input is invalid'));
    expect(await post(`{"input": [${row}, [1, "ann"]]}`)).toEqual(err('Invalid input data size in row 1'));
    expect(await post('{"input": ["ann"]}')).toEqual(err('Must be array or map, row 0'));
    expect(await post('{"input": [{"id": 1}]}')).toEqual(err("Translate to request row failed in map row 0, can't find col user"));
    expect(await post(`{"input": [${row}, [1, "ann", "1", 1.0, 1.0, "2020-1-1", ${T}, true, 1]]}`)).toEqual(
      err('Translate to request row failed in array row 1, conversion failed on col amount[2] with value "1"'),
    );
    const missing = await post(`{"input": [${row}]}`, 'nope');
    expect(missing.code).toBe(-1);
    expect(missing.msg).toMatch(/nope/);
    expect(await call('POST', '/dbs/shop/procedures/totals', `{"input": [${row}], "common_cols": [1]}`)).toEqual(err('Invalid common cols size'));
  });

  it('answers bad SQL requests and routing errors with HTTP 200 and a code', async () => {
    expect(await call('POST', '/dbs/shop', { mode: 'batch', sql: 'SELECT 1' })).toEqual({ code: -1, msg: 'Invalid mode batch' });
    expect((await call('POST', '/dbs/shop', '{"mode": "online", "sql": }')).msg).toMatch(/^Json parse failed, /);
    expect((await call('POST', '/dbs/shop', { sql: 'SELECT 1' })).msg).toMatch(/^Json parse failed, .*mode/);
    const syntax = await sql('SELEC 1');
    expect(syntax.code).toBe(1001);
    expect(syntax.msg).toMatch(/SELEC/);
    const offline = await call('POST', '/dbs/shop', { mode: 'offsync', sql: `INSERT INTO orders VALUES (9, 'y', 1, 1.0, 1.0, '2020-01-01', ${T}, true, 1)` });
    expect(offline.code).not.toBe(0);
    expect(offline.msg).toMatch(/offline/);
    expect(await call('GET', '/nothing/here')).toEqual({ code: -1, msg: 'no match method' });
    expect(await call('GET', '/dbs/shop')).toEqual({ code: -1, msg: 'no match method' });
    expect(await call('DELETE', '/dbs/shop')).toEqual({ code: -1, msg: 'unsupported method' });
    expect(await call('GET', '/dbs/%zz/tables')).toEqual({ code: -1, msg: 'invalid url' });
  });

  it('refuses an oversized body with 413 and malformed JSON with an error, and keeps serving', async () => {
    const big = await request('PUT', '/dbs/shop/tables/orders', `{"value": [["${'x'.repeat(BODY_BYTES_MAX)}"]]}`);
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ code: -1, msg: `request body too large: the limit is ${BODY_BYTES_MAX} bytes` });
    for (const garbage of ['{', '{"value": [[1,]]}', '\u0000\u0001', '{"value": "\\x"}', '[[[[[[[[[[[[[[[[']) {
      const r = await call('PUT', '/dbs/shop/tables/orders', garbage);
      expect(r.code).toBe(-1);
      expect(r.msg).toMatch(/^Json parse failed, error code: \d+$/);
    }
    const deep = await call('POST', '/dbs/shop', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(deep.msg).toMatch(/^Json parse failed, .*nesting/);
    // Still serving: a write and many concurrent deployment calls succeed.
    expect(await call('PUT', '/dbs/shop/tables/orders', `{"value": [[77, "late", 1, 1.0, 1.0, "2020-1-1", ${T + 9000}, true, 1]]}`)).toEqual(OK);
    const calls = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('POST', '/dbs/shop/deployments/totals', { input: [[i, 'late', i, 1, 1, '2020-1-1', T + 10_000, true, 1]] }),
      ),
    );
    expect(calls).toEqual(calls.map((_, i) => ({ ...OK, data: { data: [[i, 'late', 1 + i, '2020-1-1']] } })));
    expect(api.child.exitCode).toBeNull();
  });
});
