/**
 * Mode rules (sql.md §4.3) checked on a plan:
 * - both modes: a LAST JOIN with ORDER BY whose right side is a table (or a plain projection of
 *   one) must find its rows through an index, and a window cannot be partitioned over a
 *   subquery that has windows or aggregates of its own (the reference's online engine rejects
 *   both);
 * - request mode (and DEPLOY): one SELECT over a main table (the left-most), no WHERE / GROUP BY /
 *   HAVING / LIMIT / UNION / whole-input aggregates; every window and LAST JOIN needs an index,
 *   returned as requirements (existing index or not) with the TTL the query needs (§5.2).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Ttl } from '../../protocol/schema.js';
import type { SourcePos } from '../syntax/index.js';
import type { SqlTable } from './catalog.js';
import { readsSlots, sourcesOf } from './expr-planner.js';
import { conjuncts } from './from-planner.js';
import { baseColumnOf, type BaseColumn, findIndex, findWindowIndex, keyPositions, tsPosition } from './index-match.js';
import { abort, PlanAbort } from './plan-error.js';
import type { FromPlan, JoinSource, QueryPlan, SelectPlan, WindowPlan } from './plan-types.js';

export interface IndexRequirement {
  readonly table: SqlTable;
  /** Key columns (table positions), in the order the query names them. */
  readonly keyColumns: readonly number[];
  readonly tsColumn?: number;
  /** Retention the query needs from the index. */
  readonly ttl: Ttl;
  /** The existing index that serves it, if there is one. */
  readonly indexPos?: number;
  /** `window 'w1'` or `LAST JOIN of table 't2'`. */
  readonly reason: string;
  readonly pos: SourcePos;
  /** `an index of table 't' on (c1, c2) with ts c7`. */
  describe(): string;
}

export interface RequestAnalysis {
  readonly mainTable: SqlTable;
  readonly requirements: readonly IndexRequirement[];
}

const MS_PER_MINUTE = 60_000;

/** Retention a window frame needs (sql.md §5.2): ROWS → latest, ROWS_RANGE → absolute, MAXSIZE → both. */
export function windowTtl(w: WindowPlan): Ttl {
  const { unit, start } = w.frame;
  if (unit === 'rows') {
    if (start.kind === 'unbounded') return { type: 'latest', absMinutes: 0, latCount: 0 };
    const rows = start.open ? start.offset - 1 : start.offset;
    return { type: 'latest', absMinutes: 0, latCount: Math.max(1, rows) };
  }
  const minutes = start.kind === 'unbounded' ? 0 : Math.max(1, Math.ceil(start.offset / MS_PER_MINUTE));
  if (w.maxSize === undefined) return { type: 'absolute', absMinutes: minutes, latCount: 0 };
  if (minutes === 0) return { type: 'latest', absMinutes: 0, latCount: w.maxSize };
  return { type: 'absandlat', absMinutes: minutes, latCount: w.maxSize };
}

const LAST_JOIN_TTL: Ttl = { type: 'latest', absMinutes: 0, latCount: 1 };

function requirement(
  table: SqlTable,
  keyColumns: readonly number[],
  tsColumn: number | undefined,
  ttl: Ttl,
  indexPos: number | undefined,
  reason: string,
  pos: SourcePos,
): IndexRequirement {
  const columns = table.schema.columns;
  return {
    table,
    keyColumns,
    ...(tsColumn === undefined ? {} : { tsColumn }),
    ttl,
    ...(indexPos === undefined || indexPos < 0 ? {} : { indexPos }),
    reason,
    pos,
    describe: () => {
      const keys = keyColumns.map((k) => columns[k]!.name).join(', ');
      const ts = tsColumn === undefined ? '' : ` with ts ${columns[tsColumn]!.name}`;
      return `an index of table '${table.name}' on (${keys})${ts}`;
    },
  };
}

function walkJoins(from: FromPlan | undefined, visit: (j: JoinSource) => void): void {
  if (from === undefined) return;
  if (from.kind === 'join') {
    walkJoins(from.left, visit);
    walkJoins(from.right, visit);
    visit(from);
  } else if (from.kind === 'derived') {
    walkQueries(from.query, (s) => walkJoins(s.from, visit));
  }
}

function walkQueries(q: QueryPlan, visit: (s: SelectPlan) => void): void {
  if (q.kind === 'select') visit(q);
  else if (q.kind === 'limit') walkQueries(q.input, visit);
  else {
    walkQueries(q.left, visit);
    walkQueries(q.right, visit);
  }
}

