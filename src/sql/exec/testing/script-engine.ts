/**
 * TEST DOUBLE: a minimal single-process database over `MemoryCatalog` that speaks the statements
 * the conformance cases use (CREATE DATABASE/TABLE, INSERT, SELECT, DEPLOY, request calls), so the
 * SQL engine can be replayed against the cases without the tablet. Its shape matches the
 * conformance runner's `EngineUnderTest`. Not used outside tests.
 */
import { Code, fail, ok, type Result } from '../../../base/status.js';
import { normalizeSchema } from '../../../protocol/schema-rules.js';
import type { ColumnDesc, ColumnType, IndexDef, TableSchema, Ttl, Value } from '../../../protocol/schema.js';
import { type DeployPlan, planDeploy } from '../../deploy/deploy-plan.js';
import { paramTypeOf, type PreparedQuery, prepare } from '../../engine.js';
import { parseStatement } from '../../syntax/index.js';
import type { CreateTable, Expr, Insert, Literal, TtlSpec } from '../../syntax/index.js';
import { MemoryCatalog, type MemoryTable } from './mem-catalog.js';

export interface ScriptResult {
  readonly ok: true;
  readonly columns?: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly rows?: readonly (readonly Value[])[];
}

type Exec = ScriptResult | { readonly ok: false; readonly code: number; readonly message: string };

const UNIT_MINUTES: Record<string, number> = { s: 1 / 60, m: 1, h: 60, d: 1440 };

function ttlOf(spec: TtlSpec | undefined, type: Ttl['type'] | undefined): Result<Ttl> {
  const t = type ?? 'absolute';
  if (spec === undefined) return ok({ type: t, absMinutes: 0, latCount: 0 });
  let abs = 0;
  let lat = 0;
  for (const v of spec.values) {
    if (v.kind === 'interval') abs = Math.ceil(v.value * UNIT_MINUTES[v.unit]!);
    else lat = Number(v.value);
  }
  if (t === 'absolute' && spec.values.some((v) => v.kind !== 'interval')) {
    return fail(Code.invalidParameter, 'absolute ttl needs a unit');
  }
  return ok({ type: t, absMinutes: abs, latCount: lat });
}

function literalOf(e: Expr): Literal | undefined {
  return e.kind === 'literal' ? e : undefined;
}

function defaultValue(l: Literal | undefined, type: ColumnType): Value | undefined {
  if (l === undefined) return undefined;
  const v = convertLiteral(l, type);
  return v.ok ? v.value : undefined;
}

export function schemaOf(c: CreateTable): Result<TableSchema> {
  const columns: ColumnDesc[] = [];
  for (const col of c.columns) {
    if (col.type.kind !== 'scalarType') return fail(Code.invalidParameter, `column '${col.name.name}': map columns are not supported here`);
    const d = defaultValue(col.defaultValue, col.type.type);
    columns.push({ name: col.name.name, type: col.type.type, notNull: col.notNull, ...(d === undefined ? {} : { defaultValue: d }) });
  }
  const indexes: IndexDef[] = [];
  for (const ix of c.indexes) {
    const ttl = ttlOf(ix.spec.ttl, ix.spec.ttlType);
    if (!ttl.ok) return ttl;
    indexes.push({
      name: ix.name?.name ?? '',
      keyColumns: ix.spec.keys.map((k) => k.name),
      ...(ix.spec.ts === undefined ? {} : { tsColumn: ix.spec.ts.name }),
      ttl: ttl.value,
    });
  }
  return normalizeSchema({ columns, indexes }, 0);
}

function convertLiteral(l: Literal, type: ColumnType): Result<Value> {
  const bad = () => fail(Code.invalidParameter, `insert value ${l.image} does not fit a ${type} column`);
  if (l.type === 'null') return ok(null);
  switch (type) {
    case 'bool':
      if (l.type === 'bool') return ok(l.value);
      if (l.type === 'int') return ok(l.value !== 0);
      return bad();
    case 'smallint':
    case 'int':
      if (l.type === 'int') return ok(l.value);
      return bad();
    case 'bigint':
      if (l.type === 'int') return ok(BigInt(l.value));
      if (l.type === 'bigint') return ok(l.value);
      return bad();
    case 'float':
    case 'double':
      if (l.type === 'int' || l.type === 'float' || l.type === 'double') return ok(type === 'float' ? Math.fround(l.value) : l.value);
      return bad();
    case 'timestamp':
      if (l.type === 'int') return ok(l.value);
      if (l.type === 'bigint') return ok(Number(l.value));
      return bad();
    case 'date': {
      const m = l.type === 'string' ? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(l.value) : null;
      if (m === null) return bad();
      return ok(`${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`);
    }
    case 'string':
      if (l.type === 'string') return ok(l.value);
      return bad();
  }
}

function convertParam(v: Value, type: ColumnType): Value {
  if (v === null) return null;
  if (type === 'bigint' && typeof v === 'number') return BigInt(v);
  if ((type === 'timestamp' || type === 'int' || type === 'smallint') && typeof v === 'bigint') return Number(v);
  return v;
}

interface Deployment {
  readonly query: PreparedQuery;
  readonly plan: DeployPlan;
}

export class ScriptEngine {
  private memCatalog = new MemoryCatalog();
  private deployments = new Map<string, Deployment>();

