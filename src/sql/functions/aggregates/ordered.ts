/**
 * Aggregates that depend on row order. Rows arrive newest → oldest (the current row first):
 * - last_value(x[, ignoreNulls]): the newest row's value (with ignoreNulls: the newest non-NULL);
 * - first_value(x[, ignoreNulls]): the oldest row's value (the oldest non-NULL);
 * - nth_value_where(x, i, cond): among rows whose condition holds, the i-th counted from the
 *   oldest when i > 0, from the newest when i < 0; NULL for i = 0 or too few rows;
 * - ew_avg(x, alpha): exponentially weighted mean, weight (1 - alpha)^k for the k-th newest
 *   non-NULL value (pandas ewm(alpha, adjust=True) at the newest row);
 * - drawdown(x): largest relative decline (peak - later value) / peak, peaks taken in time order;
 *   0 without a decline;
 * - join(x, delimiter): the non-NULL values newest → oldest joined by the delimiter.
 * Results are NULL over an empty window unless stated otherwise.
 */
import type { Value } from '../../../protocol/schema.js';
import { toDouble } from '../../operators/numeric.js';
import { valueToString } from '../../operators/to-string.js';
import { isIntegral, isNumeric, isPrimitive, type PrimitiveType, type SqlType, type SqlValue } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';
import { aggregate, holds } from './aggregate-helpers.js';

const ORDERED = { orderSensitive: true } as const;

function ignoreNullsArg(argTypes: readonly SqlType[]): boolean {
  return argTypes.length === 1 || (argTypes.length === 2 && argTypes[1] === 'bool');
}

function resolveLastValue(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (t === undefined || !ignoreNullsArg(argTypes)) return noOverload(name, argTypes, 'a value and an optional bool');
  return aggregate(
    t,
    () => {
      let seen = false;
      let value: SqlValue = null;
      return {
        add([v, ignoreNulls]) {
          if (seen || (v === null && ignoreNulls === true)) return;
          seen = true;
          value = v ?? null;
        },
        result: () => value,
      };
    },
    ORDERED,
  );
}

function resolveFirstValue(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (t === undefined || !ignoreNullsArg(argTypes)) return noOverload(name, argTypes, 'a value and an optional bool');
  return aggregate(
    t,
    () => {
      let value: SqlValue = null;
      return {
        add([v, ignoreNulls]) {
          if (v === null && ignoreNulls === true) return;
          value = v ?? null;
        },
        result: () => value,
      };
    },
    ORDERED,
  );
}

function resolveNthValueWhere(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, i, c] = argTypes;
  if (argTypes.length !== 3 || t === undefined || i === undefined || !isIntegral(i) || c === undefined || !isPrimitive(c)) {
    return noOverload(name, argTypes, 'a value, an integer index and a condition');
  }
  return aggregate(
    t,
    () => {
      let index = 0;
      let matched = 0;
      let found: SqlValue = null;
      const recent: SqlValue[] = [];
      return {
        add([v, idx, cond]) {
          if (idx !== null && idx !== undefined) index = toDouble(idx as Value);
          if (!holds(cond)) return;
          matched += 1;
          if (index < 0) {
            if (matched === -index) found = v ?? null;
          } else if (index > 0) {
            recent.push(v ?? null);
            if (recent.length > index) recent.shift();
          }
        },
        result() {
          if (index < 0) return matched >= -index ? found : null;
          if (index > 0 && recent.length === index) return recent[0]!;
          return null;
        },
      };
    },
    ORDERED,
  );
}

function resolveEwAvg(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, a] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isNumeric(t) || a === undefined || !isNumeric(a)) {
    return noOverload(name, argTypes, 'a numeric value and a numeric alpha');
  }
  return aggregate(
    'double',
    () => {
      let weight = 1;
      let weighted = 0;
      let weights = 0;
      return {
        add([v, alpha]) {
          if (v === null || alpha === null || alpha === undefined) return;
          weighted += weight * toDouble(v as Value);
          weights += weight;
          weight *= 1 - toDouble(alpha as Value);
        },
        result: () => (weights === 0 ? null : weighted / weights),
      };
    },
    ORDERED,
  );
}

function resolveDrawdown(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isNumeric(t)) return noOverload(name, argTypes, 'a numeric argument');
  return aggregate(
    'double',
    () => {
      let seen = false;
      let lowestLater = Infinity;
      let worst = 0;
      return {
        add([v]) {
          if (v === null) return;
          const x = toDouble(v as Value);
          seen = true;
          if (x > 0 && lowestLater < x) worst = Math.max(worst, (x - lowestLater) / x);
          lowestLater = Math.min(lowestLater, x);
        },
        result: () => (seen ? worst : null),
      };
    },
    ORDERED,
  );
}

function resolveJoin(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, d] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isPrimitive(t) || d !== 'string') {
    return noOverload(name, argTypes, 'a value and a delimiter string');
  }
  const type: PrimitiveType = t;
  return aggregate(
    'string',
    () => {
      const parts: string[] = [];
      let delimiter = '';
      return {
        add([v, delim]) {
          if (typeof delim === 'string') delimiter = delim;
          if (v !== null && type !== 'null') parts.push(valueToString(v as Value, type));
        },
        result: () => parts.join(delimiter),
      };
    },
    ORDERED,
  );
}

export const ORDERED_AGGREGATES: readonly AggregateDef[] = [
  { names: ['last_value'], resolve: resolveLastValue },
  { names: ['first_value'], resolve: resolveFirstValue },
  { names: ['nth_value_where'], resolve: resolveNthValueWhere },
  { names: ['ew_avg'], resolve: resolveEwAvg },
  { names: ['drawdown'], resolve: resolveDrawdown },
  { names: ['join'], resolve: resolveJoin },
];
