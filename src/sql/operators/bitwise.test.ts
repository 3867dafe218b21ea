import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType } from '../types.js';
import { type BitwiseOp, resolveBitwise, resolveBitwiseNot } from './bitwise.js';

function run(op: BitwiseOp, l: PrimitiveType, r: PrimitiveType, a: Value, b: Value) {
  const res = resolveBitwise(op, l, r);
  if (!res.ok) throw new Error(res.message);
  return [res.value.type, res.value.eval(a, b)];
}

describe('bitwise operators (test_arithmetic bitwise_*)', () => {
  // Row [3, 6, 12] typed int16, int32, bigint; columns r11 r12 r13 r22 r23 r33.
  const pairs: [PrimitiveType, Value, PrimitiveType, Value][] = [
    ['smallint', 3, 'smallint', 3],
    ['smallint', 3, 'int', 6],
    ['smallint', 3, 'bigint', 12n],
    ['int', 6, 'int', 6],
    ['int', 6, 'bigint', 12n],
    ['bigint', 12n, 'bigint', 12n],
  ];
  const types = ['smallint', 'int', 'bigint', 'int', 'bigint', 'bigint'];
  it.each([
    ['&', [3, 2, 0n, 6, 4n, 12n]],
    ['|', [3, 7, 15n, 6, 14n, 12n]],
    ['^', [0, 5, 15n, 0, 10n, 0n]],
  ] as [BitwiseOp, Value[]][])('%s', (op, expected) => {
    pairs.forEach(([lt, a, rt, b], i) => {
      expect(run(op, lt, rt, a, b)).toEqual([types[i], expected[i]]);
    });
  });

  it('~ keeps the type (bitwise_operators_not)', () => {
    const not = (t: PrimitiveType, v: Value) => {
      const r = resolveBitwiseNot(t);
      if (!r.ok) throw new Error(r.message);
      return [r.value.type, r.value.eval(v)];
    };
    expect(not('smallint', 3)).toEqual(['smallint', -4]);
    expect(not('int', 6)).toEqual(['int', -7]);
    expect(not('bigint', 12n)).toEqual(['bigint', -13n]);
    expect(not('smallint', null)).toEqual(['smallint', null]);
    expect(not('null', null)).toEqual(['bool', null]);
  });

  it('NULL operands give NULL (bitwise_null_operands, bitwise_const_null_operands)', () => {
    expect(run('&', 'smallint', 'smallint', 3, null)).toEqual(['smallint', null]);
    expect(run('|', 'int', 'smallint', 6, null)).toEqual(['int', null]);
    expect(run('^', 'bigint', 'smallint', 12n, null)).toEqual(['bigint', null]);
    expect(run('&', 'smallint', 'null', 3, null)).toEqual(['smallint', null]);
    expect(run('^', 'bigint', 'null', 12n, null)).toEqual(['bigint', null]);
  });

  it.each(
    (['&', '|', '^'] as BitwiseOp[]).flatMap((op) =>
      (['bool', 'float', 'double', 'string', 'date', 'timestamp'] as PrimitiveType[]).map((t) => [op, t] as const),
    ),
  )('%s rejects %s (bitwise_operators_fail)', (op, t) => {
    const r = resolveBitwise(op, t, 'int');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`operator ${op} does not accept operands (${t}, int)`);
  });

  it.each(['bool', 'float', 'double', 'string', 'date', 'timestamp'] as PrimitiveType[])('~ rejects %s (bitwise_not_fail)', (t) => {
    expect(resolveBitwiseNot(t).ok).toBe(false);
  });

  it('smallint results stay within 16 bits', () => {
    const int16 = fc.integer({ min: -32768, max: 32767 });
    fc.assert(
      fc.property(int16, int16, fc.constantFrom<BitwiseOp>('&', '|', '^'), (a, b, op) => {
        const [, v] = run(op, 'smallint', 'smallint', a, b);
        const exact = op === '&' ? a & b : op === '|' ? a | b : a ^ b;
        return v === exact && (v as number) >= -32768 && (v as number) <= 32767;
      }),
    );
  });
});
