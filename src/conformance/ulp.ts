/**
 * Distance in units in the last place, as gtest's ASSERT_FLOAT_EQ / ASSERT_DOUBLE_EQ measure it
 * (equal when within 4 ULPs). Bit patterns are mapped to a line where adjacent floats differ by 1
 * and +0 and -0 coincide.
 */
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

export const MAX_ULPS = 4;

export function ulpDistance32(a: number, b: number): number {
  return Math.abs(ordered32(a) - ordered32(b));
}

export function ulpDistance64(a: number, b: number): bigint {
  const d = ordered64(a) - ordered64(b);
  return d < 0n ? -d : d;
}

function ordered32(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits >= 0 ? bits : -(bits + 2 ** 31);
}

function ordered64(x: number): bigint {
  f64[0] = x;
  const bits = i64[0]!;
  return bits >= 0n ? bits : -(bits + 2n ** 63n);
}

/** FLOAT equality: both rounded to float32, then within 4 ULPs; NaN equals NaN. */
export function floatsEqual(expected: number, actual: number): boolean {
  const e = Math.fround(expected);
  const a = Math.fround(actual);
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return e === a;
  return ulpDistance32(e, a) <= MAX_ULPS;
}

/** DOUBLE equality: within 4 ULPs; NaN equals NaN. */
export function doublesEqual(expected: number, actual: number): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return expected === actual;
  return ulpDistance64(expected, actual) <= BigInt(MAX_ULPS);
}
