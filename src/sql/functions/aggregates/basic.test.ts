import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import { matchesExpected } from '../../operators/ulp-distance.js';
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

/** Runs `name` over ROWS frames and checks type and values (floats within 4 ULP). */
function expectWindow(
  name: string,
  types: SqlType[],
  args: SqlValue[][],
  frame: RowsFrame,
  type: SqlType,
  expected: SqlValue[],
) {
  const agg = aggregateOf(name, types);
  expect(agg.type, `${name} type`).toEqual(type);
  const got = aggregateOverRows(agg, args, frame);
  got.forEach((v, i) => {
    expect(matchesExpected(v, expected[i]!, type), `${name} row ${i + 1}: ${String(v)} vs ${String(expected[i])}`).toBe(
      true,
    );
  });
}

const LAST3: RowsFrame = { lower: 2, upper: 0 };

/** test_udaf_function ids 0-3: c2..c9 of the four rows. */
const COLUMNS: [PrimitiveType, Value[]][] = [
  ['smallint', [1, 4, 3, null]],
  ['int', [1, 4, 3, null]],
  ['bigint', [30n, 33n, 32n, null]],
  ['float', [f(1.1), f(1.4), f(1.3), null]],
  ['double', [2.1, 2.4, 2.3, null]],
  ['timestamp', [1590738990000, 1590738991000, 1590738992000, 1590738993000]],
  ['date', ['2020-05-01', '2020-05-03', '2020-05-02', null]],
  ['string', ['a', 'c', 'b', null]],
];
const C10: Value[] = [true, false, true, null];

function column(i: number): SqlValue[][] {
  return COLUMNS[i]![1].map((v) => [v]);
}

describe('max / min / count / sum (test_udaf_function ids 0-3)', () => {
  it('max keeps the input type', () => {
    const expected: Value[][] = [
      [1, 1, 30n, f(1.1), 2.1, 1590738990000, '2020-05-01', 'a'],
      [4, 4, 33n, f(1.4), 2.4, 1590738991000, '2020-05-03', 'c'],
      [4, 4, 33n, f(1.4), 2.4, 1590738992000, '2020-05-03', 'c'],
      [4, 4, 33n, f(1.4), 2.4, 1590738993000, '2020-05-03', 'c'],
    ];
    COLUMNS.forEach(([t], c) => {
      expectWindow('max', [t], column(c), LAST3, t, expected.map((r) => r[c]!));
    });
  });

  it('min keeps the input type', () => {
    const expected: Value[][] = [
      [1, 1, 30n, f(1.1), 2.1, 1590738990000, '2020-05-01', 'a'],
      [1, 1, 30n, f(1.1), 2.1, 1590738990000, '2020-05-01', 'a'],
      [1, 1, 30n, f(1.1), 2.1, 1590738990000, '2020-05-01', 'a'],
      [3, 3, 32n, f(1.3), 2.3, 1590738991000, '2020-05-02', 'b'],
    ];
    COLUMNS.forEach(([t], c) => {
      expectWindow('min', [t], column(c), LAST3, t, expected.map((r) => r[c]!));
    });
  });

  it('count skips NULLs and gives bigint', () => {
    const expected = [1n, 2n, 3n, 2n];
    COLUMNS.forEach(([t], c) => {
      const want = t === 'timestamp' ? [1n, 2n, 3n, 3n] : expected;
      expectWindow('count', [t], column(c), LAST3, 'bigint', want);
    });
    expectWindow('count', ['bool'], C10.map((v) => [v]), LAST3, 'bigint', [1n, 2n, 3n, 2n]);
  });

  it('sum keeps the input type; float sums round per step, newest first', () => {
    const expected: Value[][] = [
      [1, 1, 30n, f(1.1), 2.1],
      [5, 5, 63n, f(2.5), 4.5],
      [8, 8, 95n, 3.7999997, 6.799999999999999],
      [7, 7, 65n, f(2.7), 4.7],
    ];
    for (let c = 0; c < 5; c += 1) {
      const t = COLUMNS[c]![0];
      expectWindow('sum', [t], column(c), LAST3, t, expected.map((r) => r[c]!));
    }
    // The float sum depends on the order: newest → oldest gives 3.7999997, the other order 3.8.
    const agg = aggregateOf('sum', ['float']);
    expect(aggregateOverRows(agg, column(3), LAST3)[2]).toBe(f(f(f(1.3) + f(1.4)) + f(1.1)));
  });

  it('sum of timestamps (id 7)', () => {
    const ts: Value[] = [1590738990000, 1590738991000, 1590738992000, null];
    expectWindow('sum', ['timestamp'], ts.map((v) => [v]), LAST3, 'timestamp', [
      1590738990000, 3181477981000, 4772216973000, 3181477983000,
    ]);
  });
});

