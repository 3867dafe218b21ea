/**
 * count, sum, avg, min, max, distinct_count and their *_where forms (count_where(x, cond) ...:
 * only rows where cond holds). NULL inputs are skipped; sum/min/max give NULL and avg NULL
 * when nothing was added, count 0. sum/min/max keep the input type (sum also takes timestamp),
 * avg gives double, counts give bigint. The *_where forms other than count_where take numbers only.
 *
 * distinct_count is the exception to NULL skipping: like the reference, it counts a NULL as the
 * type's zero value (0, false, '', epoch 0), so [NULL, 4, 4] has 2 distinct values and
 * [NULL, false, true] has 2 (test_udaf_function ids 5, 6).
 */
import type { Value } from '../../../protocol/schema.js';
import { isNumeric, isPrimitive, type PrimitiveType, type SqlType } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';
import { aggregate, reducerAccumulator } from './aggregate-helpers.js';
import { type ReducerKind, reducerAccepts, reducerFactory, reducerRemovable, reducerType } from './reducers.js';

const EXPECTED: Readonly<Record<ReducerKind, string>> = {
  count: 'one argument',
  sum: 'a numeric or timestamp argument',
  avg: 'a numeric argument',
  min: 'a numeric, string, date or timestamp argument',
  max: 'a numeric, string, date or timestamp argument',
};

function plain(kind: ReducerKind) {
  return (argTypes: readonly SqlType[], name: string): AggregateResolution => {
    const [t] = argTypes;
    if (argTypes.length !== 1 || t === undefined || !isPrimitive(t) || !reducerAccepts(kind, t)) {
      return noOverload(name, argTypes, EXPECTED[kind]);
    }
    const make = reducerFactory(kind, t);
    return aggregate(reducerType(kind, t), () => reducerAccumulator(make()), { removable: reducerRemovable(kind, t) });
  };
}

function conditional(kind: ReducerKind) {
  return (argTypes: readonly SqlType[], name: string): AggregateResolution => {
    const [t, c] = argTypes;
    const valueOk = t !== undefined && isPrimitive(t) && (kind === 'count' || isNumeric(t));
    if (argTypes.length !== 2 || !valueOk || c === undefined || !isPrimitive(c)) {
      return noOverload(name, argTypes, kind === 'count' ? 'a value and a condition' : 'a numeric value and a condition');
    }
    const make = reducerFactory(kind, t);
    return aggregate(reducerType(kind, t), () => reducerAccumulator(make(), 0, 1), {
      removable: reducerRemovable(kind, t),
    });
  };
}

/** The value a NULL input stands for in distinct_count. */
function zeroOf(t: PrimitiveType): Value {
  switch (t) {
    case 'bool':
      return false;
    case 'bigint':
      return 0n;
    case 'string':
      return '';
    case 'date':
      return '1900-01-00';
    case 'null':
      return null;
    default:
      return 0;
  }
}

function resolveDistinctCount(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isPrimitive(t)) return noOverload(name, argTypes, 'one primitive argument');
  const zero = zeroOf(t);
  return aggregate(
    'bigint',
    () => {
      const counts = new Map<Value, number>();
      return {
        add([v]) {
          const key = (v ?? zero) as Value;
          if (key === null) return;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        },
        remove([v]) {
          const key = (v ?? zero) as Value;
          if (key === null) return;
          const n = (counts.get(key) ?? 0) - 1;
          if (n <= 0) counts.delete(key);
          else counts.set(key, n);
        },
        result: () => BigInt(counts.size),
      };
    },
    { removable: true },
  );
}

export const BASIC_AGGREGATES: readonly AggregateDef[] = [
  { names: ['count'], resolve: plain('count') },
  { names: ['sum'], resolve: plain('sum') },
  { names: ['avg'], resolve: plain('avg') },
  { names: ['min'], resolve: plain('min') },
  { names: ['max'], resolve: plain('max') },
  { names: ['distinct_count'], resolve: resolveDistinctCount },
  { names: ['count_where'], resolve: conditional('count') },
  { names: ['sum_where'], resolve: conditional('sum') },
  { names: ['avg_where'], resolve: conditional('avg') },
  { names: ['min_where'], resolve: conditional('min') },
  { names: ['max_where'], resolve: conditional('max') },
];

