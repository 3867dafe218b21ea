/**
 * What operator resolution hands the planner: the result type and an evaluator over operand
 * values that were computed with the operand types the operator was resolved for.
 */
import type { SqlType, SqlValue } from '../types.js';

export interface ResolvedUnary {
  readonly type: SqlType;
  readonly eval: (a: SqlValue) => SqlValue;
}

export interface ResolvedBinary {
  readonly type: SqlType;
  readonly eval: (a: SqlValue, b: SqlValue) => SqlValue;
}
