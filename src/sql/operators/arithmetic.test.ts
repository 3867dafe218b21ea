import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType } from '../types.js';
import { type ArithmeticOp, resolveArithmetic, resolveNegate } from './arithmetic.js';
import { matchesExpected } from './ulp-distance.js';

const f = Math.fround;

/** {0} row of test_arithmetic ids 0-4 and {1} row they are combined with. */
const LEFT: Record<string, [PrimitiveType, Value]> = {
  c2: ['smallint', 30],
  c3: ['int', 30],
  c4: ['bigint', 30n],
  c5: ['float', f(30)],
  c6: ['double', 30],
};
const RIGHT: [PrimitiveType, Value][] = [
  ['smallint', 0],
  ['int', 20],
  ['bigint', 30n],
  ['float', f(11.1)],
  ['double', 12.1],
  ['bool', true],
];

function run(op: ArithmeticOp, l: PrimitiveType, r: PrimitiveType, a: Value, b: Value) {
  const res = resolveArithmetic(op, l, r);
  if (!res.ok) throw new Error(res.message);
  return { type: res.value.type, value: res.value.eval(a, b) };
}

/** Expected [type, value] per right operand, from the cases' expectProvider rows. */
function expectRow(op: ArithmeticOp, left: keyof typeof LEFT, expected: [PrimitiveType, Value][]) {
  const [lt, lv] = LEFT[left]!;
  RIGHT.forEach(([rt, rv], i) => {
    const [type, value] = expected[i]!;
    const got = run(op, lt, rt, lv, rv);
    expect(got.type, `${left} ${op} ${rt}`).toBe(type);
    expect(matchesExpected(got.value, value, type), `${left} ${op} ${rt}: ${String(got.value)} vs ${String(value)}`).toBe(true);
  });
}

const INTS = (t: PrimitiveType): PrimitiveType[] => {
  const wide = (x: PrimitiveType): PrimitiveType => {
    const order: PrimitiveType[] = ['bool', 'smallint', 'int', 'bigint', 'float', 'double'];
    return order.indexOf(x) >= order.indexOf(t) ? x : t;
  };
  return RIGHT.map(([rt]) => wide(rt));
};

