/**
 * Expressions: syntax tree → typed plan expressions, through the operator and function libraries.
 *
 * Where a call appears decides what it is:
 * - `f(...) OVER w`: f is resolved as an aggregate over window w (scalar functions are allowed
 *   too, `identity(case ... end) OVER w`); calls inside its arguments are over w as well;
 * - inside an aggregate's arguments, an aggregate call is a nested aggregate over the same window
 *   or group (its value is computed first, per output row);
 * - in the select list / HAVING of a GROUP BY or whole-table aggregation query, aggregate calls
 *   aggregate the group;
 * - anywhere else only scalar functions are allowed.
 * Aggregate and navigation calls become slots (`SlotExpr`) registered with the `SlotSink`.
 */
import { Code } from '../../base/status.js';
import { isAggregateFunction, resolveFunction } from '../functions/registry.js';
import {
  resolveBetween,
  resolveBinary,
  resolveCast,
  resolveIn,
  resolveIsNull,
  resolveLike,
  resolveRlike,
  resolveSubscript,
  resolveUnary,
} from '../operators/index.js';
import type { Call, DataType, Expr, Literal, WindowRef, WindowSpec } from '../syntax/index.js';
import { commonTypeOf, isPrimitive, mapOf, type SqlType, type SqlValue, typeName } from '../types.js';
import { abort, abortWith } from './plan-error.js';
import type { CallExpr, PlanExpr, SlotCall } from './plan-types.js';
import type { Scope } from './scope.js';

/** Where aggregates inside the expression aggregate: a window, or the group (`window` undefined). */
export interface AggTarget {
  readonly window?: number;
}

export interface ExprContext {
  /** Calls without OVER aggregate over this target (inside OVER, or in an aggregation query). */
  readonly aggTarget?: AggTarget;
  /** OVER is allowed here (select list, not nested in another window call). */
  readonly allowOver: boolean;
  /** Inside an aggregate's arguments (per member row). */
  readonly inAggregateArgs: boolean;
  /** Describes the clause for error messages, e.g. 'WHERE'. */
  readonly clause: string;
}

/** Receives the aggregate/navigation slots and resolves window references. */
export interface SlotSink {
  nextSlot(): number;
  addCall(call: SlotCall): void;
  /** Window index of `OVER w` / `OVER (...)`; aborts for an unknown name. */
  windowOf(over: WindowRef | WindowSpec): number;
  /** Called with the window index of every OVER met (for the one-window-per-item rule). */
  noteWindowUse(window: number, pos: Expr['pos']): void;
}

export type ParamTypes = readonly SqlType[];

function literalExpr(l: Literal): PlanExpr {
  switch (l.type) {
    case 'int':
      return { kind: 'const', type: 'int', value: l.value };
    case 'bigint':
      return { kind: 'const', type: 'bigint', value: l.value };
    case 'float':
      return { kind: 'const', type: 'float', value: Math.fround(l.value) };
    case 'double':
      return { kind: 'const', type: 'double', value: l.value };
    case 'string':
      return { kind: 'const', type: 'string', value: l.value };
    case 'bool':
      return { kind: 'const', type: 'bool', value: l.value };
    case 'null':
      return { kind: 'const', type: 'null', value: null };
  }
}

export function dataTypeOf(t: DataType): SqlType {
  return t.kind === 'scalarType' ? t.type : mapOf(dataTypeOf(t.key), dataTypeOf(t.value));
}

function call(name: string, type: SqlType, args: readonly PlanExpr[], evaluate: CallExpr['eval']): PlanExpr {
  return { kind: 'call', type, name, args, eval: evaluate };
}

/** Whether the expression reads any slot (a nested aggregate or navigation value). */
export function readsSlots(e: PlanExpr): boolean {
  switch (e.kind) {
    case 'slot':
      return true;
    case 'call':
      return e.args.some(readsSlots);
    case 'case':
      return e.whens.some((w) => readsSlots(w.when) || readsSlots(w.result)) || readsSlots(e.elseResult);
    default:
      return false;
  }
}

/** Source slots the expression reads columns of. */
export function sourcesOf(exprs: readonly PlanExpr[]): number[] {
  const out = new Set<number>();
  const walk = (e: PlanExpr): void => {
    switch (e.kind) {
      case 'column':
        out.add(e.source);
        return;
      case 'call':
        e.args.forEach(walk);
        return;
      case 'case':
        for (const w of e.whens) {
          walk(w.when);
          walk(w.result);
        }
        walk(e.elseResult);
        return;
      default:
        return;
    }
  };
  exprs.forEach(walk);
  return [...out].sort((a, b) => a - b);
}

