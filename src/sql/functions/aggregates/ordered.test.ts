import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import { matchesExpected } from '../../operators/ulp-distance.js';
import type { SqlType, SqlValue } from '../../types.js';
import type { ResolvedAggregate } from '../function-types.js';
import { resolveFunction } from '../registry.js';
import { aggregateOverRows, type RowsFrame } from './window-reference.js';

function aggregateOf(name: string, types: SqlType[]): ResolvedAggregate {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return r.value;
}

function perPartition(agg: ResolvedAggregate, partitions: SqlValue[][][], frame: RowsFrame): SqlValue[] {
  return partitions.flatMap((rows) => aggregateOverRows(agg, rows, frame));
}

describe('first_value / last_value (test_window ids 33-35, 38; test_udaf_function ids 58, 60)', () => {
  // g1: ids 1-5 (val 1..5), g2: ids 6-8 (val 4, 3, 2); rows 1s apart, so "5s preceding" holds
  // every earlier row of the partition.
  const parts: SqlValue[][][] = [[1, 2, 3, 4, 5].map((v) => [v]), [4, 3, 2].map((v) => [v])];
  const withCurrent: RowsFrame = { lower: 5, upper: 0 };
  const history: RowsFrame = { lower: 5, upper: 1 };

  it('last_value is the newest row, first_value the oldest', () => {
    const last = aggregateOf('last_value', ['int']);
    const first = aggregateOf('first_value', ['int']);
    expect(last.orderSensitive).toBe(true);
    expect(perPartition(last, parts, withCurrent)).toEqual([1, 2, 3, 4, 5, 4, 3, 2]);
    expect(perPartition(last, parts, history)).toEqual([null, 1, 2, 3, 4, null, 4, 3]);
    expect(perPartition(first, parts, withCurrent)).toEqual([1, 1, 1, 1, 1, 4, 4, 4]);
    expect(perPartition(first, parts, history)).toEqual([null, 1, 1, 1, 1, null, 4, 4]);
  });

  it('ignore-nulls flag (id 38)', () => {
    const g1: Value[] = ['1', '2', '3', null, '5'];
    const g2: Value[] = [null, '3', '2'];
    const parts2 = (flag: boolean) => [g1.map((v) => [v, flag]), g2.map((v) => [v, flag])];
    const first = aggregateOf('first_value', ['string', 'bool']);
    const last = aggregateOf('last_value', ['string', 'bool']);
    expect(perPartition(first, parts2(true), history)).toEqual([null, '1', '1', '1', '1', null, null, '3']);
    expect(perPartition(last, parts2(true), history)).toEqual([null, '1', '2', '3', '3', null, null, '3']);
    expect(perPartition(last, parts2(false), history)).toEqual([null, '1', '2', '3', null, null, null, '3']);
  });
});

