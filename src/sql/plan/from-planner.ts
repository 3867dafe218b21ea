/**
 * FROM items → relation plans: tables (or CTEs), subqueries, and joins. Source slots are numbered
 * left to right from `firstSource`. A LAST JOIN gets an index lookup when its ON clause binds
 * every key column of an index of the right table with an equality to the left side or a
 * constant (sql.md §4.5); the rest of ON stays a filter on the candidates.
 */
import { Code } from '../../base/status.js';
import { isColumnType, typeName } from '../types.js';
import type { FromItem, Join, ObjectName, SubqueryRef, TableRef } from '../syntax/index.js';
import { convertTo, ExprPlanner, readsSlots, sourcesOf } from './expr-planner.js';
import { baseColumnOf, findIndex, keyPositions, tsPosition } from './index-match.js';
import type { PlanEnv } from './plan-env.js';
import { abort } from './plan-error.js';
import type { ColumnExpr, FromPlan, JoinLookup, PlanExpr, QueryPlan } from './plan-types.js';
import { Scope, type ScopeSource } from './scope.js';

export interface PlannedFrom {
  readonly plan: FromPlan;
  readonly sources: readonly ScopeSource[];
  /** First slot after this item. */
  readonly nextSource: number;
}

const JOIN_ORDER_TYPES = new Set(['smallint', 'int', 'bigint', 'timestamp']);

function noSlots(): never {
  throw new Error('unreachable: aggregates are rejected before slots are requested');
}

/** An ExprPlanner for clauses where aggregates and windows are not allowed. */
export function rowPlanner(scope: Scope, env: PlanEnv): ExprPlanner {
  return new ExprPlanner(scope, env.params, {
    nextSlot: noSlots,
    addCall: noSlots,
    windowOf: noSlots,
    noteWindowUse: noSlots,
  });
}

export function planFrom(item: FromItem, env: PlanEnv, firstSource: number): PlannedFrom {
  switch (item.kind) {
    case 'tableRef':
      return planTableRef(item, env, firstSource);
    case 'subqueryRef':
      return planSubquery(item, env, firstSource);
    case 'join':
      return planJoin(item, env, firstSource);
  }
}

function objectText(name: ObjectName): string {
  return name.db === undefined ? name.name.name : `${name.db.name}.${name.name.name}`;
}

function planTableRef(item: TableRef, env: PlanEnv, source: number): PlannedFrom {
  const name = item.name;
  if (name.db === undefined) {
    const cte = env.ctes.get(name.name.name.toLowerCase());
    if (cte !== undefined) {
      const query = cte.env.planQuery(cte.query, cte.env);
      const qualifier = item.alias?.name ?? name.name.name;
      return {
        plan: { kind: 'derived', pos: item.pos, source, query, alias: qualifier },
        sources: [{ source, qualifier, ...(env.db === undefined ? {} : { db: env.db }), columns: query.columns }],
        nextSource: source + 1,
      };
    }
  }
  const db = name.db?.name ?? env.db;
  if (db === undefined) abort(item.pos, `table '${objectText(name)}' needs a database: none is selected (USE db)`);
  const table = env.catalog.table(db, name.name.name);
  if (table === undefined) {
    if (env.catalog.hasDatabase !== undefined && !env.catalog.hasDatabase(db)) {
      abort(item.pos, `database '${db}' does not exist (table '${objectText(name)}')`, Code.databaseNotFound);
    }
    abort(item.pos, `table '${name.name.name}' does not exist in database '${db}'`, Code.tableNotFound);
  }
  const qualifier = item.alias?.name ?? name.name.name;
  return {
    plan: { kind: 'table', pos: item.pos, source, table, alias: qualifier },
    sources: [{ source, qualifier, db: item.alias === undefined ? table.db : (env.db ?? table.db), columns: table.schema.columns }],
    nextSource: source + 1,
  };
}

/** An unaliased `(SELECT ... FROM t)` can be named by its table, as the reference allows. */
function innerTableName(q: QueryPlan): string | undefined {
  if (q.kind !== 'select' || q.from === undefined) return undefined;
  if (q.from.kind === 'table') return q.from.alias;
  if (q.from.kind === 'derived') return q.from.alias ?? innerTableName(q.from.query);
  return undefined;
}

function planSubquery(item: SubqueryRef, env: PlanEnv, source: number): PlannedFrom {
  const query = env.planQuery(item.query, env);
  const alias = item.alias?.name ?? innerTableName(query);
  return {
    plan: { kind: 'derived', pos: item.pos, source, query, ...(alias === undefined ? {} : { alias }) },
    sources: [{ source, ...(alias === undefined ? {} : { qualifier: alias }), ...(env.db === undefined ? {} : { db: env.db }), columns: query.columns }],
    nextSource: source + 1,
  };
}

