/**
 * Request-mode windows that read the same history: ROWS_RANGE windows (no MAXSIZE, no UNION, no
 * lag/at, aggregates that read neither other slots nor LAST JOIN partners) over the same
 * PARTITION BY / ORDER BY columns of the main table, hence the same index key. One key scan
 * covers them all (the widest ts range); each window takes its frame out of it with
 * `computeFrame`, which over ROWS_RANGE bounds picks the same rows from any history that
 * contains the frame. Aggregates are fed straight from the stored rows (newest first, the request
 * row first, as `WindowEvaluator.evaluateOnce` does), with the columns they read decoded once
 * per row for the whole group; no tuple or member object is made per row.
 */
import type { ColumnType } from '../../protocol/schema.js';
import type { Accumulator } from '../functions/function-types.js';
import type { RowAccess, SqlTable, StoredRow } from '../plan/catalog.js';
import type { WindowPlan } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { compileExpr } from './compile-expr.js';
import { check } from './compiled.js';
import type { EvalCtx, Evaluator, SourceRow, Tuple } from './eval-context.js';
import { computeFrame, type FrameRange } from './frame.js';
import { keyOf } from './relation.js';
import type { WindowEvaluator } from './window-eval.js';
import { frameScan, type HistorySource } from './window-request.js';

/** How an aggregate argument is read off a stored row: a decoded column (by cache index) or an evaluator. */
type ArgRead = { readonly column: number } | { readonly evaluator: Evaluator };

/** Where one aggregate's result goes: the window whose frame it covers and its slot. */
interface ChainMember {
  readonly window: number;
  readonly slot: number;
}

/**
 * One aggregate function over the same arguments in one or more windows of the group. When the
 * frames of its windows end at the same row (the usual `... AND CURRENT ROW`), one accumulator
 * is fed newest first and read as each window's frame ends: each result is fed exactly the rows,
 * in the order, a separate accumulator would get (only order-insensitive aggregates, whose
 * accumulators take rows after a result, as batch mode's growing frames do).
 */
interface AggregateChain {
  readonly create: () => Accumulator;
  /** Evaluated on the request row. */
  readonly args: readonly Evaluator[];
  /** Read on the stored rows. */
  readonly reads: readonly ArgRead[];
  /** Reused argument array (accumulators read it, never keep it). */
  readonly scratch: SqlValue[];
  readonly members: ChainMember[];
}

/** Whether a window may join a shared group (see the module comment); `mainSource` is the main table's slot. */
export function sharesHistory(evaluator: WindowEvaluator, readSources: ReadonlySet<number>, mainSource: number | undefined): boolean {
  const w = evaluator.plan;
  if (mainSource === undefined || w.orderBy === undefined) return false;
  if (w.frame.unit !== 'range' || w.maxSize !== undefined || w.unions.length > 0 || w.instanceNotInWindow) return false;
  if (evaluator.navigations.length > 0 || evaluator.aggregates.some((a) => a.call.readsSlots)) return false;
  for (const s of readSources) if (s !== mainSource) return false;
  return w.partitionBy.every((p) => p.source === mainSource) && w.orderBy.source === mainSource;
}

/** Windows that share history read the same index with the same key and order columns. */
export function sharedHistoryKey(w: WindowPlan, source: HistorySource): string {
  const cols = w.partitionBy.map((p) => p.column).join(',');
  return `${source.table.db}\u0000${source.table.name}\u0000${source.indexPos}\u0000${cols}\u0000${w.orderBy?.column}`;
}

export class SharedHistoryWindows {
  private readonly plans: WindowPlan[] = [];
  private readonly chains: AggregateChain[] = [];
  private readonly chainByKey = new Map<string, AggregateChain>();
  /** Columns of the main table the aggregates read directly, decoded once per stored row. */
  private readonly columns: number[] = [];
  private readonly columnValues: SqlValue[][] = [];
  private readonly table: SqlTable;
  private readonly indexPos: number;
  private readonly keys: readonly Evaluator[];
  private readonly keyTypes: readonly ColumnType[];
  /** The tuple a stored row is read through by argument evaluators (only the main slot set). */
  private readonly scratchTuple: SourceRow[];
  /** Per call: the frame of each window; a chain's members ordered by frame start. */
  private readonly frames: FrameRange[] = [];
  private readonly order: ChainMember[] = [];

