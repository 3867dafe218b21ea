import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import type { PrimitiveType, SqlType, SqlValue } from '../../types.js';
import type { ResolvedAggregate } from '../function-types.js';
import { resolveFunction } from '../registry.js';
import { aggregateOverRows, type RowsFrame } from './window-reference.js';

const f = Math.fround;

function aggregateOf(name: string, types: SqlType[]): ResolvedAggregate {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'aggregate') throw new Error(`${name} is not an aggregate`);
  return r.value;
}

function run(name: string, types: SqlType[], args: SqlValue[][], frame: RowsFrame): SqlValue[] {
  const agg = aggregateOf(name, types);
  expect(agg.type).toBe('string');
  return aggregateOverRows(agg, args, frame);
}

const LAST3: RowsFrame = { lower: 2, upper: 0 };

/** Values c2..c6 of the {0} rows of test_udaf_function ids 20-38, and their condition c10. */
const VALUES: [PrimitiveType, Value[]][] = [
  ['smallint', [1, 4, 3, null]],
  ['int', [1, 4, 3, null]],
  ['bigint', [30n, 33n, 32n, null]],
  ['float', [f(1.1), f(1.4), f(1.3), null]],
  ['double', [2.1, 2.4, 2.3, null]],
];
const COND: Value[] = [true, false, true, null];

/** Categories from the joined {1} rows, per dataProvider choice, and their text. */
const CATEGORIES: [PrimitiveType, Value[], string[]][] = [
  ['smallint', [1, 1, 2, null], ['1', '2']],
  ['int', [1, 1, 2, null], ['1', '2']],
  ['bigint', [30n, 30n, 32n, null], ['30', '32']],
  ['timestamp', [1590738990000, 1590738990000, 1590738992000, null], ['2020-05-29 15:56:30', '2020-05-29 15:56:32']],
  ['date', ['2020-05-01', '2020-05-01', '2020-05-02', null], ['2020-05-01', '2020-05-02']],
  ['string', ['a', 'a', 'b', null], ['a', 'b']],
];

/**
 * Expected strings per row with the category keys written as K1 / K2 and one value column per
 * VALUES entry; `expand` substitutes the keys of a dataProvider choice.
 */
function expand(template: string, keys: string[]): string {
  return template.replace(/K1/g, keys[0]!).replace(/K2/g, keys[1]!);
}

function checkAll(name: string, where: boolean, top: boolean, expected: string[][]) {
  for (const [catType, cats, keys] of CATEGORIES) {
    VALUES.forEach(([valueType, values], c) => {
      const types: SqlType[] = where ? [valueType, 'bool', catType] : [valueType, catType];
      if (top) types.push('int');
      const args = values.map((v, i) => {
        const row: SqlValue[] = where ? [v, COND[i]!, cats[i]!] : [v, cats[i]!];
        if (top) row.push(1);
        return row;
      });
      const got = run(name, types, args, LAST3);
      expect(got, `${name}(${valueType}, ${catType})`).toEqual(expected.map((row) => expand(row[c]!, keys)));
    });
  }
}

