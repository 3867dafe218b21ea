/**
 * Small helpers for writing aggregate defs: a successful resolution, reading a condition
 * argument, and the accumulator over a reducer.
 */
import type { Value } from '../../../protocol/schema.js';
import { truthOf } from '../../operators/logic.js';
import type { SqlType, SqlValue } from '../../types.js';
import type { Accumulator, AggregateResolution } from '../function-types.js';
import type { Reducer } from './reducers.js';

export function aggregate(
  type: SqlType,
  create: () => Accumulator,
  options: { removable?: boolean; orderSensitive?: boolean } = {},
): AggregateResolution {
  return { ok: true, kind: 'aggregate', type, create, ...options };
}

/** A condition argument holds when it is non-NULL and true (numbers: non-zero). */
export function holds(cond: SqlValue | undefined): boolean {
  return cond !== null && cond !== undefined && truthOf(cond as Value);
}

/**
 * Accumulator feeding argument `valueArg` to a reducer when it is non-NULL and, if `condArg`
 * is given, that argument holds.
 */
export function reducerAccumulator(reducer: Reducer, valueArg = 0, condArg?: number): Accumulator {
  const accepts = (args: readonly SqlValue[]) =>
    args[valueArg] !== null && (condArg === undefined || holds(args[condArg]));
  const single = valueArg === 0 && condArg === undefined;
  return {
    add(args) {
      if (accepts(args)) reducer.add(args[valueArg] as Value);
    },
    ...(single
      ? {
          addValues(values: readonly SqlValue[], from: number, to: number) {
            for (let i = from; i < to; i++) {
              const v = values[i] as SqlValue;
              if (v !== null) reducer.add(v as Value);
            }
          },
        }
      : {}),
    remove(args) {
      if (accepts(args)) reducer.remove(args[valueArg] as Value);
    },
    result: () => reducer.result(),
  };
}
