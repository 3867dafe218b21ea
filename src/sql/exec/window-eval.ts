/**
 * Computes the slots of one window (aggregates and lag/at) for a current row, given the window
 * members ordered before it (ascending; the nearest last). Aggregates receive their rows newest
 * first, the current row first (function-types.ts).
 *
 * Request mode computes each aggregate afresh. Batch mode walks a partition's rows in order and
 * keeps one accumulator per aggregate between rows: a `removable`, order-insensitive aggregate
 * slides (rows entering the frame are added, rows leaving removed), an order-insensitive one
 * grows while the frame start stays put, the rest are recomputed per row.
 */
import type { Accumulator } from '../functions/function-types.js';
import type { RowAccess } from '../plan/catalog.js';
import type { AggregateCall, NavigationCall, WindowPlan } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { compileExpr } from './compile-expr.js';
import type { EvalCtx, Evaluator, Tuple } from './eval-context.js';
import { computeFrame, type FrameRange } from './frame.js';

export interface Member {
  readonly tuple: Tuple;
  /** Order key (the ORDER BY column, or the insertion rank when there is none). */
  readonly key: number;
  /** Codec of slot 0 when the row comes from a UNION table (otherwise the slot's own codec). */
  readonly codec?: RowAccess;
}

type Strategy = 'slide' | 'grow' | 'fresh';

interface CompiledAggregate {
  readonly kind: 'aggregate';
  readonly call: AggregateCall;
  readonly args: readonly Evaluator[];
  readonly strategy: Strategy;
}

interface CompiledNavigation {
  readonly kind: 'navigation';
  readonly call: NavigationCall;
  readonly value: Evaluator;
  readonly offset: Evaluator;
}

/** Accumulator of one aggregate across the rows of a partition (batch mode). */
interface AggState {
  acc: Accumulator | undefined;
  lo: number;
  hi: number;
}

export type PartitionState = AggState[];

/**
 * Aggregates fed together in one walk over the frame. A column several of them read directly
 * (sum(c), count(c), max(c)) is decoded once per row.
 */
class FeedPass {
  private readonly columns: Evaluator[] = [];
  /** Per aggregate, per argument: an index into the shared column values, or an evaluator. */
  private readonly refs: (number | Evaluator)[][];
  private readonly values: SqlValue[];

  constructor(readonly aggregates: readonly CompiledAggregate[]) {
    const byColumn = new Map<string, number>();
    this.refs = aggregates.map((a) =>
      a.call.args.map((arg, i) => {
        if (arg.kind !== 'column') return a.args[i]!;
        const key = `${arg.source}.${arg.column}`;
        let at = byColumn.get(key);
        if (at === undefined) {
          at = this.columns.length;
          byColumn.set(key, at);
          this.columns.push(a.args[i]!);
        }
        return at;
      }),
    );
    this.values = new Array<SqlValue>(this.columns.length).fill(null);
  }

  /** Adds the row bound in `ctx` to every accumulator. */
  feed(ctx: EvalCtx, accs: readonly Accumulator[]): void {
    const values = this.values;
    for (let c = 0; c < this.columns.length; c++) values[c] = this.columns[c]!(ctx);
    for (let k = 0; k < accs.length; k++) {
      const refs = this.refs[k]!;
      const args = new Array<SqlValue>(refs.length);
      for (let i = 0; i < refs.length; i++) {
        const r = refs[i]!;
        args[i] = typeof r === 'number' ? values[r]! : r(ctx);
      }
      accs[k]!.add(args);
    }
  }
}

export class WindowEvaluator {
  readonly aggregates: readonly CompiledAggregate[];
  readonly navigations: readonly CompiledNavigation[];
  /** Request mode's feeding passes over the frame. */
  private readonly passes: readonly FeedPass[];
  private readonly baseCodec: RowAccess | undefined;

  constructor(
    readonly plan: WindowPlan,
    baseCodec: RowAccess | undefined,
  ) {
    this.baseCodec = baseCodec;
    const aggregates: CompiledAggregate[] = [];
    const navigations: CompiledNavigation[] = [];
    for (const call of plan.calls) {
      if (call.kind === 'navigation') {
        navigations.push({ kind: 'navigation', call, value: compileExpr(call.value), offset: compileExpr(call.offset) });
      } else {
        const fn = call.fn;
        const strategy: Strategy =
          fn.orderSensitive || call.readsSlots ? 'fresh' : fn.removable ? 'slide' : 'grow';
        aggregates.push({ kind: 'aggregate', call, args: call.args.map(compileExpr), strategy });
      }
    }
    this.aggregates = aggregates;
    this.navigations = navigations;
    // Aggregates reading no slot share one pass; the others follow one by one, in slot order.
    const independent = aggregates.filter((a) => !a.call.readsSlots);
    this.passes = [independent, ...aggregates.filter((a) => a.call.readsSlots).map((a) => [a])]
      .filter((g) => g.length > 0)
      .map((g) => new FeedPass(g));
  }

  /** The largest constant lag/at offset (request mode fetches that many rows back), or undefined if one is not constant. */
  maxNavigationOffset(): number | undefined {
    let max = 0;
    for (const n of this.navigations) {
      if (n.call.constOffset === undefined) return undefined;
      max = Math.max(max, n.call.constOffset);
    }
    return max;
  }

  baseCodecOf(): RowAccess | undefined {
    return this.baseCodec;
  }

