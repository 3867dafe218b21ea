import { describe, expect, it } from 'vitest';
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { DeploymentInfo } from '../protocol/messages.js';
import type { ColumnDesc, TableInfo, Value } from '../protocol/schema.js';
import { messageResult, type ResultSet } from '../sql/statements/index.js';
import type { ApiClient, SqlRunMode } from './api-client.js';
import { handleApiRequest } from './api-server.js';
import { type Json, parseJson } from './json-parse.js';

const COLUMNS: ColumnDesc[] = [
  { name: 'c1', type: 'string', notNull: false },
  { name: 'c2', type: 'int', notNull: false },
  { name: 'c3', type: 'bigint', notNull: false },
  { name: 'c4', type: 'float', notNull: false },
  { name: 'c5', type: 'double', notNull: false },
  { name: 'c6', type: 'date', notNull: false },
  { name: 'c7', type: 'timestamp', notNull: true },
  { name: 'c8', type: 'bool', notNull: false },
];

function table(db: string, name: string, columns: ColumnDesc[] = COLUMNS): TableInfo {
  return {
    formatVersion: 1,
    tid: 7,
    db,
    name,
    partitionNum: 2,
    replicaNum: 1,
    schema: {
      columns,
      indexes: [{ name: 'idx1', keyColumns: ['c1'], tsColumn: 'c7', ttl: { type: 'absandlat', absMinutes: 10, latCount: 2 } }],
    },
    partitions: [
      { pid: 0, replicas: [{ endpoint: 'a:1', isLeader: true, isAlive: true }], termOffsets: [] },
      { pid: 1, replicas: [{ endpoint: 'a:1', isLeader: true, isAlive: true }], termOffsets: [] },
    ],
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
}

const DEPLOYMENT: DeploymentInfo = {
  formatVersion: 1,
  db: 'd1',
  name: 'dep',
  sql: 'DEPLOY dep SELECT c1, c3, c5, c6 FROM t1',
  normalizedSql: 'DEPLOY dep SELECT c1, c3, c5, c6 FROM t1',
  mainTable: { db: 'd1', name: 't1' },
  inputSchema: COLUMNS,
  outputSchema: [
    { name: 'c1', type: 'string' },
    { name: 'c3', type: 'bigint' },
    { name: 'c5', type: 'double' },
    { name: 'c6', type: 'date' },
  ],
  tables: [{ db: 'd1', name: 't1' }],
  options: { skipIndexCheck: false, sync: true },
  routingColumns: ['c1'],
  createdAtMs: 0,
};

/** An in-memory database: tables keep the rows put into them; a deployment projects its output columns. */
class FakeClient implements ApiClient {
  readonly databases = new Map<string, TableInfo[]>([
    ['d1', [table('d1', 't1')]],
    ['d2', []],
  ]);
  readonly rows = new Map<string, Value[][]>();
  readonly deployments = new Map<string, DeploymentInfo>([['d1.dep', DEPLOYMENT]]);
  readonly sqlCalls: { db: string; sql: string; params: readonly Value[]; mode: SqlRunMode }[] = [];
  sqlAnswer: Result<ResultSet> = ok(messageResult('SUCCEED'));
  refreshAnswer: Result<void> = okVoid;
  deploymentCalls = 0;

  async listDatabases(): Promise<Result<string[]>> {
    return ok([...this.databases.keys()]);
  }
  async listTables(db: string): Promise<Result<TableInfo[]>> {
    return ok(this.databases.get(db) ?? []);
  }
  async tableForWrite(db: string, name: string): Promise<Result<TableInfo>> {
    const t = this.databases.get(db)?.find((x) => x.name === name);
    return t ? ok(t) : fail(Code.tableNotFound, `table '${db}.${name}' does not exist`);
  }
  async put(db: string, name: string, row: readonly Value[]): Promise<Result<void>> {
    const key = `${db}.${name}`;
    this.rows.set(key, [...(this.rows.get(key) ?? []), [...row]]);
    return okVoid;
  }
  async getDeployment(db: string, name: string): Promise<Result<DeploymentInfo>> {
    const d = this.deployments.get(`${db}.${name}`);
    return d ? ok(d) : fail(Code.cmdError, `deployment '${db}.${name}' does not exist`);
  }
  async deploymentForCall(db: string, name: string): Promise<Result<DeploymentInfo>> {
    return this.getDeployment(db, name);
  }
  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    this.deploymentCalls++;
    const d = this.deployments.get(`${db}.${name}`)!;
    const positions = d.outputSchema.map((o) => d.inputSchema.findIndex((c) => c.name === o.name));
    return ok({ columns: d.outputSchema, rows: rows.map((r) => positions.map((p) => r[p]!)) });
  }
  async executeSql(db: string, sql: string, params: readonly Value[], mode: SqlRunMode): Promise<Result<ResultSet>> {
    this.sqlCalls.push({ db, sql, params, mode });
    return this.sqlAnswer;
  }
  async refresh(): Promise<Result<void>> {
    return this.refreshAnswer;
  }
}

