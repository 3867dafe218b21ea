import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType } from '../types.js';
import { COMPARISON_OPS, type ComparisonOp, compareSameType, resolveComparison } from './comparison.js';

function cmp(op: ComparisonOp, l: PrimitiveType, r: PrimitiveType, a: Value, b: Value): Value {
  const res = resolveComparison(op, l, r);
  if (!res.ok) throw new Error(res.message);
  expect(res.value.type).toBe('bool');
  return res.value.eval(a, b) as Value;
}

const f = Math.fround;

/** For one left operand, the expected results of the 8 operators (dataProvider order > >= < <= <> != = ==). */
function expectAllOps(l: PrimitiveType, a: Value, rights: [PrimitiveType, Value][], expected: boolean[][]) {
  const ops: ComparisonOp[] = ['>', '>=', '<', '<=', '<>', '!=', '=', '=='];
  ops.forEach((op, i) => {
    rights.forEach(([rt, b], j) => {
      expect(cmp(op, l, rt, a, b), `${String(a)} ${op} ${String(b)} (${l}, ${rt})`).toBe(expected[i]![j]);
    });
  });
}

describe('comparisons on the test_predicate fixtures', () => {
  it('string with every type compares text (id 0)', () => {
    const rights: [PrimitiveType, Value][] = [
      ['string', 'bb'],
      ['smallint', 10],
      ['int', 20],
      ['bigint', 30n],
      ['float', f(11.1)],
      ['double', 12.1],
      ['timestamp', 1590738989001],
      ['date', '2020-05-02'],
      ['bool', false],
    ];
    expectAllOps('string', '10', rights, [
      [false, false, false, false, false, false, false, false, false],
      [false, true, false, false, false, false, false, false, false],
      [true, false, true, true, true, true, true, true, true],
      [true, true, true, true, true, true, true, true, true],
      [true, false, true, true, true, true, true, true, true],
      [true, false, true, true, true, true, true, true, true],
      [false, true, false, false, false, false, false, false, false],
      [false, true, false, false, false, false, false, false, false],
    ]);
  });

  it('numbers with numbers, strings and bool (id 1)', () => {
    const rights: [PrimitiveType, Value][] = [
      ['string', 'bb'],
      ['smallint', 10],
      ['int', 20],
      ['bigint', 30n],
      ['float', f(11.1)],
      ['double', 12.1],
      ['bool', true],
    ];
    const expected = [
      [false, false, false, false, false, false, true],
      [false, true, false, false, false, false, true],
      [true, false, true, true, true, true, false],
      [true, true, true, true, true, true, false],
      [true, false, true, true, true, true, true],
      [true, false, true, true, true, true, true],
      [false, true, false, false, false, false, false],
      [false, true, false, false, false, false, false],
    ];
    for (const [t, v] of [
      ['smallint', 10],
      ['int', 10],
      ['bigint', 10n],
      ['float', f(10)],
      ['double', 10],
    ] as [PrimitiveType, Value][]) {
      expectAllOps(t, v, rights, expected);
    }
  });

  it('date and timestamp with strings and themselves (id 3)', () => {
    const ops: ComparisonOp[] = ['>', '>=', '<', '<=', '<>', '!=', '=', '=='];
    // rows: [c8 vs c1, c8 vs c8, c7 vs c1, c7 vs c7] for the two joined rows.
    const rows: [Value, Value, Value, Value, Value, Value][] = [
      ['2020-05-01', '2020-05-29 15:56:29', '2020-05-02', 1590738989000, '2020-05-29 15:56:29', 1590738989001],
      ['2020-05-02', '2020-05-02', '2020-05-02', 1590738989001, '2020-05-02', 1590738989001],
    ];
    const expected: boolean[][][] = [
      [[false, false, false, false], [false, false, true, false]],
      [[false, false, true, false], [true, true, true, true]],
      [[true, true, false, true], [false, false, false, false]],
      [[true, true, true, true], [true, true, false, true]],
      [[true, true, false, true], [false, false, true, false]],
      [[true, true, false, true], [false, false, true, false]],
      [[false, false, true, false], [true, true, false, true]],
      [[false, false, true, false], [true, true, false, true]],
    ];
    ops.forEach((op, i) => {
      rows.forEach(([d0, s1, d1, t0, s1b, t1], r) => {
        const got = [
          cmp(op, 'date', 'string', d0, s1),
          cmp(op, 'date', 'date', d0, d1),
          cmp(op, 'timestamp', 'string', t0, s1b),
          cmp(op, 'timestamp', 'timestamp', t0, t1),
        ];
        expect(got, `${op} row ${r}`).toEqual(expected[i]![r]);
      });
    });
  });

  it('bool with strings, numbers and bool (id 6)', () => {
    const rights: [PrimitiveType, Value][] = [
      ['string', '1'],
      ['smallint', 1],
      ['int', 20],
      ['bigint', 30n],
      ['float', f(11.1)],
      ['double', 12.1],
      ['bool', false],
      ['bool', true],
    ];
    expectAllOps('bool', true, rights, [
      [true, false, false, false, false, false, true, false],
      [true, true, false, false, false, false, true, true],
      [false, false, true, true, true, true, false, false],
      [false, true, true, true, true, true, false, true],
      [true, false, true, true, true, true, true, false],
      [true, false, true, true, true, true, true, false],
      [false, true, false, false, false, false, false, true],
      [false, true, false, false, false, false, false, true],
    ]);
  });

  it('any NULL operand or NULL literal gives NULL (ids 9, 10)', () => {
    for (const op of COMPARISON_OPS) {
      expect(cmp(op, 'int', 'int', 1, null)).toBeNull();
      expect(cmp(op, 'timestamp', 'timestamp', 1590738989000, null)).toBeNull();
      expect(cmp(op, 'string', 'string', null, null)).toBeNull();
      expect(cmp(op, 'double', 'null', 0.99, null)).toBeNull();
      expect(cmp(op, 'null', 'string', null, 'str')).toBeNull();
    }
  });

  it.each(
    COMPARISON_OPS.flatMap((op) => [
      ...(['smallint', 'int', 'bigint', 'float', 'double', 'bool'] as PrimitiveType[]).flatMap((l) =>
        (['timestamp', 'date'] as PrimitiveType[]).map((r) => [op, l, r] as const),
      ),
      ...(['smallint', 'int', 'bigint', 'float', 'double', 'bool', 'date'] as PrimitiveType[]).map((r) => [op, 'timestamp', r] as const),
      ...(['smallint', 'int', 'bigint', 'float', 'double', 'bool', 'timestamp'] as PrimitiveType[]).map((r) => [op, 'date', r] as const),
    ]),
  )('%s rejects (%s, %s) (ids 2, 4, 5)', (op, l, r) => {
    const res = resolveComparison(op, l, r);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toBe(`operator ${op} does not accept operands (${l}, ${r})`);
  });

  it('compares bigints exactly and floats in single precision', () => {
    expect(cmp('<', 'bigint', 'bigint', 9007199254740992n, 9007199254740993n)).toBe(true);
    expect(cmp('=', 'bigint', 'float', 16777217n, f(16777216))).toBe(true);
    expect(cmp('!=', 'double', 'double', Number.NaN, 1)).toBe(true);
    expect(cmp('=', 'double', 'double', Number.NaN, Number.NaN)).toBe(false);
  });

  it('orders values of one type', () => {
    expect([3, 1, 2].sort(compareSameType)).toEqual([1, 2, 3]);
    expect([3n, -1n, 2n].sort(compareSameType)).toEqual([-1n, 2n, 3n]);
    expect(['b', 'a', 'ab'].sort(compareSameType)).toEqual(['a', 'ab', 'b']);
    expect([true, false].sort(compareSameType)).toEqual([false, true]);
  });
});
