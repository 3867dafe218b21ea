import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import { matchesExpected } from '../../operators/ulp-distance.js';
import type { PrimitiveType, SqlType, SqlValue } from '../../types.js';
import type { ResolvedAggregate } from '../function-types.js';
import { resolveFunction } from '../registry.js';
import { aggregateOverRows } from './window-reference.js';

const f = Math.fround;

function aggregateOf(name: string, types: SqlType[]): ResolvedAggregate {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return r.value;
}

function whole(name: string, type: SqlType, values: Value[]): SqlValue {
  const acc = aggregateOf(name, [type]).create();
  for (const v of values) acc.add([v]);
  return acc.result();
}

describe('median (test_udaf_function id 61)', () => {
  it('is the middle value in double, the mean of two for even counts', () => {
    const columns: [PrimitiveType, Value[], number[]][] = [
      ['smallint', [1, 4, 1, null], [1, 2.5, 1, 2.5]],
      ['int', [1, 4, 1, null], [1, 2.5, 1, 2.5]],
      ['bigint', [30n, 33n, 33n, null], [30, 31.5, 33, 33]],
      ['float', [f(1.1), f(1.4), f(1.1), null], [1.1000000238418579, 1.25, 1.1000000238418579, 1.25]],
      ['double', [2.1, 2.4, 2.1, null], [2.1, 2.25, 2.1, 2.25]],
    ];
    for (const [t, values, expected] of columns) {
      const agg = aggregateOf('median', [t]);
      expect(agg.type).toBe('double');
      const got = aggregateOverRows(agg, values.map((v) => [v]), { lower: 2, upper: 0 });
      got.forEach((v, i) => {
        expect(matchesExpected(v, expected[i]!, 'double'), `${t} row ${i + 1}: ${String(v)}`).toBe(true);
      });
    }
    expect(whole('median', 'int', [null])).toBeNull();
  });
});

describe('entropy (test_udaf_function id 63)', () => {
  it('is the base-2 entropy of the non-NULL values of any type', () => {
    expect(whole('entropy', 'int', [1, 2, 3, 4, null])).toBe(2);
    expect(whole('entropy', 'smallint', [55, 55, 55, 55, 55])).toBe(0);
    expect(whole('entropy', 'string', ['g1', null, 'g2', 'g1', 'g2'])).toBe(1);
    expect(whole('entropy', 'double', [2.0, 2.0, null, 4.0, 4.0])).toBe(1);
    const ts = [1590115420000, 1590115421000, 1590115422000, 1590115423000, 1590115424000];
    expect(matchesExpected(whole('entropy', 'timestamp', ts), 2.3219280948873622, 'double')).toBe(true);
    expect(whole('entropy', 'date', ['2012-12-12', '2012-12-13', '2012-12-14', '2012-12-15', null])).toBe(2);
    expect(whole('entropy', 'bool', [true, true, false, false, null])).toBe(1);
    expect(whole('entropy', 'int', [])).toBeNull();
  });
});

describe('variance and standard deviation', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  it('sample and population forms', () => {
    expect(whole('var_pop', 'int', xs)).toBe(4);
    expect(whole('stddev_pop', 'int', xs)).toBe(2);
    expect(matchesExpected(whole('var_samp', 'int', xs), 32 / 7, 'double')).toBe(true);
    expect(matchesExpected(whole('variance', 'int', [...xs, null]), 32 / 7, 'double')).toBe(true);
    for (const name of ['std', 'stddev', 'stddev_samp']) {
      expect(matchesExpected(whole(name, 'int', xs), Math.sqrt(32 / 7), 'double'), name).toBe(true);
    }
  });

  it('NULL without enough values', () => {
    expect(whole('var_samp', 'int', [3])).toBeNull();
    expect(whole('var_pop', 'int', [3])).toBe(0);
    expect(whole('stddev_pop', 'double', [])).toBeNull();
    expect(resolveFunction('stddev', ['string'], 'aggregate').ok).toBe(false);
  });
});