/** A parsed response body as plain data (objects for maps; int64 stays bigint). */
function plain(v: Json): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, m]) => [k, plain(m)]));
  return v;
}

async function call(client: ApiClient, method: string, url: string, body?: string): Promise<Record<string, unknown>> {
  const r = await handleApiRequest(client, { method, url, body: new TextEncoder().encode(body ?? '') });
  expect(r.status).toBe(200);
  const parsed = parseJson(r.body);
  if (!parsed.ok) throw new Error(`response is not JSON: ${r.body}`);
  return plain(parsed.value) as Record<string, unknown>;
}

const ROW = '["a", 1, 9223372036854775807, 1.1, 2.5, "2020-5-1", 1590115420000, true]';

describe('PUT /dbs/{db}/tables/{table}', () => {
  it('writes one row converted to the column types', async () => {
    const c = new FakeClient();
    expect(await call(c, 'PUT', '/dbs/d1/tables/t1', `{"value": [${ROW}]}`)).toEqual({ code: 0n, msg: 'ok' });
    expect(await call(c, 'PUT', '/dbs/d1/tables/t1', '{"value": [[null, null, null, null, null, null, 1, null]]}')).toEqual({ code: 0n, msg: 'ok' });
    expect(c.rows.get('d1.t1')).toEqual([
      ['a', 1, 9223372036854775807n, Math.fround(1.1), 2.5, '2020-05-01', 1590115420000, true],
      [null, null, null, null, null, null, 1, null],
    ]);
  });

  it('refuses bad bodies with the reference messages, writing nothing', async () => {
    const c = new FakeClient();
    const put = (body: string, url = '/dbs/d1/tables/t1') => call(c, 'PUT', url, body);
    expect(await put('')).toEqual({ code: -1n, msg: 'Json parse failed, error code: 1' });
    expect(await put('{"value": [[1,]]}')).toEqual({ code: -1n, msg: 'Json parse failed, error code: 3' });
    expect(await put('{"value": [[1]]')).toEqual({ code: -1n, msg: 'Json parse failed, error code: 6' });
    const oneRow = { code: -1n, msg: 'Invalid value in body, only support to put one row' };
    expect(await put('{}')).toEqual(oneRow);
    expect(await put('[]')).toEqual(oneRow);
    expect(await put('{"value": []}')).toEqual(oneRow);
    expect(await put(`{"value": ${ROW}}`)).toEqual(oneRow);
    expect(await put(`{"value": [${ROW}, ${ROW}]}`)).toEqual(oneRow);
    expect(await put(`{"value": [${ROW}]}`, '/dbs/d1/tables/nope')).toEqual({ code: BigInt(Code.tableNotFound), msg: "table 'd1.nope' does not exist" });
    expect(await put('{"value": [["a", 1]]}')).toEqual({ code: -1n, msg: 'column size != schema size' });
    expect(await put('{"value": [[1, 1, 1, 1, 1, "2020-1-1", 1, true]]}')).toEqual({ code: -1n, msg: 'value is not string for col c1' });
    expect(await put('{"value": [["a", 1.5, 1, 1, 1, "2020-1-1", 1, true]]}')).toEqual({
      code: -1n,
      msg: 'conversion failed on col c2[2] with value 1.5',
    });
    expect(await put('{"value": [["a", 1, 9223372036854775808, 1, 1, "2020-1-1", 1, true]]}')).toEqual({
      code: -1n,
      msg: 'conversion failed on col c3[3] with value 9223372036854775808',
    });
    expect(await put('{"value": [["a", 1, 1, 1, 1, "2020-13-1", 1, true]]}')).toEqual({
      code: -1n,
      msg: 'conversion failed on col c6[7] with value "2020-13-1"',
    });
    expect(await put('{"value": [["a", 1, 1, 1, 1, "2020-1-1", null, true]]}')).toEqual({
      code: -1n,
      msg: 'conversion failed on col c7[8] with value null',
    });
    expect(await put('{"value": [["a", 1, 1, 1, 1, "2020-1-1", "2020-01-01 00:00:00", true]]}')).toEqual({
      code: -1n,
      msg: 'conversion failed on col c7[8] with value "2020-01-01 00:00:00"',
    });
    expect(c.rows.size).toBe(0);
  });
});

