/**
 * Shapes of resolved built-in functions, as the planner and executor use them:
 * - a scalar: result type + `eval(args)`;
 * - an aggregate: result type + accumulators, fed one row's argument values at a time, in window
 *   order: newest → oldest, the current row first (GROUP BY and whole-table aggregation may feed
 *   any order). Argument expressions (including nested aggregates such as `sum(c1 - count(c1))`
 *   or the `n` of `topn_frequency(x, n)`) are evaluated by the executor for each row;
 * - a navigation function (lag/at over a window): not an accumulator, because it reads the row
 *   `offset` places before the current row in the partition, whatever the frame bounds.
 */
import { Code, fail, type Failure } from '../../base/status.js';
import { type SqlType, type SqlValue, typeName } from '../types.js';

export interface ResolvedScalar {
  readonly kind: 'scalar';
  /** Canonical function name. */
  readonly name: string;
  readonly type: SqlType;
  readonly eval: (args: readonly SqlValue[]) => SqlValue;
}

export interface Accumulator {
  /** Adds one row's argument values. */
  add(args: readonly SqlValue[]): void;
  /**
   * Optional, for one-argument aggregates: adds `values[from..to)` as rows, in that order (the
   * same as `add([v])` for each; a loop without an argument array per row).
   */
  addValues?(values: readonly SqlValue[], from: number, to: number): void;
  /**
   * Takes out a row added before, with the same argument values (sliding frames). Present only
   * when the resolved aggregate says `removable`.
   */
  remove?(args: readonly SqlValue[]): void;
  /** Result over the rows currently held; may be called any number of times. */
  result(): SqlValue;
}

export interface ResolvedAggregate {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly type: SqlType;
  readonly create: () => Accumulator;
  /** Accumulators implement `remove` (exact for this argument type, so cheap to slide). */
  readonly removable: boolean;
  /** Result depends on the order rows are added in (first_value, lag-like, ew_avg, join...). */
  readonly orderSensitive: boolean;
}

/**
 * lag(x, k) / at(x, k) over a window: the value of argument 0 evaluated on the row k places
 * before the current row (k = 0 is the current row) in the partition's order, counted from the
 * current row even when EXCLUDE CURRENT_ROW or the frame bounds leave that row out of the frame;
 * NULL when there is no such row. Argument 1 is evaluated on the current row; `offsetOf`
 * converts it (undefined for NULL or a negative offset: the result is NULL).
 */
export interface ResolvedNavigation {
  readonly kind: 'navigation';
  readonly name: string;
  readonly type: SqlType;
  readonly offsetOf: (offset: SqlValue) => number | undefined;
}

export type ResolvedFunction = ResolvedScalar | ResolvedAggregate | ResolvedNavigation;

export interface ScalarDef {
  /** Canonical name first, then aliases; all lower-case. */
  readonly names: readonly string[];
  readonly resolve: (argTypes: readonly SqlType[], name: string) => ScalarResolution;
}

export interface AggregateDef {
  readonly names: readonly string[];
  readonly resolve: (argTypes: readonly SqlType[], name: string) => AggregateResolution;
}

/** What a def returns: the parts of the resolved function, or a failure. */
export type ScalarResolution =
  | { readonly ok: true; readonly type: SqlType; readonly eval: ResolvedScalar['eval'] }
  | Failure;

export type AggregateResolution =
  | {
      readonly ok: true;
      readonly kind: 'aggregate';
      readonly type: SqlType;
      readonly create: () => Accumulator;
      readonly removable?: boolean;
      readonly orderSensitive?: boolean;
    }
  | { readonly ok: true; readonly kind: 'navigation'; readonly type: SqlType; readonly offsetOf: ResolvedNavigation['offsetOf'] }
  | Failure;

export function signature(name: string, argTypes: readonly SqlType[]): string {
  return `${name}(${argTypes.map(typeName).join(', ')})`;
}

/** Failure for a call whose argument types match no overload. */
export function noOverload(name: string, argTypes: readonly SqlType[], expected: string): Failure {
  return fail(Code.sqlTypeError, `function ${signature(name, argTypes)} is not supported: expected ${expected}`);
}

/** Scalar evaluator returning NULL when any argument is NULL. */
export function nullIfAnyNull(fn: (args: readonly SqlValue[]) => SqlValue): (args: readonly SqlValue[]) => SqlValue {
  return (args) => {
    for (const a of args) if (a === null) return null;
    return fn(args);
  };
}

export function scalar(type: SqlType, evaluate: ResolvedScalar['eval']): ScalarResolution {
  return { ok: true, type, eval: evaluate };
}
