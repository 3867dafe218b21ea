/**
 * Queries → plans: WITH, UNION, LIMIT and SELECT (FROM, WHERE, GROUP BY, HAVING, WINDOW, select
 * list). Mode-independent: what request mode additionally forbids is checked by request-rules.ts.
 */
import { Code } from '../../base/status.js';
import { isAggregateFunction, isScalarFunction } from '../functions/registry.js';
import {
  type Expr,
  type Query,
  type QueryBody,
  type Select,
  type SelectItem,
  type SourcePos,
  selectItemName,
  type WindowRef,
  type WindowSpec,
} from '../syntax/index.js';
import { isColumnType, sameType, typeName } from '../types.js';
import { convertTo, type ExprContext, ExprPlanner, type SlotSink } from './expr-planner.js';
import { conjuncts, planFrom } from './from-planner.js';
import { findIndex } from './index-match.js';
import type { CteDef, PlanEnv } from './plan-env.js';
import { abort } from './plan-error.js';
import type {
  ColumnExpr,
  FromPlan,
  IndexScan,
  OutputColumn,
  PlanExpr,
  ProjectionItem,
  QueryPlan,
  SelectPlan,
  SlotCall,
  UnionSource,
  WindowPlan,
} from './plan-types.js';
import { Scope } from './scope.js';
import { planWindow } from './window-planner.js';

export function planQuery(query: Query, env: PlanEnv): QueryPlan {
  let current = env;
  if (query.with.length > 0) {
    const ctes = new Map<string, CteDef>(env.ctes);
    for (const cte of query.with) {
      ctes.set(cte.name.name.toLowerCase(), { query: cte.query, env: current });
      current = { ...env, ctes: new Map(ctes) };
    }
  }
  const body = planBody(query.body, current);
  if (query.limit === undefined) return body;
  return { kind: 'limit', pos: query.limit.pos, input: body, limit: Number(query.limit.value), columns: body.columns };
}

function planBody(body: QueryBody, env: PlanEnv): QueryPlan {
  switch (body.kind) {
    case 'select':
      return planSelect(body, env);
    case 'query':
      return planQuery(body, env);
    case 'setOperation': {
      const left = planBody(body.left, env);
      const right = planBody(body.right, env);
      if (left.columns.length !== right.columns.length) {
        abort(body.pos, `UNION inputs have ${left.columns.length} and ${right.columns.length} columns`);
      }
      left.columns.forEach((c, i) => {
        const r = right.columns[i]!;
        if (!sameType(c.type, r.type)) {
          abort(body.pos, `UNION column ${i + 1} ('${c.name}') is ${typeName(c.type)} on the left and ${typeName(r.type)} on the right`, Code.sqlTypeError);
        }
      });
      return { kind: 'union', pos: body.pos, all: body.all, left, right, columns: left.columns };
    }
  }
}

/** True when `e` calls an aggregate outside any OVER (a GROUP BY / whole-table aggregate). */
function hasGroupAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      if (e.over !== undefined) return false;
      if (isAggregateFunction(e.name.name) && !isScalarFunction(e.name.name)) return true;
      return e.args.some(hasGroupAggregate);
    case 'unary':
      return hasGroupAggregate(e.operand);
    case 'binary':
      return hasGroupAggregate(e.left) || hasGroupAggregate(e.right);
    case 'is':
    case 'cast':
      return hasGroupAggregate(e.operand);
    case 'between':
      return [e.operand, e.low, e.high].some(hasGroupAggregate);
    case 'in':
      return [e.operand, ...e.list].some(hasGroupAggregate);
    case 'like':
      return [e.operand, e.pattern].some(hasGroupAggregate);
    case 'case':
      return [
        ...(e.operand === undefined ? [] : [e.operand]),
        ...e.whens.flatMap((w) => [w.when, w.result]),
        ...(e.elseResult === undefined ? [] : [e.elseResult]),
      ].some(hasGroupAggregate);
    case 'subscript':
      return hasGroupAggregate(e.operand) || hasGroupAggregate(e.index);
    default:
      return false;
  }
}

interface WindowDefState {
  readonly spec: WindowSpec;
  readonly name: string;
  index?: number;
}

class SelectPlanner {
  private readonly calls: SlotCall[] = [];
  private readonly windows: Omit<WindowPlan, 'calls'>[] = [];
  private readonly defs = new Map<string, WindowDefState>();
  private itemWindow: { window: number; pos: SourcePos } | undefined;
  private readonly planner: ExprPlanner;
  private readonly scope: Scope;

