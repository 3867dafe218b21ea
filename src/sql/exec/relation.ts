/**
 * The FROM clause at run time. A FROM item produces tuples (one row per source slot):
 * - batch mode: every tuple (`scan`). A table is read with `scanAll` and the rows reversed, so
 *   each key's rows come oldest first and later inserts after earlier ones with the same ts: the
 *   order windows replay (sql.md §4.4). A subquery is run; a LAST JOIN looks each left tuple up;
 * - request mode: the one tuple of the request row (`requestTuple`), and tuples lifted from stored
 *   rows of the main table for window history (`lift`).
 *
 * LAST JOIN (sql.md §4.5): candidates come from the right table's index when the plan found a
 * lookup (newest first), else from the whole right side. The first candidate satisfying ON wins
 * when the index order decides; with an ORDER BY on another column the largest value wins (the
 * newest among equals).
 */
import { assert } from '../../base/assert.js';
import { Code, fail } from '../../base/status.js';
import type { ColumnType, Value } from '../../protocol/schema.js';
import { indexKey } from '../../protocol/row-key.js';
import { compareSameType } from '../operators/comparison.js';
import type { RowAccess, SqlTable } from '../plan/catalog.js';
import { keyPositions } from '../plan/index-match.js';
import type { DerivedSource, FromPlan, JoinSource, QueryPlan, TableSource } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';
import { compileCondition, compileExpr } from './compile-expr.js';
import { check, type CompiledQuery, ExecAbort, type RequestInput, type RunContext } from './compiled.js';
import { type EvalCtx, type Evaluator, emptyTuple, type SourceRow, type Tuple } from './eval-context.js';

interface TableNode {
  readonly kind: 'table';
  readonly plan: TableSource;
}

interface DerivedNode {
  readonly kind: 'derived';
  readonly plan: DerivedSource;
  readonly query: CompiledQuery;
}

interface JoinNode {
  readonly kind: 'join';
  readonly plan: JoinSource;
  readonly left: Node;
  readonly right: Node;
  readonly on: (ctx: EvalCtx) => boolean;
  /** ON without the equalities the index lookup serves. */
  readonly residual: readonly ((ctx: EvalCtx) => boolean)[];
  readonly orderBy?: Evaluator;
  readonly lookupKeys?: readonly Evaluator[];
}

type Node = TableNode | DerivedNode | JoinNode;

/**
 * Reads every row of a table through one index: keys in storage order, each key's rows oldest
 * first (later inserts after earlier ones with the same ts).
 */
export async function scanTableRows(table: SqlTable, indexPos: number): Promise<Uint8Array[]> {
  const index = table.schema.indexes[indexPos];
  const keyCols = index === undefined ? [] : keyPositions(table.schema, index);
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let runKey: string | undefined;
  const flush = () => {
    for (let i = run.length - 1; i >= 0; i--) out.push(run[i]!);
    run = [];
  };
  for await (const page of table.scanAll(indexPos)) {
    for (const r of check(page)) {
      const key = table.codec.readKey(r.row, keyCols);
      if (key !== runKey) {
        flush();
        runKey = key;
      }
      run.push(r.row);
    }
  }
  flush();
  return out;
}

export function keyOf(values: readonly SqlValue[], types: readonly ColumnType[]): string {
  return indexKey(values as readonly Value[], types);
}

/** Orders two values of the same column type; NULL is the smallest. */
function compareOrder(a: SqlValue, b: SqlValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareSameType(a as Value, b as Value);
}

export class CompiledFrom {
  readonly codecs: (RowAccess | undefined)[];
  private readonly root: Node;
  /** The left-most table or subquery (where the main table's rows enter). */
  private readonly leftmost: TableNode | DerivedNode;

  constructor(
    readonly plan: FromPlan,
    readonly width: number,
    compileQuery: (q: QueryPlan) => CompiledQuery,
  ) {
    this.codecs = new Array<RowAccess | undefined>(width).fill(undefined);
    const build = (p: FromPlan): Node => {
      switch (p.kind) {
        case 'table':
          this.codecs[p.source] = p.table.codec;
          return { kind: 'table', plan: p };
        case 'derived':
          return { kind: 'derived', plan: p, query: compileQuery(p.query) };
        case 'join': {
          const left = build(p.left);
          const right = build(p.right);
          return {
            kind: 'join',
            plan: p,
            left,
            right,
            on: compileCondition(p.on)!,
            residual: (p.lookup?.residual ?? []).map((c) => compileCondition(c)!),
            ...(p.orderBy === undefined ? {} : { orderBy: compileExpr(p.orderBy) }),
            ...(p.lookup === undefined ? {} : { lookupKeys: p.lookup.keys.map(compileExpr) }),
          };
        }
      }
    };
    this.root = build(plan);
    let left: Node = this.root;
    while (left.kind === 'join') left = left.left;
    this.leftmost = left;
  }

