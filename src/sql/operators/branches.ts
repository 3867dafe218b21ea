/**
 * Result type of expressions that choose between branches (CASE ... THEN a ELSE b END and the
 * like): the common type of the branch types, with a converter per branch. A branch typed
 * 'null' (a bare NULL) adapts; when every branch is NULL the type stays 'null' (the reference
 * reports such an output column as bool).
 */
import { ok, type Result } from '../../base/status.js';
import { commonTypeOf, type SqlType } from '../types.js';
import { type Converter, resolveCast } from './cast.js';

export interface ResolvedBranches {
  readonly type: SqlType;
  /** converters[i] turns a value of branch i into the result type. */
  readonly converters: readonly Converter[];
}

export function resolveBranches(branchTypes: readonly SqlType[]): Result<ResolvedBranches> {
  const common = commonTypeOf(branchTypes);
  if (!common.ok) return common;
  const converters: Converter[] = [];
  for (const t of branchTypes) {
    const c = resolveCast(t, common.value);
    if (!c.ok) return c;
    converters.push(c.value);
  }
  return ok({ type: common.value, converters });
}