describe('avg (test_udaf_function id 4)', () => {
  it('averages in double, skipping NULLs', () => {
    const c3: Value[] = [null, 4, 1, null];
    const expected: [SqlType, Value[], Value[]][] = [
      ['smallint', [1, 4, 1, null], [1, 2.5, 2, 2.5]],
      ['int', c3, [null, 4.0, 2.5, 2.5]],
      ['bigint', [30n, 33n, 33n, null], [30, 31.5, 32, 33]],
      ['float', [f(1.1), f(1.4), f(1.1), null], [1.100000023841858, 1.25, 1.200000007947286, 1.25]],
      ['double', [2.1, 2.4, 2.1, null], [2.1, 2.25, 2.1999999999999997, 2.25]],
    ];
    for (const [t, values, want] of expected) {
      expectWindow('avg', [t], values.map((v) => [v]), LAST3, 'double', want);
    }
  });
});

describe('distinct_count (ids 5, 6)', () => {
  it('counts distinct non-NULL values of any type', () => {
    const rows: [PrimitiveType, Value[]][] = [
      ['smallint', [1, 4, 4, null]],
      ['bigint', [30n, 33n, 33n, null]],
      ['float', [f(1.1), f(1.4), f(1.4), null]],
      ['timestamp', [1590738990000, 1590738991000, 1590738991000, 1590738993000]],
      ['date', ['2020-05-01', '2020-05-02', '2020-05-02', null]],
      ['string', ['a', 'c', 'c', null]],
    ];
    for (const [t, values] of rows) {
      expectWindow('distinct_count', [t], values.map((v) => [v]), LAST3, 'bigint', [1n, 2n, 2n, 2n]);
    }
    expectWindow('distinct_count', ['bool'], C10.map((v) => [v]), LAST3, 'bigint', [1n, 2n, 2n, 2n]);
  });

  it('counts a NULL as the zero value of its type', () => {
    const all = { lower: Infinity, upper: 0 };
    expectWindow('distinct_count', ['int'], [[null], [4], [4]], all, 'bigint', [1n, 2n, 2n]);
    expectWindow('distinct_count', ['int'], [[null], [0]], all, 'bigint', [1n, 1n]);
    expectWindow('distinct_count', ['string'], [[''], [null]], all, 'bigint', [1n, 1n]);
    expectWindow('distinct_count', ['null'], [[null]], all, 'bigint', [0n]);
  });
});