  constructor(
    private readonly select: Select,
    private readonly env: PlanEnv,
    private readonly from: FromPlan | undefined,
    scope: Scope,
  ) {
    this.scope = scope;
    const sink: SlotSink = {
      nextSlot: () => this.calls.length,
      addCall: (c) => {
        this.calls.push(c);
      },
      windowOf: (over) => this.windowOf(over),
      noteWindowUse: (window, pos) => this.noteWindowUse(window, pos),
    };
    this.planner = new ExprPlanner(scope, env.params, sink);
    for (const def of select.windows) {
      const key = def.name.name.toLowerCase();
      if (this.defs.has(key)) abort(def.pos, `window '${def.name.name}' is defined twice`);
      this.defs.set(key, { spec: def.spec, name: def.name.name });
    }
  }

  private windowOf(over: WindowRef | WindowSpec): number {
    if (over.kind === 'windowSpec') return this.addWindow(`(${this.windows.length})`, over);
    const def = this.defs.get(over.name.name.toLowerCase());
    if (def === undefined) abort(over.pos, `window '${over.name.name}' is not defined in the WINDOW clause`);
    def.index ??= this.addWindow(def.name, def.spec);
    return def.index;
  }

  private noteWindowUse(window: number, pos: SourcePos): void {
    const seen = this.itemWindow;
    if (seen === undefined) this.itemWindow = { window, pos };
    else if (seen.window !== window) {
      abort(pos, `one select item may use only one window; this one uses '${this.windows[seen.window]!.name}' and '${this.windows[window]!.name}'`);
    }
  }

  private addWindow(name: string, spec: WindowSpec): number {
    const rowCtx: ExprContext = { allowOver: false, inAggregateArgs: false, clause: `window '${name}'` };
    const planned = planWindow(name, spec, {
      planColumn: (e) => this.planner.plan(e, rowCtx),
      planUnion: (item) => this.planUnion(name, item),
    });
    this.windows.push(planned);
    return this.windows.length - 1;
  }

  private planUnion(window: string, item: WindowSpec['unions'][number]): UnionSource {
    const from = this.from;
    if (from === undefined || from.kind === 'join') {
      abort(item.pos, `WINDOW UNION in window '${window}' needs a FROM clause of one table or subquery`);
    }
    const input = this.scope.sources[0]!.columns;
    const planned = planFrom(item, this.env, 0);
    const columns: readonly OutputColumn[] = planned.sources[0]!.columns;
    const differs = (c: OutputColumn, i: number) => !sameType(c.type, input[i]!.type) || c.name.toLowerCase() !== input[i]!.name.toLowerCase();
    if (columns.length !== input.length || columns.some(differs)) {
      const show = (cs: readonly OutputColumn[]) => cs.map((c) => `${c.name} ${typeName(c.type)}`).join(', ');
      abort(item.pos, `a UNION source of window '${window}' must have the columns of the main input: (${show(input)}), got (${show(columns)})`);
    }
    return { pos: item.pos, from: planned.plan, columns };
  }

