import { describe, expect, it } from 'vitest';
import type { ColumnType, Value } from '../../protocol/schema.js';
import type { PrimitiveType, SqlType } from '../types.js';
import { parseBoolText, parseFloatText, parseIntegerText, resolveCast } from './cast.js';
import { matchesExpected } from './ulp-distance.js';

function cast(v: Value, from: SqlType, to: SqlType): Value {
  const r = resolveCast(from, to);
  if (!r.ok) throw new Error(r.message);
  return r.value(v) as Value;
}

const f = Math.fround;

/** Row 1 and 2 of test_type ids 14-21 (row 3 only differs in NULL c6 and '' c10). */
const COLUMNS: [string, PrimitiveType, Value, Value, Value][] = [
  ['c1', 'smallint', 1, -1, -1],
  ['c2', 'int', 1, -1, -1],
  ['c3', 'bigint', 1n, -1n, -1n],
  ['c4', 'float', f(1), f(-1), f(-1)],
  ['c5', 'double', 1, -1, -1],
  ['c6', 'string', '2020-05-22 10:43:40', '2020-05-22 10:43:40', null],
  ['c7', 'date', '2020-05-22', '2020-05-22', '2020-05-22'],
  ['c8', 'timestamp', 1590115420000, 1590115420000, 1590115420000],
  ['c9', 'bool', true, false, false],
  ['c10', 'string', '1', '-1', ''],
];

function expectColumnCasts(to: ColumnType, expected: Record<string, [Value, Value, Value]>) {
  for (const [name, type, ...rows] of COLUMNS) {
    const want = expected[name];
    if (want === undefined) continue;
    rows.forEach((v, i) => {
      const got = cast(v, type, to);
      expect(matchesExpected(got, want[i]!, to), `${to}(${name}) row ${i + 1}: ${String(got)}`).toBe(true);
    });
  }
}