describe('arithmetic on the test_arithmetic fixtures', () => {
  const values = (t: PrimitiveType, xs: (number | null)[]): Value[] =>
    xs.map((x, i) => {
      if (x === null) return null;
      const type = INTS(t)[i]!;
      return type === 'bigint' ? BigInt(x) : type === 'float' ? f(x) : x;
    });

  for (const [left, lt] of [
    ['c2', 'smallint'],
    ['c3', 'int'],
    ['c4', 'bigint'],
    ['c5', 'float'],
  ] as const) {
    const types = INTS(lt);
    // ids 0-3, expectProvider 0/1 (% and MOD), 2 (*), 3 (-).
    it(`${left} % and MOD (ids 0-3)`, () => {
      const v = values(lt, [null, 10, 0, 7.8, 5.8, 0]);
      for (const op of ['%', 'MOD'] as const) expectRow(op, left, types.map((t, i) => [t, v[i]!]));
    });
    it(`${left} * (ids 0-3)`, () => {
      const v = values(lt, [0, 600, 900, 333, 363, 30]);
      expectRow('*', left, types.map((t, i) => [t, v[i]!]));
    });
    it(`${left} - (ids 0-3)`, () => {
      const v = values(lt, [30, 10, 0, 18.9, 17.9, 29]);
      expectRow('-', left, types.map((t, i) => [t, v[i]!]));
    });
  }

  it('double with float keeps the float operand exact (id 4)', () => {
    const d: [PrimitiveType, Value][] = [
      ['double', null],
      ['double', 10],
      ['double', 0],
      ['double', 7.7999992370605469],
      ['double', 5.8],
      ['double', 0],
    ];
    expectRow('%', 'c6', d);
    expectRow('*', 'c6', [
      ['double', 0],
      ['double', 600],
      ['double', 900],
      ['double', 333.0000114440918],
      ['double', 363],
      ['double', 30],
    ]);
    expectRow('-', 'c6', [
      ['double', 30],
      ['double', 10],
      ['double', 0],
      ['double', 18.899999618530273],
      ['double', 17.9],
      ['double', 29],
    ]);
  });

  it('/ always gives double and NULL on zero (ids 0-4, expectProvider 4)', () => {
    for (const left of ['c2', 'c3', 'c4', 'c5', 'c6'] as const) {
      expectRow('/', left, [
        ['double', null],
        ['double', 1.5],
        ['double', 1.0],
        ['double', 2.7027026098198896],
        ['double', 2.479338842975207],
        ['double', 30.0],
      ]);
    }
  });

  it('+ with every numeric type and timestamp (ids 5, 6, 7)', () => {
    expect(run('+', 'smallint', 'timestamp', 30, 1590738989001)).toEqual({ type: 'timestamp', value: 1590738989031 });
    expect(run('+', 'bool', 'bool', false, true)).toEqual({ type: 'bool', value: true });
    expect(run('+', 'bool', 'smallint', false, 0)).toEqual({ type: 'smallint', value: 0 });
    expect(run('+', 'bool', 'timestamp', false, 1590738989001)).toEqual({ type: 'timestamp', value: 1590738989001 });
    expect(run('+', 'timestamp', 'timestamp', 1590738989000, 1590738989001)).toEqual({
      type: 'timestamp',
      value: 3181477978001,
    });
    expect(run('+', 'timestamp', 'bigint', 1590738989000, 30n)).toEqual({ type: 'timestamp', value: 1590738989030 });
    const sum = run('+', 'float', 'float', f(30), f(11.1));
    expect(sum.type).toBe('float');
    expect(matchesExpected(sum.value, 41.100000381469727, 'float')).toBe(true);
    expect(run('+', 'double', 'float', 30, f(11.1))).toEqual({ type: 'double', value: 41.100000381469727 });
  });

  it('timestamp - integers (id 8)', () => {
    expect(run('-', 'timestamp', 'smallint', 1590738989000, 0)).toEqual({ type: 'timestamp', value: 1590738989000 });
    expect(run('-', 'timestamp', 'int', 1590738989000, 20)).toEqual({ type: 'timestamp', value: 1590738988980 });
    expect(run('-', 'timestamp', 'bigint', 1590738989000, 30n)).toEqual({ type: 'timestamp', value: 1590738988970 });
    expect(run('-', 'timestamp', 'bool', 1590738989000, true)).toEqual({ type: 'timestamp', value: 1590738988999 });
  });

  it('DIV on integers and bool, NULL on zero (id 17)', () => {
    expect(run('DIV', 'smallint', 'smallint', 30, 0)).toEqual({ type: 'smallint', value: null });
    expect(run('DIV', 'int', 'int', 30, 20)).toEqual({ type: 'int', value: 1 });
    expect(run('DIV', 'bigint', 'bigint', 30n, 30n)).toEqual({ type: 'bigint', value: 1n });
    expect(run('DIV', 'bool', 'bool', false, false)).toEqual({ type: 'bool', value: null });
    expect(run('DIV', 'bool', 'int', false, 20)).toEqual({ type: 'int', value: 0 });
  });

  it('NULL operands and NULL literals (ids 19, 20)', () => {
    const cases: [ArithmeticOp, PrimitiveType, PrimitiveType, string][] = [
      ['+', 'smallint', 'int', 'int'],
      ['/', 'smallint', 'int', 'double'],
      ['%', 'float', 'int', 'float'],
      ['%', 'double', 'int', 'double'],
      ['+', 'bool', 'int', 'int'],
      ['+', 'null', 'smallint', 'smallint'],
      ['DIV', 'null', 'bigint', 'bigint'],
      ['/', 'null', 'float', 'double'],
      ['+', 'bool', 'null', 'bool'],
      ['/', 'bool', 'null', 'double'],
      ['%', 'int', 'null', 'int'],
    ];
    for (const [op, l, r, type] of cases) {
      const a = l === 'null' ? null : l === 'bigint' ? 1n : l === 'bool' ? true : 1;
      const got = run(op, l, r, a, null);
      expect(got, `${l} ${op} ${r}`).toEqual({ type, value: null });
    }
  });
});

