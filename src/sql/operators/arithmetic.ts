/**
 * Arithmetic operators + - * / % MOD DIV and unary minus.
 *
 * Types: numeric operands (bool counts as 0/1) give the wider operand type (bool < smallint <
 * int < bigint < float < double); `/` always gives double; DIV takes integers (and bool) only;
 * timestamp + integer, integer + timestamp, timestamp + timestamp and timestamp - integer give
 * timestamp. A NULL literal takes the type of the other side. Integer results wrap at the width
 * of the result type; float results are rounded to single precision; x / 0, x % 0 and x DIV 0
 * are NULL.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import {
  isIntegral,
  isNumericOrBool,
  isPrimitive,
  type NumericType,
  type PrimitiveType,
  type SqlType,
  typeName,
  widerNumeric,
} from '../types.js';
import { toBigInt, toDouble, wrapSmallint } from './numeric.js';
import type { ResolvedBinary, ResolvedUnary } from './resolved.js';

export const ARITHMETIC_OPS = ['+', '-', '*', '/', '%', 'MOD', 'DIV'] as const;
export type ArithmeticOp = (typeof ARITHMETIC_OPS)[number];

type Operand = NumericType | 'bool';
type ResultKind = Operand | 'timestamp';

function invalid(op: string, l: SqlType, r: SqlType): Result<never> {
  return fail(Code.sqlTypeError, `operator ${op} does not accept operands (${typeName(l)}, ${typeName(r)})`);
}

function isIntegralOrBool(t: PrimitiveType): t is 'bool' | 'smallint' | 'int' | 'bigint' {
  return t === 'bool' || isIntegral(t);
}

/** Result type of `l op r` for non-NULL primitive operand types, or undefined if invalid. */
function resultKind(op: ArithmeticOp, l: PrimitiveType, r: PrimitiveType): ResultKind | undefined {
  const bothNumeric = isNumericOrBool(l) && isNumericOrBool(r);
  switch (op) {
    case '+':
      if (bothNumeric) return widerNumeric(l, r);
      if (l === 'timestamp' && (r === 'timestamp' || isIntegralOrBool(r))) return 'timestamp';
      if (r === 'timestamp' && isIntegralOrBool(l)) return 'timestamp';
      return undefined;
    case '-':
      if (bothNumeric) return widerNumeric(l, r);
      if (l === 'timestamp' && isIntegralOrBool(r)) return 'timestamp';
      return undefined;
    case '*':
    case '%':
    case 'MOD':
      return bothNumeric ? widerNumeric(l, r) : undefined;
    case '/':
      return bothNumeric ? 'double' : undefined;
    case 'DIV':
      return isIntegralOrBool(l) && isIntegralOrBool(r) ? widerNumeric(l, r) : undefined;
  }
}

/** Stand-in type for a NULL literal next to `other`. */
function nullPartner(op: ArithmeticOp, other: PrimitiveType): PrimitiveType {
  if (other === 'null') return 'bool';
  if (other === 'timestamp' && (op === '+' || op === '-')) return 'bigint';
  return other;
}

type Fn = (a: Value, b: Value) => Value;

function smallIntegerFn(op: ArithmeticOp, wrap: (n: number) => Value): Fn {
  switch (op) {
    case '+':
      return (a, b) => wrap(toDouble(a) + toDouble(b));
    case '-':
      return (a, b) => wrap(toDouble(a) - toDouble(b));
    case '*':
      return (a, b) => wrap(Math.imul(toDouble(a), toDouble(b)));
    case '%':
    case 'MOD':
      return (a, b) => {
        const d = toDouble(b);
        return d === 0 ? null : wrap(toDouble(a) % d);
      };
    case 'DIV':
      return (a, b) => {
        const d = toDouble(b);
        return d === 0 ? null : wrap(Math.trunc(toDouble(a) / d));
      };
    case '/':
      return divide;
  }
}

