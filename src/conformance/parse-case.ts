/**
 * Turns one expanded raw case (a failsafe-YAML map) into a `SqlCase`. Every problem is a Result
 * naming the field; unknown *expectation* keys are errors (a runner that cannot check an
 * expectation must not report a pass), unknown descriptive keys are ignored.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import type { ExpectedDeployment, ExpectedIndex, ExpectSpec, IndexSpec, SqlCase, TableSpec } from './case-model.js';
import type { ColumnSpec } from './column-spec.js';
import { parseColumnDeclaration, parseLegacySchema } from './column-spec.js';
import type { RawMap } from './raw.js';
import { csvRows, invalid, isRawMap, optBool, optInt, optRows, optString, optStringList } from './raw.js';

export interface CaseContext {
  readonly file: string;
  readonly fileDb?: string;
  readonly choices: readonly string[];
}

/** Expectation keys the runner accepts but does not verify (planner / batch-request internals). */
const IGNORED_EXPECT_KEYS = new Set([
  'msg',
  'code',
  'common_column_indices',
  'node_tree_str',
  'plan_tree_str',
]);
const CHECKED_EXPECT_KEYS = new Set([
  'success',
  'columns',
  'schema',
  'rows',
  'data',
  'result',
  'order',
  'count',
  'name',
  'idxs',
  'options',
  'deployment',
  'deploymentCount',
]);

export function parseCase(raw: RawMap, ctx: CaseContext): Result<SqlCase> {
  const id = optString(raw, 'id');
  if (!id.ok) return id;
  const desc = optString(raw, 'desc');
  if (!desc.ok) return desc;
  const mode = optString(raw, 'mode');
  if (!mode.ok) return mode;
  const tags = optStringList(raw, 'tags');
  if (!tags.ok) return tags;
  const db = optString(raw, 'db');
  if (!db.ok) return db;
  if (isRawMap(raw['sql'])) return invalid("'sql: {file: ...}' (SQL in an external file) is not supported");
  const sql = optString(raw, 'sql');
  if (!sql.ok) return sql;
  const sqls = optStringList(raw, 'sqls');
  if (!sqls.ok) return sqls;
  const tearDown = optStringList(raw, 'tearDown');
  if (!tearDown.ok) return tearDown;
  const longWindow = optString(raw, 'longWindow');
  if (!longWindow.ok) return longWindow;

  const inputsRaw = raw['inputs'] ?? [];
  if (!Array.isArray(inputsRaw)) return invalid("'inputs' must be a list of tables");
  const inputs: TableSpec[] = [];
  for (const [i, t] of inputsRaw.entries()) {
    const table = parseTable(t, `inputs[${i}]`);
    if (!table.ok) return table;
    inputs.push(table.value);
  }
  const batchRequest = raw['batch_request'] === undefined ? ok(undefined) : parseTable(raw['batch_request'], 'batch_request');
  if (!batchRequest.ok) return batchRequest;
  const parameters = raw['parameters'] === undefined ? ok(undefined) : parseTable(raw['parameters'], 'parameters');
  if (!parameters.ok) return parameters;

  const expect = parseExpect(raw['expect'] ?? raw['output'] ?? {});
  if (!expect.ok) return expect;

  let deploymentName: string | undefined;
  const deployment = raw['deployment'];
  if (isRawMap(deployment)) {
    const name = optString(deployment, 'name');
    if (!name.ok) return name;
    deploymentName = name.value;
  }
  if (sql.value === undefined && (sqls.value ?? []).length === 0) return invalid("case has neither 'sql' nor 'sqls'");

  return ok({
    file: ctx.file,
    id: id.value ?? '',
    desc: desc.value ?? '',
    mode: mode.value ?? '',
    tags: tags.value ?? [],
    db: db.value ?? ctx.fileDb,
    sql: sql.value,
    sqls: sqls.value ?? [],
    inputs,
    batchRequest: batchRequest.value,
    parameters: parameters.value,
    expect: expect.value,
    tearDown: tearDown.value ?? [],
    longWindow: longWindow.value,
    deploymentName,
    choices: ctx.choices,
  });
}