  /** The source slot of the left-most FROM item when it is a table (not a subquery). */
  leftmostTableSource(): number | undefined {
    return this.leftmost.kind === 'table' ? this.leftmost.plan.source : undefined;
  }

  /** The left-most table: request mode's main table. */
  get mainTable(): SqlTable | undefined {
    let n: Node = this.root;
    while (n.kind === 'join') n = n.left;
    return n.kind === 'table' ? n.plan.table : n.query.mainTable;
  }

  // -------------------------------------------------------------------------------------------
  // batch

  /** Every tuple; `tableIndex` picks the index a single-table FROM is read through. */
  scan(rc: RunContext, ctx: EvalCtx, tableIndex = 0): Promise<SourceRow[][]> {
    return this.scanNode(this.root, rc, ctx, tableIndex, new Map());
  }

  private async scanNode(n: Node, rc: RunContext, ctx: EvalCtx, tableIndex: number, cache: Map<Node, SourceRow[][]>): Promise<SourceRow[][]> {
    switch (n.kind) {
      case 'table': {
        const rows = await scanTableRows(n.plan.table, n === this.root ? tableIndex : 0);
        return rows.map((r) => this.withSlot(emptyTuple(this.width), n.plan.source, r));
      }
      case 'derived': {
        const rows = await n.query.runBatch(rc);
        return rows.map((r) => this.withSlot(emptyTuple(this.width), n.plan.source, r));
      }
      case 'join': {
        const lefts = await this.scanNode(n.left, rc, ctx, 0, cache);
        const out: SourceRow[][] = [];
        for (const l of lefts) out.push(await this.join(n, rc, ctx, l, cache, undefined));
        return out;
      }
    }
  }

  private withSlot(t: SourceRow[], slot: number, row: SourceRow): SourceRow[] {
    t[slot] = row;
    return t;
  }

  /** `left` extended with its LAST JOIN match (or NULLs). */
  private async join(
    n: JoinNode,
    rc: RunContext,
    ctx: EvalCtx,
    left: SourceRow[],
    cache: Map<Node, SourceRow[][]>,
    req: RequestInput | undefined,
  ): Promise<SourceRow[]> {
    const p = n.plan;
    const candidates = await this.candidates(n, rc, ctx, left, cache, req);
    let best: SourceRow[] | undefined;
    let bestOrder: SqlValue = null;
    const firstWins = p.lookup?.orderedByIndex === true;
    const holds = candidates.viaIndex ? (cx: EvalCtx) => n.residual.every((r) => r(cx)) : n.on;
    for (const c of candidates.rows) {
      ctx.rows = c;
      if (!holds(ctx)) continue;
      if (firstWins) return c;
      if (n.orderBy === undefined) {
        best = c;
        if (candidates.newestFirst) return c;
        continue;
      }
      const v = n.orderBy(ctx);
      const cmp = best === undefined ? 1 : compareOrder(v, bestOrder);
      if (cmp > 0 || (cmp === 0 && !candidates.newestFirst)) {
        best = c;
        bestOrder = v;
      }
    }
    if (best !== undefined) return best;
    const out = left.slice();
    for (let s = p.rightFirst; s < p.rightFirst + p.rightCount; s++) out[s] = null;
    return out;
  }

  /** Candidate tuples (left + a right row) in storage order, newest first when from an index. */
  private async candidates(
    n: JoinNode,
    rc: RunContext,
    ctx: EvalCtx,
    left: SourceRow[],
    cache: Map<Node, SourceRow[][]>,
    req: RequestInput | undefined,
  ): Promise<{ rows: SourceRow[][]; newestFirst: boolean; viaIndex: boolean }> {
    const p = n.plan;
    const lookup = p.lookup;
    if (lookup !== undefined && n.lookupKeys !== undefined) {
      ctx.rows = left;
      const key = keyOf(
        n.lookupKeys.map((k) => k(ctx)),
        lookup.keyTypes,
      );
      const stored = check(await lookup.table.scanKey(lookup.indexPos, key, {}));
      const rows: SourceRow[][] = [];
      for (const s of stored) {
        const right = this.liftRight(n.right, rc, s.row);
        if (right === undefined) continue;
        rows.push(this.withSlot(left.slice(), p.rightFirst, right));
      }
      return { rows, newestFirst: true, viaIndex: true };
    }
    if (req !== undefined && n.right.kind === 'derived' && n.right.query.mainTable === req.table) {
      // A subquery over the request table (e.g. windows over it): its row for this request.
      const row = await n.right.query.runRequest(rc, req);
      return { rows: [this.withSlot(left.slice(), p.rightFirst, row)], newestFirst: true, viaIndex: false };
    }
    let rights = cache.get(n.right);
    if (rights === undefined) {
      rights = await this.scanNode(n.right, rc, ctx, 0, cache);
      cache.set(n.right, rights);
    }
    const rows = rights.map((r) => {
      const t = left.slice();
      for (let s = p.rightFirst; s < p.rightFirst + p.rightCount; s++) t[s] = r[s] ?? null;
      return t;
    });
    return { rows, newestFirst: false, viaIndex: false };
  }