describe('nth_value_where (test_udaf_function id 64)', () => {
  // key g2, rows_range (5s open preceding, 0s]: every earlier row plus the current one.
  const all: RowsFrame = { lower: Infinity, upper: 0 };
  const id = [4, 5, 6, 7, 8];
  const l1: Value[] = [null, null, 1, 3, null];
  const l2 = [10, -2, 3, 10, 11];
  const f1: Value[] = [4.4, 9.0, 7.0, null, null].map((v) => (v === null ? null : Math.fround(v)));
  const ts = [1590738990002, 1590738990003, 1590738990004, 1590738990005, 1590738990006];
  const val = ['A', 'B', 'A', 'C', 'F'];
  /** sum(l2) over the same frame, as the case's conditions use it. */
  const sumL2 = l2.map((_, i) => l2.slice(0, i + 1).reduce((a, b) => a + b, 0));

  const run = (types: SqlType[], rowsFor: (row: number) => SqlValue[][]) =>
    id.map((_, i) => {
      const acc = aggregateOf('nth_value_where', types).create();
      const rows = rowsFor(i);
      for (let j = i; j >= 0 && j >= i - all.lower; j -= 1) acc.add(rows[j]!);
      return acc.result();
    });

  it('counts matches from the oldest (i > 0) or the newest (i < 0)', () => {
    expect(run(['int', 'int', 'bool'], () => id.map((v) => [v, 0, true]))).toEqual([null, null, null, null, null]);
    // l1 + 1 where l1 < last_value(l1): last_value is the current row's l1.
    const agg1 = run(['int', 'int', 'bool'], (i) =>
      l1.map((v) => [v === null ? null : (v as number) + 1, -1, v === null || l1[i] === null ? null : (v as number) < (l1[i] as number)]),
    );
    expect(agg1).toEqual([null, null, null, 2, null]);
    const agg2 = run(['float', 'int', 'bool'], () => f1.map((v) => [v, -2, v !== null && (v as number) > 5 ? true : null]));
    expect(agg2.map((v) => (v === null ? null : Math.fround(v as number)))).toEqual([null, null, 9, 9, 9]);
    const agg3 = run(['string', 'int', 'bool'], (i) => val.map((v) => [v, -2, sumL2[i]! > 10]));
    expect(agg3).toEqual([null, null, 'B', 'A', 'C']);
    const agg4 = run(['int', 'int', 'bool'], () => l1.map((v) => [v === null ? null : (v as number) + 1, 1, v === null ? null : (v as number) < 4]));
    expect(agg4).toEqual([null, null, 2, 2, 2]);
    const agg5 = run(['float', 'int', 'bool'], () => f1.map((v) => [v, 2, v === null ? null : (v as number) > 5]));
    expect(agg5).toEqual([null, null, 7, 7, 7]);
    const agg6 = run(['timestamp', 'int', 'bool'], (i) => ts.map((v) => [v, 2, sumL2[i]! > 10]));
    expect(agg6).toEqual([null, null, 1590738990003, 1590738990003, 1590738990003]);
  });
});

describe('join over a window (test_feature_zero_function ids 1, 3)', () => {
  it('joins values newest first, skipping NULLs', () => {
    const agg = aggregateOf('join', ['string', 'string']);
    const rows = ['a', null, 'b', 'c'].map((v) => [v, '-']);
    expect(aggregateOverRows(agg, rows, { lower: Infinity, upper: 0 })).toEqual(['a', 'a', 'b-a', 'c-b-a']);
    const ints = aggregateOf('join', ['int', 'string']);
    expect(aggregateOverRows(ints, [[1, ','], [2, ',']], { lower: 1, upper: 0 })).toEqual(['1', '2,1']);
  });
});

describe('ew_avg and drawdown', () => {
  it('ew_avg weights the newest value most (pandas adjust=True)', () => {
    const agg = aggregateOf('ew_avg', ['double', 'double']);
    const xs = [1, 2, 3];
    const got = aggregateOverRows(agg, xs.map((x) => [x, 0.5]), { lower: Infinity, upper: 0 });
    // At the newest row: (3 + 0.5*2 + 0.25*1) / (1 + 0.5 + 0.25).
    expect(matchesExpected(got[2]!, 4.25 / 1.75, 'double')).toBe(true);
    expect(got[0]).toBe(1);
    expect(aggregateOverRows(agg, [[null, 0.5]], { lower: 0, upper: 0 })).toEqual([null]);
  });

  it('drawdown is the largest relative decline after a peak', () => {
    const agg = aggregateOf('drawdown', ['int']);
    const series = [1, 8, 5, 2, 10, 4];
    const got = aggregateOverRows(agg, series.map((v) => [v]), { lower: Infinity, upper: 0 });
    expect(got).toEqual([0, 0, 0.375, 0.75, 0.75, 0.75]);
    expect(aggregateOverRows(agg, [[null]], { lower: 0, upper: 0 })).toEqual([null]);
  });
});