describe('aggregate type errors (ids 8-12, 18)', () => {
  it.each([
    ['avg', 'timestamp'],
    ['sum', 'date'],
    ['sum', 'string'],
    ['avg', 'date'],
    ['avg', 'string'],
    ['sum', 'bool'],
    ['max', 'bool'],
  ] as const)('%s(%s) fails', (fn, t) => {
    const r = resolveFunction(fn, [t], 'aggregate');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(new RegExp(`^function ${fn}\\(${t}\\) is not supported`));
  });

  it.each(
    ['avg_where', 'sum_where', 'max_where', 'min_where'].flatMap((fn) =>
      (['timestamp', 'date', 'string', 'bool'] as const).map((t): [string, SqlType] => [fn, t]),
    ),
  )('%s(%s, bool) fails', (fn, t) => {
    expect(resolveFunction(fn, [t, 'bool'], 'aggregate').ok).toBe(false);
  });

  it('an aggregate needs an aggregate context', () => {
    const r = resolveFunction('sum', ['int']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("function 'sum' is an aggregate: call it with OVER or in a GROUP BY query");
  });
});

describe('*_where aggregates (ids 13-17, 45)', () => {
  const data: Value[][] = [
    [1, 1, 30n, f(1.1), 2.1],
    [4, 4, 33n, f(1.4), 2.4],
    [3, 3, 32n, f(1.3), 2.3],
    [null, null, null, null, null],
  ];
  const args = (c: number, cond: (v: Value, i: number) => Value) => data.map((r, i) => [r[c]!, cond(r[c]!, i)]);
  const lt = (x: number) => (v: Value) => (v === null ? null : Number(v) < x);

  it('max_where (id 13, without the extra first row)', () => {
    expectWindow('max_where', ['smallint', 'bool'], args(0, lt(4)), LAST3, 'smallint', [1, 1, 3, 3]);
    expectWindow('max_where', ['bigint', 'bool'], args(2, (_, i) => C10[i]!), LAST3, 'bigint', [30n, 30n, 32n, 32n]);
    expectWindow('max_where', ['float', 'bool'], args(3, (v) => (v === null ? null : (v as number) <= f(1.3))), LAST3, 'float', [
      f(1.1),
      f(1.1),
      f(1.3),
      f(1.3),
    ]);
  });

  it('min_where (id 14)', () => {
    const gt = (x: number) => (v: Value) => (v === null ? null : Number(v) > x);
    expectWindow('min_where', ['smallint', 'bool'], args(0, gt(2)), LAST3, 'smallint', [null, 4, 3, 3]);
    expectWindow('min_where', ['bigint', 'bool'], args(2, lt(33)), LAST3, 'bigint', [30n, 30n, 30n, 32n]);
    expectWindow('min_where', ['double', 'bool'], args(4, (_, i) => C10[i]!), LAST3, 'double', [2.1, 2.1, 2.1, 2.3]);
  });

  it('sum_where and avg_where (ids 15, 16)', () => {
    const c5: Value[] = [null, f(1.4), f(1.3), f(1.1)];
    const cond = (v: Value) => (v === null ? null : (v as number) <= f(1.3));
    expectWindow('sum_where', ['float', 'bool'], c5.map((v) => [v, cond(v)]), LAST3, 'float', [null, null, f(1.3), 2.4]);
    const c6: Value[] = [2.1, 2.4, 2.3, null];
    const c10: Value[] = [true, false, true, null];
    expectWindow('sum_where', ['double', 'bool'], c6.map((v, i) => [v, c10[i]!]), LAST3, 'double', [2.1, 2.1, 4.4, 2.3]);
    expectWindow('sum_where', ['smallint', 'null'], c6.map(() => [1, null]), LAST3, 'smallint', [null, null, null, null]);
    expectWindow('avg_where', ['float', 'bool'], c5.map((v) => [v, cond(v)]), LAST3, 'double', [
      null,
      null,
      1.2999999523162842,
      1.199999988079071,
    ]);
    expectWindow('avg_where', ['double', 'bool'], c6.map((v, i) => [v, c10[i]!]), LAST3, 'double', [2.1, 2.1, 2.2, 2.3]);
  });

  it('count_where on every type, and with * (id 17)', () => {
    expectWindow('count_where', ['smallint', 'bool'], args(0, lt(4)), LAST3, 'bigint', [1n, 1n, 2n, 1n]);
    expectWindow('count_where', ['double', 'bool'], args(4, (_, i) => C10[i]!), LAST3, 'bigint', [1n, 1n, 2n, 1n]);
    expectWindow('count_where', ['bool', 'bool'], C10.map((v, i) => [v, i < 3 ? Number(data[i]![1]) < 4 : null]), LAST3, 'bigint', [
      1n,
      1n,
      2n,
      1n,
    ]);
  });

  it('count_where and avg_where with conditions between columns (id 45)', () => {
    const c1: Value[] = [1.0, 2.0, null, 3.0, 4.0];
    const c2: Value[] = [f(1.1), f(7.7), f(0.1), null, f(5.5)];
    const frame = { lower: 10, upper: 0 };
    const lessThan = c1.map((v, i) => (v === null || c2[i] === null ? null : (v as number) < (c2[i] as number)));
    expectWindow('count_where', ['double', 'bool'], c1.map((v, i) => [v, lessThan[i]!]), frame, 'bigint', [1n, 2n, 2n, 2n, 3n]);
    expectWindow('avg_where', ['double', 'bool'], c1.map((v, i) => [v, lessThan[i]!]), frame, 'double', [
      1.0,
      1.5,
      1.5,
      1.5,
      2.3333333333333335,
    ]);
    const above4 = c2.map((v) => (v === null ? null : (v as number) > 4));
    expectWindow('count_where', ['float', 'bool'], c2.map((v, i) => [v, above4[i]!]), frame, 'bigint', [0n, 1n, 1n, 1n, 2n]);
    expectWindow('avg_where', ['float', 'bool'], c2.map((v, i) => [v, above4[i]!]), frame, 'double', [
      null,
      7.6999998092651367,
      7.6999998092651367,
      7.6999998092651367,
      6.5999999046325684,
    ]);
  });
});

describe('frames with history only (ids 52, 54, 55)', () => {
  it('distinct_count and sum over shifted ROWS frames (id 52)', () => {
    const a: Value[] = [1, 1, 2, 2, 2, 3, 3, 3, 3];
    const rows = a.map((v) => [v]);
    const asDouble = a.map((v) => [Number(v)]);
    expectWindow('distinct_count', ['int'], rows, { lower: 2, upper: 0 }, 'bigint', [1n, 1n, 2n, 2n, 1n, 2n, 2n, 1n, 1n]);
    expectWindow('distinct_count', ['int'], rows, { lower: 4, upper: 3 }, 'bigint', [0n, 0n, 0n, 1n, 1n, 2n, 1n, 1n, 2n]);
    expectWindow('distinct_count', ['int'], rows, { lower: 6, upper: 5 }, 'bigint', [0n, 0n, 0n, 0n, 0n, 1n, 1n, 2n, 1n]);
    expectWindow('sum', ['double'], asDouble, { lower: 2, upper: 0 }, 'double', [1, 2, 4, 5, 6, 7, 8, 9, 9]);
    expectWindow('sum', ['double'], asDouble, { lower: 4, upper: 3 }, 'double', [null, null, null, 1, 2, 3, 4, 4, 5]);
    expectWindow('sum', ['double'], asDouble, { lower: 6, upper: 5 }, 'double', [null, null, null, null, null, 1, 2, 3, 4]);
  });

  it('max and min of an empty frame are NULL (ids 54, 55)', () => {
    const frame = { lower: 4, upper: 2 };
    expectWindow('max', ['string'], column(7), frame, 'string', [null, null, 'a', 'c']);
    expectWindow('min', ['int'], column(1), frame, 'int', [null, null, 1, 1]);
    expectWindow('max', ['date'], column(6), frame, 'date', [null, null, '2020-05-01', '2020-05-03']);
  });

  it('several aggregates over one window (id 53)', () => {
    const col1: Value[] = [1, 2, 3, 4, 5];
    const after = [false, false, false, true, true];
    expectWindow('sum_where', ['int', 'bool'], col1.map((v, i) => [v, after[i]!]), LAST3, 'int', [null, null, null, 4, 9]);
    expectWindow('count_where', ['int', 'bool'], col1.map((v, i) => [v, after[i]!]), LAST3, 'bigint', [0n, 0n, 0n, 1n, 2n]);
    expectWindow('avg_where', ['int', 'bool'], col1.map((v, i) => [v, after[i]!]), LAST3, 'double', [null, null, null, 4.0, 4.5]);
    expectWindow('sum', ['int'], col1.map((v) => [v]), LAST3, 'int', [1, 3, 6, 9, 12]);
  });
});

describe('sliding with remove', () => {
  /** Slides a frame of `size` rows with add/remove and returns the result at every row. */
  function slide(agg: ResolvedAggregate, rows: SqlValue[][], size: number): SqlValue[] {
    const acc = agg.create();
    expect(acc.remove).toBeDefined();
    return rows.map((row, i) => {
      acc.add(row);
      if (i - size >= 0) acc.remove!(rows[i - size]!);
      return acc.result();
    });
  }

  const cases: [string, SqlType[], fc.Arbitrary<Value>][] = [
    ['sum', ['int'], fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null })],
    ['sum', ['smallint'], fc.option(fc.integer({ min: -32768, max: 32767 }), { nil: null })],
    ['sum', ['bigint'], fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null })],
    ['sum', ['timestamp'], fc.option(fc.integer({ min: 0, max: 2 ** 52 }), { nil: null })],
    ['count', ['string'], fc.option(fc.string({ maxLength: 2 }), { nil: null })],
    ['avg', ['int'], fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null })],
    ['distinct_count', ['int'], fc.option(fc.integer({ min: 0, max: 5 }), { nil: null })],
    ['top1_ratio', ['int'], fc.option(fc.integer({ min: 0, max: 3 }), { nil: null })],
  ];

  it.each(cases)('%s(%s) sliding equals recomputation', (name, types, value) => {
    const agg = aggregateOf(name, types);
    expect(agg.removable).toBe(true);
    fc.assert(
      fc.property(fc.array(value, { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), (values, size) => {
        const rows = values.map((v) => [v]);
        const slid = slide(agg, rows, size);
        const fresh = aggregateOverRows(agg, rows, { lower: size - 1, upper: 0 });
        return slid.every((v, i) => matchesExpected(v, fresh[i]!, agg.type));
      }),
      { numRuns: 200 },
    );
  });

  it('float and double sums are not removable (the rounding depends on the order)', () => {
    expect(aggregateOf('sum', ['float']).removable).toBe(false);
    expect(aggregateOf('sum', ['double']).removable).toBe(false);
    expect(aggregateOf('min', ['int']).removable).toBe(false);
  });
});