  /** The right side's slot value for a stored row of the lookup table (undefined: filtered). */
  private liftRight(right: Node, rc: RunContext, row: Uint8Array): SourceRow | undefined {
    if (right.kind === 'table') return row;
    if (right.kind === 'derived' && right.query.liftRaw !== undefined) return right.query.liftRaw(rc, row);
    throw new ExecAbort(fail(Code.sqlExecError, 'LAST JOIN lookup through a subquery that is not a plain projection'));
  }

  // -------------------------------------------------------------------------------------------
  // request

  /** The tuple of the request row (its LAST JOINs looked up). */
  requestTuple(rc: RunContext, ctx: EvalCtx, req: RequestInput): Promise<SourceRow[]> {
    return this.requestNode(this.root, rc, ctx, req);
  }

  private async requestNode(n: Node, rc: RunContext, ctx: EvalCtx, req: RequestInput): Promise<SourceRow[]> {
    switch (n.kind) {
      case 'table':
        assert(n.plan.table === req.table, 'the request row belongs to the main table');
        return this.withSlot(emptyTuple(this.width), n.plan.source, req.row);
      case 'derived': {
        const row = await n.query.runRequest(rc, req);
        return this.withSlot(emptyTuple(this.width), n.plan.source, row);
      }
      case 'join': {
        const left = await this.requestNode(n.left, rc, ctx, req);
        return this.join(n, rc, ctx, left, new Map(), req);
      }
    }
  }

  /**
   * For a FROM of one table or one plain subquery: the tuple of a stored row of that table
   * (undefined when a subquery's WHERE drops it).
   */
  liftPlain(rc: RunContext, row: Uint8Array): SourceRow[] | undefined {
    const n = this.root;
    if (n.kind === 'table') return this.withSlot(emptyTuple(this.width), n.plan.source, row);
    if (n.kind === 'derived' && n.query.liftRaw !== undefined) {
      const out = n.query.liftRaw(rc, row);
      return out === undefined ? undefined : this.withSlot(emptyTuple(this.width), n.plan.source, out);
    }
    throw new ExecAbort(fail(Code.sqlExecError, 'reading a stored row through a FROM clause that is not a plain projection of one table'));
  }

  /**
   * The tuple of a stored row of the main table without its LAST JOIN partners (synchronous):
   * lifted through plain subqueries along the left side of the FROM clause.
   */
  liftPlainOrJoinLeft(rc: RunContext, row: Uint8Array): SourceRow[] | undefined {
    const n = this.leftmost;
    if (n.kind === 'table') {
      if (this.width === 1) return [row];
      return this.withSlot(emptyTuple(this.width), n.plan.source, row);
    }
    const lift = n.query.liftRaw;
    if (lift === undefined) {
      throw new ExecAbort(fail(Code.sqlExecError, 'a window over a subquery needs the subquery to be a plain projection of one table'));
    }
    const out = lift.call(n.query, rc, row);
    return out === undefined ? undefined : this.withSlot(emptyTuple(this.width), n.plan.source, out);
  }

  /**
   * The tuple of a stored row of the main table, as the FROM clause would produce it: lifted
   * through subqueries (undefined when a WHERE drops it) and, when `withJoins`, joined.
   */
  async lift(rc: RunContext, ctx: EvalCtx, row: Uint8Array, withJoins: boolean): Promise<Tuple | undefined> {
    return this.liftNode(this.root, rc, ctx, row, withJoins);
  }

  private async liftNode(n: Node, rc: RunContext, ctx: EvalCtx, row: Uint8Array, withJoins: boolean): Promise<SourceRow[] | undefined> {
    switch (n.kind) {
      case 'table':
        return this.withSlot(emptyTuple(this.width), n.plan.source, row);
      case 'derived': {
        const lift = n.query.liftRaw;
        if (lift === undefined) {
          throw new ExecAbort(fail(Code.sqlExecError, 'a window over a subquery needs the subquery to be a plain projection of one table'));
        }
        const out = lift.call(n.query, rc, row);
        return out === undefined ? undefined : this.withSlot(emptyTuple(this.width), n.plan.source, out);
      }
      case 'join': {
        const left = await this.liftNode(n.left, rc, ctx, row, withJoins);
        if (left === undefined || !withJoins) return left;
        return this.join(n, rc, ctx, left, new Map(), undefined);
      }
    }
  }
}
