import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../protocol/schema.js';
import type { ColumnSpec } from './column-spec.js';
import { compareResult, sortRows, valuesEqual } from './compare.js';
import type { ResultColumn } from './engine.js';
import { doublesEqual, floatsEqual, ulpDistance32, ulpDistance64 } from './ulp.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 `steps` ULPs above `x` (for positive x). */
function floatUlpsAbove(x: number, steps: number): number {
  f32[0] = x;
  u32[0] = u32[0]! + steps;
  return f32[0]!;
}
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function doubleUlpsAbove(x: number, steps: number): number {
  f64[0] = x;
  u64[0] = u64[0]! + BigInt(steps);
  return f64[0]!;
}

describe('ULP comparison', () => {
  it('accepts FLOAT within 4 ULPs in float32 space and rejects 5', () => {
    const x = Math.fround(7.8);
    expect(floatsEqual(7.8, floatUlpsAbove(x, 4))).toBe(true);
    expect(floatsEqual(7.8, floatUlpsAbove(x, 5))).toBe(false);
    // a double computed from float inputs still matches its float expectation
    expect(floatsEqual(7.8, 30.0 - Math.fround(22.2))).toBe(true);
    expect(ulpDistance32(0, -0)).toBe(0);
    expect(ulpDistance32(-1, -floatUlpsAbove(1, 3))).toBe(3);
    expect(ulpDistance32(-floatUlpsAbove(0, 1), floatUlpsAbove(0, 1))).toBe(2);
  });

  it('accepts DOUBLE within 4 ULPs and rejects 5', () => {
    expect(doublesEqual(5.8, 30 - 24.2)).toBe(true);
    expect(doublesEqual(2.7027026098198896, doubleUlpsAbove(2.7027026098198896, 4))).toBe(true);
    expect(doublesEqual(2.7027026098198896, doubleUlpsAbove(2.7027026098198896, 5))).toBe(false);
    expect(doublesEqual(1, 1.0000001)).toBe(false);
    expect(ulpDistance64(-0, 0)).toBe(0n);
    expect(doublesEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(doublesEqual(Infinity, Infinity)).toBe(true);
    expect(doublesEqual(Infinity, Number.MAX_VALUE)).toBe(false);
  });

  it('is symmetric and counts adjacent doubles as 1 apart across zero', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        return ulpDistance64(a, b) === ulpDistance64(b, a);
      }),
    );
    expect(ulpDistance64(-Number.MIN_VALUE, Number.MIN_VALUE)).toBe(2n);
  });
});

describe('valuesEqual', () => {
  it('keeps int64 exact and insists on the documented representation', () => {
    expect(valuesEqual('bigint', 2681491882390849628n, 2681491882390849628n)).toBe(true);
    expect(valuesEqual('bigint', 2681491882390849628n, 2681491882390849629n)).toBe(false);
    expect(valuesEqual('bigint', 30n, 30)).toBe(false);
    expect(valuesEqual('int', 30, 30n)).toBe(false);
    expect(valuesEqual('timestamp', 1590738989000, 1590738989000)).toBe(true);
    expect(valuesEqual('date', '2020-05-01', '2020-05-01')).toBe(true);
    expect(valuesEqual('bool', true, 1)).toBe(false);
  });

  it('treats NULL as equal only to NULL', () => {
    expect(valuesEqual('string', null, null)).toBe(true);
    expect(valuesEqual('string', null, '')).toBe(false);
    expect(valuesEqual('int', 0, null)).toBe(false);
  });
});

const columns: ColumnSpec[] = [
  { name: 'id', type: 'int', notNull: false },
  { name: 'c1', type: 'string', notNull: false },
  { name: 'w1_c4_sum', type: 'bigint', notNull: false },
];
const resultColumns: ResultColumn[] = columns.map(({ name, type }) => ({ name, type }));