describe('POST /dbs/{db}/deployments/{name}', () => {
  it('answers array rows with arrays, object rows with objects, and the schema when asked', async () => {
    const c = new FakeClient();
    expect(await call(c, 'POST', '/dbs/d1/deployments/dep', `{"input": [${ROW}, ["b", 2, -1, 0, NaN, "1999-12-31", 0, false]]}`)).toEqual({
      code: 0n,
      msg: 'ok',
      data: {
        data: [
          ['a', 9223372036854775807n, 2.5, '2020-5-1'],
          ['b', -1n, Number.NaN, '1999-12-31'],
        ],
      },
    });
    const objectRow = '{"c8": true, "c7": 5, "c6": "2021-01-02", "c5": Infinity, "c4": 1, "c3": 12345678901234567, "c2": 2, "c1": "x", "extra": 1}';
    expect(await call(c, 'POST', '/dbs/d1/deployments/dep', `{"input": [${objectRow}], "need_schema": true, "write_nan_and_inf_null": true}`)).toEqual({
      code: 0n,
      msg: 'ok',
      data: {
        data: [{ c1: 'x', c3: 12345678901234567n, c5: null, c6: '2021-1-2' }],
        schema: [
          { name: 'c1', type: 'string' },
          { name: 'c3', type: 'int64' },
          { name: 'c5', type: 'double' },
          { name: 'c6', type: 'date' },
        ],
      },
    });
  });

  it('writes doubles as the reference does (integral values with .0, NaN tokens)', async () => {
    const c = new FakeClient();
    const r = await handleApiRequest(c, {
      method: 'POST',
      url: '/dbs/d1/deployments/dep',
      body: new TextEncoder().encode('{"input": [["a", 1, 1, 1, 3, "2020-1-1", 1, true], ["a", 1, 1, 1, -Inf, "2020-1-1", 1, true]]}'),
    });
    expect(r.body).toBe('{"code":0,"msg":"ok","data":{"data":[["a",1,3.0,"2020-1-1"],["a",1,-Infinity,"2020-1-1"]]}}');
  });

  it('refuses bad input with the reference messages (code -1) without calling the deployment', async () => {
    const c = new FakeClient();
    const post = (body: string, url = '/dbs/d1/deployments/dep') => call(c, 'POST', url, body);
    const error = (msg: string) => ({ code: -1n, msg });
    expect(await post('{"input": [')).toEqual(error('Request body json parse failed'));
    expect(await post('[1]')).toEqual(error('Request body json parse failed'));
    expect(await post('{}')).toEqual(error('Field input is invalid'));
    expect(await post('{"input": {}}')).toEqual(error('Field input is invalid'));
    expect(await post('{"input": []}')).toEqual(error('Field input is invalid'));
    expect(await post(`{"input": [${ROW}, ["a"]]}`)).toEqual(error('Invalid input data size in row 1'));
    expect(await post('{"input": [1]}')).toEqual(error('Must be array or map, row 0'));
    expect((await post(`{"input": [${ROW}, {"c1": "a"}]}`)).msg).toMatch(/^Must be array or map, row 1/);
    expect(await post('{"input": [{"c1": "a"}]}')).toEqual(error("Translate to request row failed in map row 0, can't find col c2"));
    expect(await post('{"input": [["a", "1", 1, 1, 1, "2020-1-1", 1, true]]}')).toEqual(
      error('Translate to request row failed in array row 0, conversion failed on col c2[2] with value "1"'),
    );
    expect(await post(`{"input": [${ROW}]}`, '/dbs/d1/deployments/nope')).toEqual(error("deployment 'd1.nope' does not exist"));
    expect(c.deploymentCalls).toBe(0);
  });

  it('serves the legacy procedure call with common_cols', async () => {
    const c = new FakeClient();
    expect(await call(c, 'POST', '/dbs/d1/procedures/dep', `{"input": [${ROW}], "common_cols": []}`)).toEqual({
      code: 0n,
      msg: 'ok',
      data: { data: [['a', 9223372036854775807n, 2.5, '2020-5-1']], common_cols_data: [] },
    });
    expect(await call(c, 'POST', '/dbs/d1/procedures/dep', `{"input": [${ROW}], "common_cols": ["a"]}`)).toEqual({
      code: -1n,
      msg: 'Invalid common cols size',
    });
  });
});

