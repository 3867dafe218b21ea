/**
 * Distance in units in the last place between two floating-point numbers, in double or single
 * precision: how results are compared with the reference's expectations (which allow ≈4 ULP,
 * like gtest's ASSERT_FLOAT_EQ / ASSERT_DOUBLE_EQ).
 */
import { isList, type SqlType, type SqlValue } from '../types.js';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

function orderedDouble(x: number): bigint {
  f64[0] = x;
  const bits = i64[0]!;
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

function orderedSingle(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** ULPs between a and b (Infinity when either is NaN, 0 when both are NaN). */
export function ulpDistance(a: number, b: number, single = false): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (single) return Math.abs(orderedSingle(a) - orderedSingle(b));
  const d = orderedDouble(a) - orderedDouble(b);
  return Number(d < 0n ? -d : d);
}

/**
 * Whether a computed value matches an expected one of type `type`: floats and doubles within
 * `ulps` (in their own precision), everything else exactly (lists element by element).
 */
export function matchesExpected(actual: SqlValue, expected: SqlValue, type: SqlType, ulps = 4): boolean {
  if (actual === null || expected === null) return actual === expected;
  if (Array.isArray(actual) && Array.isArray(expected) && isList(type)) {
    return (
      actual.length === expected.length &&
      actual.every((a: SqlValue, i: number) => matchesExpected(a, expected[i] as SqlValue, type.element, ulps))
    );
  }
  if ((type === 'float' || type === 'double') && typeof actual === 'number' && typeof expected === 'number') {
    return ulpDistance(actual, expected, type === 'float') <= ulps;
  }
  return Object.is(actual, expected) || actual === expected;
}
