/**
 * Statistics over the non-NULL numeric values of a window, all giving double (NULL when there
 * is no value): median (mean of the two middle values for an even count), variance and
 * standard deviation (sample: var_samp/variance, std/stddev/stddev_samp, NULL for one value;
 * population: var_pop, stddev_pop) and entropy (base-2 Shannon entropy of the value frequencies,
 * any primitive type).
 */
import type { Value } from '../../../protocol/schema.js';
import { toDouble } from '../../operators/numeric.js';
import { isNumeric, isPrimitive, type SqlType } from '../../types.js';
import type { AggregateDef, AggregateResolution } from '../function-types.js';
import { noOverload } from '../function-types.js';
import { aggregate } from './aggregate-helpers.js';

function numericArg(argTypes: readonly SqlType[]): boolean {
  const [t] = argTypes;
  return argTypes.length === 1 && t !== undefined && isNumeric(t);
}

function resolveMedian(argTypes: readonly SqlType[], name: string): AggregateResolution {
  if (!numericArg(argTypes)) return noOverload(name, argTypes, 'a numeric argument');
  return aggregate('double', () => {
    const values: number[] = [];
    return {
      add([v]) {
        if (v !== null) values.push(toDouble(v as Value));
      },
      result() {
        if (values.length === 0) return null;
        const sorted = [...values].sort((a, b) => a - b);
        const mid = sorted.length >> 1;
        return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      },
    };
  });
}

function resolveVariance(sample: boolean, sqrt: boolean) {
  return (argTypes: readonly SqlType[], name: string): AggregateResolution => {
    if (!numericArg(argTypes)) return noOverload(name, argTypes, 'a numeric argument');
    return aggregate('double', () => {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      return {
        add([v]) {
          if (v === null) return;
          const x = toDouble(v as Value);
          n += 1;
          const delta = x - mean;
          mean += delta / n;
          m2 += delta * (x - mean);
        },
        result() {
          const denominator = sample ? n - 1 : n;
          if (denominator <= 0) return null;
          const variance = m2 / denominator;
          return sqrt ? Math.sqrt(variance) : variance;
        },
      };
    });
  };
}

function resolveEntropy(argTypes: readonly SqlType[], name: string): AggregateResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isPrimitive(t)) return noOverload(name, argTypes, 'one primitive argument');
  return aggregate('double', () => {
    const counts = new Map<Value, number>();
    let total = 0;
    return {
      add([v]) {
        if (v === null) return;
        total += 1;
        counts.set(v as Value, (counts.get(v as Value) ?? 0) + 1);
      },
      result() {
        if (total === 0) return null;
        let h = 0;
        for (const c of counts.values()) {
          const p = c / total;
          h -= p * Math.log2(p);
        }
        return h;
      },
    };
  });
}

export const STATISTICS_AGGREGATES: readonly AggregateDef[] = [
  { names: ['median'], resolve: resolveMedian },
  { names: ['var_samp', 'variance'], resolve: resolveVariance(true, false) },
  { names: ['var_pop'], resolve: resolveVariance(false, false) },
  { names: ['stddev_samp', 'std', 'stddev'], resolve: resolveVariance(true, true) },
  { names: ['stddev_pop'], resolve: resolveVariance(false, true) },
  { names: ['entropy'], resolve: resolveEntropy },
];
