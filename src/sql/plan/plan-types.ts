/**
 * The typed plan the planner produces and the executor runs. Names are resolved to positions:
 * a column is (source slot, column index), where source slots number the tables and subqueries of
 * one FROM clause left to right; an aggregate or navigation call is a slot whose value the
 * executor computes before it evaluates the expressions that read it. Plans are immutable.
 */
import type { SourcePos } from '../syntax/index.js';
import type { ColumnType } from '../../protocol/schema.js';
import type { ResolvedAggregate, ResolvedNavigation } from '../functions/function-types.js';
import type { SqlType, SqlValue } from '../types.js';
import type { SqlTable } from './catalog.js';

// ---------------------------------------------------------------------------------------------
// Expressions

export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: SqlValue;
}

export interface ParamExpr {
  readonly kind: 'param';
  readonly type: SqlType;
  readonly index: number;
}

export interface ColumnExpr {
  readonly kind: 'column';
  readonly type: SqlType;
  readonly source: number;
  readonly column: number;
  readonly name: string;
}

/** Any operator or scalar function: `eval` receives the argument values in order. */
export interface CallExpr {
  readonly kind: 'call';
  readonly type: SqlType;
  readonly name: string;
  readonly args: readonly PlanExpr[];
  readonly eval: (args: readonly SqlValue[]) => SqlValue;
}

/** Searched CASE; results are already converted to `type`. Branches are evaluated lazily. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly type: SqlType;
  readonly whens: readonly { readonly when: PlanExpr; readonly result: PlanExpr }[];
  readonly elseResult: PlanExpr;
}

/** The value of aggregate/navigation slot `slot`, computed for the current output row. */
export interface SlotExpr {
  readonly kind: 'slot';
  readonly type: SqlType;
  readonly slot: number;
}

export type PlanExpr = ConstExpr | ParamExpr | ColumnExpr | CallExpr | CaseExpr | SlotExpr;

// ---------------------------------------------------------------------------------------------
// Aggregates, navigation, windows

/** `f(args)` aggregated over a window (`window` set) or over a group / the whole input. */
export interface AggregateCall {
  readonly kind: 'aggregate';
  readonly slot: number;
  readonly window?: number;
  readonly fn: ResolvedAggregate;
  /** Evaluated on each member row. */
  readonly args: readonly PlanExpr[];
  /** The arguments read other slots (nested aggregates): no sliding, recomputed per row. */
  readonly readsSlots: boolean;
  /** Source slots the arguments read. */
  readonly sources: readonly number[];
}

/** lag/at: `value` evaluated on the row `offset` places before the current row of the window. */
export interface NavigationCall {
  readonly kind: 'navigation';
  readonly slot: number;
  readonly window: number;
  readonly fn: ResolvedNavigation;
  readonly value: PlanExpr;
  /** Evaluated on the current row. */
  readonly offset: PlanExpr;
  /** The offset when it is a constant (request mode fetches that many rows back). */
  readonly constOffset?: number;
  readonly sources: readonly number[];
}

export type SlotCall = AggregateCall | NavigationCall;

/** A frame bound as a distance back from the current row; CURRENT ROW is 0, closed. */
export type FrameBound =
  | { readonly kind: 'unbounded' }
  | { readonly kind: 'offset'; readonly offset: number; readonly open: boolean };

