/**
 * A window in request mode (sql.md §4.4, §5.3): the request row is the current row, placed after
 * every stored row of its partition whose order key is <= its own. The history is read through
 * the index whose key is the PARTITION BY columns and whose ts is the ORDER BY column, one key
 * scan per source (the main table and each UNION source) bounded by the frame: a ts range for
 * ROWS_RANGE, a row limit for ROWS and MAXSIZE. lag/at may need rows outside the frame; they get
 * a second bounded scan when the frame scan does not cover them. Sources are merged newest first;
 * on equal keys main-table rows are nearer than UNION rows, and earlier UNION sources nearer
 * than later ones. (Plain ROWS_RANGE windows over the same partition take the faster shared
 * path of window-request-shared.ts instead.)
 */
import { Code, fail } from '../../base/status.js';
import type { ColumnType } from '../../protocol/schema.js';
import type { KeyScanRange, RowAccess, SqlTable } from '../plan/catalog.js';
import { baseColumnOf, findWindowIndex, keyPositions } from '../plan/index-match.js';
import type { ColumnExpr, FromPlan, WindowPlan } from '../plan/plan-types.js';
import { compileExpr } from './compile-expr.js';
import { check, ExecAbort, type RunContext } from './compiled.js';
import type { EvalCtx, Evaluator, Tuple } from './eval-context.js';
import { keyOf } from './relation.js';
import type { Member, WindowEvaluator } from './window-eval.js';

export interface HistorySource {
  readonly table: SqlTable;
  readonly indexPos: number;
  /** Partition values in index key order, evaluated on the current tuple. */
  readonly keys: readonly Evaluator[];
  readonly keyTypes: readonly ColumnType[];
  /** Tie rank on equal order keys: higher is nearer the current row. */
  readonly rank: number;
  /** Codec of slot 0 for rows of this source (a UNION table), or undefined for the main input. */
  readonly codec?: RowAccess;
  /**
   * Set when the index keys only some PARTITION BY columns: the full partition key, evaluated on
   * a history tuple, must equal the current row's.
   */
  readonly partitionFilter?: { readonly evals: readonly Evaluator[]; readonly types: readonly ColumnType[] };
  /** The tuple of a stored row (a promise only when LAST JOIN lookups are needed). */
  readonly lift: (rc: RunContext, ctx: EvalCtx, row: Uint8Array) => Tuple | undefined | Promise<Tuple | undefined>;
}

/** Traces the window's PARTITION BY / ORDER BY columns into one table of `from` and finds its index. */
export function historySourceOf(
  w: WindowPlan,
  from: FromPlan,
  column: (c: ColumnExpr) => { source: number; column: number },
  rank: number,
  codec: RowAccess | undefined,
  lift: HistorySource['lift'],
): HistorySource {
  const bases = w.partitionBy.map((p) => {
    const c = column(p);
    return baseColumnOf(from, c.source, c.column);
  });
  const order = w.orderBy === undefined ? undefined : column(w.orderBy);
  const orderBase = order === undefined ? undefined : baseColumnOf(from, order.source, order.column);
  const table = bases[0]?.table;
  const unusable =
    table === undefined || bases.some((b) => b === undefined || b.table !== table) || (order !== undefined && orderBase?.table !== table);
  if (unusable) {
    throw new ExecAbort(
      fail(Code.sqlPlanError, `window '${w.name}': its PARTITION BY and ORDER BY columns must be columns of the main table in request mode`),
    );
  }
  const keyCols = bases.map((b) => b!.column);
  const indexPos = findWindowIndex(table.schema, keyCols, orderBase?.column);
  if (indexPos < 0) {
    const keys = keyCols.map((k) => table.schema.columns[k]!.name).join(', ');
    const ts = orderBase === undefined ? '' : ` ordered by ${table.schema.columns[orderBase.column]!.name}`;
    throw new ExecAbort(fail(Code.indexNotFound, `window '${w.name}' needs an index of table '${table.name}' on (${keys})${ts}`));
  }
  const indexKeys = keyPositions(table.schema, table.schema.indexes[indexPos]!);
  const partitionEvals = w.partitionBy.map(compileExpr);
  const partial = indexKeys.length < new Set(keyCols).size;
  return {
    table,
    indexPos,
    keys: indexKeys.map((k) => partitionEvals[keyCols.indexOf(k)]!),
    keyTypes: indexKeys.map((k) => table.schema.columns[k]!.type),
    rank,
    ...(codec === undefined ? {} : { codec }),
    ...(partial ? { partitionFilter: { evals: partitionEvals, types: keyCols.map((k) => table.schema.columns[k]!.type) } } : {}),
    lift,
  };
}

/** The scan covering the frame of a current row with order key `kc`; `limit` 0 means no rows. */
export function frameScan(w: WindowPlan, kc: number): KeyScanRange {
  const { unit, start, end } = w.frame;
  let newest = w.excludeCurrentTime ? kc - 1 : kc;
  let oldest: number | undefined;
  let limit: number | undefined;
  if (unit === 'rows') {
    if (start.kind === 'offset') limit = Math.max(0, start.open ? start.offset - 1 : start.offset);
  } else {
    if (start.kind === 'offset') oldest = start.open ? kc - start.offset + 1 : kc - start.offset;
    if (end.kind === 'offset' && (end.offset > 0 || end.open)) newest = Math.min(newest, end.open ? kc - end.offset - 1 : kc - end.offset);
    limit = w.maxSize;
  }
  return { newestTsMs: newest, ...(oldest === undefined ? {} : { oldestTsMs: oldest }), ...(limit === undefined ? {} : { limit }) };
}