/** The FROM item that holds source slot `slot`. */
function sourceItem(from: FromPlan, slot: number): FromPlan | undefined {
  if (from.kind !== 'join') return from.source === slot ? from : undefined;
  return slot < from.rightFirst ? sourceItem(from.left, slot) : sourceItem(from.right, slot);
}

export function checkBatchRules(plan: QueryPlan): Result<void> {
  let problem: Result<void> = ok(undefined);
  walkQueries(plan, (s) => {
    for (const w of s.windows) {
      if (!problem.ok || w.calls.length === 0 || s.from === undefined) continue;
      for (const p of w.partitionBy) {
        const item = sourceItem(s.from, p.source);
        if (item?.kind === 'derived' && (hasWindows(item.query) || (item.query.kind === 'select' && item.query.aggregation !== 'none'))) {
          problem = fail(
            Code.sqlPlanError,
            `window '${w.name}' is over a subquery that has windows or aggregates itself, which is not supported online [at ${w.pos.line}:${w.pos.column}]`,
          );
        }
      }
    }
    walkJoins(s.from, (j) => {
      if (problem.ok && j.orderBy !== undefined && j.lookup === undefined && plainTableOf(j.right) !== undefined) {
        problem = fail(
          Code.sqlPlanError,
          `LAST JOIN ... ORDER BY ${j.orderBy.name} needs an index of the right side on the join key [at ${j.pos.line}:${j.pos.column}]`,
        );
      }
    });
  });
  return problem;
}

/** Bound right-side columns of a join's ON clause: table column → true. */
function joinBinding(j: JoinSource): { table: SqlTable; columns: number[] } | undefined {
  let table: SqlTable | undefined;
  const columns: number[] = [];
  for (const c of conjuncts(j.on)) {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) continue;
    for (const [r, l] of [
      [c.args[0]!, c.args[1]!],
      [c.args[1]!, c.args[0]!],
    ] as const) {
      if (r.kind !== 'column' || r.source < j.rightFirst) continue;
      if (readsSlots(l) || sourcesOf([l]).some((s) => s >= j.rightFirst)) continue;
      const base = baseColumnOf(j.right, r.source, r.column);
      if (base === undefined || (table !== undefined && base.table !== table)) continue;
      table = base.table;
      if (!columns.includes(base.column)) columns.push(base.column);
    }
  }
  return table === undefined ? undefined : { table, columns };
}

class RequestAnalyzer {
  readonly requirements: IndexRequirement[] = [];

  query(q: QueryPlan): SqlTable {
    if (q.kind === 'limit') abort(q.pos, 'LIMIT is not supported in request mode');
    if (q.kind === 'union') abort(q.pos, 'UNION is not supported in request mode');
    return this.select(q);
  }

  private select(s: SelectPlan): SqlTable {
    if (s.from === undefined) abort(s.pos, 'request mode needs a query over a table (no FROM clause)');
    if (s.where !== undefined) abort(s.pos, 'WHERE is not supported in request mode (use the *_where aggregates)');
    if (s.aggregation === 'group') abort(s.pos, 'GROUP BY is not supported in request mode');
    if (s.aggregation === 'whole') abort(s.pos, 'an aggregate over the whole table is not supported in request mode (use a window)');
    const main = this.from(s.from);
    for (const w of s.windows) {
      if (w.calls.length === 0) continue;
      this.window(w, s.from, main);
    }
    return main;
  }

  private from(f: FromPlan): SqlTable {
    switch (f.kind) {
      case 'table':
        return f.table;
      case 'derived':
        return this.query(f.query);
      case 'join': {
        const main = this.from(f.left);
        this.join(f, main);
        return main;
      }
    }
  }

  private join(j: JoinSource, main: SqlTable): void {
    const right = j.right;
    if (right.kind === 'derived' && requestTableOf(right.query) === main && hasWindows(right.query)) {
      this.query(right.query);
      return;
    }
    if (right.kind === 'join') abort(j.pos, 'the right side of a LAST JOIN cannot be a join in request mode');
    if (right.kind === 'derived') this.rightSubquery(right.query, j.pos);
    const binding = joinBinding(j);
    if (binding === undefined) {
      abort(j.pos, 'LAST JOIN in request mode needs an equality between a left value and a key column of the right table');
    }
    const { table } = binding;
    const order = j.orderBy === undefined ? undefined : baseColumnOf(j.right, j.orderBy.source, j.orderBy.column);
    if (j.orderBy !== undefined && order?.table !== table) {
      abort(j.pos, 'the ORDER BY of a LAST JOIN must be a column of the right table in request mode');
    }
    const reason = `LAST JOIN of table '${table.name}'`;
    if (j.lookup?.orderedByIndex) {
      const index = table.schema.indexes[j.lookup.indexPos]!;
      const ts = tsPosition(table.schema, index);
      this.requirements.push(requirement(table, keyPositions(table.schema, index), ts, LAST_JOIN_TTL, j.lookup.indexPos, reason, j.pos));
      return;
    }
    const indexPos = findIndex(table.schema, new Set(binding.columns), order?.column ?? -2);
    const usable = indexPos >= 0 && (order === undefined || tsPosition(table.schema, table.schema.indexes[indexPos]!) === order.column);
    this.requirements.push(requirement(table, binding.columns, order?.column, LAST_JOIN_TTL, usable ? indexPos : undefined, reason, j.pos));
  }

