/**
 * lag(x, k) and at(x, k) over a window: the value of x on the row k places before the current
 * row in the partition (k = 0: the current row), NULL when there is no such row or k is NULL or
 * negative. The executor reads that row itself (see ResolvedNavigation); the frame bounds do
 * not limit it.
 */
import type { Value } from '../../../protocol/schema.js';
import { toDouble } from '../../operators/numeric.js';
import { isIntegral, type SqlType } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';

function resolveNavigation(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, k] = argTypes;
  if (argTypes.length !== 2 || t === undefined || k === undefined || !isIntegral(k)) {
    return noOverload(name, argTypes, 'a value and an integer offset');
  }
  return {
    ok: true,
    kind: 'navigation',
    type: t,
    offsetOf: (offset) => {
      if (offset === null) return undefined;
      const n = toDouble(offset as Value);
      return n >= 0 ? n : undefined;
    },
  };
}

export const NAVIGATION_FUNCTIONS: readonly AggregateDef[] = [
  { names: ['lag'], resolve: resolveNavigation },
  { names: ['at'], resolve: resolveNavigation },
];
