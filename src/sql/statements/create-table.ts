/**
 * CREATE TABLE → the table's name, schema and options (sql.md §2.2). Columns, DEFAULT values,
 * TTLs and options are checked here with the position of the offending text; the index rules are
 * the nameserver's own (`normalizeSchema`), applied index by index so a failure points at the
 * index that broke it. Unnamed indexes keep an empty name and no default index is added: the
 * nameserver names them with its clock when it creates the table.
 */
import { Code, ok, type Result } from '../../base/status.js';
import { DEFAULT_SCHEMA_LIMITS, isValidName, normalizeSchema, type SchemaLimits } from '../../protocol/schema-rules.js';
import type { ColumnDesc, IndexDef, ReplicationMode, StorageMode, TableSchema } from '../../protocol/schema.js';
import type { ColumnDef, CreateTable, IndexDef as IndexDefNode, Ident, TableOption } from '../syntax/index.js';
import { literalToColumn } from './column-value.js';
import { statementFail } from './statement-error.js';
import { ttlFromSpec } from './ttl.js';

export interface DistributionEntry {
  readonly leader: string;
  readonly followers: readonly string[];
}

export interface CreateTableOptions {
  readonly ifNotExists: boolean;
  /** Absent: the nameserver's default. */
  readonly partitionNum?: number;
  readonly replicaNum?: number;
  readonly replicationMode?: ReplicationMode;
  readonly storageMode: StorageMode;
  readonly compress: 'none' | 'snappy';
  /** Explicit placement, one entry per partition (sizes checked against the counts given). */
  readonly distribution?: readonly DistributionEntry[];
}

export interface CreateTablePlan {
  /** Absent: the session's current database. */
  readonly db?: string;
  readonly name: string;
  readonly schema: TableSchema;
  readonly options: CreateTableOptions;
}

const FAILED = 'create table failed';

/** Checks a database, table or index name written in a statement. */
export function checkName(ident: Ident, what: string): Result<string> {
  if (isValidName(ident.name)) return ok(ident.name);
  return statementFail(
    Code.sqlPlanError,
    `invalid ${what} '${ident.name}': names start with a letter or '_' and hold letters, digits and '_' (at most 128)`,
    ident.pos,
  );
}

function columnDesc(def: ColumnDef): Result<ColumnDesc> {
  const name = checkName(def.name, 'column name');
  if (!name.ok) return name;
  if (def.type.kind !== 'scalarType') {
    return statementFail(Code.sqlPlanError, `${FAILED}: column '${name.value}' is a MAP; tables cannot store MAP columns yet`, def.type.pos);
  }
  const base: ColumnDesc = { name: name.value, type: def.type.type, notNull: def.notNull };
  if (def.defaultValue === undefined) return ok(base);
  const value = literalToColumn(def.defaultValue, base);
  if (!value.ok) return statementFail(Code.sqlTypeError, `${FAILED}: DEFAULT of ${value.problem}`, def.defaultValue.pos);
  if (value.value === null) {
    if (def.notNull) {
      return statementFail(Code.sqlPlanError, `${FAILED}: column '${name.value}' is NOT NULL and cannot default to NULL`, def.defaultValue.pos);
    }
    return ok(base);
  }
  return ok({ ...base, defaultValue: value.value });
}

/** An INDEX(...) clause (or CREATE INDEX) as an index definition; `name` '' lets the nameserver name it. */
export function indexDefFrom(node: IndexDefNode, name: string, label: string, limits: SchemaLimits, action = FAILED): Result<IndexDef> {
  const spec = node.spec;
  const ttl = ttlFromSpec(spec.ttl, spec.ttlType, `${action}: ${label}`, node.pos, limits);
  if (!ttl.ok) return ttl;
  const keyColumns = spec.keys.map((k) => k.name);
  return ok(spec.ts === undefined ? { name, keyColumns, ttl: ttl.value } : { name, keyColumns, tsColumn: spec.ts.name, ttl: ttl.value });
}

