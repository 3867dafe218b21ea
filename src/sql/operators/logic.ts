/**
 * Logical operators AND, OR, XOR and NOT (!) with SQL three-valued logic. Operands of any
 * primitive type are accepted and read as truth values: numbers and timestamps are true when
 * non-zero, strings when non-empty, dates always; NULL stays unknown.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import { isPrimitive, type SqlType, type SqlValue, typeName } from '../types.js';
import type { ResolvedBinary, ResolvedUnary } from './resolved.js';

export const LOGIC_OPS = ['AND', 'OR', 'XOR'] as const;
export type LogicOp = (typeof LOGIC_OPS)[number];

/** Truth value of a non-NULL primitive value, as the logical operators read it. */
export function truthOf(v: Value): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
    default:
      return false;
  }
}

/** Truth value of an operand of `type`; dates are always true, NULL is unknown (null). */
function truthReader(type: SqlType): (v: SqlValue) => boolean | null {
  if (type === 'date') return (v) => (v === null ? null : true);
  return (v) => (v === null ? null : truthOf(v as Value));
}

function combine(op: LogicOp, a: boolean | null, b: boolean | null): boolean | null {
  switch (op) {
    case 'AND':
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    case 'OR':
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    case 'XOR':
      return a === null || b === null ? null : a !== b;
  }
}

export function resolveLogic(op: LogicOp, left: SqlType, right: SqlType): Result<ResolvedBinary> {
  if (!isPrimitive(left) || !isPrimitive(right)) {
    return fail(Code.sqlTypeError, `operator ${op} does not accept operands (${typeName(left)}, ${typeName(right)})`);
  }
  const l = truthReader(left);
  const r = truthReader(right);
  return ok({ type: 'bool', eval: (a, b) => combine(op, l(a), r(b)) });
}

export function resolveNot(operand: SqlType): Result<ResolvedUnary> {
  if (!isPrimitive(operand)) return fail(Code.sqlTypeError, `operator NOT does not accept operand ${typeName(operand)}`);
  const read = truthReader(operand);
  return ok({
    type: 'bool',
    eval: (a) => {
      const t = read(a);
      return t === null ? null : !t;
    },
  });
}