function bigintFn(op: ArithmeticOp): Fn {
  const w = (n: bigint) => BigInt.asIntN(64, n);
  switch (op) {
    case '+':
      return (a, b) => w(toBigInt(a) + toBigInt(b));
    case '-':
      return (a, b) => w(toBigInt(a) - toBigInt(b));
    case '*':
      return (a, b) => w(toBigInt(a) * toBigInt(b));
    case '%':
    case 'MOD':
      return (a, b) => {
        const d = toBigInt(b);
        return d === 0n ? null : w(toBigInt(a) % d);
      };
    case 'DIV':
      return (a, b) => {
        const d = toBigInt(b);
        return d === 0n ? null : w(toBigInt(a) / d);
      };
    case '/':
      return divide;
  }
}

function floatingFn(op: ArithmeticOp, round: (x: number) => number): Fn {
  const num = (v: Value) => round(toDouble(v));
  switch (op) {
    case '+':
      return (a, b) => round(num(a) + num(b));
    case '-':
      return (a, b) => round(num(a) - num(b));
    case '*':
      return (a, b) => round(num(a) * num(b));
    case '%':
    case 'MOD':
      return (a, b) => {
        const d = num(b);
        return d === 0 ? null : round(num(a) % d);
      };
    case '/':
    case 'DIV':
      return divide;
  }
}

function timestampFn(op: ArithmeticOp): Fn {
  const ms = (v: Value) => (typeof v === 'bigint' ? Number(v) : toDouble(v));
  return op === '-' ? (a, b) => ms(a) - ms(b) : (a, b) => ms(a) + ms(b);
}

function divide(a: Value, b: Value): Value {
  const d = toDouble(b);
  return d === 0 ? null : toDouble(a) / d;
}

const identity = (x: number) => x;

function evaluator(op: ArithmeticOp, kind: ResultKind): Fn {
  if (op === '/') return divide;
  switch (kind) {
    case 'bool':
      return smallIntegerFn(op, (n) => n !== 0);
    case 'smallint':
      return smallIntegerFn(op, wrapSmallint);
    case 'int':
      return smallIntegerFn(op, (n) => n | 0);
    case 'bigint':
      return bigintFn(op);
    case 'float':
      return floatingFn(op, Math.fround);
    case 'double':
      return floatingFn(op, identity);
    case 'timestamp':
      return timestampFn(op);
  }
}

export function resolveArithmetic(op: ArithmeticOp, left: SqlType, right: SqlType): Result<ResolvedBinary> {
  if (!isPrimitive(left) || !isPrimitive(right)) return invalid(op, left, right);
  const l = left === 'null' ? nullPartner(op, right as PrimitiveType) : left;
  const r = right === 'null' ? nullPartner(op, l) : right;
  const kind = resultKind(op, l, r);
  if (kind === undefined) return invalid(op, left, right);
  const fn = evaluator(op, kind);
  return ok({
    type: kind,
    eval: (a, b) => (a === null || b === null ? null : fn(a as Value, b as Value)),
  });
}

/** Unary minus: numeric types and bool keep their type (smallint/int/bigint wrap). */
export function resolveNegate(operand: SqlType): Result<ResolvedUnary> {
  if (operand === 'null') return ok({ type: 'bool', eval: () => null });
  if (!isPrimitive(operand) || !isNumericOrBool(operand)) {
    return fail(Code.sqlTypeError, `operator - does not accept operand ${typeName(operand)}`);
  }
  const negate = negation(operand);
  return ok({ type: operand, eval: (a) => (a === null ? null : negate(a as Value)) });
}

function negation(t: Operand): (v: Value) => Value {
  switch (t) {
    case 'bool':
      return (v) => v;
    case 'smallint':
      return (v) => wrapSmallint(-(v as number));
    case 'int':
      return (v) => -(v as number) | 0;
    case 'bigint':
      return (v) => BigInt.asIntN(64, -(v as bigint));
    case 'float':
    case 'double':
      return (v) => -(v as number);
  }
}

/** Unary plus: numeric types and bool, unchanged. */
export function resolvePlus(operand: SqlType): Result<ResolvedUnary> {
  if (operand === 'null') return ok({ type: 'bool', eval: () => null });
  if (!isPrimitive(operand) || !isNumericOrBool(operand)) {
    return fail(Code.sqlTypeError, `operator + does not accept operand ${typeName(operand)}`);
  }
  return ok({ type: operand, eval: (a) => a });
}
