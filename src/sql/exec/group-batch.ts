/**
 * GROUP BY and whole-input aggregation (batch mode): one accumulator per aggregate per group,
 * fed every row of the group; groups come out in order of first appearance. A whole-input
 * aggregation has one group even when the input is empty. Column references outside aggregates
 * read the group's first row.
 */
import type { Accumulator } from '../functions/function-types.js';
import type { AggregateCall, PlanExpr } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { compileExpr } from './compile-expr.js';
import type { EvalCtx, Evaluator, Tuple } from './eval-context.js';
import { emptyTuple } from './eval-context.js';

interface Group {
  readonly first: Tuple;
  readonly accs: Accumulator[];
}

function groupKey(values: readonly SqlValue[]): string {
  return values.map((v) => (v === null ? 'N' : `${typeof v}:${String(v)}`)).join('\u0001');
}

export class GroupAggregator {
  private readonly keys: readonly Evaluator[];
  private readonly args: readonly (readonly Evaluator[])[];

  constructor(
    private readonly calls: readonly AggregateCall[],
    groupBy: readonly PlanExpr[],
    private readonly width: number,
  ) {
    this.keys = groupBy.map(compileExpr);
    this.args = calls.map((c) => c.args.map(compileExpr));
  }

  /** Calls `emit` with ctx bound to each group (rows = first row, slots = aggregate results). */
  run(ctx: EvalCtx, tuples: readonly Tuple[], whole: boolean, emit: () => void): void {
    const groups = new Map<string, Group>();
    const order: Group[] = [];
    const newGroup = (first: Tuple): Group => ({ first, accs: this.calls.map((c) => c.fn.create()) });
    if (whole) {
      const g = newGroup(emptyTuple(this.width));
      groups.set('', g);
      order.push(g);
    }
    for (const t of tuples) {
      ctx.rows = t;
      const key = whole ? '' : groupKey(this.keys.map((k) => k(ctx)));
      let g = groups.get(key);
      if (g === undefined) {
        g = newGroup(t);
        groups.set(key, g);
        order.push(g);
      } else if (whole && order.length === 1 && g.first.every((r) => r === null)) {
        g = { first: t, accs: g.accs };
        groups.set(key, g);
        order[0] = g;
      }
      for (let k = 0; k < this.calls.length; k++) {
        const args = this.args[k]!;
        const values = new Array<SqlValue>(args.length);
        for (let a = 0; a < args.length; a++) values[a] = args[a]!(ctx);
        g.accs[k]!.add(values);
      }
    }
    for (const g of order) {
      for (let k = 0; k < this.calls.length; k++) ctx.slots[this.calls[k]!.slot] = g.accs[k]!.result();
      ctx.rows = g.first;
      emit();
    }
  }
}
