/**
 * Numeric value helpers shared by operators and functions: conversion of a numeric (or bool)
 * value to a JS number / bigint, and wrap-around to the width of a result type (integer overflow
 * wraps as in the reference's two's-complement arithmetic; float results are rounded to single
 * precision).
 */
import { assert } from '../../base/assert.js';
import type { Value } from '../../protocol/schema.js';
import type { NumericType } from '../types.js';

/** Number of a numeric, bool or timestamp value (bigint may lose precision beyond 2^53). */
export function toDouble(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  assert(false, `toDouble: not a numeric value: ${String(v)}`);
}

/** Exact integer of an integral, bool or timestamp value. */
export function toBigInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    assert(Number.isInteger(v), `toBigInt: not an integer: ${v}`);
    return BigInt(v);
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  assert(false, `toBigInt: not an integral value: ${String(v)}`);
}

export function wrapSmallint(n: number): number {
  return (n << 16) >> 16;
}

export function wrapInt(n: number): number {
  return n | 0;
}

export function wrapBigint(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

/**
 * Integer of any finite double, truncated toward zero and wrapped to 64 bits (C++ leaves
 * out-of-range conversions undefined; wrapping keeps the result deterministic). NaN gives 0.
 */
export function truncToBigint(x: number): bigint {
  if (!Number.isFinite(x)) return 0n;
  return BigInt.asIntN(64, BigInt(Math.trunc(x)));
}

/** Value of an integer (as bigint) in the representation of an integral or float type. */
export function fromBigInt(n: bigint, type: NumericType | 'bool' | 'timestamp'): Value {
  switch (type) {
    case 'bool':
      return n !== 0n;
    case 'smallint':
      return Number(BigInt.asIntN(16, n));
    case 'int':
      return Number(BigInt.asIntN(32, n));
    case 'bigint':
      return BigInt.asIntN(64, n);
    case 'timestamp':
      return Number(BigInt.asIntN(64, n));
    case 'float':
      return Math.fround(Number(n));
    case 'double':
      return Number(n);
  }
}

/** Value of a double in the representation of a numeric type (integers truncate and wrap). */
export function fromDouble(x: number, type: NumericType | 'bool'): Value {
  switch (type) {
    case 'bool':
      return x !== 0;
    case 'float':
      return Math.fround(x);
    case 'double':
      return x;
    default:
      return fromBigInt(truncToBigint(x), type);
  }
}