describe('*_cate (test_udaf_function ids 20-24)', () => {
  it('max_cate', () => {
    checkAll('max_cate', false, false, [
      ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
      ['K1:4', 'K1:4', 'K1:33', 'K1:1.400000', 'K1:2.400000'],
      ['K1:4,K2:3', 'K1:4,K2:3', 'K1:33,K2:32', 'K1:1.400000,K2:1.300000', 'K1:2.400000,K2:2.300000'],
      ['K1:4,K2:3', 'K1:4,K2:3', 'K1:33,K2:32', 'K1:1.400000,K2:1.300000', 'K1:2.400000,K2:2.300000'],
    ]);
  });

  it('min_cate', () => {
    checkAll('min_cate', false, false, [
      ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
      ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
      ['K1:1,K2:3', 'K1:1,K2:3', 'K1:30,K2:32', 'K1:1.100000,K2:1.300000', 'K1:2.100000,K2:2.300000'],
      ['K1:4,K2:3', 'K1:4,K2:3', 'K1:33,K2:32', 'K1:1.400000,K2:1.300000', 'K1:2.400000,K2:2.300000'],
    ]);
  });

  it('count_cate', () => {
    checkAll('count_cate', false, false, [
      ['K1:1', 'K1:1', 'K1:1', 'K1:1', 'K1:1'],
      ['K1:2', 'K1:2', 'K1:2', 'K1:2', 'K1:2'],
      ['K1:2,K2:1', 'K1:2,K2:1', 'K1:2,K2:1', 'K1:2,K2:1', 'K1:2,K2:1'],
      ['K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1'],
    ]);
  });

  it('sum_cate', () => {
    checkAll('sum_cate', false, false, [
      ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
      ['K1:5', 'K1:5', 'K1:63', 'K1:2.500000', 'K1:4.500000'],
      ['K1:5,K2:3', 'K1:5,K2:3', 'K1:63,K2:32', 'K1:2.500000,K2:1.300000', 'K1:4.500000,K2:2.300000'],
      ['K1:4,K2:3', 'K1:4,K2:3', 'K1:33,K2:32', 'K1:1.400000,K2:1.300000', 'K1:2.400000,K2:2.300000'],
    ]);
  });

  it('avg_cate prints doubles', () => {
    checkAll('avg_cate', false, false, [
      ['K1:1.000000', 'K1:1.000000', 'K1:30.000000', 'K1:1.100000', 'K1:2.100000'],
      ['K1:2.500000', 'K1:2.500000', 'K1:31.500000', 'K1:1.250000', 'K1:2.250000'],
      [
        'K1:2.500000,K2:3.000000',
        'K1:2.500000,K2:3.000000',
        'K1:31.500000,K2:32.000000',
        'K1:1.250000,K2:1.300000',
        'K1:2.250000,K2:2.300000',
      ],
      [
        'K1:4.000000,K2:3.000000',
        'K1:4.000000,K2:3.000000',
        'K1:33.000000,K2:32.000000',
        'K1:1.400000,K2:1.300000',
        'K1:2.400000,K2:2.300000',
      ],
    ]);
  });
});

describe('*_cate_where (ids 27-31)', () => {
  const sameForMinMaxSum = [
    ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
    ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
    ['K1:1,K2:3', 'K1:1,K2:3', 'K1:30,K2:32', 'K1:1.100000,K2:1.300000', 'K1:2.100000,K2:2.300000'],
    ['K2:3', 'K2:3', 'K2:32', 'K2:1.300000', 'K2:2.300000'],
  ];
  it.each(['max_cate_where', 'min_cate_where', 'sum_cate_where'])('%s', (name) => {
    checkAll(name, true, false, sameForMinMaxSum);
  });

  it('count_cate_where and avg_cate_where', () => {
    checkAll('count_cate_where', true, false, [
      ['K1:1', 'K1:1', 'K1:1', 'K1:1', 'K1:1'],
      ['K1:1', 'K1:1', 'K1:1', 'K1:1', 'K1:1'],
      ['K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1', 'K1:1,K2:1'],
      ['K2:1', 'K2:1', 'K2:1', 'K2:1', 'K2:1'],
    ]);
    checkAll('avg_cate_where', true, false, [
      ['K1:1.000000', 'K1:1.000000', 'K1:30.000000', 'K1:1.100000', 'K1:2.100000'],
      ['K1:1.000000', 'K1:1.000000', 'K1:30.000000', 'K1:1.100000', 'K1:2.100000'],
      [
        'K1:1.000000,K2:3.000000',
        'K1:1.000000,K2:3.000000',
        'K1:30.000000,K2:32.000000',
        'K1:1.100000,K2:1.300000',
        'K1:2.100000,K2:2.300000',
      ],
      ['K2:3.000000', 'K2:3.000000', 'K2:32.000000', 'K2:1.300000', 'K2:2.300000'],
    ]);
  });
});

