/**
 * One SELECT, compiled: batch mode (FROM, WHERE, GROUP BY/HAVING or windows, projection,
 * DISTINCT) and request mode (the request row's tuple, its windows, projection).
 */
import { Code, fail } from '../../base/status.js';
import type { ColumnType } from '../../protocol/schema.js';
import { batchScanIndex, windowScanIndex } from '../plan/index-match.js';
import type { AggregateCall, QueryPlan, SelectPlan, WindowPlan } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { compileCondition, compileExpr } from './compile-expr.js';
import { type CompiledQuery, ExecAbort, type RequestInput, type RunContext } from './compiled.js';
import { EvalCtx, type Evaluator, emptyTuple, type Tuple } from './eval-context.js';
import { GroupAggregator } from './group-batch.js';
import { CompiledFrom, keyOf, scanTableRows } from './relation.js';
import { runWindowBatch, type UnionRows } from './window-batch.js';
import { WindowEvaluator } from './window-eval.js';
import { type HistorySource, historySourceOf, RequestWindow } from './window-request.js';
import { SharedHistoryWindows, sharedHistoryKey, sharesHistory } from './window-request-shared.js';

interface CompiledWindow {
  readonly plan: WindowPlan;
  readonly evaluator: WindowEvaluator;
  readonly partition: readonly Evaluator[];
  readonly orderKey: Evaluator | undefined;
  readonly unions: readonly CompiledFrom[];
  /** Source slots the window's calls read (history rows need their joins when beyond slot 0). */
  readonly sources: ReadonlySet<number>;
}

/** The bytes of an encoded row as a string, for matching rows read through two indexes. */
function contentKey(row: Uint8Array): string {
  let out = '';
  for (let i = 0; i < row.length; i += 4096) out += String.fromCharCode(...row.subarray(i, i + 4096));
  return out;
}

function rowKey(row: readonly SqlValue[]): string {
  return row.map((v) => (v === null ? 'N' : `${typeof v}:${String(v)}`)).join('\u0001');
}

export class CompiledSelect implements CompiledQuery {
  readonly columns: SelectPlan['columns'];
  readonly mainTable;
  private readonly from: CompiledFrom | undefined;
  private readonly where: ((ctx: EvalCtx) => boolean) | undefined;
  private readonly having: ((ctx: EvalCtx) => boolean) | undefined;
  private readonly items: readonly Evaluator[];
  private readonly windows: readonly CompiledWindow[];
  private readonly groups: GroupAggregator | undefined;
  private readonly indexKeys: readonly Evaluator[] | undefined;
  private requestWindows: readonly (RequestWindow | SharedHistoryWindows)[] | undefined;
  /** Reused by `liftRaw` (called per history row) while the parameters stay the same. */
  private liftCtx: EvalCtx | undefined;
  readonly liftRaw: CompiledQuery['liftRaw'];

  constructor(
    readonly plan: SelectPlan,
    compileQuery: (q: QueryPlan) => CompiledQuery,
  ) {
    this.columns = plan.columns;
    this.from = plan.from === undefined ? undefined : new CompiledFrom(plan.from, plan.sourceCount, compileQuery);
    this.mainTable = this.from?.mainTable;
    this.where = compileCondition(plan.where);
    this.having = compileCondition(plan.having);
    this.items = plan.items.map((i) => compileExpr(i.expr));
    this.indexKeys = plan.indexScan?.keys.map(compileExpr);
    const baseCodec = this.from?.codecs[0];
    this.windows = plan.windows
      .filter((w) => w.calls.length > 0)
      .map((w) => ({
        plan: w,
        evaluator: new WindowEvaluator(w, baseCodec),
        partition: w.partitionBy.map(compileExpr),
        orderKey: w.orderBy === undefined ? undefined : compileExpr(w.orderBy),
        unions: w.unions.map((u) => new CompiledFrom(u.from, 1, compileQuery)),
        sources: new Set(w.calls.flatMap((c) => c.sources)),
      }));
    const groupCalls = plan.calls.filter((c): c is AggregateCall => c.kind === 'aggregate' && c.window === undefined);
    this.groups = plan.aggregation === 'none' ? undefined : new GroupAggregator(groupCalls, plan.groupBy, plan.sourceCount);
    const from = this.from;
    const plain = from !== undefined && plan.from?.kind !== 'join' && plan.aggregation === 'none' && this.windows.length === 0;
    this.liftRaw = plain
      ? (rc, row) => {
          const t = from.liftPlain(rc, row);
          if (t === undefined) return undefined;
          const ctx = this.liftCtx?.params === rc.params ? this.liftCtx : this.newCtx(rc);
          this.liftCtx = ctx;
          ctx.rows = t;
          if (this.where !== undefined && !this.where(ctx)) return undefined;
          return this.items.map((f) => f(ctx));
        }
      : undefined;
  }