export function parseTable(raw: unknown, what: string): Result<TableSpec> {
  if (!isRawMap(raw)) return invalid(`${what} must be a map`);
  const at = <T>(r: Result<T>): Result<T> => (r.ok ? r : invalid(`${what}: ${r.message}`));
  const name = at(optString(raw, 'name'));
  if (!name.ok) return name;
  const db = at(optString(raw, 'db'));
  if (!db.ok) return db;
  const columns = at(parseColumnsField(raw));
  if (!columns.ok) return columns;
  const indexes = at(parseIndexesField(raw));
  if (!indexes.ok) return indexes;
  const create = at(optString(raw, 'create'));
  if (!create.ok) return create;
  const insert = at(optStringList(raw, 'insert'));
  if (!insert.ok) return insert;
  const inserts = at(optStringList(raw, 'inserts'));
  if (!inserts.ok) return inserts;
  const rows = at(parseRowsField(raw, ['rows', 'data']));
  if (!rows.ok) return rows;
  const partitionNum = at(optInt(raw, 'partitionNum'));
  if (!partitionNum.ok) return partitionNum;
  const replicaNum = at(optInt(raw, 'replicaNum'));
  if (!replicaNum.ok) return replicaNum;
  const repeat = at(optInt(raw, 'repeat'));
  if (!repeat.ok) return repeat;
  const times = repeat.value ?? 1;
  if (times < 1 || times > 10_000) return invalid(`${what}: 'repeat' must be within 1..10000`);
  const repeated = rows.value && times > 1 ? Array.from({ length: times }, () => rows.value!).flat() : rows.value;
  return ok({
    name: name.value,
    db: db.value,
    columns: columns.value,
    indexes: indexes.value,
    rows: repeated,
    create: create.value,
    inserts: [...(insert.value ?? []), ...(inserts.value ?? [])],
    ...(partitionNum.value !== undefined ? { partitionNum: partitionNum.value } : {}),
    ...(replicaNum.value !== undefined ? { replicaNum: replicaNum.value } : {}),
  });
}

function parseColumnsField(raw: RawMap): Result<ColumnSpec[] | undefined> {
  const columns = optStringList(raw, 'columns');
  if (!columns.ok) return columns;
  if (columns.value !== undefined) {
    const out: ColumnSpec[] = [];
    for (const text of columns.value) {
      const c = parseColumnDeclaration(text);
      if (!c.ok) return c;
      out.push(c.value);
    }
    return ok(out);
  }
  const schema = optString(raw, 'schema');
  if (!schema.ok) return schema;
  return schema.value === undefined ? ok(undefined) : parseLegacySchema(schema.value);
}

function parseIndexesField(raw: RawMap): Result<IndexSpec[]> {
  const listed = optStringList(raw, 'indexs');
  if (!listed.ok) return listed;
  let texts = listed.value ?? [];
  if (listed.value === undefined) {
    const legacy = raw['index'];
    if (typeof legacy === 'string') texts = legacy.split(',');
    else {
      const list = optStringList(raw, 'index');
      if (!list.ok) return list;
      texts = list.value ?? [];
    }
  }
  const out: IndexSpec[] = [];
  for (const text of texts) {
    if (text.trim() === '') continue;
    const index = parseIndexSpec(text);
    if (!index.ok) return index;
    out.push(index.value);
  }
  return ok(out);
}

/** `name:key1|key2:ts[:ttl[:ttl_type]]`; keys may also be separated by ','. */
export function parseIndexSpec(text: string): Result<IndexSpec> {
  const parts = text.split(':').map((p) => p.trim());
  if (parts.length < 2 || parts.length > 5 || parts[1] === '') {
    return invalid(`index '${text}' is not 'name:keys[:ts[:ttl[:ttl_type]]]'`);
  }
  const keys = parts[1]!
    .split(/[|,]/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const ts = parts[2];
  const ttl = parts[3];
  const ttlType = parts[4];
  return ok({
    name: parts[0]!,
    keys,
    ...(ts !== undefined && ts !== '' && ts.toLowerCase() !== 'null' ? { ts } : {}),
    ...(ttl !== undefined && ttl !== '' ? { ttl } : {}),
    ...(ttlType !== undefined && ttlType !== '' ? { ttlType } : {}),
  });
}

function parseRowsField(raw: RawMap, keys: readonly string[]): Result<string[][] | undefined> {
  for (const key of keys) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') return ok(csvRows(v));
    if (isRawMap(v)) return invalid(`'${key}: {file: ...}' (rows in an external file) is not supported`);
    return optRows(raw, key);
  }
  return ok(undefined);
}

