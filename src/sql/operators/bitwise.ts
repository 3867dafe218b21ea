/**
 * Bitwise operators & | ^ and ~ on smallint/int/bigint (bool, floats and the rest are
 * rejected). The result has the wider operand type; a NULL operand gives NULL.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import { type IntegralType, isIntegral, type SqlType, typeName, widerNumeric } from '../types.js';
import { toBigInt, wrapSmallint } from './numeric.js';
import type { ResolvedBinary, ResolvedUnary } from './resolved.js';

export const BITWISE_OPS = ['&', '|', '^'] as const;
export type BitwiseOp = (typeof BITWISE_OPS)[number];

function apply(op: BitwiseOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
  }
}

function applySmall(op: BitwiseOp, a: number, b: number): number {
  switch (op) {
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
  }
}

function narrow(n: number, type: IntegralType): number {
  return type === 'smallint' ? wrapSmallint(n) : n | 0;
}

export function resolveBitwise(op: BitwiseOp, left: SqlType, right: SqlType): Result<ResolvedBinary> {
  const l = left === 'null' ? right : left;
  const r = right === 'null' ? l : right;
  if (l === 'null' && r === 'null') return ok({ type: 'bool', eval: () => null });
  if (!isIntegral(l) || !isIntegral(r)) {
    return fail(Code.sqlTypeError, `operator ${op} does not accept operands (${typeName(left)}, ${typeName(right)})`);
  }
  const type = widerNumeric(l, r);
  const fn =
    type === 'bigint'
      ? (a: Value, b: Value): Value => BigInt.asIntN(64, apply(op, toBigInt(a), toBigInt(b)))
      : (a: Value, b: Value): Value => narrow(applySmall(op, a as number, b as number), type);
  return ok({ type, eval: (a, b) => (a === null || b === null ? null : fn(a as Value, b as Value)) });
}

export function resolveBitwiseNot(operand: SqlType): Result<ResolvedUnary> {
  if (operand === 'null') return ok({ type: 'bool', eval: () => null });
  if (!isIntegral(operand)) return fail(Code.sqlTypeError, `operator ~ does not accept operand ${typeName(operand)}`);
  const fn =
    operand === 'bigint'
      ? (a: Value): Value => BigInt.asIntN(64, ~(a as bigint))
      : (a: Value): Value => narrow(~(a as number), operand);
  return ok({ type: operand, eval: (a) => (a === null ? null : fn(a as Value)) });
}