  private bind(ctx: EvalCtx, m: Member): void {
    ctx.rows = m.tuple;
    ctx.codecs[0] = m.codec ?? this.baseCodec;
  }

  private argsOf(ctx: EvalCtx, a: CompiledAggregate): SqlValue[] {
    const out = new Array<SqlValue>(a.args.length);
    for (let i = 0; i < a.args.length; i++) out[i] = a.args[i]!(ctx);
    return out;
  }

  private frameOf(members: readonly Member[], h: number, kc: number): FrameRange {
    return computeFrame(this.plan, (i) => members[i]!.key, h, kc);
  }

  /**
   * Request mode: computes every slot afresh. `frameMembers[0..)` is the history the frame is
   * taken from, `navMembers` the history lag/at read (often the same list).
   */
  evaluateOnce(ctx: EvalCtx, current: Member, frameMembers: readonly Member[], navMembers: readonly Member[]): void {
    // lag/at first: an aggregate's arguments may read them (count_where(x, c = lag(c, 0))).
    const navTop = this.plan.excludeCurrentTime ? this.frameOf(navMembers, navMembers.length, current.key).top : navMembers.length;
    this.navigate(ctx, current, navMembers, navTop);
    if (this.aggregates.length === 0) return;
    const range = this.frameOf(frameMembers, frameMembers.length, current.key);
    for (const pass of this.passes) {
      const group = pass.aggregates;
      const accs = group.map((a) => a.call.fn.create());
      if (range.withCurrent) {
        this.bind(ctx, current);
        pass.feed(ctx, accs);
      }
      for (let j = range.hi - 1; j >= range.lo; j--) {
        this.bind(ctx, frameMembers[j]!);
        pass.feed(ctx, accs);
      }
      for (let k = 0; k < accs.length; k++) ctx.slots[group[k]!.call.slot] = accs[k]!.result();
    }
  }

  private navigate(ctx: EvalCtx, current: Member, members: readonly Member[], h: number): void {
    for (const n of this.navigations) {
      this.bind(ctx, current);
      const k = n.call.fn.offsetOf(n.offset(ctx));
      let value: SqlValue = null;
      if (k !== undefined && Number.isInteger(k)) {
        const target = k === 0 ? current : members[h - k];
        if (target !== undefined) {
          this.bind(ctx, target);
          value = n.value(ctx);
        }
      }
      ctx.slots[n.call.slot] = value;
    }
  }

  newPartitionState(): PartitionState {
    return this.aggregates.map(() => ({ acc: undefined, lo: 0, hi: 0 }));
  }

  /**
   * Batch mode: the slots for `current`, whose history is `members[0..h)`; when `currentAt` is
   * h, the current row is itself `members[h]`. Consecutive calls for one partition must move
   * forward (non-decreasing h), sharing `state`.
   */
  evaluateInPartition(ctx: EvalCtx, state: PartitionState, members: readonly Member[], current: Member, h: number, currentIsMember: boolean): void {
    const range = this.frameOf(members, h, current.key);
    // The frame as a member range, plus the current row when it is not contiguous with it.
    const lo = range.lo;
    let hi = range.hi;
    let extra: Member | undefined;
    if (range.withCurrent) {
      if (currentIsMember && hi === h) hi = h + 1;
      else extra = current;
    }
    this.navigate(ctx, current, members, range.top);
    for (let k = 0; k < this.aggregates.length; k++) {
      const a = this.aggregates[k]!;
      ctx.slots[a.call.slot] = this.aggregate(ctx, a, state[k]!, members, lo, hi, extra);
    }
  }

  private aggregate(
    ctx: EvalCtx,
    a: CompiledAggregate,
    s: AggState,
    members: readonly Member[],
    lo: number,
    hi: number,
    extra: Member | undefined,
  ): SqlValue {
    const add = (acc: Accumulator, m: Member) => {
      this.bind(ctx, m);
      acc.add(this.argsOf(ctx, a));
    };
    if (a.strategy === 'fresh' || s.acc === undefined || lo < s.lo || hi < s.hi || (a.strategy === 'grow' && lo !== s.lo)) {
      const acc = a.call.fn.create();
      if (a.strategy === 'fresh') {
        if (extra !== undefined) add(acc, extra);
        for (let j = hi - 1; j >= lo; j--) add(acc, members[j]!);
        return acc.result();
      }
      for (let j = lo; j < hi; j++) add(acc, members[j]!);
      s.acc = acc;
      s.lo = lo;
      s.hi = hi;
    } else {
      const acc = s.acc;
      for (let j = s.hi; j < hi; j++) add(acc, members[j]!);
      if (a.strategy === 'slide') {
        for (let j = s.lo; j < lo; j++) {
          this.bind(ctx, members[j]!);
          acc.remove!(this.argsOf(ctx, a));
        }
      }
      s.lo = lo;
      s.hi = hi;
    }
    const acc = s.acc;
    if (extra === undefined) return acc.result();
    if (a.strategy === 'slide') {
      add(acc, extra);
      const r = acc.result();
      this.bind(ctx, extra);
      acc.remove!(this.argsOf(ctx, a));
      return r;
    }
    // A growing accumulator cannot take the current row back out: compute this row apart.
    const once = a.call.fn.create();
    add(once, extra);
    for (let j = hi - 1; j >= lo; j--) add(once, members[j]!);
    return once.result();
  }
}