  /** A LAST JOIN's right subquery: a plain projection (WHERE allowed) of one table. */
  private rightSubquery(q: QueryPlan, pos: SourcePos): void {
    if (q.kind !== 'select' || q.from === undefined || q.aggregation !== 'none' || q.windows.some((w) => w.calls.length > 0)) {
      abort(pos, 'the right side of a LAST JOIN in request mode must be a table or a plain projection of one');
    }
    if (q.from.kind === 'join') abort(pos, 'the right side of a LAST JOIN in request mode cannot contain a join');
    if (q.from.kind === 'derived') this.rightSubquery(q.from.query, pos);
  }

  private window(w: WindowPlan, from: FromPlan, main: SqlTable): void {
    const reason = `window '${w.name}'`;
    // With INSTANCE_NOT_IN_WINDOW no stored row of the main table is read.
    if (!w.instanceNotInWindow) this.windowSource(w, reason, main, (c) => baseColumnOf(from, c.source, c.column));
    w.unions.forEach((u, j) => {
      const sourceMain = fromTable(u.from);
      if (sourceMain === undefined) abort(u.pos, `a UNION source of ${reason} must be a table or a plain projection of one in request mode`);
      this.windowSource(w, `${reason} (UNION source ${j + 1})`, sourceMain, (c) => baseColumnOf(u.from, 0, c.column));
    });
  }

  private windowSource(
    w: WindowPlan,
    reason: string,
    table: SqlTable,
    base: (c: { source: number; column: number }) => BaseColumn | undefined,
  ): void {
    const keys = w.partitionBy.map((p) => {
      const b = base(p);
      if (b === undefined || b.table !== table) abort(w.pos, `${reason}: PARTITION BY '${p.name}' must be a column of table '${table.name}' in request mode`);
      return b.column;
    });
    let ts: number | undefined;
    if (w.orderBy !== undefined) {
      const b = base(w.orderBy);
      if (b === undefined || b.table !== table) abort(w.pos, `${reason}: ORDER BY '${w.orderBy.name}' must be a column of table '${table.name}' in request mode`);
      ts = b.column;
    }
    const indexPos = findWindowIndex(table.schema, keys, ts);
    this.requirements.push(requirement(table, keys, ts, windowTtl(w), indexPos, reason, w.pos));
  }
}

/** The table under a FROM item that is a table or plain projections of one. */
function plainTableOf(f: FromPlan): SqlTable | undefined {
  if (f.kind === 'table') return f.table;
  if (f.kind === 'join') return undefined;
  const q = f.query;
  if (q.kind !== 'select' || q.from === undefined || q.aggregation !== 'none' || q.windows.some((w) => w.calls.length > 0)) return undefined;
  return plainTableOf(q.from);
}

function hasWindows(q: QueryPlan): boolean {
  return q.kind === 'select' && q.windows.some((w) => w.calls.length > 0);
}

function fromTable(f: FromPlan): SqlTable | undefined {
  if (f.kind === 'table') return f.table;
  if (f.kind === 'derived') return requestTableOf(f.query);
  return undefined;
}

/** The left-most table of a query. */
export function requestTableOf(q: QueryPlan): SqlTable | undefined {
  if (q.kind === 'limit') return requestTableOf(q.input);
  if (q.kind === 'union') return requestTableOf(q.left);
  let f = q.from;
  while (f !== undefined && f.kind === 'join') f = f.left;
  if (f === undefined) return undefined;
  return f.kind === 'table' ? f.table : requestTableOf(f.query);
}

export function analyzeRequest(plan: QueryPlan): Result<RequestAnalysis> {
  const analyzer = new RequestAnalyzer();
  try {
    const mainTable = analyzer.query(plan);
    return ok({ mainTable, requirements: analyzer.requirements });
  } catch (e) {
    if (e instanceof PlanAbort) return e.failure;
    throw e;
  }
}