  get catalog(): MemoryCatalog {
    return this.memCatalog;
  }

  /** The validated DEPLOY of a deployment (index changes already applied). */
  deployment(db: string, name: string): DeployPlan | undefined {
    return this.deployments.get(`${db}.${name}`)?.plan;
  }

  async reset(): Promise<Result<void>> {
    this.memCatalog = new MemoryCatalog();
    this.deployments = new Map();
    return ok(undefined);
  }

  async close(): Promise<void> {}

  async execute(db: string | undefined, sql: string, params?: readonly Value[]): Promise<Exec> {
    const parsed = parseStatement(sql);
    if (!parsed.ok) return parsed;
    const s = parsed.value;
    switch (s.kind) {
      case 'createDatabase':
        if (!this.catalog.createDatabase(s.name.name) && !s.ifNotExists) {
          return fail(Code.databaseAlreadyExists, `database '${s.name.name}' already exists`);
        }
        return { ok: true };
      case 'createTable': {
        const tdb = s.table.db?.name ?? db;
        if (tdb === undefined) return fail(Code.invalidParameter, 'no database selected');
        if (this.catalog.table(tdb, s.table.name.name) !== undefined && s.ifNotExists) return { ok: true };
        const schema = schemaOf(s);
        if (!schema.ok) return schema;
        const t = this.catalog.createTable(tdb, s.table.name.name, schema.value);
        return t.ok ? { ok: true } : t;
      }
      case 'insert':
        return this.insert(db, s, params ?? []);
      case 'queryStatement': {
        const q = prepare(s, this.catalog, { mode: 'batch', ...(db === undefined ? {} : { db }), paramTypes: (params ?? []).map(paramTypeOf) });
        if (!q.ok) return q;
        const r = await q.value.run(params ?? []);
        return r.ok ? { ok: true, columns: r.value.columns, rows: r.value.rows } : r;
      }
      case 'deploy': {
        if (db === undefined) return fail(Code.invalidParameter, 'please enter database first');
        if (this.deployments.has(`${db}.${s.name.name}`)) {
          return s.ifNotExists ? { ok: true } : fail(Code.invalidParameter, `deployment '${s.name.name}' already exists`);
        }
        const plan = planDeploy(s, this.catalog, { db });
        if (!plan.ok) return plan;
        for (const change of plan.value.indexChanges) {
          const t = this.catalog.table(change.db, change.table)!;
          const indexes = [...t.schema.indexes];
          if (change.kind === 'newIndex') indexes.push({ ...change.index, name: `INDEX_${indexes.length}_deploy` });
          else indexes[change.indexPos] = { ...indexes[change.indexPos]!, ttl: change.ttl };
          t.setIndexes(indexes);
        }
        const q = prepare(s.query, this.catalog, { mode: 'request', db });
        if (!q.ok) return q;
        this.deployments.set(`${db}.${s.name.name}`, { query: q.value, plan: plan.value });
        return { ok: true };
      }
      default:
        return fail(Code.cmdError, `statement '${s.kind}' is not supported by the test engine`);
    }
  }

  private insert(db: string | undefined, s: Insert, params: readonly Value[]): Exec {
    const tdb = s.table.db?.name ?? db;
    const table: MemoryTable | undefined = tdb === undefined ? undefined : this.catalog.table(tdb, s.table.name.name);
    if (table === undefined) return fail(Code.tableNotFound, `table '${s.table.name.name}' does not exist`);
    const columns = table.schema.columns;
    const targets =
      s.columns.length === 0 ? columns.map((_, i) => i) : s.columns.map((c) => columns.findIndex((d) => d.name.toLowerCase() === c.name.toLowerCase()));
    if (targets.some((t) => t < 0)) return fail(Code.invalidParameter, 'insert names an unknown column');
    for (const row of s.rows) {
      if (row.length !== targets.length) return fail(Code.invalidParameter, `insert has ${row.length} values for ${targets.length} columns`);
      const values: Value[] = columns.map((c) => c.defaultValue ?? null);
      for (const [i, e] of row.entries()) {
        const col = columns[targets[i]!]!;
        if (e.kind === 'param') {
          values[targets[i]!] = convertParam(params[e.index] ?? null, col.type);
          continue;
        }
        const l = literalOf(e);
        if (l === undefined) return fail(Code.invalidParameter, "insert value isn't const value or placeholder");
        const v = convertLiteral(l, col.type);
        if (!v.ok) return v;
        values[targets[i]!] = v.value;
      }
      const r = table.insert(values);
      if (!r.ok) return r;
    }
    return { ok: true };
  }

  async requestQuery(db: string, sql: string, row: readonly Value[]): Promise<Exec> {
    const q = prepare(sql, this.catalog, { mode: 'request', db });
    if (!q.ok) return q;
    const r = await q.value.runRequest(row);
    return r.ok ? { ok: true, columns: r.value.columns, rows: r.value.rows } : r;
  }

  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Exec> {
    const d = this.deployments.get(`${db}.${name}`);
    if (d === undefined) return fail(Code.invalidParameter, `deployment '${name}' does not exist in '${db}'`);
    const out: Value[][] = [];
    for (const row of rows) {
      const r = await d.query.runRequest(row);
      if (!r.ok) return r;
      out.push(...r.value.rows);
    }
    return { ok: true, columns: d.query.columns, rows: out };
  }
}
