/**
 * Everything a replay needs, computed before touching the engine: table names, placeholder-filled
 * SQL, generated CREATE/INSERT statements, and typed rows. Pure, so the replay logic stays small
 * and case-file mistakes surface as one clear message.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import type { ExpectSpec, SqlCase, TableSpec } from './case-model.js';
import type { ColumnSpec } from './column-spec.js';
import type { Target } from './modes.js';
import type { Naming } from './placeholders.js';
import { fillCurrentTime, fillPlaceholders } from './placeholders.js';
import { invalid } from './raw.js';
import { buildCreateTable, buildInsert, type CreateOptions, columnsFromCreate, insertTargetColumns, ONE_PARTITION_ONE_REPLICA } from './table-sql.js';
import { parseValue } from './values.js';

/** Database used when neither the file nor the case names one. */
export const DEFAULT_DB = 'conformance_db';

export interface Statement {
  readonly sql: string;
  readonly params?: readonly Value[];
}

export interface PreparedTable {
  readonly name: string;
  readonly db: string;
  /** Undefined for a name-only input (the case's SQL creates it). */
  readonly create?: string;
  /** Every data statement, in order (batch mode). */
  readonly inserts: readonly Statement[];
  /** One statement per row, aligned with `rows`; undefined when the table's data is explicit SQL. */
  readonly rowInserts?: readonly Statement[];
  readonly columns?: readonly ColumnSpec[];
  readonly rows?: Result<readonly (readonly Value[])[]>;
}

export interface PreparedCase {
  readonly source: SqlCase;
  readonly db: string;
  /** Distinct databases to create, case database first. */
  readonly databases: readonly string[];
  readonly tables: readonly PreparedTable[];
  /** `sqls` then `sql`, placeholders filled. */
  readonly statements: readonly string[];
  /** The filled `sql` (request and deploy modes). */
  readonly query?: string;
  /** First `parameters` row, for a parameterized batch query. */
  readonly params?: readonly Value[];
  /** Request rows: the `batch_request` rows if present, else those of inputs[0]. */
  readonly requests: Result<{ readonly columns: readonly ColumnSpec[]; readonly rows: readonly (readonly Value[])[] }>;
  readonly tearDown: readonly string[];
  readonly deploymentName: string;
  /** The expectation with placeholders filled in names and deployment text. */
  readonly expect: ExpectSpec;
}

/**
 * `target` decides the options of generated tables: a standalone run writes 1 partition and 1
 * replica (the C++ runner); a cluster run writes the table's own `partitionNum` / `replicaNum` and
 * otherwise leaves the cluster's defaults, which is what a user gets.
 */
export function prepareCase(
  c: SqlCase,
  naming: Omit<Naming, 'tableNames'>,
  nextAutoName: () => string,
  target: Target = 'standalone',
): Result<PreparedCase> {
  const db = c.db ?? DEFAULT_DB;
  const full: Naming = { ...naming, tableNames: c.inputs.map((t) => t.name ?? nextAutoName()) };
  const fill = (text: string) => fillPlaceholders(text, full);

  const tables: PreparedTable[] = [];
  for (const [i, spec] of c.inputs.entries()) {
    const options: CreateOptions =
      target === 'standalone' ? ONE_PARTITION_ONE_REPLICA : { partitionNum: spec.partitionNum, replicaNum: spec.replicaNum };
    const rows = spec.rows === undefined ? ok(undefined) : fillRows(spec.rows, naming.nowMs);
    if (!rows.ok) return invalid(`inputs[${i}]: ${rows.message}`);
    const table = prepareTable({ ...spec, rows: rows.value }, full.tableNames[i]!, spec.db ?? db, options, fill);
    if (!table.ok) return invalid(`inputs[${i}]: ${table.message}`);
    tables.push(table.value);
  }
  const statements: string[] = [];
  for (const s of [...c.sqls, ...(c.sql === undefined ? [] : [c.sql])]) {
    const filled = fill(s);
    if (!filled.ok) return filled;
    statements.push(filled.value);
  }
  const tearDown: string[] = [];
  for (const s of c.tearDown) {
    const filled = fill(s);
    if (!filled.ok) return filled;
    tearDown.push(filled.value);
  }
  const expect = fillExpect(c.expect, fill);
  if (!expect.ok) return expect;

  let params: Value[] | undefined;
  if (c.parameters) {
    const columns = c.parameters.columns;
    const first = c.parameters.rows?.[0];
    if (!columns || !first) return invalid('parameters need columns and at least one row');
    const typed = typeRow(first, columns);
    if (!typed.ok) return invalid(`parameters: ${typed.message}`);
    params = typed.value;
  }
  const query = c.sql === undefined ? undefined : statements[statements.length - 1];
  return ok({
    source: c,
    db,
    databases: [...new Set([db, ...tables.map((t) => t.db)])],
    tables,
    statements,
    query,
    params,
    requests: requestRows(c, tables),
    tearDown,
    deploymentName: c.deploymentName ?? `dp_${naming.autoName}`,
    expect: expect.value,
  });
}