function covers(frame: KeyScanRange, navNewest: number, navRows: number | undefined): boolean {
  if (frame.newestTsMs !== navNewest || frame.oldestTsMs !== undefined) return false;
  if (frame.limit === undefined) return true;
  return navRows !== undefined && frame.limit >= navRows;
}

export class RequestWindow {
  private readonly maxNav: number | undefined;

  constructor(
    readonly evaluator: WindowEvaluator,
    private readonly sources: readonly HistorySource[],
    private readonly orderKey: Evaluator | undefined,
  ) {
    this.maxNav = evaluator.maxNavigationOffset();
  }

  async evaluate(rc: RunContext, ctx: EvalCtx, current: Tuple): Promise<void> {
    const w = this.evaluator.plan;
    ctx.rows = current;
    const kcValue = this.orderKey === undefined ? Number.MAX_SAFE_INTEGER : this.orderKey(ctx);
    const kc = kcValue === null ? Number.MIN_SAFE_INTEGER : Number(kcValue);
    ctx.rows = current;
    const keys = this.sources.map((s) =>
      keyOf(
        s.keys.map((k) => k(ctx)),
        s.keyTypes,
      ),
    );
    const fullKeys = this.sources.map((s) =>
      s.partitionFilter === undefined
        ? undefined
        : keyOf(
            s.partitionFilter.evals.map((k) => k(ctx)),
            s.partitionFilter.types,
          ),
    );
    const hasAggregates = this.evaluator.aggregates.length > 0;
    const hasNavigation = this.evaluator.navigations.length > 0;
    const frame = frameScan(w, kc);
    const frameMembers = hasAggregates ? await this.fetch(rc, ctx, keys, fullKeys, frame) : [];
    let navMembers: readonly Member[] = frameMembers;
    // lag/at count back over the history left after EXCLUDE CURRENT_TIME, whatever the frame.
    const navNewest = w.excludeCurrentTime ? kc - 1 : kc;
    if (hasNavigation && !(hasAggregates && covers(frame, navNewest, this.maxNav))) {
      const nav: KeyScanRange = { newestTsMs: navNewest, ...(this.maxNav === undefined ? {} : { limit: this.maxNav }) };
      navMembers = await this.fetch(rc, ctx, keys, fullKeys, nav);
    }
    this.evaluator.evaluateOnce(ctx, { tuple: current, key: kc }, frameMembers, navMembers);
  }

  /** History members (ascending, nearest last) of every source within `range`. */
  private async fetch(
    rc: RunContext,
    ctx: EvalCtx,
    keys: readonly string[],
    fullKeys: readonly (string | undefined)[],
    range: KeyScanRange,
  ): Promise<Member[]> {
    if (range.limit === 0) return [];
    if (range.oldestTsMs !== undefined && range.newestTsMs !== undefined && range.oldestTsMs > range.newestTsMs) return [];
    const lists: Member[][] = [];
    for (const [i, s] of this.sources.entries()) {
      const filter = s.partitionFilter;
      const fullKey = fullKeys[i];
      // Rows of other partitions share the index key: the limit applies after filtering them out.
      const scanRange: KeyScanRange = filter === undefined ? range : { ...range, limit: undefined };
      const stored = check(await s.table.scanKey(s.indexPos, keys[i]!, scanRange));
      const list: Member[] = [];
      const codec = s.codec;
      for (const r of stored) {
        if (filter !== undefined && range.limit !== undefined && list.length >= range.limit) break;
        const lifted = s.lift(rc, ctx, r.row);
        const tuple = lifted instanceof Promise ? await lifted : lifted;
        if (tuple === undefined) continue;
        if (filter !== undefined) {
          ctx.rows = tuple;
          ctx.codecs[0] = codec ?? this.evaluator.baseCodecOf();
          const key = keyOf(
            filter.evals.map((k) => k(ctx)),
            filter.types,
          );
          if (key !== fullKey) continue;
        }
        list.push(codec === undefined ? { tuple, key: r.tsMs } : { tuple, key: r.tsMs, codec });
      }
      lists.push(list);
    }
    const merged = lists.length === 1 ? lists[0]! : mergeNewestFirst(lists, this.sources.map((s) => s.rank));
    if (range.limit !== undefined && merged.length > range.limit) merged.length = range.limit;
    return merged.reverse();
  }
}

/** Merges newest-first lists: larger key first, then higher rank, then list order. */
function mergeNewestFirst(lists: readonly Member[][], ranks: readonly number[]): Member[] {
  const all: { member: Member; rank: number; list: number; pos: number }[] = [];
  for (const [li, l] of lists.entries()) {
    for (const [pos, member] of l.entries()) all.push({ member, rank: ranks[li]!, list: li, pos });
  }
  all.sort((a, b) => b.member.key - a.member.key || b.rank - a.rank || a.list - b.list || a.pos - b.pos);
  return all.map((x) => x.member);
}