export interface FrameSpec {
  /** rows: bounds count rows; range: bounds are order-key deltas. */
  readonly unit: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

/** A table (or simple projection of one) whose rows feed a window besides the main input. */
export interface UnionSource {
  readonly pos: SourcePos;
  readonly from: FromPlan;
  /** Output columns of the source; same types as the window's input. */
  readonly columns: readonly OutputColumn[];
}

export interface WindowPlan {
  readonly name: string;
  readonly pos: SourcePos;
  readonly partitionBy: readonly ColumnExpr[];
  /** Absent: rows ordered by the index's insertion order. */
  readonly orderBy?: ColumnExpr;
  readonly frame: FrameSpec;
  readonly maxSize?: number;
  readonly excludeCurrentRow: boolean;
  readonly excludeCurrentTime: boolean;
  readonly instanceNotInWindow: boolean;
  readonly unions: readonly UnionSource[];
  /** Slots computed over this window. */
  readonly calls: readonly SlotCall[];
}

// ---------------------------------------------------------------------------------------------
// Relations

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface TableSource {
  readonly kind: 'table';
  readonly pos: SourcePos;
  readonly source: number;
  readonly table: SqlTable;
  /** Alias, or the table name. */
  readonly alias: string;
}

export interface DerivedSource {
  readonly kind: 'derived';
  readonly pos: SourcePos;
  readonly source: number;
  readonly query: QueryPlan;
  readonly alias?: string;
}

/** An equality of the ON clause usable through an index of the right table. */
export interface JoinLookup {
  readonly indexPos: number;
  /** Evaluated on the left tuple, one per key column of the index, already of the column's type. */
  readonly keys: readonly PlanExpr[];
  readonly keyTypes: readonly ColumnType[];
  /** The right side as it reaches the table: the table itself or a projection of it. */
  readonly table: SqlTable;
  /** True when the index's ts column is the join's ORDER BY column (or there is no ORDER BY). */
  readonly orderedByIndex: boolean;
  /**
   * The ON conjuncts left once the key equalities are served by the index (the lookup itself
   * decides those, so a NULL key matches rows stored under the NULL key, as in the reference).
   */
  readonly residual: readonly PlanExpr[];
}

export interface JoinSource {
  readonly kind: 'join';
  readonly pos: SourcePos;
  readonly type: 'LAST' | 'LEFT';
  readonly left: FromPlan;
  readonly right: FromPlan;
  /** Source slots of the right side: [first, first + count). */
  readonly rightFirst: number;
  readonly rightCount: number;
  readonly on: PlanExpr;
  readonly orderBy?: ColumnExpr;
  readonly lookup?: JoinLookup;
}

export type FromPlan = TableSource | DerivedSource | JoinSource;

/** WHERE `key = const` over an index of the single FROM table. */
export interface IndexScan {
  readonly indexPos: number;
  readonly keys: readonly PlanExpr[];
  readonly keyTypes: readonly ColumnType[];
}

export interface ProjectionItem {
  readonly name: string;
  readonly type: SqlType;
  readonly expr: PlanExpr;
}

export interface SelectPlan {
  readonly kind: 'select';
  readonly pos: SourcePos;
  readonly from?: FromPlan;
  /** Width of the tuples the FROM clause produces. */
  readonly sourceCount: number;
  readonly where?: PlanExpr;
  readonly indexScan?: IndexScan;
  /** 'group': GROUP BY; 'whole': aggregates over the whole input; 'none': one row per input row. */
  readonly aggregation: 'none' | 'group' | 'whole';
  readonly groupBy: readonly PlanExpr[];
  readonly having?: PlanExpr;
  readonly windows: readonly WindowPlan[];
  /** Every slot, in computation order (a slot never reads a later one). */
  readonly calls: readonly SlotCall[];
  readonly items: readonly ProjectionItem[];
  readonly distinct: boolean;
  readonly columns: readonly OutputColumn[];
}

export interface SetOperationPlan {
  readonly kind: 'union';
  readonly pos: SourcePos;
  readonly all: boolean;
  readonly left: QueryPlan;
  readonly right: QueryPlan;
  readonly columns: readonly OutputColumn[];
}

export interface LimitPlan {
  readonly kind: 'limit';
  readonly pos: SourcePos;
  readonly input: QueryPlan;
  readonly limit: number;
  readonly columns: readonly OutputColumn[];
}

export type QueryPlan = SelectPlan | SetOperationPlan | LimitPlan;