function prepareTable(
  spec: TableSpec,
  name: string,
  db: string,
  options: CreateOptions,
  fill: (text: string) => Result<string>,
): Result<PreparedTable> {
  let create: string | undefined;
  let columns = spec.columns;
  if (spec.create !== undefined) {
    const filled = fill(spec.create);
    if (!filled.ok) return filled;
    create = filled.value;
    if (!columns) {
      const parsed = columnsFromCreate(create);
      // Only needed to type rows; an unreadable CREATE is an error only if rows must be typed.
      if (parsed.ok) columns = parsed.value;
      else if (spec.rows) return parsed;
    }
  } else if (columns) {
    create = buildCreateTable(name, columns, spec.indexes, options);
  }
  const rows = spec.rows && columns ? typeRows(spec.rows, columns) : undefined;

  if (spec.inserts.length > 0) {
    const inserts: Statement[] = [];
    let prepared = 0;
    let fullRows: Value[][] | undefined;
    for (const text of spec.inserts) {
      const filled = fill(text);
      if (!filled.ok) return filled;
      if (!filled.value.includes('?')) {
        inserts.push({ sql: filled.value });
        continue;
      }
      if (!spec.rows || !columns) return invalid(`prepared insert '${filled.value.trim()}' needs rows and known columns`);
      const targets = insertTargetColumns(filled.value, columns);
      if (!targets.ok) return targets;
      prepared++;
      fullRows = [];
      for (const row of spec.rows) {
        const typed = typeRow(row, targets.value);
        if (!typed.ok) return typed;
        inserts.push({ sql: filled.value, params: typed.value });
        // The whole-table row, NULL in the columns the statement leaves out (request rows).
        const full: Value[] = columns.map(() => null);
        for (const [k, target] of targets.value.entries()) full[columns.indexOf(target)] = typed.value[k]!;
        fullRows.push(full);
      }
    }
    // A lone prepared INSERT inserts row i by itself, so request replay can insert rows one by one.
    if (prepared === 1 && spec.inserts.length === 1 && fullRows) {
      return ok({ name, db, create, inserts, rowInserts: inserts, columns, rows: ok(fullRows) });
    }
    return ok({ name, db, create, inserts, columns, rows });
  }
  if (!spec.rows) return ok({ name, db, create, inserts: [], rowInserts: [], columns, rows });
  if (!columns) return invalid(`table '${name}' has rows but no columns`);
  const rowInserts: Statement[] = [];
  for (const row of spec.rows) {
    const sql = buildInsert(name, columns, row);
    if (!sql.ok) return sql;
    rowInserts.push({ sql: sql.value });
  }
  return ok({ name, db, create, inserts: rowInserts, rowInserts, columns, rows });
}

function fillRows(rows: readonly (readonly string[])[], nowMs: number | undefined): Result<string[][]> {
  const out: string[][] = [];
  for (const row of rows) {
    const filled: string[] = [];
    for (const value of row) {
      const v = fillCurrentTime(value, nowMs);
      if (!v.ok) return v;
      filled.push(v.value);
    }
    out.push(filled);
  }
  return ok(out);
}

function requestRows(c: SqlCase, tables: readonly PreparedTable[]): PreparedCase['requests'] {
  if (c.batchRequest) {
    const columns = c.batchRequest.columns;
    if (!columns) return invalid('batch_request has no columns');
    const rows = typeRows(c.batchRequest.rows ?? [], columns);
    return rows.ok ? ok({ columns, rows: rows.value }) : invalid(`batch_request: ${rows.message}`);
  }
  const main = tables[0];
  if (!main) return invalid('the case has no input table');
  if (!main.columns) return invalid(`input table '${main.name}' has no columns to type request rows`);
  if (!main.rowInserts) return invalid(`input table '${main.name}' loads data with explicit INSERT statements, not rows`);
  if (!main.rows) return ok({ columns: main.columns, rows: [] });
  return main.rows.ok ? ok({ columns: main.columns, rows: main.rows.value }) : main.rows;
}

export function typeRows(rows: readonly (readonly string[])[], columns: readonly ColumnSpec[]): Result<Value[][]> {
  const out: Value[][] = [];
  for (const row of rows) {
    const typed = typeRow(row, columns);
    if (!typed.ok) return typed;
    out.push(typed.value);
  }
  return ok(out);
}

export function typeRow(row: readonly string[], columns: readonly ColumnSpec[]): Result<Value[]> {
  if (row.length !== columns.length) {
    return invalid(`row [${row.join(', ')}] has ${row.length} values for ${columns.length} columns`);
  }
  const out: Value[] = [];
  for (const [i, raw] of row.entries()) {
    const v = parseValue(raw, columns[i]!.type);
    if (!v.ok) return invalid(`column '${columns[i]!.name}': ${v.message}`);
    out.push(v.value);
  }
  return ok(out);
}

function fillExpect(expect: ExpectSpec, fill: (text: string) => Result<string>): Result<ExpectSpec> {
  let tableName = expect.tableName;
  if (tableName !== undefined) {
    const r = fill(tableName);
    if (!r.ok) return r;
    tableName = r.value;
  }
  let deployment = expect.deployment;
  if (deployment) {
    const name = deployment.name === undefined ? ok(undefined) : fill(deployment.name);
    if (!name.ok) return name;
    const sql = deployment.sql === undefined ? ok(undefined) : fill(deployment.sql);
    if (!sql.ok) return sql;
    deployment = { ...deployment, name: name.value, sql: sql.value };
  }
  return ok({ ...expect, tableName, deployment });
}