describe('top_n_key_*_cate_where with n = 1 (ids 34-38)', () => {
  const topKey = [
    ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
    ['K1:1', 'K1:1', 'K1:30', 'K1:1.100000', 'K1:2.100000'],
    ['K2:3', 'K2:3', 'K2:32', 'K2:1.300000', 'K2:2.300000'],
    ['K2:3', 'K2:3', 'K2:32', 'K2:1.300000', 'K2:2.300000'],
  ];
  it.each(['top_n_key_max_cate_where', 'top_n_key_min_cate_where', 'top_n_key_sum_cate_where'])('%s', (name) => {
    checkAll(name, true, true, topKey);
  });

  it('top_n_key_avg_cate_where and top_n_key_count_cate_where', () => {
    checkAll('top_n_key_avg_cate_where', true, true, [
      ['K1:1.000000', 'K1:1.000000', 'K1:30.000000', 'K1:1.100000', 'K1:2.100000'],
      ['K1:1.000000', 'K1:1.000000', 'K1:30.000000', 'K1:1.100000', 'K1:2.100000'],
      ['K2:3.000000', 'K2:3.000000', 'K2:32.000000', 'K2:1.300000', 'K2:2.300000'],
      ['K2:3.000000', 'K2:3.000000', 'K2:32.000000', 'K2:1.300000', 'K2:2.300000'],
    ]);
    checkAll('top_n_key_count_cate_where', true, true, [
      ['K1:1', 'K1:1', 'K1:1', 'K1:1', 'K1:1'],
      ['K1:1', 'K1:1', 'K1:1', 'K1:1', 'K1:1'],
      ['K2:1', 'K2:1', 'K2:1', 'K2:1', 'K2:1'],
      ['K2:1', 'K2:1', 'K2:1', 'K2:1', 'K2:1'],
    ]);
  });
});

describe('category type errors (ids 25, 26, 32, 33, 39, 40)', () => {
  const numeric: PrimitiveType[] = ['smallint', 'int', 'bigint', 'float', 'double'];
  const badCategories: PrimitiveType[] = ['float', 'double', 'bool'];
  const badValues: PrimitiveType[] = ['timestamp', 'date', 'string', 'bool'];
  const all: PrimitiveType[] = [...numeric, 'timestamp', 'date', 'string', 'bool'];
  const kinds = ['avg', 'sum', 'max', 'min', 'count'];
  const resolve = (name: string, types: PrimitiveType[]) => resolveFunction(name, types, 'aggregate').ok;

  it('floats, doubles and bools cannot be categories', () => {
    for (const k of kinds) {
      for (const v of numeric) {
        for (const c of badCategories) {
          expect(resolve(`${k}_cate`, [v, c]), `${k}_cate(${v}, ${c})`).toBe(false);
          expect(resolve(`${k}_cate_where`, [v, 'bool', c])).toBe(false);
          expect(resolve(`top_n_key_${k}_cate_where`, [v, 'bool', c, 'int'])).toBe(false);
        }
      }
    }
  });

  it('only counts take non-numeric values', () => {
    for (const k of ['avg', 'sum', 'max', 'min']) {
      for (const v of badValues) {
        for (const c of all) {
          expect(resolve(`${k}_cate`, [v, c]), `${k}_cate(${v}, ${c})`).toBe(false);
          expect(resolve(`${k}_cate_where`, [v, 'bool', c])).toBe(false);
          expect(resolve(`top_n_key_${k}_cate_where`, [v, 'bool', c, 'int'])).toBe(false);
        }
      }
    }
    expect(resolve('count_cate', ['timestamp', 'string'])).toBe(true);
    expect(resolve('top_n_key_count_cate_where', ['string', 'bool', 'date', 'int'])).toBe(true);
  });
});