describe('compareResult', () => {
  const expectRows = [
    ['1', 'aa', '30'],
    ['2', 'bb', '61'],
    ['3', 'NULL', 'null'],
  ];

  it('matches rows in order without an order column', () => {
    const actual = { columns: resultColumns, rows: [[1, 'aa', 30n], [2, 'bb', 61n], [3, null, null]] as Value[][] };
    expect(compareResult({ columns, rows: expectRows }, actual).ok).toBe(true);
    const swapped = { ...actual, rows: [actual.rows[1]!, actual.rows[0]!, actual.rows[2]!] };
    expect(compareResult({ columns, rows: expectRows }, swapped).ok).toBe(false);
    expect(compareResult({ columns, rows: expectRows, order: 'id' }, swapped).ok).toBe(true);
  });

  it('matches by the order column whatever the row order', () => {
    const rows: Value[][] = [
      [1, 'aa', 30n],
      [2, 'bb', 61n],
      [3, null, null],
      [4, 'dd', -5n],
    ];
    const expected = rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))));
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }), (shuffled) => {
        return compareResult({ columns, rows: expected, order: 'id' }, { columns: resultColumns, rows: shuffled }).ok;
      }),
    );
  });

  it('sorts stably with NULL first', () => {
    const rows: Value[][] = [
      [2, 'b'],
      [null, 'n'],
      [1, 'x'],
      [1, 'y'],
    ];
    expect(sortRows(rows, 0).map((r) => r[1])).toEqual(['n', 'x', 'y', 'b']);
    expect(sortRows([[3n], [-2n], [10n]], 0)).toEqual([[-2n], [3n], [10n]]);
  });

  it('reports a readable diff naming the differing column', () => {
    const actual = { columns: resultColumns, rows: [[1, 'aa', 30n], [2, 'bb', 62n], [3, null, null]] as Value[][] };
    const r = compareResult({ columns, rows: expectRows, order: 'id' }, actual);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe(
      [
        'rows differ: expected 3, got 3, 1 differing (sorted by id); - expected, + actual:',
        '  [1, "aa", 30]',
        '- [2, "bb", 61]',
        '+ [2, "bb", 62]   <- w1_c4_sum',
        '  [3, NULL, NULL]',
      ].join('\n'),
    );
  });

  it('shows a wrong representation and missing rows', () => {
    const r = compareResult({ columns, rows: expectRows.slice(0, 2) }, { columns: resultColumns, rows: [[1, 'aa', 30]] });
    expect(!r.ok && r.message).toBe(
      [
        'rows differ: expected 2, got 1, 2 differing; - expected, + actual:',
        '- [1, "aa", 30]',
        '+ [1, "aa", 30 (number, not a bigint value)]   <- w1_c4_sum',
        '- [2, "bb", 61]',
      ].join('\n'),
    );
  });

  it('checks column names and types', () => {
    const wrongType = compareResult({ columns, rows: [] }, { columns: [...resultColumns.slice(0, 2), { name: 'w1_c4_sum', type: 'int' }], rows: [] });
    expect(!wrongType.ok && wrongType.message).toBe(
      'schema mismatch:\n  expected: [id int, c1 string, w1_c4_sum bigint]\n  actual:   [id int, c1 string, w1_c4_sum int]',
    );
    const wrongName = compareResult({ columns }, { columns: [...resultColumns.slice(0, 2), { name: 'sum', type: 'bigint' }], rows: [] });
    expect(wrongName.ok).toBe(false);
  });

  it('types expected rows by the result when the expectation has no columns, and checks count', () => {
    const actual = { columns: resultColumns, rows: [[1, 'aa', 30n]] as Value[][] };
    expect(compareResult({ rows: [['1', 'aa', '30']] }, actual).ok).toBe(true);
    expect(compareResult({ count: 1 }, actual).ok).toBe(true);
    const r = compareResult({ count: 0 }, actual);
    expect(!r.ok && r.message).toBe('expected 0 rows (count), got 1');
    expect(compareResult({ columns }, actual).ok).toBe(true); // rows not given: not checked
  });

  it('rejects expectations it cannot read', () => {
    const actual = { columns: resultColumns, rows: [] };
    expect(compareResult({ rows: [['1', 'aa']] }, actual).ok).toBe(false);
    expect(compareResult({ rows: [['x', 'aa', '1']] }, actual).ok).toBe(false);
    const r = compareResult({ rows: [], order: 'nope' }, actual);
    expect(!r.ok && r.message).toBe("order column 'nope' is not among the result columns");
  });

  it('compares FLOAT and DOUBLE columns with ULP tolerance', () => {
    const fcols: ColumnSpec[] = [
      { name: 'f', type: 'float', notNull: false },
      { name: 'd', type: 'double', notNull: false },
    ];
    const actualCols = fcols.map(({ name, type }) => ({ name, type }));
    expect(compareResult({ columns: fcols, rows: [['7.8', '5.8']] }, { columns: actualCols, rows: [[Math.fround(7.8), 30 - 24.2]] }).ok).toBe(true);
    expect(compareResult({ columns: fcols, rows: [['7.8', '5.8']] }, { columns: actualCols, rows: [[7.81, 5.8]] }).ok).toBe(false);
  });
});