describe('cast functions on the test_type fixtures', () => {
  it('int (id 14)', () => {
    expectColumnCasts('int', {
      c1: [1, -1, -1],
      c2: [1, -1, -1],
      c3: [1, -1, -1],
      c4: [1, -1, -1],
      c5: [1, -1, -1],
      c6: [null, null, null],
      c8: [977520480, 977520480, 977520480],
      c9: [1, 0, 0],
      c10: [1, -1, null],
    });
  });

  it('smallint (id 15) and bigint (id 16)', () => {
    expectColumnCasts('smallint', {
      c1: [1, -1, -1],
      c3: [1, -1, -1],
      c5: [1, -1, -1],
      c6: [null, null, null],
      c8: [-14496, -14496, -14496],
      c9: [1, 0, 0],
      c10: [1, -1, null],
    });
    expectColumnCasts('bigint', {
      c1: [1n, -1n, -1n],
      c2: [1n, -1n, -1n],
      c4: [1n, -1n, -1n],
      c6: [null, null, null],
      c8: [1590115420000n, 1590115420000n, 1590115420000n],
      c9: [1n, 0n, 0n],
      c10: [1n, -1n, null],
    });
  });

  it('float (id 17) and double (id 18)', () => {
    for (const to of ['float', 'double'] as const) {
      expectColumnCasts(to, {
        c1: [1, -1, -1],
        c3: [1, -1, -1],
        c4: [1, -1, -1],
        c5: [1, -1, -1],
        c6: [null, null, null],
        c8: [1590115420000, 1590115420000, 1590115420000],
        c9: [1, 0, 0],
        c10: [1, -1, null],
      });
    }
  });

  it('string (id 19, 24)', () => {
    expectColumnCasts('string', {
      c1: ['1', '-1', '-1'],
      c3: ['1', '-1', '-1'],
      c4: ['1', '-1', '-1'],
      c5: ['1', '-1', '-1'],
      c6: ['2020-05-22 10:43:40', '2020-05-22 10:43:40', null],
      c7: ['2020-05-22', '2020-05-22', '2020-05-22'],
      c8: ['2020-05-22 10:43:40', '2020-05-22 10:43:40', '2020-05-22 10:43:40'],
      c9: ['true', 'false', 'false'],
      c10: ['1', '-1', ''],
    });
    expect(cast(f(1.1), 'float', 'string')).toBe('1.1');
  });

  it('date (id 20) and timestamp (id 21)', () => {
    expectColumnCasts('date', {
      c6: ['2020-05-22', '2020-05-22', null],
      c7: ['2020-05-22', '2020-05-22', '2020-05-22'],
      c8: ['2020-05-22', '2020-05-22', '2020-05-22'],
      c10: [null, null, null],
    });
    expectColumnCasts('timestamp', {
      c1: [1, null, null],
      c2: [1, null, null],
      c3: [1, null, null],
      c4: [1, null, null],
      c5: [1, null, null],
      c6: [1590115420000, 1590115420000, null],
      c7: [1590076800000, 1590076800000, 1590076800000],
      c8: [1590115420000, 1590115420000, 1590115420000],
      c9: [1, 0, 0],
      c10: [null, null, null],
    });
  });

  it('string to bool (id 23)', () => {
    const words = ['t', 'true', 'f', 'false', '1', '0', 'y', 'n', 'yes', 'no', '', 'abc'];
    expect(words.map((w) => cast(w, 'string', 'bool'))).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      null,
      null,
    ]);
  });

  it('numbers to everything (id 0) and constants (ids 6-9)', () => {
    for (const [t, v] of [
      ['smallint', 30],
      ['int', 30],
      ['bigint', 30n],
      ['float', f(30)],
      ['double', 30],
    ] as [PrimitiveType, Value][]) {
      expect(cast(v, t, 'bool')).toBe(true);
      expect(cast(v, t, 'smallint')).toBe(30);
      expect(cast(v, t, 'bigint')).toBe(30n);
      expect(cast(v, t, 'timestamp')).toBe(30);
      expect(cast(v, t, 'string')).toBe('30');
    }
    expect(cast(false, 'bool', 'string')).toBe('false');
    expect(cast(false, 'bool', 'timestamp')).toBe(0);
    expect(cast('2020-05-20', 'string', 'date')).toBe('2020-05-20');
    expect(cast(1590115420000n, 'bigint', 'timestamp')).toBe(1590115420000);
  });

  it('dates to numbers and bool are NULL (id 32)', () => {
    for (const t of ['smallint', 'int', 'bigint', 'float', 'double', 'bool'] as const) {
      expect(cast('2020-10-12', 'date', t)).toBeNull();
    }
  });

  it('NULL casts to NULL of any type (ids 10, 11, 12, 35)', () => {
    for (const t of ['int', 'bigint', 'float', 'double', 'bool', 'timestamp', 'date', 'string'] as const) {
      expect(cast(null, 'null', t)).toBeNull();
      expect(cast(null, t === 'date' ? 'string' : 'int', t)).toBeNull();
    }
  });

  it.each(['smallint', 'int', 'bigint', 'float', 'double', 'bool'] as const)('%s to date fails (ids 4, 26-31)', (t) => {
    const r = resolveCast(t, 'date');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`cannot cast ${t} to date`);
  });

  it('lists and maps do not cast to primitives', () => {
    expect(resolveCast({ kind: 'list', element: 'int' }, 'string').ok).toBe(false);
    expect(resolveCast('string', { kind: 'list', element: 'string' }).ok).toBe(false);
  });
});

describe('text parsing', () => {
  it('integers within range', () => {
    expect(parseIntegerText(' 42 ', 'int')).toBe(42);
    expect(parseIntegerText('+7', 'bigint')).toBe(7n);
    expect(parseIntegerText('32768', 'smallint')).toBeNull();
    expect(parseIntegerText('1.5', 'int')).toBeNull();
    expect(parseIntegerText('9223372036854775807', 'bigint')).toBe(9223372036854775807n);
    expect(parseIntegerText('9223372036854775808', 'bigint')).toBeNull();
  });

  it('floats and bools', () => {
    expect(parseFloatText('30.0')).toBe(30);
    expect(parseFloatText('.5e1')).toBe(5);
    expect(parseFloatText('-inf')).toBe(-Infinity);
    expect(parseFloatText('1e')).toBeNull();
    expect(parseBoolText('TRUE')).toBe(true);
    expect(parseBoolText('No')).toBe(false);
  });
});