describe('top_n_value_*_cate_where (id 62)', () => {
  // rows_range 10s preceding: every earlier row is in the frame.
  const ALL: RowsFrame = { lower: Infinity, upper: 0 };
  const id = [0, 1, 2, 3, 4, 5, 6];
  const col1: Value[] = [1, 2, 3, 4, null, 5, 5];
  const col3: Value[] = ['g1', null, 'g2', 'g1', 'g2', 'g2', 'g2'];
  const col4: Value[] = [2.0, 2.0, null, 4.0, 4.0, 4.0, 1.0];
  const notEq = (v: Value, x: number) => (v === null ? null : v !== x);

  it('orders by value, ties by key, both descending', () => {
    expect(
      run('top_n_value_count_cate_where', ['string', 'bool', 'string', 'int'], id.map((i) => [col3[i]!, notEq(col1[i]!, 5), col3[i]!, 1]), ALL),
    ).toEqual(['g1:1', 'g1:1', 'g2:1', 'g1:2', 'g1:2', 'g1:2', 'g1:2']);
    const longName = col3.map((v) => (v === null ? null : (v as string).length > 1));
    expect(
      run('top_n_value_min_cate_where', ['int', 'bool', 'string', 'int'], id.map((i) => [col1[i]!, longName[i]!, col3[i]!, 1]), ALL),
    ).toEqual(['g1:1', 'g1:1', 'g2:3', 'g2:3', 'g2:3', 'g2:3', 'g2:3']);
    expect(
      run('top_n_value_max_cate_where', ['double', 'bool', 'string', 'int'], id.map((i) => [col4[i]!, i > 0, col3[i]!, 2]), ALL),
    ).toEqual(['', '', '', 'g1:4.000000', 'g2:4.000000,g1:4.000000', 'g2:4.000000,g1:4.000000', 'g2:4.000000,g1:4.000000']);
    expect(
      run('top_n_value_sum_cate_where', ['int', 'bool', 'smallint', 'int'], id.map((i) => [col1[i]!, i !== 6, 55, 1]), ALL),
    ).toEqual(['55:1', '55:3', '55:6', '55:10', '55:10', '55:15', '55:15']);
    expect(
      run('top_n_value_avg_cate_where', ['double', 'bool', 'int', 'int'], id.map((i) => [col4[i]!, true, col1[i]!, 3]), ALL),
    ).toEqual([
      '1:2.000000',
      '2:2.000000,1:2.000000',
      '2:2.000000,1:2.000000',
      '4:4.000000,2:2.000000,1:2.000000',
      '4:4.000000,2:2.000000,1:2.000000',
      '5:4.000000,4:4.000000,2:2.000000',
      '4:4.000000,5:2.500000,2:2.000000',
    ]);
  });
});

describe('top_n_value_ratio_cate / top_n_key_ratio_cate (id 66)', () => {
  // rows_range 10s .. 1s preceding with rows 1s apart: every earlier row, not the current one.
  const HISTORY: RowsFrame = { lower: Infinity, upper: 1 };
  const val: Value[] = [200, 300, 200, 10, 101, 101];
  const cate: Value[] = ['a', 'b', null, 'b', 'c', 'c'];
  const rows = (n: number) => val.map((v, i) => [v, (v as number) > 100, cate[i]!, n]);
  const types: SqlType[] = ['int', 'bool', 'string', 'int'];

  it('orders by ratio or by key and limits to n (negative: all, 0: none)', () => {
    expect(run('top_n_value_ratio_cate', types, rows(2), HISTORY)).toEqual([
      '',
      'a:1.000000',
      'b:1.000000,a:1.000000',
      'b:1.000000,a:1.000000',
      'a:1.000000,b:0.500000',
      'c:1.000000,a:1.000000',
    ]);
    expect(run('top_n_key_ratio_cate', types, rows(2), HISTORY)).toEqual([
      '',
      'a:1.000000',
      'b:1.000000,a:1.000000',
      'b:1.000000,a:1.000000',
      'b:0.500000,a:1.000000',
      'c:1.000000,b:0.500000',
    ]);
    expect(run('top_n_value_ratio_cate', types, rows(-1), HISTORY)[5]).toBe('c:1.000000,a:1.000000,b:0.500000');
    expect(run('top_n_key_ratio_cate', types, rows(-2), HISTORY)[5]).toBe('c:1.000000,b:0.500000,a:1.000000');
    expect(run('top_n_value_ratio_cate', types, rows(0), HISTORY)).toEqual(['', '', '', '', '', '']);
    expect(run('top_n_key_ratio_cate', types, rows(0), HISTORY)).toEqual(['', '', '', '', '', '']);
  });
});