describe('addValues (the one-argument fast path)', () => {
  it('gives what add gives, value by value, for every plain reducer and type', () => {
    const cases: { name: string; type: PrimitiveType; value: fc.Arbitrary<SqlValue> }[] = [
      { name: 'sum', type: 'double', value: fc.double({ noNaN: true, min: -1e6, max: 1e6 }) },
      { name: 'sum', type: 'float', value: fc.float({ noNaN: true, min: -1e4, max: 1e4 }) },
      { name: 'sum', type: 'int', value: fc.integer() },
      { name: 'sum', type: 'bigint', value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
      { name: 'avg', type: 'double', value: fc.double({ noNaN: true, min: -1e6, max: 1e6 }) },
      { name: 'count', type: 'string', value: fc.string() },
      { name: 'min', type: 'int', value: fc.integer() },
      { name: 'max', type: 'string', value: fc.string() },
    ];
    for (const c of cases) {
      const agg = aggregateOf(c.name, [c.type]);
      fc.assert(
        fc.property(fc.array(fc.option(c.value, { nil: null })), fc.nat(), fc.nat(), (values, a, b) => {
          const from = values.length === 0 ? 0 : a % values.length;
          const to = values.length === 0 ? 0 : from + (b % (values.length - from + 1));
          const one = agg.create();
          for (let i = from; i < to; i++) one.add([values[i]!]);
          const many = agg.create();
          expect(many.addValues, `${c.name}(${c.type}) has addValues`).toBeDefined();
          many.addValues!(values, from, to);
          expect(many.result()).toEqual(one.result());
        }),
        { numRuns: 50, seed: 7 },
      );
    }
  });

  it('is absent where an argument is more than the value (count_where)', () => {
    expect(aggregateOf('count_where', ['int', 'bool']).create().addValues).toBeUndefined();
  });
});
