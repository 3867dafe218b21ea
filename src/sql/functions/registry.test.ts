import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import { listOf, type SqlType, type SqlValue } from '../types.js';
import { splitPairs, splitText } from './list.js';
import { functionNames, isAggregateFunction, isScalarFunction, resolveFunction } from './registry.js';
import type { ResolvedAggregate, ResolvedScalar } from './function-types.js';
import { aggregateOverRows } from './aggregates/window-reference.js';

const STRINGS = listOf('string');

function aggregateOf(name: string, types: SqlType[]): ResolvedAggregate {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return r.value;
}

function scalarOf(name: string, types: SqlType[], context: 'scalar' | 'aggregate' = 'scalar'): ResolvedScalar {
  const r = resolveFunction(name, types, context);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return r.value;
}

describe('registry lookup', () => {
  it('ignores case and resolves aliases to the canonical name (test_udf_function id 2)', () => {
    expect(aggregateOf('SUM', ['double']).name).toBe('sum');
    expect(aggregateOf('sUm', ['double']).name).toBe('sum');
    expect(scalarOf('SubStr', ['string', 'int']).name).toBe('substring');
    expect(scalarOf('NVL', ['int', 'int']).name).toBe('ifnull');
    expect(aggregateOf('stddev', ['int']).name).toBe('stddev_samp');
  });

  it('names unknown functions', () => {
    const r = resolveFunction('no_such_fn', ['int']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("unknown function 'no_such_fn'");
  });

  it('knows which names are aggregates and which scalars', () => {
    expect(isAggregateFunction('COUNT')).toBe(true);
    expect(isScalarFunction('count')).toBe(false);
    expect(isAggregateFunction('join') && isScalarFunction('join')).toBe(true);
    expect(isAggregateFunction('at') && isScalarFunction('at')).toBe(true);
    const names = functionNames();
    for (const n of ['sum', 'count', 'lag', 'min', 'distinct_count', 'max', 'join', 'identity', 'isnull', 'int', 'timestamp']) {
      expect(names).toContain(n);
    }
    for (const n of ['avg', 'double', 'topn_frequency', 'count_where', 'date', 'string', 'bigint', 'map', 'at', 'top1_ratio']) {
      expect(names).toContain(n);
    }
    for (const n of ['abs', 'concat', 'year', 'hash64', 'ifnull', 'array_contains']) expect(names).toContain(n);
  });
});

describe('call contexts', () => {
  it('scalars applied to aggregates in an aggregate context (test_udaf_function ids 42, 44)', () => {
    expect(scalarOf('abs', ['int'], 'aggregate').type).toBe('int');
    expect(scalarOf('identity', ['bigint'], 'aggregate').type).toBe('bigint');
    expect(scalarOf('string', ['double'], 'aggregate').eval([19])).toBe('19');
  });

  it('at and join: navigation / aggregate over a window, scalar on lists', () => {
    expect(resolveFunction('at', ['int', 'int'], 'aggregate').ok && resolveFunction('at', ['int', 'int'], 'aggregate')).toMatchObject({
      value: { kind: 'navigation' },
    });
    expect(scalarOf('at', [STRINGS, 'int'], 'aggregate').eval([['x', 'y'], 1])).toBe('y');
    expect(scalarOf('at', [STRINGS, 'int']).eval([['x', 'y'], 0])).toBe('x');
    expect(aggregateOf('join', ['string', 'string']).orderSensitive).toBe(true);
    expect(scalarOf('join', [STRINGS, 'string']).eval([['x', 'y'], '+'])).toBe('x+y');
    expect(resolveFunction('lag', ['int', 'int']).ok).toBe(false);
  });
});

describe('aggregates over list arguments (test_feature_zero_function id 1)', () => {
  const c1: Value[] = ['k1:v1,k2:v2', 'k3:v3', '???,,k4:v4', null, 'k5:v5,k5:v3'];
  const window = { lower: 10, upper: 0 };
  const split = c1.map((v) => splitText(v as string | null, ','));
  const keys = c1.map((v) => splitPairs(v as string | null, ',', ':').map((p) => p[0]));
  const values = c1.map((v) => splitPairs(v as string | null, ',', ':').map((p) => p[1]));

  it('join concatenates every element of every row, newest row first', () => {
    const join = aggregateOf('join', [STRINGS, 'string']);
    expect(aggregateOverRows(join, split.map((l) => [l, ' ']), window)).toEqual([
      'k1:v1 k2:v2',
      'k3:v3 k1:v1 k2:v2',
      '???  k4:v4 k3:v3 k1:v1 k2:v2',
      '???  k4:v4 k3:v3 k1:v1 k2:v2',
      'k5:v5 k5:v3 ???  k4:v4 k3:v3 k1:v1 k2:v2',
    ]);
    expect(aggregateOverRows(join, keys.map((l) => [l, ' ']), window)).toEqual([
      'k1 k2',
      'k3 k1 k2',
      'k4 k3 k1 k2',
      'k4 k3 k1 k2',
      'k5 k5 k4 k3 k1 k2',
    ]);
    expect(aggregateOverRows(join, values.map((l) => [l, ' ']), window)[4]).toBe('v5 v3 v4 v3 v1 v2');
  });

  it('count and distinct_count count elements', () => {
    expect(aggregateOverRows(aggregateOf('count', [STRINGS]), keys.map((l) => [l]), window)).toEqual([2n, 3n, 4n, 4n, 6n]);
    const distinct = aggregateOf('distinct_count', [STRINGS]);
    expect(aggregateOverRows(distinct, keys.map((l) => [l]), window)).toEqual([2n, 3n, 4n, 4n, 5n]);
    expect(aggregateOverRows(distinct, split.map((l) => [l]), window)).toEqual([2n, 3n, 6n, 6n, 8n]);
    expect(aggregateOverRows(distinct, values.map((l) => [l]), window)).toEqual([2n, 3n, 4n, 4n, 5n]);
  });

  it('removable aggregates stay removable element-wise', () => {
    const count = aggregateOf('count', [STRINGS]);
    expect(count.removable).toBe(true);
    const acc = count.create();
    acc.add([['a', 'b']]);
    acc.add([null]);
    acc.add([['c']]);
    acc.remove!([['a', 'b']]);
    expect(acc.result()).toBe(1n);
  });

  it('navigation functions do not take lists', () => {
    const r = resolveFunction('lag', [STRINGS, 'int'], 'aggregate');
    expect(r.ok).toBe(false);
  });
});

describe('scalar functions over an aggregate result (test_udaf_function id 65)', () => {
  it('split_by_key of count_cate, then join and at', () => {
    const count = aggregateOf('count_cate', ['int', 'int']);
    const rows: SqlValue[][] = [
      [100, 1],
      [200, 2],
      [300, 1],
      [400, 2],
    ];
    const splitByKey = scalarOf('split_by_key', ['string', 'string', 'string']);
    const join = scalarOf('join', [STRINGS, 'string']);
    const at = scalarOf('at', [STRINGS, 'int']);
    const current = aggregateOverRows(count, rows, { lower: Infinity, upper: 0 });
    const history = aggregateOverRows(count, rows, { lower: Infinity, upper: 1 });
    const keysNow = current.map((s) => splitByKey.eval([s, ',', ':']));
    const keysBefore = history.map((s) => splitByKey.eval([s, ',', ':']));
    expect(keysNow.map((k) => join.eval([k, '-']))).toEqual(['1', '1-2', '1-2', '1-2']);
    expect(keysNow.map((k) => at.eval([k, 1]))).toEqual([null, '2', '2', '2']);
    expect(keysBefore.map((k) => at.eval([k, 1]))).toEqual([null, null, '2', '2']);
  });
});