  constructor(
    source: HistorySource,
    private readonly orderKey: Evaluator,
    private readonly mainSource: number,
    sourceCount: number,
    private readonly codec: RowAccess,
  ) {
    this.table = source.table;
    this.indexPos = source.indexPos;
    this.keys = source.keys;
    this.keyTypes = source.keyTypes;
    this.scratchTuple = new Array<SourceRow>(sourceCount).fill(null);
  }

  add(evaluator: WindowEvaluator): void {
    const window = this.plans.length;
    this.plans.push(evaluator.plan);
    for (const a of evaluator.aggregates) {
      const reads = a.call.args.map((arg, i): ArgRead => {
        if (arg.kind !== 'column' || arg.source !== this.mainSource) return { evaluator: a.args[i]! };
        let at = this.columns.indexOf(arg.column);
        if (at < 0) {
          at = this.columns.length;
          this.columns.push(arg.column);
          this.columnValues.push([]);
        }
        return { column: at };
      });
      const member = { window, slot: a.call.slot };
      const fn = a.call.fn;
      const chainable = !fn.orderSensitive && reads.every((r) => 'column' in r);
      const key = chainable ? `${fn.name}\u0000${JSON.stringify(fn.type)}\u0000${reads.map((r) => (r as { column: number }).column).join(',')}` : undefined;
      const existing = key === undefined ? undefined : this.chainByKey.get(key);
      if (existing !== undefined) {
        existing.members.push(member);
        continue;
      }
      const chain: AggregateChain = {
        create: fn.create,
        args: a.call.args.map(compileExpr),
        reads,
        scratch: new Array<SqlValue>(reads.length).fill(null),
        members: [member],
      };
      this.chains.push(chain);
      if (key !== undefined) this.chainByKey.set(key, chain);
    }
  }

  /** Sets the slots of every window of the group for the request row `current`. */
  evaluate(ctx: EvalCtx, current: Tuple): void | Promise<void> {
    ctx.rows = current;
    ctx.codecs[this.mainSource] = this.codec;
    const kcValue = this.orderKey(ctx);
    const kc = kcValue === null ? Number.MIN_SAFE_INTEGER : Number(kcValue);
    const keyValues = new Array<SqlValue>(this.keys.length);
    for (let i = 0; i < keyValues.length; i++) keyValues[i] = this.keys[i]!(ctx);
    const key = keyOf(keyValues, this.keyTypes);
    // The widest range any window's frame needs (windows whose frame is empty need none).
    let newest = Number.NEGATIVE_INFINITY;
    let oldest: number | undefined = Number.POSITIVE_INFINITY;
    for (const w of this.plans) {
      const f = frameScan(w, kc);
      const fNewest = f.newestTsMs!;
      if (f.oldestTsMs !== undefined && f.oldestTsMs > fNewest) continue;
      newest = Math.max(newest, fNewest);
      oldest = f.oldestTsMs === undefined || oldest === undefined ? undefined : Math.min(oldest, f.oldestTsMs);
    }
    if (newest === Number.NEGATIVE_INFINITY) return this.aggregate(ctx, current, [], kc);
    const scanned = this.table.scanKey(this.indexPos, key, { newestTsMs: newest, ...(oldest === undefined ? {} : { oldestTsMs: oldest }) });
    if (scanned instanceof Promise) return scanned.then((r) => this.aggregate(ctx, current, check(r), kc));
    return this.aggregate(ctx, current, check(scanned), kc);
  }