describe('arithmetic type errors (ids 9-14, 16, 18, 19)', () => {
  const numeric: PrimitiveType[] = ['smallint', 'int', 'bigint', 'float', 'double', 'bool'];
  it.each([
    ...['%', 'MOD', '*', '-', '/'].flatMap((op) =>
      numeric.flatMap((l) => (['timestamp', 'date', 'string'] as PrimitiveType[]).map((r) => [op, l, r])),
    ),
    ...numeric.flatMap((l) => (['date', 'string'] as PrimitiveType[]).map((r) => ['+', l, r])),
    ...['%', 'MOD', '*', '/'].flatMap((op) =>
      (['timestamp', 'date', 'string'] as PrimitiveType[]).flatMap((l) => [...numeric, 'timestamp', 'date', 'string'].map((r) => [op, l, r])),
    ),
    ['-', 'timestamp', 'string'],
    ['-', 'timestamp', 'timestamp'],
    ['-', 'timestamp', 'date'],
    ['+', 'timestamp', 'string'],
    ['+', 'timestamp', 'date'],
    ...['+', '-'].flatMap((op) =>
      (['date', 'string'] as PrimitiveType[]).flatMap((l) => [...numeric, 'timestamp', 'date', 'string'].map((r) => [op, l, r])),
    ),
    ...['smallint', 'int', 'bigint', 'bool'].flatMap((l) => ['string', 'float', 'double', 'timestamp', 'date'].map((r) => ['DIV', l, r])),
    ...['string', 'float', 'double', 'timestamp', 'date'].flatMap((l) => [...numeric, 'timestamp', 'date', 'string'].map((r) => ['DIV', l, r])),
  ] as [ArithmeticOp, PrimitiveType, PrimitiveType][])('%s %s %s fails', (op, l, r) => {
    const res = resolveArithmetic(op, l, r);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toBe(`operator ${op} does not accept operands (${l}, ${r})`);
  });

  it('unary minus keeps numeric types and bool, rejects the rest (ids 15, 16)', () => {
    const neg = (t: PrimitiveType, v: Value) => {
      const r = resolveNegate(t);
      if (!r.ok) throw new Error(r.message);
      return [r.value.type, r.value.eval(v)];
    };
    expect(neg('smallint', 30)).toEqual(['smallint', -30]);
    expect(neg('int', -30)).toEqual(['int', 30]);
    expect(neg('bigint', 30n)).toEqual(['bigint', -30n]);
    expect(neg('float', f(30))).toEqual(['float', -30]);
    expect(neg('bool', true)).toEqual(['bool', true]);
    expect(neg('bool', false)).toEqual(['bool', false]);
    expect(neg('int', null)).toEqual(['int', null]);
    expect(neg('null', null)).toEqual(['bool', null]);
    for (const t of ['timestamp', 'date', 'string'] as const) expect(resolveNegate(t).ok).toBe(false);
  });
});

describe('integer overflow wraps at the result width', () => {
  it('wraps smallint, int and bigint', () => {
    expect(run('+', 'smallint', 'smallint', 32767, 1).value).toBe(-32768);
    expect(run('*', 'int', 'int', 2147483647, 2).value).toBe(-2);
    expect(run('-', 'int', 'int', -2147483648, 1).value).toBe(2147483647);
    expect(run('+', 'bigint', 'bigint', 9223372036854775807n, 1n).value).toBe(-9223372036854775808n);
    expect(run('DIV', 'int', 'int', -2147483648, -1).value).toBe(-2147483648);
    expect(run('%', 'int', 'int', -2147483648, -1).value).toBe(0);
  });

  it('int32 arithmetic equals 64-bit arithmetic truncated to 32 bits', () => {
    const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(int32, int32, fc.constantFrom<ArithmeticOp>('+', '-', '*', '%', 'DIV'), (a, b, op) => {
        const got = run(op, 'int', 'int', a, b).value;
        const A = BigInt(a);
        const B = BigInt(b);
        if ((op === '%' || op === 'DIV') && b === 0) return got === null;
        const exact = op === '+' ? A + B : op === '-' ? A - B : op === '*' ? A * B : op === '%' ? A % B : A / B;
        return got === Number(BigInt.asIntN(32, exact));
      }),
    );
  });

  it('smallint and bigint results agree with wrapped exact arithmetic', () => {
    const int16 = fc.integer({ min: -32768, max: 32767 });
    fc.assert(
      fc.property(int16, int16, (a, b) => run('*', 'smallint', 'smallint', a, b).value === Number(BigInt.asIntN(16, BigInt(a * b)))),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (a, b) => {
        return run('*', 'bigint', 'bigint', a, b).value === BigInt.asIntN(64, a * b);
      }),
    );
  });
});
