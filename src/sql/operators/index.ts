/**
 * Operator resolution for the planner: typed resolution of unary and binary operators by their
 * SQL spelling. Each resolver returns the result type and an evaluator, or a failure naming the
 * operator and the operand types when the reference rejects the combination at compile time.
 */
import { Code, fail, type Result } from '../../base/status.js';
import type { SqlType } from '../types.js';
import { ARITHMETIC_OPS, type ArithmeticOp, resolveArithmetic, resolveNegate, resolvePlus } from './arithmetic.js';
import { BITWISE_OPS, type BitwiseOp, resolveBitwise, resolveBitwiseNot } from './bitwise.js';
import { COMPARISON_OPS, type ComparisonOp, resolveComparison } from './comparison.js';
import { LOGIC_OPS, type LogicOp, resolveLogic, resolveNot } from './logic.js';
import type { ResolvedBinary, ResolvedUnary } from './resolved.js';

export type BinaryOp = ArithmeticOp | BitwiseOp | ComparisonOp | LogicOp;
export type UnaryOp = '-' | '+' | '~' | 'NOT' | '!';

export const BINARY_OPS: readonly BinaryOp[] = [...ARITHMETIC_OPS, ...BITWISE_OPS, ...COMPARISON_OPS, ...LOGIC_OPS];

function member<T extends string>(list: readonly T[], op: string): op is T {
  return (list as readonly string[]).includes(op);
}

/**
 * Resolves `left op right`. `op` is matched case-insensitively for the word operators
 * (AND, OR, XOR, MOD, DIV). LIKE, RLIKE, BETWEEN, IN and IS NULL have their own resolvers.
 */
export function resolveBinary(op: string, left: SqlType, right: SqlType): Result<ResolvedBinary> {
  const o = /^[a-z]+$/i.test(op) ? op.toUpperCase() : op;
  if (member(ARITHMETIC_OPS, o)) return resolveArithmetic(o, left, right);
  if (member(BITWISE_OPS, o)) return resolveBitwise(o, left, right);
  if (member(COMPARISON_OPS, o)) return resolveComparison(o, left, right);
  if (member(LOGIC_OPS, o)) return resolveLogic(o, left, right);
  return fail(Code.sqlPlanError, `unknown binary operator '${op}'`);
}

export function resolveUnary(op: string, operand: SqlType): Result<ResolvedUnary> {
  switch (op.toUpperCase()) {
    case '-':
      return resolveNegate(operand);
    case '+':
      return resolvePlus(operand);
    case '~':
      return resolveBitwiseNot(operand);
    case 'NOT':
    case '!':
      return resolveNot(operand);
    default:
      return fail(Code.sqlPlanError, `unknown unary operator '${op}'`);
  }
}

export type { ResolvedBinary, ResolvedUnary } from './resolved.js';
export { resolveBranches } from './branches.js';
export { resolveCast } from './cast.js';
export { resolveLike } from './like.js';
export { resolveRlike } from './regex.js';
export { resolveBetween, resolveIn, resolveIs, resolveIsNull } from './predicates.js';
export { resolveSubscript } from './subscript.js';