  /** `stored`: the history, newest first. */
  private aggregate(ctx: EvalCtx, current: Tuple, stored: readonly StoredRow[], kc: number): void {
    const n = stored.length;
    // Frames are ranges [lo, hi) of the history ascending; stored index = n - 1 - ascending index.
    const keyAt = (i: number) => stored[n - 1 - i]!.tsMs;
    const frames = this.frames;
    let spanLo = n;
    let spanHi = 0;
    for (let w = 0; w < this.plans.length; w++) {
      const f = computeFrame(this.plans[w]!, keyAt, n, kc);
      frames[w] = f;
      if (f.hi > f.lo) {
        spanLo = Math.min(spanLo, f.lo);
        spanHi = Math.max(spanHi, f.hi);
      }
    }
    // Decode the directly read columns over the stored rows any frame holds: s in [n - spanHi, n - spanLo).
    const sTo = n - spanLo;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      const values = this.columnValues[c]!;
      while (values.length < n) values.push(null);
      for (let s = n - spanHi; s < sTo; s++) values[s] = this.codec.decodeColumn(stored[s]!.row, col);
    }
    for (const chain of this.chains) {
      const members = chain.members;
      const first = frames[members[0]!.window]!;
      let together = members.length > 1;
      for (let m = 1; together && m < members.length; m++) {
        const f = frames[members[m]!.window]!;
        together = f.hi === first.hi && f.withCurrent === first.withCurrent;
      }
      if (!together) {
        for (const member of members) {
          const f = frames[member.window]!;
          const acc = chain.create();
          if (f.withCurrent) this.addCurrent(ctx, current, chain, acc);
          this.feed(ctx, chain, acc, stored, n - f.hi, n - f.lo);
          ctx.slots[member.slot] = acc.result();
        }
        continue;
      }
      // Members by frame start, nearest first: each frame extends the one before.
      const order = this.order;
      order.length = 0;
      for (const member of members) {
        const lo = frames[member.window]!.lo;
        let at = order.length;
        while (at > 0 && frames[order[at - 1]!.window]!.lo < lo) at--;
        order.splice(at, 0, member);
      }
      const acc = chain.create();
      if (first.withCurrent) this.addCurrent(ctx, current, chain, acc);
      let s = n - first.hi;
      for (const member of order) {
        const end = n - frames[member.window]!.lo;
        this.feed(ctx, chain, acc, stored, s, end);
        s = Math.max(s, end);
        ctx.slots[member.slot] = acc.result();
      }
    }
  }

  private addCurrent(ctx: EvalCtx, current: Tuple, chain: AggregateChain, acc: Accumulator): void {
    ctx.rows = current;
    ctx.codecs[this.mainSource] = this.codec;
    const args = chain.scratch;
    for (let i = 0; i < args.length; i++) args[i] = chain.args[i]!(ctx);
    acc.add(args);
  }

  /** Adds stored rows `from` to `to` (exclusive; newest first). */
  private feed(ctx: EvalCtx, chain: AggregateChain, acc: Accumulator, stored: readonly StoredRow[], from: number, to: number): void {
    const args = chain.scratch;
    const reads = chain.reads;
    if (reads.length === 1 && 'column' in reads[0]!) {
      const values = this.columnValues[reads[0].column]!;
      if (acc.addValues !== undefined) {
        acc.addValues(values, from, to);
        return;
      }
      for (let s = from; s < to; s++) {
        args[0] = values[s]!;
        acc.add(args);
      }
      return;
    }
    const tuple = this.scratchTuple;
    ctx.rows = tuple;
    ctx.codecs[this.mainSource] = this.codec;
    for (let s = from; s < to; s++) {
      tuple[this.mainSource] = stored[s]!.row;
      for (let i = 0; i < reads.length; i++) {
        const r = reads[i]!;
        args[i] = 'column' in r ? this.columnValues[r.column]![s]! : r.evaluator(ctx);
      }
      acc.add(args);
    }
    tuple[this.mainSource] = null;
  }
}