function options(node: CreateTable): Result<CreateTableOptions> {
  let out: {
    ifNotExists: boolean;
    partitionNum?: number;
    replicaNum?: number;
    replicationMode?: ReplicationMode;
    storageMode: StorageMode;
    compress: 'none' | 'snappy';
    distribution?: readonly DistributionEntry[];
  } = { ifNotExists: node.ifNotExists, storageMode: 'memory', compress: 'none' };
  let distribution: Extract<TableOption, { kind: 'distribution' }> | undefined;
  for (const option of node.options) {
    switch (option.kind) {
      case 'partitionNum':
        if (option.value < 1) return statementFail(Code.sqlPlanError, `${FAILED}: PARTITIONNUM must be at least 1, got ${option.value}`, option.pos);
        out = { ...out, partitionNum: option.value };
        break;
      case 'replicaNum':
        if (option.value < 1) return statementFail(Code.sqlPlanError, `${FAILED}: REPLICANUM must be at least 1, got ${option.value}`, option.pos);
        out = { ...out, replicaNum: option.value };
        break;
      case 'replicationMode':
        out = { ...out, replicationMode: option.value };
        break;
      case 'storageMode':
        out = { ...out, storageMode: option.value };
        break;
      case 'compressType':
        out = { ...out, compress: option.value };
        break;
      case 'distribution':
        distribution = option;
        break;
    }
  }
  if (distribution === undefined) return ok(out);
  const entries = distribution.partitions;
  const at = distribution.pos;
  if (entries.length === 0) return statementFail(Code.sqlPlanError, `${FAILED}: DISTRIBUTION lists no partition`, at);
  if (out.partitionNum !== undefined && out.partitionNum !== entries.length) {
    return statementFail(
      Code.sqlPlanError,
      `${FAILED}: DISTRIBUTION lists ${entries.length} partition(s) but PARTITIONNUM is ${out.partitionNum}`,
      at,
    );
  }
  const replicas = entries[0]!.followers.length + 1;
  for (const entry of entries) {
    const endpoints = [entry.leader, ...entry.followers];
    if (new Set(endpoints).size !== endpoints.length) {
      return statementFail(Code.sqlPlanError, `${FAILED}: a DISTRIBUTION entry names an endpoint twice (${endpoints.join(', ')})`, entry.pos);
    }
    const expected = out.replicaNum ?? replicas;
    if (endpoints.length !== expected) {
      return statementFail(
        Code.sqlPlanError,
        `${FAILED}: a DISTRIBUTION entry has ${endpoints.length} replica(s) but ${out.replicaNum === undefined ? 'the first entry has' : 'REPLICANUM is'} ${expected}`,
        entry.pos,
      );
    }
  }
  // Without PARTITIONNUM the count stays the nameserver's default, as in the reference
  // (ddl/test_options.yaml case 2 expects 8 partitions for a one-entry DISTRIBUTION).
  return ok({
    ...out,
    replicaNum: replicas,
    distribution: entries.map((e) => ({ leader: e.leader, followers: [...e.followers] })),
  });
}

export function planCreateTable(node: CreateTable, limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS): Result<CreateTablePlan> {
  const db = node.table.db === undefined ? undefined : checkName(node.table.db, 'database name');
  if (db !== undefined && !db.ok) return db;
  const name = checkName(node.table.name, 'table name');
  if (!name.ok) return name;
  if (node.columns.length === 0) return statementFail(Code.sqlPlanError, `${FAILED}: table '${name.value}' has no column`, node.pos);
  if (node.columns.length > limits.columnsMax) {
    return statementFail(Code.sqlPlanError, `${FAILED}: ${node.columns.length} columns, more than the limit of ${limits.columnsMax}`, node.pos);
  }
  const columns: ColumnDesc[] = [];
  const seen = new Set<string>();
  for (const def of node.columns) {
    const column = columnDesc(def);
    if (!column.ok) return column;
    const lower = column.value.name.toLowerCase();
    if (seen.has(lower)) return statementFail(Code.sqlPlanError, `${FAILED}: column '${column.value.name}' is defined twice`, def.pos);
    seen.add(lower);
    columns.push(column.value);
  }
  const indexes: IndexDef[] = [];
  for (const [i, node_] of node.indexes.entries()) {
    const indexName = node_.name === undefined ? ok('') : checkName(node_.name, 'index name');
    if (!indexName.ok) return indexName;
    const label = indexName.value === '' ? `index ${i + 1}` : `index '${indexName.value}'`;
    const index = indexDefFrom(node_, indexName.value, label, limits);
    if (!index.ok) return index;
    indexes.push(index.value);
    // The nameserver's rules, on the indexes so far: the first failure is this index's doing.
    const checked = normalizeSchema({ columns, indexes }, 0, limits);
    if (!checked.ok) return statementFail(Code.sqlPlanError, `${FAILED}: ${checked.message}`, node_.pos);
  }
  const whole = normalizeSchema({ columns, indexes }, 0, limits);
  if (!whole.ok) return statementFail(Code.sqlPlanError, `${FAILED}: ${whole.message}`, node.pos);
  const opts = options(node);
  if (!opts.ok) return opts;
  const plan: CreateTablePlan = { name: name.value, schema: { columns, indexes }, options: opts.value };
  return db === undefined ? ok(plan) : ok({ ...plan, db: db.value });
}