describe('GET /dbs/{db}/deployments/{name} and procedures', () => {
  it('describes a deployment', async () => {
    const c = new FakeClient();
    expect(await call(c, 'GET', '/dbs/d1/deployments/dep')).toEqual({
      code: 0n,
      msg: 'ok',
      data: {
        name: 'dep',
        procedure: DEPLOYMENT.sql,
        input_schema: [
          { name: 'c1', type: 'string' },
          { name: 'c2', type: 'int32' },
          { name: 'c3', type: 'int64' },
          { name: 'c4', type: 'float' },
          { name: 'c5', type: 'double' },
          { name: 'c6', type: 'date' },
          { name: 'c7', type: 'timestamp' },
          { name: 'c8', type: 'bool' },
        ],
        input_common_cols: [],
        output_schema: [
          { name: 'c1', type: 'string' },
          { name: 'c3', type: 'int64' },
          { name: 'c5', type: 'double' },
          { name: 'c6', type: 'date' },
        ],
        output_common_cols: [],
        dbs: ['d1'],
        tables: ['t1'],
      },
    });
  });

  it('says not found for unknown names and for the wrong kind', async () => {
    const c = new FakeClient();
    expect(await call(c, 'GET', '/dbs/d1/deployments/nope')).toEqual({ code: -1n, msg: 'deployment not found' });
    expect(await call(c, 'GET', '/dbs/d1/procedures/dep')).toEqual({ code: -1n, msg: 'procedure not found' });
    expect(await call(c, 'GET', '/dbs/d1/procedures/nope')).toEqual({ code: -1n, msg: 'procedure not found' });
  });
});

describe('POST /dbs/{db}', () => {
  it('runs SQL with typed parameters and maps the mode', async () => {
    const c = new FakeClient();
    const packedDate = ((2020 - 1900) << 16) | (4 << 8) | 1;
    const body = JSON.stringify({
      mode: 'OnLine',
      sql: 'select * from t1 where c1 = ? and c3 = ? and c6 = ?',
      input: { schema: ['STRING', 'Int64', 'date'], data: ['a', 1, packedDate] },
    }).replace('"data":["a",1', '"data":["a",9223372036854775807');
    expect(await call(c, 'POST', '/dbs/d1', body)).toEqual({ code: 0n, msg: 'ok' });
    expect(c.sqlCalls[0]).toEqual({ db: 'd1', sql: 'select * from t1 where c1 = ? and c3 = ? and c6 = ?', params: ['a', 9223372036854775807n, '2020-05-01'], mode: 'online' });
    for (const [mode, runMode] of [
      ['onsync', 'online'],
      ['offsync', 'offline'],
      ['OFFASYNC', 'offline'],
    ] as const) {
      await call(c, 'POST', '/dbs/d2', JSON.stringify({ mode, sql: 'create table x (a int)' }));
      expect(c.sqlCalls.at(-1)).toMatchObject({ db: 'd2', mode: runMode, params: [] });
    }
  });

  it('returns rows with capitalised types and no column names', async () => {
    const c = new FakeClient();
    c.sqlAnswer = ok({
      columns: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'string' },
        { name: 'c', type: 'bigint' },
        { name: 'd', type: 'date' },
        { name: 'e', type: 'float' },
        { name: 'f', type: 'double' },
        { name: 'g', type: 'timestamp' },
        { name: 'h', type: 'bool' },
        { name: 'i', type: 'smallint' },
      ],
      rows: [[1, 'bb', -9223372036854775808n, '2020-01-09', Math.fround(1.1), null, 1590115420000, false, 3]],
    });
    const r = await handleApiRequest(c, { method: 'POST', url: '/dbs/d1', body: new TextEncoder().encode('{"mode": "online", "sql": "select 1"}') });
    expect(r.body).toBe(
      '{"code":0,"msg":"ok","data":{"schema":["Int32","String","Int64","Date","Float","Double","Timestamp","Bool","Int16"],' +
        '"data":[[1,"bb",-9223372036854775808,"2020-1-9",1.100000023841858,null,1590115420000,false,3]]}}',
    );
  });

  it('forwards SQL failures with their code', async () => {
    const c = new FakeClient();
    c.sqlAnswer = fail(Code.sqlSyntaxError, 'Syntax error: near "selec"');
    expect(await call(c, 'POST', '/dbs/d1', '{"mode": "online", "sql": "selec 1"}')).toEqual({ code: 1001n, msg: 'Syntax error: near "selec"' });
  });

  it('refuses bad requests before running anything', async () => {
    const c = new FakeClient();
    const post = (body: string) => call(c, 'POST', '/dbs/d1', body);
    expect((await post('{"mode": "online", "sql": }')).msg).toMatch(/^Json parse failed, .*offset 26.*error code 3/);
    expect((await post('{"sql": "select 1"}')).msg).toMatch(/^Json parse failed, .*'mode'/);
    expect((await post('{"mode": "online"}')).msg).toMatch(/^Json parse failed, .*'sql'/);
    expect(await post('{"mode": "batch", "sql": "select 1"}')).toEqual({ code: -1n, msg: 'Invalid mode batch' });
    expect((await post('{"mode": "online", "sql": "select ?", "input": {"schema": ["int"], "data": []}}')).msg).toMatch(/^Invalid input/);
    expect((await post('{"mode": "online", "sql": "select ?", "input": {"schema": ["varchar"], "data": ["a"]}}')).msg).toMatch(/unknown type "varchar"/);
    expect((await post('{"mode": "online", "sql": "select ?", "input": {"schema": ["date"], "data": ["2020-01-01"]}}')).msg).toBe(
      'Invalid input: conversion failed on parameter 0[7] with value "2020-01-01"',
    );
    expect(c.sqlCalls).toEqual([]);
  });
});

