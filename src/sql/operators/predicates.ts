/**
 * Predicates IS [NOT] NULL/TRUE/FALSE, [NOT] BETWEEN and [NOT] IN, with SQL three-valued logic:
 * `x BETWEEN lo AND hi` is `x >= lo AND x <= hi`; `x IN (...)` is true when an item equals x,
 * else NULL when x or an item is NULL, else false.
 */
import { ok, type Result } from '../../base/status.js';
import type { SqlType, SqlValue } from '../types.js';
import { resolveComparison } from './comparison.js';
import { resolveLogic, resolveNot } from './logic.js';
import type { ResolvedUnary } from './resolved.js';

export interface ResolvedTernary {
  readonly type: SqlType;
  readonly eval: (value: SqlValue, low: SqlValue, high: SqlValue) => SqlValue;
}

export interface ResolvedIn {
  readonly type: SqlType;
  readonly eval: (value: SqlValue, items: readonly SqlValue[]) => SqlValue;
}

function not(v: SqlValue): SqlValue {
  return v === null ? null : !v;
}

export function resolveIsNull(_operand: SqlType, negated: boolean): ResolvedUnary {
  return { type: 'bool', eval: negated ? (a) => a !== null : (a) => a === null };
}

/**
 * `x IS [NOT] NULL | TRUE | FALSE`; never NULL. TRUE/FALSE read x as a truth value like the
 * logical operators (a NULL x is neither).
 */
export function resolveIs(operand: SqlType, test: 'NULL' | 'TRUE' | 'FALSE', negated: boolean): Result<ResolvedUnary> {
  if (test === 'NULL') return ok(resolveIsNull(operand, negated));
  const not = resolveNot(operand);
  if (!not.ok) return not;
  const negate = not.value.eval;
  const want = test === 'FALSE';
  return ok({ type: 'bool', eval: (a) => (negate(a) === want) !== negated });
}

export function resolveBetween(
  value: SqlType,
  low: SqlType,
  high: SqlType,
  negated: boolean,
): Result<ResolvedTernary> {
  const ge = resolveComparison('>=', value, low);
  if (!ge.ok) return ge;
  const le = resolveComparison('<=', value, high);
  if (!le.ok) return le;
  const and = resolveLogic('AND', 'bool', 'bool');
  if (!and.ok) return and;
  const lower = ge.value.eval;
  const upper = le.value.eval;
  const both = and.value.eval;
  return ok({
    type: 'bool',
    eval: (v, lo, hi) => {
      const r = both(lower(v, lo), upper(v, hi));
      return negated ? not(r) : r;
    },
  });
}

export function resolveIn(value: SqlType, items: readonly SqlType[], negated: boolean): Result<ResolvedIn> {
  const tests: ((a: SqlValue, b: SqlValue) => SqlValue)[] = [];
  for (const item of items) {
    const eq = resolveComparison('=', value, item);
    if (!eq.ok) return eq;
    tests.push(eq.value.eval);
  }
  return ok({
    type: 'bool',
    eval: (v, list) => {
      if (v === null) return null;
      let sawNull = false;
      for (let i = 0; i < list.length; i += 1) {
        const r = tests[i]!(v, list[i]!);
        if (r === true) return !negated;
        if (r === null) sawNull = true;
      }
      if (sawNull) return null;
      return negated;
    },
  });
}