export function parseExpect(raw: unknown): Result<ExpectSpec> {
  if (!isRawMap(raw)) return invalid("'expect' must be a map");
  for (const key of Object.keys(raw)) {
    if (!CHECKED_EXPECT_KEYS.has(key) && !IGNORED_EXPECT_KEYS.has(key)) {
      return invalid(`expect key '${key}' is not supported by this runner`);
    }
  }
  const at = <T>(r: Result<T>): Result<T> => (r.ok ? r : invalid(`expect: ${r.message}`));
  const success = at(optBool(raw, 'success'));
  if (!success.ok) return success;
  const columns = at(parseColumnsField(raw));
  if (!columns.ok) return columns;
  const rows = at(parseRowsField(raw, ['rows', 'data', 'result']));
  if (!rows.ok) return rows;
  const order = at(optString(raw, 'order'));
  if (!order.ok) return order;
  const count = at(optInt(raw, 'count'));
  if (!count.ok) return count;
  const tableName = at(optString(raw, 'name'));
  if (!tableName.ok) return tableName;
  const deploymentCount = at(optInt(raw, 'deploymentCount'));
  if (!deploymentCount.ok) return deploymentCount;
  const idxs = raw['idxs'] === undefined ? ok(undefined) : at(parseExpectedIndexes(raw['idxs']));
  if (!idxs.ok) return idxs;
  const options = raw['options'] === undefined ? ok(undefined) : at(parseExpectedOptions(raw['options']));
  if (!options.ok) return options;
  const deployment = raw['deployment'] === undefined ? ok(undefined) : at(parseExpectedDeployment(raw['deployment']));
  if (!deployment.ok) return deployment;
  return ok({
    success: success.value ?? true,
    columns: columns.value,
    rows: rows.value,
    order: order.value?.trim(),
    count: count.value,
    tableName: tableName.value,
    idxs: idxs.value,
    options: options.value,
    deployment: deployment.value,
    deploymentCount: deploymentCount.value,
  });
}

function parseExpectedIndexes(raw: unknown): Result<ExpectedIndex[]> {
  if (!Array.isArray(raw)) return invalid("'idxs' must be a list");
  const out: ExpectedIndex[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isRawMap(item)) return invalid(`idxs[${i}] must be a map`);
    const keys = optStringList(item, 'keys');
    if (!keys.ok) return keys;
    const ts = optString(item, 'ts');
    if (!ts.ok) return ts;
    const ttl = optString(item, 'ttl');
    if (!ttl.ok) return ttl;
    const ttlType = optString(item, 'ttlType');
    if (!ttlType.ok) return ttlType;
    out.push({ keys: keys.value ?? [], ts: ts.value ?? '-', ttl: ttl.value ?? '', ttlType: ttlType.value ?? '' });
  }
  return ok(out);
}

function parseExpectedOptions(raw: unknown): Result<NonNullable<ExpectSpec['options']>> {
  if (!isRawMap(raw)) return invalid("'options' must be a map");
  const partitionNum = optInt(raw, 'partitionNum');
  if (!partitionNum.ok) return partitionNum;
  const replicaNum = optInt(raw, 'replicaNum');
  if (!replicaNum.ok) return replicaNum;
  return ok({ partitionNum: partitionNum.value, replicaNum: replicaNum.value });
}

function parseExpectedDeployment(raw: unknown): Result<ExpectedDeployment> {
  if (!isRawMap(raw)) return invalid("'deployment' must be a map");
  const name = optString(raw, 'name');
  if (!name.ok) return name;
  const dbName = optString(raw, 'dbName');
  if (!dbName.ok) return dbName;
  const sql = optString(raw, 'sql');
  if (!sql.ok) return sql;
  const inColumns = optStringList(raw, 'inColumns');
  if (!inColumns.ok) return inColumns;
  const outColumns = optStringList(raw, 'outColumns');
  if (!outColumns.ok) return outColumns;
  return ok({
    name: name.value,
    dbName: dbName.value,
    sql: sql.value,
    inColumns: inColumns.value,
    outColumns: outColumns.value,
  });
}