describe('catalog endpoints', () => {
  it('lists databases and tables, and dumps a table with the reference key names', async () => {
    const c = new FakeClient();
    expect(await call(c, 'GET', '/dbs')).toEqual({ code: 0n, msg: 'ok', dbs: ['d1', 'd2'] });
    expect(await call(c, 'GET', '/dbs/d2/tables')).toEqual({ code: 0n, msg: 'ok', tables: [] });
    const dumped = {
      name: 't1',
      table_partition_size: 2n,
      tid: 7n,
      partition_num: 2n,
      replica_num: 1n,
      compress_type: 'nocompress',
      column_desc: COLUMNS.map((col) => ({
        name: col.name,
        data_type: { string: 'kVarchar', int: 'kInt', bigint: 'kBigInt', float: 'kFloat', double: 'kDouble', date: 'kDate', timestamp: 'kTimestamp', bool: 'kBool' }[
          col.type as string
        ],
        not_null: col.notNull,
        is_constant: false,
      })),
      column_key: [{ index_name: 'idx1', col_name: ['c1'], ts_name: 'c7', flag: 0n, ttl: { ttl_type: 'absandlat', abs_ttl: 10n, lat_ttl: 2n } }],
      db: 'd1',
      partition_key: [],
    };
    expect(await call(c, 'GET', '/dbs/d1/tables')).toEqual({ code: 0n, msg: 'ok', tables: [dumped] });
    expect(await call(c, 'GET', '/dbs/d1/tables/t1')).toEqual({ code: 0n, msg: 'ok', table: dumped });
  });

  it('says which of database and table was not found', async () => {
    const c = new FakeClient();
    expect(await call(c, 'GET', '/dbs/nope/tables')).toEqual({ code: -1n, msg: 'DB not found' });
    expect(await call(c, 'GET', '/dbs/nope/tables/t1')).toEqual({ code: -1n, msg: 'DB not found' });
    expect(await call(c, 'GET', '/dbs/d1/tables/nope')).toEqual({ code: -1n, msg: 'Table not found' });
  });

  it('refreshes', async () => {
    const c = new FakeClient();
    expect(await call(c, 'POST', '/refresh')).toEqual({ code: 0n, msg: 'ok' });
    c.refreshAnswer = fail(Code.unavailable, 'nameserver down');
    expect(await call(c, 'POST', '/refresh')).toEqual({ code: -1n, msg: 'refresh failed' });
  });
});

describe('routing', () => {
  it('answers unroutable requests with HTTP 200 and code -1', async () => {
    const c = new FakeClient();
    expect(await call(c, 'GET', '/nothing')).toEqual({ code: -1n, msg: 'no match method' });
    expect(await call(c, 'GET', '/dbs/d1')).toEqual({ code: -1n, msg: 'no match method' });
    expect(await call(c, 'DELETE', '/dbs/d1')).toEqual({ code: -1n, msg: 'unsupported method' });
    expect(await call(c, 'GET', '/dbs/%E0%A4%A/tables')).toEqual({ code: -1n, msg: 'invalid url' });
  });
});
