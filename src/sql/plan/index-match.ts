/**
 * Finding the index that serves a lookup: the index whose key columns are all bound by
 * equalities, preferring one whose ts column is the wanted order column. Also traces a column of
 * a FROM item back to a table column through simple projections, so lookups reach the index of
 * the table under a `(SELECT c1, c2 FROM t)` subquery. Dropped indexes (DROP INDEX keeps their
 * positions) are never chosen.
 */
import type { IndexDef, TableSchema } from '../../protocol/schema.js';
import type { SqlTable } from './catalog.js';
import type { FromPlan, QueryPlan, SelectPlan, WindowPlan } from './plan-types.js';

export function columnPosition(schema: TableSchema, name: string): number {
  const lower = name.toLowerCase();
  return schema.columns.findIndex((c) => c.name.toLowerCase() === lower);
}

export function keyPositions(schema: TableSchema, index: IndexDef): number[] {
  return index.keyColumns.map((k) => columnPosition(schema, k));
}

export function tsPosition(schema: TableSchema, index: IndexDef): number | undefined {
  return index.tsColumn === undefined ? undefined : columnPosition(schema, index.tsColumn);
}

/**
 * The position of an index whose key columns are exactly covered by `bound` (table column
 * positions), preferring one ordered by `orderColumn` (undefined: prefer any). -1 if none.
 */
export function findIndex(schema: TableSchema, bound: ReadonlySet<number>, orderColumn?: number): number {
  let fallback = -1;
  for (const [i, index] of schema.indexes.entries()) {
    if (index.dropped === true) continue;
    const keys = keyPositions(schema, index);
    if (keys.some((k) => k < 0 || !bound.has(k))) continue;
    if (orderColumn === undefined || tsPosition(schema, index) === orderColumn) return i;
    if (fallback < 0) fallback = i;
  }
  return fallback;
}

/**
 * The index a window reads: its ts column is `orderColumn` (undefined: any ts, preferring none)
 * and its key columns are exactly the set `keys` (any order) or, failing that, a subset of them
 * (the other partition columns then filter the key's rows). -1 if none.
 */
export function findWindowIndex(schema: TableSchema, keys: readonly number[], orderColumn: number | undefined): number {
  const wanted = new Set(keys);
  let exactAnyTs = -1;
  let subset = -1;
  let subsetSize = 0;
  for (const [i, index] of schema.indexes.entries()) {
    if (index.dropped === true) continue;
    const own = keyPositions(schema, index);
    if (own.some((k) => !wanted.has(k))) continue;
    const ts = tsPosition(schema, index);
    if (orderColumn !== undefined && ts !== orderColumn) continue;
    if (own.length === wanted.size) {
      if (orderColumn !== undefined || ts === undefined) return i;
      if (exactAnyTs < 0) exactAnyTs = i;
      continue;
    }
    if (own.length > subsetSize) {
      subset = i;
      subsetSize = own.length;
    }
  }
  if (exactAnyTs >= 0) return exactAnyTs;
  return subset;
}

/** A table column reached from column `column` of a FROM item through simple projections. */
export interface BaseColumn {
  readonly table: SqlTable;
  readonly column: number;
}

/** The table a simple query reads (one table, plain projection, no aggregation or windows). */
export function simpleQueryTable(q: QueryPlan): SqlTable | undefined {
  if (q.kind !== 'select' || q.from === undefined || q.aggregation !== 'none' || q.windows.length > 0) return undefined;
  return baseTableOf(q.from);
}

function baseTableOf(from: FromPlan): SqlTable | undefined {
  if (from.kind === 'table') return from.table;
  if (from.kind === 'derived') return simpleQueryTable(from.query);
  return undefined;
}

/** Traces output column `column` of a query through plain column projections (no joins) to a table column. */
export function baseColumnOfQuery(q: QueryPlan, column: number): BaseColumn | undefined {
  if (q.kind !== 'select' || q.from === undefined || q.from.kind === 'join' || q.aggregation !== 'none') return undefined;
  if (q.windows.some((w) => w.calls.length > 0)) return undefined;
  const item = q.items[column];
  if (item === undefined || item.expr.kind !== 'column') return undefined;
  return baseColumnOf(q.from, item.expr.source, item.expr.column);
}

/** Traces column `column` of source slot `source` inside `from` to a table column. */
export function baseColumnOf(from: FromPlan, source: number, column: number): BaseColumn | undefined {
  switch (from.kind) {
    case 'table':
      return from.source === source ? { table: from.table, column } : undefined;
    case 'derived':
      return from.source === source ? baseColumnOfQuery(from.query, column) : undefined;
    case 'join':
      return source < from.rightFirst ? baseColumnOf(from.left, source, column) : baseColumnOf(from.right, source, column);
  }
}

/** For a FROM of one table, the index window `w` reads (its replay order), or -1. */
export function windowScanIndex(select: SelectPlan, w: WindowPlan | undefined): number {
  const from = select.from;
  if (from?.kind !== 'table' || w === undefined) return -1;
  const keys = w.partitionBy.map((p) => baseColumnOf(from, p.source, p.column)?.column ?? -1);
  const order = w.orderBy === undefined ? undefined : baseColumnOf(from, w.orderBy.source, w.orderBy.column)?.column;
  return findWindowIndex(from.table.schema, keys, order);
}

/**
 * The index a batch run reads the FROM's left-most table through in full (`scanAll`): for a FROM
 * of one table the index of the first window that computes something (so its rows come in that
 * window's replay order), else index 0.
 */
export function batchScanIndex(select: SelectPlan): number {
  return Math.max(
    0,
    windowScanIndex(
      select,
      select.windows.find((w) => w.calls.length > 0),
    ),
  );
}
