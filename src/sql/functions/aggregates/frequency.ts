/**
 * Frequency aggregates over the non-NULL values of a window:
 * - topn_frequency(x, n): the n most frequent values (ties: smaller value first) joined by ',',
 *   padded with "NULL" up to n entries; "" when no row was added at all;
 * - top1_ratio(x): count of the most frequent value / count of non-NULL values (0 when none);
 * - top(x, k): the k largest values in descending order joined by ','.
 */
import type { Value } from '../../../protocol/schema.js';
import { compareSameType } from '../../operators/comparison.js';
import { toDouble } from '../../operators/numeric.js';
import { isIntegral, isPrimitive, type PrimitiveType, type SqlType } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';
import { aggregate } from './aggregate-helpers.js';
import { formatItem } from './format-item.js';
import { ORDERABLE } from './reducers.js';

/** Upper bound on n in topn_frequency/top (the output is padded to n entries). */
export const TOP_N_MAX = 10_000;

function counting() {
  const counts = new Map<Value, number>();
  return {
    counts,
    add(v: Value) {
      counts.set(v, (counts.get(v) ?? 0) + 1);
    },
    remove(v: Value) {
      const n = (counts.get(v) ?? 0) - 1;
      if (n <= 0) counts.delete(v);
      else counts.set(v, n);
    },
  };
}

function resolveTopnFrequency(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, n] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isPrimitive(t) || t === 'null' || n === undefined || !isIntegral(n)) {
    return noOverload(name, argTypes, 'a value and an integer count');
  }
  const type: PrimitiveType = t;
  return aggregate('string', () => {
    const c = counting();
    let rows = 0;
    let limit = 0;
    return {
      add([v, k]) {
        rows += 1;
        if (k !== null && k !== undefined) limit = Math.min(TOP_N_MAX, toDouble(k as Value));
        if (v !== null) c.add(v as Value);
      },
      result() {
        if (rows === 0) return '';
        const ranked = [...c.counts].sort((a, b) => b[1] - a[1] || compareSameType(a[0], b[0]));
        const out: string[] = [];
        for (let i = 0; i < limit; i += 1) {
          const entry = ranked[i];
          out.push(entry === undefined ? 'NULL' : formatItem(entry[0], type));
        }
        return out.join(',');
      },
    };
  });
}

function resolveTop1Ratio(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isPrimitive(t)) return noOverload(name, argTypes, 'one primitive argument');
  return aggregate(
    'double',
    () => {
      const c = counting();
      let total = 0;
      return {
        add([v]) {
          if (v === null) return;
          total += 1;
          c.add(v as Value);
        },
        remove([v]) {
          if (v === null) return;
          total -= 1;
          c.remove(v as Value);
        },
        result() {
          if (total === 0) return 0;
          let best = 0;
          for (const n of c.counts.values()) best = Math.max(best, n);
          return best / total;
        },
      };
    },
    { removable: true },
  );
}

function resolveTop(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t, k] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isPrimitive(t) || !ORDERABLE.includes(t) || k === undefined || !isIntegral(k)) {
    return noOverload(name, argTypes, 'a number, string, date or timestamp and an integer count');
  }
  const type: PrimitiveType = t;
  return aggregate('string', () => {
    const values: Value[] = [];
    let limit = 0;
    return {
      add([v, n]) {
        if (n !== null && n !== undefined) limit = Math.min(TOP_N_MAX, toDouble(n as Value));
        if (v !== null) values.push(v as Value);
      },
      result() {
        const sorted = [...values].sort((a, b) => compareSameType(b, a));
        return sorted
          .slice(0, Math.max(0, limit))
          .map((v) => formatItem(v, type))
          .join(',');
      },
    };
  });
}

export const FREQUENCY_AGGREGATES: readonly AggregateDef[] = [
  { names: ['topn_frequency'], resolve: resolveTopnFrequency },
  { names: ['top1_ratio'], resolve: resolveTop1Ratio },
  { names: ['top'], resolve: resolveTop },
];