/** Converts `e` to `to` (no-op when the types already agree). */
export function convertTo(e: PlanExpr, to: SqlType, pos: Expr['pos']): PlanExpr {
  if (typeName(e.type) === typeName(to)) return e;
  const conv = resolveCast(e.type, to);
  if (!conv.ok) abortWith(pos, conv);
  const f = conv.value;
  if (e.kind === 'const') return { kind: 'const', type: to, value: f(e.value) };
  return call(`cast<${typeName(to)}>`, to, [e], (a) => f(a[0]!));
}

export class ExprPlanner {
  constructor(
    private readonly scope: Scope,
    private readonly params: ParamTypes,
    private readonly sink: SlotSink,
  ) {}

  plan(e: Expr, ctx: ExprContext): PlanExpr {
    switch (e.kind) {
      case 'literal':
        return literalExpr(e);
      case 'param': {
        const type = this.params[e.index];
        if (type === undefined) abort(e.pos, `parameter ${e.index + 1} has no value (${this.params.length} given)`);
        return { kind: 'param', type, index: e.index };
      }
      case 'column':
        return this.scope.resolve(e);
      case 'star':
        return abort(e.pos, "'*' is only allowed as a select item or as the argument of count(*)");
      case 'unary': {
        const operand = this.plan(e.operand, ctx);
        if (e.op === '+') return operand;
        const r = resolveUnary(e.op, operand.type);
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call(e.op, r.value.type, [operand], (a) => f(a[0]!));
      }
      case 'binary': {
        const left = this.plan(e.left, ctx);
        const right = this.plan(e.right, ctx);
        const r = resolveBinary(e.op, left.type, right.type);
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call(e.op, r.value.type, [left, right], (a) => f(a[0]!, a[1]!));
      }
      case 'is': {
        const operand = this.plan(e.operand, ctx);
        if (e.test === 'NULL') {
          const r = resolveIsNull(operand.type, e.negated);
          return call('is null', r.type, [operand], (a) => r.eval(a[0]!));
        }
        if (operand.type !== 'bool' && operand.type !== 'null') {
          abort(e.pos, `IS ${e.test} needs a bool operand, got ${typeName(operand.type)}`, Code.sqlTypeError);
        }
        const want = e.test === 'TRUE';
        return call(`is ${e.test}`, 'bool', [operand], (a) => (a[0] === want) !== e.negated);
      }
      case 'between': {
        const v = this.plan(e.operand, ctx);
        const lo = this.plan(e.low, ctx);
        const hi = this.plan(e.high, ctx);
        const r = resolveBetween(v.type, lo.type, hi.type, e.negated);
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call('between', r.value.type, [v, lo, hi], (a) => f(a[0]!, a[1]!, a[2]!));
      }
      case 'in': {
        const v = this.plan(e.operand, ctx);
        const items = e.list.map((x) => this.plan(x, ctx));
        const r = resolveIn(
          v.type,
          items.map((i) => i.type),
          e.negated,
        );
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call('in', r.value.type, [v, ...items], (a) => f(a[0]!, a.slice(1)));
      }
      case 'like': {
        const v = this.plan(e.operand, ctx);
        const p = this.plan(e.pattern, ctx);
        if (e.op === 'RLIKE') {
          const r = resolveRlike(v.type, p.type, e.negated);
          if (!r.ok) abortWith(e.pos, r);
          const f = r.value.eval;
          return call('rlike', 'bool', [v, p], (a) => f(a[0]!, a[1]!));
        }
        let escapeChar: string | null | undefined;
        if (e.escape !== undefined) {
          const esc = this.plan(e.escape, ctx);
          if (esc.kind !== 'const' || (esc.type !== 'string' && esc.type !== 'null')) {
            abort(e.escape.pos, 'the ESCAPE of LIKE must be a constant string', Code.sqlTypeError);
          }
          escapeChar = esc.value as string | null;
        }
        const r = resolveLike(e.op, v.type, p.type, escapeChar, e.negated);
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call(e.op.toLowerCase(), 'bool', [v, p], (a) => f(a[0]!, a[1]!));
      }
      case 'cast': {
        const v = this.plan(e.operand, ctx);
        const to = dataTypeOf(e.type);
        const conv = resolveCast(v.type, to);
        if (!conv.ok) abortWith(e.pos, conv);
        const f = conv.value;
        if (v.kind === 'const') return { kind: 'const', type: to, value: f(v.value) };
        return call(`cast<${typeName(to)}>`, to, [v], (a) => f(a[0]!));
      }
      case 'case':
        return this.planCase(e, ctx);
      case 'call':
        return this.planCall(e, ctx);
      case 'subscript': {
        const container = this.plan(e.operand, ctx);
        const key = this.plan(e.index, ctx);
        const r = resolveSubscript(container.type, key.type);
        if (!r.ok) abortWith(e.pos, r);
        const f = r.value.eval;
        return call('[]', r.value.type, [container, key], (a) => f(a[0]!, a[1]!));
      }
    }
  }