  private tupleOf(row: Uint8Array): Tuple {
    const t = emptyTuple(this.plan.sourceCount);
    t[0] = row;
    return t;
  }

  private newCtx(rc: RunContext): EvalCtx {
    return new EvalCtx(rc.params, this.from?.codecs ?? [], this.plan.calls.length);
  }

  // -------------------------------------------------------------------------------------------
  // batch

  async runBatch(rc: RunContext): Promise<SqlValue[][]> {
    const plan = this.plan;
    const ctx = this.newCtx(rc);
    let tuples = await this.input(rc, ctx);
    if (this.where !== undefined) {
      const where = this.where;
      tuples = tuples.filter((t) => {
        ctx.rows = t;
        return where(ctx);
      });
    }
    const out: SqlValue[][] = [];
    const project = () => {
      const row = new Array<SqlValue>(this.items.length);
      for (let i = 0; i < row.length; i++) row[i] = this.items[i]!(ctx);
      out.push(row);
    };
    if (this.groups !== undefined) {
      const having = this.having;
      this.groups.run(ctx, tuples, plan.aggregation === 'whole', () => {
        if (having === undefined || having(ctx)) project();
      });
    } else if (this.windows.length === 0) {
      for (const t of tuples) {
        ctx.rows = t;
        project();
      }
    } else {
      const slotRows = tuples.map(() => new Array<SqlValue>(plan.calls.length).fill(null));
      for (const w of this.windows) {
        const unions: UnionRows[] = [];
        for (const u of w.unions) {
          const uctx = new EvalCtx(rc.params, u.codecs, 0);
          const rows = await u.scan(rc, uctx);
          unions.push({ tuples: rows, ...(u.codecs[0] === undefined ? {} : { codec: u.codecs[0] }) });
        }
        const slots = w.plan.calls.map((c) => c.slot);
        const insertion = await this.insertionOrder(w.plan, tuples);
        runWindowBatch(
          {
            evaluator: w.evaluator,
            partition: w.partition,
            partitionTypes: w.plan.partitionBy.map((p) => p.type as ColumnType),
            orderKey: w.orderKey,
            baseCodec: this.from?.codecs[0],
            ...(insertion === undefined ? {} : { insertion }),
          },
          ctx,
          tuples,
          unions,
          (i) => {
            const target = slotRows[i]!;
            for (const s of slots) target[s] = ctx.slots[s]!;
          },
        );
      }
      tuples.forEach((t, i) => {
        ctx.rows = t;
        ctx.slots = slotRows[i]!;
        project();
      });
    }
    if (!plan.distinct) return out;
    const seen = new Set<string>();
    return out.filter((r) => {
      const k = rowKey(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /** The FROM tuples (through the WHERE's index when it has one), or one empty tuple. */
  private async input(rc: RunContext, ctx: EvalCtx): Promise<Tuple[]> {
    const from = this.from;
    if (from === undefined) return [emptyTuple(0)];
    const scan = this.plan.indexScan;
    if (scan !== undefined && this.indexKeys !== undefined && this.plan.from?.kind === 'table') {
      const table = this.plan.from.table;
      ctx.rows = emptyTuple(this.plan.sourceCount);
      const key = keyOf(
        this.indexKeys.map((k) => k(ctx)),
        scan.keyTypes,
      );
      const r = await table.scanKey(scan.indexPos, key, {});
      if (!r.ok) throw new ExecAbort(r);
      return r.value.map((s) => this.tupleOf(s.row)).reverse();
    }
    return from.scan(rc, ctx, this.driverIndex());
  }

  /** For a one-table FROM, the index window `w` reads, or -1. */
  private windowIndex(w: WindowPlan | undefined): number {
    return windowScanIndex(this.plan, w);
  }

  /** For a one-table FROM, the index of the first window (its order is the window's replay order). */
  private driverIndex(): number {
    return batchScanIndex(this.plan);
  }

  /**
   * When window `w` reads another index than the one the FROM scan went through, the insert order
   * of equal-ts rows is that index's: rank each tuple by its position in that index's scan
   * (tuples are matched to rows by content; identical rows are interchangeable).
   */
  private async insertionOrder(w: WindowPlan, tuples: readonly Tuple[]): Promise<Int32Array | undefined> {
    const from = this.plan.from;
    const index = this.windowIndex(w);
    if (from?.kind !== 'table' || index < 0 || index === this.driverIndex() || this.plan.indexScan !== undefined) return undefined;
    const byContent = new Map<string, number[]>();
    for (const [i, t] of tuples.entries()) {
      const key = contentKey(t[0] as Uint8Array);
      const list = byContent.get(key);
      if (list === undefined) byContent.set(key, [i]);
      else list.push(i);
    }
    const rank = new Int32Array(tuples.length).fill(-1);
    let next = 0;
    for (const row of await scanTableRows(from.table, index)) {
      const i = byContent.get(contentKey(row))?.shift();
      if (i !== undefined) rank[i] = next++;
    }
    for (let i = 0; i < rank.length; i++) if (rank[i] === -1) rank[i] = next++;
    return rank;
  }

  // -------------------------------------------------------------------------------------------
  // request

  async runRequest(rc: RunContext, req: RequestInput): Promise<SqlValue[]> {
    const plan = this.plan;
    if (plan.aggregation !== 'none') {
      throw new ExecAbort(fail(Code.sqlPlanError, 'GROUP BY and aggregates over the whole input are not supported in request mode'));
    }
    const ctx = this.newCtx(rc);
    const from = this.from;
    const current = from === undefined ? emptyTuple(0) : await from.requestTuple(rc, ctx, req);
    for (const w of this.requestWindowsOf(from)) {
      const done = w instanceof SharedHistoryWindows ? w.evaluate(ctx, current) : w.evaluate(rc, ctx, current);
      if (done !== undefined) await done;
    }
    ctx.rows = current;
    ctx.codecs[0] = from?.codecs[0];
    return this.items.map((f) => f(ctx));
  }

  /**
   * The request-mode evaluators, in window order: windows that can share one history scan
   * (window-request-shared.ts) are grouped where the first of them stands; the others get a
   * RequestWindow each.
   */
  private requestWindowsOf(from: CompiledFrom | undefined): readonly (RequestWindow | SharedHistoryWindows)[] {
    if (this.requestWindows !== undefined) return this.requestWindows;
    const planFrom = this.plan.from;
    if (this.windows.length > 0 && (from === undefined || planFrom === undefined)) {
      throw new ExecAbort(fail(Code.sqlPlanError, 'a window needs a FROM clause'));
    }
    const mainSource = from?.leftmostTableSource();
    const out: (RequestWindow | SharedHistoryWindows)[] = [];
    const groups = new Map<string, SharedHistoryWindows>();
    for (const w of this.windows) {
      const u = w.unions.length;
      const withJoins = [...w.sources].some((s) => s > 0);
      const sources: HistorySource[] = [];
      if (!w.plan.instanceNotInWindow) {
        sources.push(
          historySourceOf(w.plan, planFrom!, (c) => c, u, undefined, (rc, ctx, row) =>
            withJoins ? from!.lift(rc, ctx, row, true) : from!.liftPlainOrJoinLeft(rc, row),
          ),
        );
      }
      const main = sources[0];
      const codec = mainSource === undefined ? undefined : from!.codecs[mainSource];
      if (
        main !== undefined &&
        main.partitionFilter === undefined &&
        mainSource !== undefined &&
        codec !== undefined &&
        w.orderKey !== undefined &&
        sharesHistory(w.evaluator, w.sources, mainSource)
      ) {
        const key = sharedHistoryKey(w.plan, main);
        let group = groups.get(key);
        if (group === undefined) {
          group = new SharedHistoryWindows(main, w.orderKey, mainSource, this.plan.sourceCount, codec);
          groups.set(key, group);
          out.push(group);
        }
        group.add(w.evaluator);
        continue;
      }
      w.plan.unions.forEach((union, j) => {
        const compiled = w.unions[j]!;
        const codec = compiled.codecs[0];
        sources.push(
          historySourceOf(w.plan, union.from, (c) => ({ source: 0, column: c.column }), u - 1 - j, codec, (rc, _ctx, row) =>
            compiled.liftPlainOrJoinLeft(rc, row),
          ),
        );
      });
      out.push(new RequestWindow(w.evaluator, sources, w.orderKey));
    }
    this.requestWindows = out;
    return this.requestWindows;
  }
}
