/**
 * The SQL engine's façade: prepare a query once (parse, plan, check the mode's rules, compile),
 * then run it many times, in batch mode (every output row) or request mode (one output row per
 * request row of the main table, sql.md §5.3). Tables are read through the `SqlCatalog` the
 * caller provides (plan/catalog.ts).
 *
 *   const q = prepare('SELECT c1, sum(c4) OVER w ...', catalog, { mode: 'request', db: 'demo' });
 *   if (q.ok) await q.value.runRequest(['aa', 20, 30n, ...]);
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { ColumnType, Value } from '../protocol/schema.js';
import { check, ExecAbort } from './exec/compiled.js';
import type { CompiledQuery } from './exec/compiled.js';
import { compileQuery } from './exec/query-exec.js';
import type { SqlCatalog, SqlTable } from './plan/catalog.js';
import type { ParamTypes } from './plan/expr-planner.js';
import { PlanAbort } from './plan/plan-error.js';
import type { QueryPlan } from './plan/plan-types.js';
import { analyzeRequest, checkBatchRules } from './plan/request-rules.js';
import { planQuery } from './plan/select-planner.js';
import { parseStatement, type Query, type QueryStatement } from './syntax/index.js';
import { isColumnType, type SqlType, type SqlValue } from './types.js';

export type EngineMode = 'batch' | 'request';

export interface PrepareOptions {
  readonly mode: EngineMode;
  /** The current database (for unqualified table names). */
  readonly db?: string;
  /** Types of the `?` parameters, in order. */
  readonly paramTypes?: ParamTypes;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: Value[][];
}

export interface PreparedQuery {
  readonly mode: EngineMode;
  readonly plan: QueryPlan;
  readonly columns: readonly ResultColumn[];
  /** The main table (request mode's input schema); undefined for a query without tables. */
  readonly mainTable: SqlTable | undefined;
  /** Batch mode: every output row. */
  run(params?: readonly Value[]): Promise<Result<QueryResult>>;
  /** Request mode: the output row for `row`, a row of the main table (not stored). */
  runRequest(row: readonly Value[], params?: readonly Value[]): Promise<Result<QueryResult>>;
}

/** The query of a statement text or tree, or a failure when it is not a query. */
export function queryOf(sql: string | Query | QueryStatement): Result<Query> {
  if (typeof sql !== 'string') return ok(sql.kind === 'query' ? sql : sql.query);
  const parsed = parseStatement(sql);
  if (!parsed.ok) return parsed;
  const statement = parsed.value;
  if (statement.kind === 'queryStatement') return ok(statement.query);
  if (statement.kind === 'deploy') return ok(statement.query);
  return fail(Code.sqlPlanError, `expected a query (SELECT or WITH), got a ${statement.kind} statement`);
}

/** Plans a query (no mode checks). */
export function planSql(query: Query, catalog: SqlCatalog, db: string | undefined, params: ParamTypes): Result<QueryPlan> {
  try {
    return ok(planQuery(query, { catalog, ...(db === undefined ? {} : { db }), params, ctes: new Map(), planQuery }));
  } catch (e) {
    if (e instanceof PlanAbort) return e.failure;
    throw e;
  }
}

/** The SQL type of a parameter value. */
export function paramTypeOf(v: Value): SqlType {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'bigint';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? 'int' : 'double';
    default:
      return 'null';
  }
}

function outputColumns(plan: QueryPlan): Result<ResultColumn[]> {
  const out: ResultColumn[] = [];
  for (const c of plan.columns) {
    if (!isColumnType(c.type)) return fail(Code.sqlTypeError, `column '${c.name}' has a type a query cannot output`);
    out.push({ name: c.name, type: c.type });
  }
  return ok(out);
}

async function guarded<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await run());
  } catch (e) {
    if (e instanceof ExecAbort) return e.failure;
    throw e;
  }
}

class Prepared implements PreparedQuery {
  constructor(
    readonly mode: EngineMode,
    readonly plan: QueryPlan,
    readonly columns: readonly ResultColumn[],
    private readonly compiled: CompiledQuery,
  ) {}

  get mainTable(): SqlTable | undefined {
    return this.compiled.mainTable;
  }

  run(params: readonly Value[] = []): Promise<Result<QueryResult>> {
    return guarded(async () => {
      const rows = await this.compiled.runBatch({ params });
      return { columns: this.columns, rows: rows as Value[][] };
    });
  }

  runRequest(row: readonly Value[], params: readonly Value[] = []): Promise<Result<QueryResult>> {
    return guarded(async () => {
      const table = this.compiled.mainTable;
      if (table === undefined) throw new ExecAbort(fail(Code.sqlPlanError, 'request mode needs a query over a table'));
      const encoded = table.codec.encode(row);
      if (!encoded.ok) {
        throw new ExecAbort(fail(Code.invalidParameter, `request row for table '${table.name}': ${encoded.message}`));
      }
      const out: SqlValue[] = await this.compiled.runRequest({ params }, { table, row: check(encoded) });
      return { columns: this.columns, rows: [out as Value[]] };
    });
  }
}

/** Parses (when given text), plans, checks the mode's rules and compiles a query. */
export function prepare(sql: string | Query | QueryStatement, catalog: SqlCatalog, options: PrepareOptions): Result<PreparedQuery> {
  const query = queryOf(sql);
  if (!query.ok) return query;
  const plan = planSql(query.value, catalog, options.db, options.paramTypes ?? []);
  if (!plan.ok) return plan;
  const batch = checkBatchRules(plan.value);
  if (!batch.ok) return batch;
  if (options.mode === 'request') {
    const analysis = analyzeRequest(plan.value);
    if (!analysis.ok) return analysis;
    const missing = analysis.value.requirements.find((r) => r.indexPos === undefined);
    if (missing !== undefined) return fail(Code.indexNotFound, `${missing.reason} needs ${missing.describe()}`);
  }
  const columns = outputColumns(plan.value);
  if (!columns.ok) return columns;
  return ok(new Prepared(options.mode, plan.value, columns.value, compileQuery(plan.value)));
}