  plan(): SelectPlan {
    const s = this.select;
    for (const def of this.defs.values()) this.windowOf({ kind: 'windowRef', name: { kind: 'ident', name: def.name, quoted: false, pos: def.spec.pos }, pos: def.spec.pos });
    const grouped = s.groupBy.length > 0;
    const aggregates = s.items.some((i) => hasGroupAggregate(i.expr)) || (s.having !== undefined && hasGroupAggregate(s.having));
    const aggregation: SelectPlan['aggregation'] = grouped ? 'group' : aggregates ? 'whole' : 'none';
    const rowCtx = (clause: string): ExprContext => ({ allowOver: false, inAggregateArgs: false, clause });
    const selectCtx: ExprContext = {
      ...(aggregation === 'none' ? {} : { aggTarget: {} }),
      allowOver: true,
      inAggregateArgs: false,
      clause: 'the select list',
    };
    const items: ProjectionItem[] = [];
    for (const item of s.items) items.push(...this.planItem(item, selectCtx));
    const where = s.where === undefined ? undefined : this.planner.plan(s.where, rowCtx('WHERE'));
    const groupBy = s.groupBy.map((g) => {
      const e = this.planner.plan(g, rowCtx('GROUP BY'));
      if (e.kind !== 'column') abort(g.pos, 'GROUP BY takes plain columns');
      if (e.type === 'float' || e.type === 'double') abort(g.pos, `cannot GROUP BY column '${e.name}' of type ${e.type}`, Code.sqlTypeError);
      return e;
    });
    if (s.having !== undefined && aggregation === 'none') abort(s.having.pos, 'HAVING needs GROUP BY or aggregates');
    const having = s.having === undefined ? undefined : this.planner.plan(s.having, { ...selectCtx, allowOver: false, clause: 'HAVING' });
    if (aggregation === 'group') {
      const grouped = new Set(groupBy.map((g) => (g.kind === 'column' ? `${g.source}.${g.column}` : '')));
      const check = (e: PlanExpr, pos: SourcePos) => {
        for (const c of columnsOf(e)) {
          if (!grouped.has(`${c.source}.${c.column}`)) abort(pos, `column '${c.name}' must appear in GROUP BY or be used in an aggregate`);
        }
      };
      for (const item of items) check(item.expr, s.pos);
      if (having !== undefined && s.having !== undefined) check(having, s.having.pos);
    }
    if (aggregation !== 'none') {
      const windowed = this.calls.find((c) => c.window !== undefined);
      if (windowed !== undefined) abort(s.pos, 'a window function cannot be used together with GROUP BY or an aggregate over the whole input');
    }
    const windows: WindowPlan[] = this.windows.map((w, i) => ({ ...w, calls: this.calls.filter((c) => c.window === i) }));
    const indexScan = where === undefined ? undefined : findIndexScan(this.from, where);
    return {
      kind: 'select',
      pos: s.pos,
      ...(this.from === undefined ? {} : { from: this.from }),
      sourceCount: this.scope.sources.length,
      ...(where === undefined ? {} : { where }),
      ...(indexScan === undefined ? {} : { indexScan }),
      aggregation,
      groupBy,
      ...(having === undefined ? {} : { having }),
      windows,
      calls: this.calls,
      items,
      distinct: s.distinct,
      columns: items.map((i) => ({ name: i.name, type: i.type })),
    };
  }

  private planItem(item: SelectItem, ctx: ExprContext): ProjectionItem[] {
    if (item.expr.kind === 'star') {
      return this.scope.expandStar(item.expr).map((c) => ({ name: c.name, type: c.type, expr: c }));
    }
    this.itemWindow = undefined;
    const expr = this.planner.plan(item.expr, ctx);
    this.itemWindow = undefined;
    const name = selectItemName(item);
    let out: PlanExpr = expr;
    if (!isColumnType(expr.type)) {
      if (expr.type !== 'null') abort(item.pos, `select item '${name}' has type ${typeName(expr.type)}, which a query cannot output`, Code.sqlTypeError);
      out = convertTo(expr, 'bool', item.pos);
    }
    return [{ name, type: out.type, expr: out }];
  }
}

/** Column references of an expression outside aggregates (aggregates are slots). */
function columnsOf(e: PlanExpr): ColumnExpr[] {
  switch (e.kind) {
    case 'column':
      return [e];
    case 'call':
      return e.args.flatMap(columnsOf);
    case 'case':
      return [...e.whens.flatMap((w) => [...columnsOf(w.when), ...columnsOf(w.result)]), ...columnsOf(e.elseResult)];
    default:
      return [];
  }
}

/** WHERE conjuncts `column = constant` binding every key of an index of the single FROM table. */
function findIndexScan(from: FromPlan | undefined, where: PlanExpr): IndexScan | undefined {
  if (from === undefined || from.kind !== 'table') return undefined;
  const schema = from.table.schema;
  const bound = new Map<number, PlanExpr>();
  for (const c of conjuncts(where)) {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) continue;
    for (const [col, value] of [
      [c.args[0]!, c.args[1]!],
      [c.args[1]!, c.args[0]!],
    ] as const) {
      if (col.kind !== 'column' || (value.kind !== 'const' && value.kind !== 'param')) continue;
      if (value.kind === 'const' && value.value === null) continue;
      const type = schema.columns[col.column]!.type;
      if (bound.has(col.column)) continue;
      bound.set(col.column, convertTo(value, type, from.pos));
    }
  }
  const indexPos = findIndex(schema, new Set(bound.keys()));
  if (indexPos < 0) return undefined;
  const keyCols = schema.indexes[indexPos]!.keyColumns.map((k) => schema.columns.findIndex((c) => c.name.toLowerCase() === k.toLowerCase()));
  return { indexPos, keys: keyCols.map((k) => bound.get(k)!), keyTypes: keyCols.map((k) => schema.columns[k]!.type) };
}

export function planSelect(select: Select, env: PlanEnv): SelectPlan {
  const from = select.from === undefined ? undefined : planFrom(select.from, env, 0);
  const scope = new Scope(from?.sources ?? [], env.db);
  return new SelectPlanner(select, env, from?.plan, scope).plan();
}
