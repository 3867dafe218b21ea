/**
 * Comparison operators = == != <> < <= > >= and the ordering of values used by aggregates.
 *
 * Accepted pairs: numbers and bools with each other (bool is 0/1); a string with any primitive
 * type (the other side is converted to its text, so '10' = 10 and a timestamp compares with its
 * 'YYYY-MM-DD HH:MM:SS' text); timestamp with timestamp; date with date; NULL with anything
 * primitive. Timestamps and dates do not compare with numbers or with each other. Any NULL
 * operand gives NULL.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import { isNumericOrBool, isPrimitive, type PrimitiveType, type SqlType, typeName } from '../types.js';
import { toBigInt, toDouble } from './numeric.js';
import type { ResolvedBinary } from './resolved.js';
import { valueToString } from './to-string.js';

export const COMPARISON_OPS = ['=', '==', '!=', '<>', '<', '<=', '>', '>='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** -1, 0 or 1, or NaN when unordered (a float NaN): then only != holds. */
type Comparator = (a: Value, b: Value) => number;

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return a === b ? 0 : Number.NaN;
}

/**
 * Order of two non-NULL values of the same primitive type: numbers numerically, strings and
 * dates by their text, bools false < true.
 */
export function compareSameType(a: Value, b: Value): number {
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  return cmp(a as number, b as number);
}

function numericComparator(l: PrimitiveType, r: PrimitiveType): Comparator {
  if (l === 'double' || r === 'double') return (a, b) => cmp(toDouble(a), toDouble(b));
  if (l === 'float' || r === 'float') return (a, b) => cmp(Math.fround(toDouble(a)), Math.fround(toDouble(b)));
  if (l === 'bigint' || r === 'bigint') return (a, b) => cmp(toBigInt(a), toBigInt(b));
  return (a, b) => cmp(toDouble(a), toDouble(b));
}

function comparatorFor(l: PrimitiveType, r: PrimitiveType): Comparator | undefined {
  if (isNumericOrBool(l) && isNumericOrBool(r)) return numericComparator(l, r);
  if (l === 'string' || r === 'string') {
    return (a, b) => cmp(valueToString(a, l), valueToString(b, r));
  }
  if ((l === 'timestamp' && r === 'timestamp') || (l === 'date' && r === 'date')) {
    return (a, b) => cmp(a as number, b as number);
  }
  return undefined;
}

function test(op: ComparisonOp, c: number): boolean {
  switch (op) {
    case '=':
    case '==':
      return c === 0;
    case '!=':
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

export function resolveComparison(op: ComparisonOp, left: SqlType, right: SqlType): Result<ResolvedBinary> {
  const invalid = () =>
    fail(Code.sqlTypeError, `operator ${op} does not accept operands (${typeName(left)}, ${typeName(right)})`);
  if (!isPrimitive(left) || !isPrimitive(right)) return invalid();
  if (left === 'null' || right === 'null') return ok({ type: 'bool', eval: () => null });
  const compare = comparatorFor(left, right);
  if (compare === undefined) return invalid();
  return ok({
    type: 'bool',
    eval: (a, b) => (a === null || b === null ? null : test(op, compare(a as Value, b as Value))),
  });
}
