import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType } from '../types.js';
import { type LogicOp, resolveLogic, resolveNot } from './logic.js';

function logic(op: LogicOp, l: PrimitiveType, r: PrimitiveType, a: Value, b: Value): Value {
  const res = resolveLogic(op, l, r);
  if (!res.ok) throw new Error(res.message);
  expect(res.value.type).toBe('bool');
  return res.value.eval(a, b) as Value;
}

function not(t: PrimitiveType, v: Value): Value {
  const res = resolveNot(t);
  if (!res.ok) throw new Error(res.message);
  return res.value.eval(v) as Value;
}

const TYPES: PrimitiveType[] = ['string', 'smallint', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'bool'];
/** {1} rows of test_logic id 0 / {0} rows of id 1. */
const ROW1: Value[] = ['bb', 10, 20, 30n, Math.fround(11.1), 12.1, 1590738989001, '2020-05-02', false];
const ROW2: Value[] = ['', 0, 0, 0n, 0, 0, 0, null, true];
/** {0} rows of id 0: every value is true-ish. */
const LEFT: Value[] = ['aa', 10, 10, 10n, Math.fround(10), 10, 1590738989000, '2020-05-01', true];

describe('logical operators (test_logic)', () => {
  it.each([
    ['AND', [true, true, true, true, true, true, true, true, false], [false, false, false, false, false, false, false, null, true]],
    ['OR', [true, true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true, true]],
    ['XOR', [false, false, false, false, false, false, false, false, true], [true, true, true, true, true, true, true, null, false]],
  ] as [LogicOp, Value[], Value[]][])('%s reads every type as a truth value (id 0)', (op, row1, row2) => {
    TYPES.forEach((lt, i) => {
      TYPES.forEach((rt, j) => {
        expect(logic(op, lt, rt, LEFT[i]!, ROW1[j]!), `${lt} ${op} ${rt} row 1`).toBe(row1[j]);
        expect(logic(op, lt, rt, LEFT[i]!, ROW2[j]!), `${lt} ${op} ${rt} row 2`).toBe(row2[j]);
      });
    });
  });

  it('NOT and ! on every type (id 1)', () => {
    TYPES.forEach((t, i) => {
      expect(not(t, ROW1[i]!)).toBe([false, false, false, false, false, false, false, false, true][i]);
      expect(not(t, ROW2[i]!)).toBe([true, true, true, true, true, true, true, null, false][i]);
    });
  });

  it('three-valued logic (id 2)', () => {
    const rows: [Value, Value, Value, Value, Value, Value][] = [
      [true, true, true, true, false, false],
      [true, false, false, true, true, false],
      [true, null, null, true, null, false],
      [false, true, false, true, true, true],
      [false, false, false, false, false, true],
      [false, null, false, null, null, true],
      [null, true, null, true, null, null],
      [null, false, false, null, null, null],
      [null, null, null, null, null, null],
    ];
    for (const [a, b, and, or, xor, na] of rows) {
      expect(logic('AND', 'bool', 'bool', a, b)).toBe(and);
      expect(logic('OR', 'bool', 'bool', a, b)).toBe(or);
      expect(logic('XOR', 'bool', 'bool', a, b)).toBe(xor);
      expect(not('bool', a)).toBe(na);
    }
  });

  it('non-bool operands (ids 3, 4, 5)', () => {
    expect(logic('AND', 'bool', 'int', true, 1)).toBe(true);
    expect(not('int', 2)).toBe(false);
    expect(logic('AND', 'bool', 'bool', true, false)).toBe(false);
    expect(not('bool', true)).toBe(false);
  });

  it('rejects lists', () => {
    expect(resolveLogic('AND', { kind: 'list', element: 'int' }, 'bool').ok).toBe(false);
    expect(resolveNot({ kind: 'list', element: 'int' }).ok).toBe(false);
  });
});