  private planCase(e: Extract<Expr, { kind: 'case' }>, ctx: ExprContext): PlanExpr {
    const operand = e.operand === undefined ? undefined : this.plan(e.operand, ctx);
    const whens: { when: PlanExpr; result: PlanExpr }[] = [];
    for (const w of e.whens) {
      let cond = this.plan(w.when, ctx);
      if (operand !== undefined) {
        const eq = resolveBinary('=', operand.type, cond.type);
        if (!eq.ok) abortWith(w.pos, eq);
        const f = eq.value.eval;
        cond = call('=', 'bool', [operand, cond], (a) => f(a[0]!, a[1]!));
      } else if (!isPrimitive(cond.type)) {
        abort(w.when.pos, `a WHEN condition must be a value, got ${typeName(cond.type)}`, Code.sqlTypeError);
      }
      whens.push({ when: cond, result: this.plan(w.result, ctx) });
    }
    const elseResult: PlanExpr =
      e.elseResult === undefined ? { kind: 'const', type: 'null', value: null } : this.plan(e.elseResult, ctx);
    const common = commonTypeOf([...whens.map((w) => w.result.type), elseResult.type]);
    if (!common.ok) abortWith(e.pos, common);
    const type = common.value;
    return {
      kind: 'case',
      type,
      whens: whens.map((w) => ({ when: w.when, result: convertTo(w.result, type, e.pos) })),
      elseResult: convertTo(elseResult, type, e.pos),
    };
  }

  private planArgs(c: Call, ctx: ExprContext): PlanExpr[] {
    return c.args.map((a) => (a.kind === 'star' ? ({ kind: 'const', type: 'bool', value: true } as const) : this.plan(a, ctx)));
  }

  private planCall(c: Call, ctx: ExprContext): PlanExpr {
    const name = c.name.name;
    if (c.distinct) abort(c.pos, `${name}(DISTINCT ...) is not supported; use distinct_count`);
    if (c.over !== undefined) {
      if (!ctx.allowOver) abort(c.pos, `a window function (${name} ... OVER) is not allowed in ${ctx.clause}`);
      const window = this.sink.windowOf(c.over);
      this.sink.noteWindowUse(window, c.pos);
      return this.planAggregateContextCall(c, { window }, { ...ctx, allowOver: false, aggTarget: { window } });
    }
    if (ctx.aggTarget !== undefined) return this.planAggregateContextCall(c, ctx.aggTarget, ctx);
    const args = this.planArgs(c, ctx);
    const r = resolveFunction(
      name,
      args.map((a) => a.type),
      'scalar',
    );
    if (!r.ok) {
      if (isAggregateFunction(name)) {
        abort(c.pos, `aggregate function '${name}' is not allowed in ${ctx.clause} (use it with OVER or in a GROUP BY query)`);
      }
      abortWith(c.pos, r);
    }
    const fn = r.value;
    if (fn.kind !== 'scalar') abort(c.pos, `function '${name}' is not a scalar function`);
    return call(fn.name, fn.type, args, fn.eval);
  }

  /** A call whose aggregates aggregate over `target` (a window or the group). */
  private planAggregateContextCall(c: Call, target: AggTarget, ctx: ExprContext): PlanExpr {
    const name = c.name.name;
    const aggregateName = isAggregateFunction(name);
    const argCtx: ExprContext = aggregateName
      ? { aggTarget: target, allowOver: false, inAggregateArgs: true, clause: `the arguments of ${name}` }
      : ctx;
    const args = this.planArgs(c, argCtx);
    const r = resolveFunction(
      name,
      args.map((a) => a.type),
      'aggregate',
    );
    if (!r.ok) abortWith(c.pos, r);
    const fn = r.value;
    if (fn.kind === 'scalar') return call(fn.name, fn.type, args, fn.eval);
    const slot = this.sink.nextSlot();
    if (fn.kind === 'navigation') {
      if (target.window === undefined) abort(c.pos, `${name}() needs a window: call it with OVER`);
      const offset = args[1]!;
      if (readsSlots(offset)) abort(c.pos, `the offset of ${name}() cannot use an aggregate`);
      const constOffset = offset.kind === 'const' ? fn.offsetOf(offset.value) : undefined;
      this.sink.addCall({
        kind: 'navigation',
        slot,
        window: target.window,
        fn,
        value: args[0]!,
        offset,
        ...(constOffset === undefined ? {} : { constOffset }),
        sources: sourcesOf([args[0]!]),
      });
      return { kind: 'slot', type: fn.type, slot };
    }
    this.sink.addCall({
      kind: 'aggregate',
      slot,
      ...(target.window === undefined ? {} : { window: target.window }),
      fn,
      args,
      readsSlots: args.some(readsSlots),
      sources: sourcesOf(args),
    });
    return { kind: 'slot', type: fn.type, slot };
  }
}

/** The value of a constant expression (after planning), or undefined when it is not constant. */
export function constValue(e: PlanExpr): SqlValue | undefined {
  return e.kind === 'const' ? e.value : undefined;
}
