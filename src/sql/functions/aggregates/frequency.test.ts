import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import { matchesExpected } from '../../operators/ulp-distance.js';
import { listOf, type SqlType, type SqlValue } from '../../types.js';
import type { ResolvedAggregate } from '../function-types.js';
import { splitPairs, splitText } from '../list.js';
import { resolveFunction } from '../registry.js';
import { TOP_N_MAX } from './frequency.js';
import { aggregateOverRows, type RowsFrame } from './window-reference.js';

const f = Math.fround;

function aggregateOf(name: string, types: SqlType[]): ResolvedAggregate {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return r.value;
}

/** Runs an aggregate per partition (rows of one partition are contiguous, oldest first). */
function perPartition(agg: ResolvedAggregate, partitions: SqlValue[][][], frame: RowsFrame): SqlValue[] {
  return partitions.flatMap((rows) => aggregateOverRows(agg, rows, frame));
}

const LAST3: RowsFrame = { lower: 2, upper: 0 };
const STRINGS = listOf('string');
const keysOf = (s: Value, d: string) => splitPairs(s as string | null, d, ':').map((p) => p[0]);
const valuesOf = (s: Value, d: string) => splitPairs(s as string | null, d, ':').map((p) => p[1]);

describe('topn_frequency (test_feature_zero_function id 4, test_udaf_function id 53)', () => {
  // pk 1: ids 1-3, pk 2: ids 4-5.
  const c1: Value[][] = [['1:2 4:3', '4:2 8:3', null], [null, '1:2 1:3']];
  const c2: Value[][] = [[1, null, 2], [null, 5]];
  const c3: Value[][] = [['1:2 1:3', '1:7 1:3', '1:2 1:3'], ['1:8 1:3', '1:8 1:3']];
  const c4: Value[][] = [[f(1.1), f(1.4), f(1.3)], [null, f(1)]];
  const c5: Value[][] = [[2.1, 2.1, 2.3], [null, 1.5]];
  const c6: Value[][] = [['1:1 1:2', '1:1', '1:1 1:3'], ['1:3', '1:2 1:3']];
  const rows = (col: Value[][], map: (v: Value) => SqlValue) => col.map((p) => p.map((v) => [map(v), 3]));

  it('lists the n most frequent values, padded with NULL', () => {
    const byKey = aggregateOf('topn_frequency', [STRINGS, 'int']);
    expect(perPartition(byKey, rows(c1, (v) => keysOf(v, ' ')), LAST3)).toEqual([
      '1,4,NULL',
      '4,1,8',
      '4,1,8',
      '',
      '1,NULL,NULL',
    ]);
    expect(perPartition(aggregateOf('topn_frequency', ['int', 'int']), rows(c2, (v) => v), LAST3)).toEqual([
      '1,NULL,NULL',
      '1,NULL,NULL',
      '1,2,NULL',
      'NULL,NULL,NULL',
      '5,NULL,NULL',
    ]);
    const split = aggregateOf('topn_frequency', [STRINGS, 'int']);
    expect(perPartition(split, rows(c3, (v) => splitText(v as string, ',')), LAST3)).toEqual([
      '1:2 1:3,NULL,NULL',
      '1:2 1:3,1:7 1:3,NULL',
      '1:2 1:3,1:7 1:3,NULL',
      '1:8 1:3,NULL,NULL',
      '1:8 1:3,NULL,NULL',
    ]);
    expect(perPartition(aggregateOf('topn_frequency', ['float', 'int']), rows(c4, (v) => v), LAST3)).toEqual([
      '1.100000,NULL,NULL',
      '1.100000,1.400000,NULL',
      '1.100000,1.300000,1.400000',
      'NULL,NULL,NULL',
      '1.000000,NULL,NULL',
    ]);
    expect(perPartition(aggregateOf('topn_frequency', ['double', 'int']), rows(c5, (v) => v), LAST3)).toEqual([
      '2.100000,NULL,NULL',
      '2.100000,NULL,NULL',
      '2.100000,2.300000,NULL',
      'NULL,NULL,NULL',
      '1.500000,NULL,NULL',
    ]);
    expect(perPartition(byKey, rows(c6, (v) => valuesOf(v, ' ')), LAST3)).toEqual([
      '1,2,NULL',
      '1,2,NULL',
      '1,2,3',
      '3,NULL,NULL',
      '3,2,NULL',
    ]);
  });

  it('ties go to the smaller value (id 53)', () => {
    const agg = aggregateOf('topn_frequency', ['int', 'int']);
    expect(aggregateOverRows(agg, [1, 2, 3, 4, 5].map((v) => [v, 3]), LAST3)).toEqual([
      '1,NULL,NULL',
      '1,2,NULL',
      '1,2,3',
      '2,3,4',
      '3,4,5',
    ]);
  });

  it('bounds the padding', () => {
    const acc = aggregateOf('topn_frequency', ['int', 'bigint']).create();
    acc.add([1, 10n ** 12n]);
    expect((acc.result() as string).split(',').length).toBe(TOP_N_MAX);
  });
});

describe('top1_ratio (test_feature_zero_function id 3)', () => {
  const check = (type: SqlType, partitions: SqlValue[][][], expected: number[]) => {
    const got = perPartition(aggregateOf('top1_ratio', [type]), partitions, LAST3);
    got.forEach((v, i) => {
      expect(matchesExpected(v, expected[i]!, 'double'), `row ${i + 1}: ${String(v)}`).toBe(true);
    });
  };
  const wrap = (p: Value[][]) => p.map((rows) => rows.map((v) => [v]));

  it('is the share of the most frequent value, 0 without values', () => {
    check('smallint', wrap([[1, 2, null], [null, 5]]), [1, 0.5, 0.5, 0, 1]);
    check('int', wrap([[1, 2, 3], [5, 4]]), [1, 0.5, 0.33333333333333331, 1, 0.5]);
    check('bigint', wrap([[1n, 1n, 1n], [1n, 1n]]), [1, 1, 1, 1, 1]);
    check('float', wrap([[f(1.1), f(1.4), f(1.3)], [null, f(1.5)]]), [1, 0.5, 0.33333333333333331, 0, 1]);
    check('double', wrap([[2.1, 2.1, 2.3], [null, 2.5]]), [1, 1, 0.66666666666666663, 0, 1]);
    const c6: Value[][] = [['1:1 1:2', '1:1', '1:1 1:3'], ['1:3', '1:2 1:3']];
    check(STRINGS, c6.map((p) => p.map((v) => [valuesOf(v, ' ')])), [0.5, 0.66666666666666663, 0.6, 1, 0.66666666666666663]);
  });
});

describe('top', () => {
  it('lists the k largest values, descending', () => {
    const agg = aggregateOf('top', ['int', 'int']);
    expect(aggregateOverRows(agg, [3, 4, null, 4, 1].map((v) => [v, 3]), { lower: Infinity, upper: 0 })).toEqual([
      '3',
      '4,3',
      '4,3',
      '4,4,3',
      '4,4,3',
    ]);
    expect(resolveFunction('top', ['bool', 'int'], 'aggregate').ok).toBe(false);
  });
});