/** Splits a planned condition at its top-level ANDs. */
export function conjuncts(e: PlanExpr): PlanExpr[] {
  if (e.kind === 'call' && e.name === 'AND') return e.args.flatMap(conjuncts);
  return [e];
}

function planJoin(item: Join, env: PlanEnv, firstSource: number): PlannedFrom {
  if (item.type === 'LEFT') abort(item.pos, 'LEFT JOIN is not supported online; use LAST JOIN');
  const left = planFrom(item.left, env, firstSource);
  const right = planFrom(item.right, env, left.nextSource);
  const sources = [...left.sources, ...right.sources];
  const scope = new Scope(sources, env.db);
  const planner = rowPlanner(scope, env);
  const ctx = { allowOver: false, inAggregateArgs: false, clause: 'the ON clause of a JOIN' };
  const on = planner.plan(item.on, ctx);
  const rightFirst = left.nextSource;
  const rightCount = right.nextSource - rightFirst;
  let orderBy: ColumnExpr | undefined;
  if (item.orderBy.length > 1) abort(item.orderBy[1]!.pos, 'LAST JOIN takes one ORDER BY column');
  const orderAst = item.orderBy[0];
  if (orderAst !== undefined) {
    const e = planner.plan(orderAst, ctx);
    if (e.kind !== 'column' || e.source < rightFirst) abort(orderAst.pos, 'the ORDER BY of a LAST JOIN must be a column of the right side');
    if (!JOIN_ORDER_TYPES.has(typeName(e.type))) {
      abort(orderAst.pos, `LAST JOIN cannot be ordered by '${e.name}' of type ${typeName(e.type)}`, Code.sqlTypeError);
    }
    orderBy = e;
  }
  const lookup = findLookup(right.plan, rightFirst, on, orderBy);
  return {
    plan: {
      kind: 'join',
      pos: item.pos,
      type: item.type,
      left: left.plan,
      right: right.plan,
      rightFirst,
      rightCount,
      on,
      ...(orderBy === undefined ? {} : { orderBy }),
      ...(lookup === undefined ? {} : { lookup }),
    },
    sources,
    nextSource: right.nextSource,
  };
}

/** The index lookup serving `on`, when the right side is one table (or a projection of one). */
function findLookup(right: FromPlan, rightFirst: number, on: PlanExpr, orderBy: ColumnExpr | undefined): JoinLookup | undefined {
  if (right.kind === 'join') return undefined;
  const bound = new Map<number, PlanExpr>();
  const boundBy = new Map<number, PlanExpr>();
  const all = conjuncts(on);
  let table: JoinLookup['table'] | undefined;
  for (const c of all) {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) continue;
    for (const [r, l] of [
      [c.args[0]!, c.args[1]!],
      [c.args[1]!, c.args[0]!],
    ] as const) {
      if (r.kind !== 'column' || r.source !== rightFirst) continue;
      if (readsSlots(l) || sourcesOf([l]).some((s) => s >= rightFirst)) continue;
      const base = baseColumnOf(right, r.source, r.column);
      if (base === undefined || (table !== undefined && base.table !== table)) continue;
      const type = base.table.schema.columns[base.column]!.type;
      if (!isColumnType(l.type) && l.type !== 'null') continue;
      table = base.table;
      if (!bound.has(base.column)) {
        bound.set(base.column, convertTo(l, type, right.pos));
        boundBy.set(base.column, c);
      }
    }
  }
  if (table === undefined) return undefined;
  const orderBase = orderBy === undefined ? undefined : baseColumnOf(right, orderBy.source, orderBy.column);
  const orderColumn = orderBase !== undefined && orderBase.table === table ? orderBase.column : undefined;
  const indexPos = findIndex(table.schema, new Set(bound.keys()), orderBy === undefined ? undefined : (orderColumn ?? -2));
  if (indexPos < 0) return undefined;
  const index = table.schema.indexes[indexPos]!;
  const keyCols = keyPositions(table.schema, index);
  const tsCol = tsPosition(table.schema, index);
  const used = new Set(keyCols.map((k) => boundBy.get(k)!));
  return {
    indexPos,
    keys: keyCols.map((k) => bound.get(k)!),
    keyTypes: keyCols.map((k) => table.schema.columns[k]!.type),
    table,
    orderedByIndex: orderBy === undefined || (orderColumn !== undefined && tsCol === orderColumn),
    residual: all.filter((c) => !used.has(c)),
  };
}
