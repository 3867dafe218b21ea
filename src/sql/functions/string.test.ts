import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType, SqlType, SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';
import { substring } from './string.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

const f = Math.fround;
const TYPES: PrimitiveType[] = ['string', 'smallint', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'bool'];
/** test_string id 0: {0} row 1 and {1} row 1. */
const LEFT: Value[] = ['aa', 30, 30, 30n, f(30), 30, 1590738989000, '2020-05-01', false];
const RIGHT: Value[] = ['', 0, 20, 30n, f(11.1), 12.1, 1590738989001, '2020-05-02', true];
const LEFT_TEXT = ['aa', '30', '30', '30', '30', '30', '2020-05-29 15:56:29', '2020-05-01', 'false'];
const RIGHT_TEXT = ['', '0', '20', '30', '11.1', '12.1', '2020-05-29 15:56:29', '2020-05-02', 'true'];

describe('concat / concat_ws (test_string ids 0-3)', () => {
  it('concat converts every type to text', () => {
    TYPES.forEach((lt, i) => {
      TYPES.forEach((rt, j) => {
        expect(call('concat', [lt, rt], [LEFT[i]!, RIGHT[j]!])).toEqual(['string', LEFT_TEXT[i]! + RIGHT_TEXT[j]!]);
        expect(call('concat', [lt, rt], [null, RIGHT[j]!])).toEqual(['string', null]);
      });
    });
    expect(call('concat', ['string', 'string', 'string'], ['aa', 'bbb', 'cc'])).toEqual(['string', 'aabbbcc']);
  });

  it('concat_ws takes a separator of any type', () => {
    expect(call('concat_ws', ['string', 'string'], ['-', 'bbb'])).toEqual(['string', 'bbb']);
    expect(call('concat_ws', ['string', 'string', 'string', 'string'], ['-', 'aa', 'bbb', 'cc'])).toEqual([
      'string',
      'aa-bbb-cc',
    ]);
    TYPES.forEach((sep, i) => {
      TYPES.forEach((rt, j) => {
        const got = call('concat_ws', [sep, 'string', rt], [LEFT[i]!, 'aa', RIGHT[j]!]);
        expect(got).toEqual(['string', `aa${LEFT_TEXT[i]}${RIGHT_TEXT[j]}`]);
        expect(call('concat_ws', [sep, 'string', rt], [LEFT[i]!, 'aa', null])).toEqual(['string', null]);
      });
    });
  });
});

describe('strcmp (test_string ids 4-6)', () => {
  it('compares strings', () => {
    const rows: [Value, Value, Value][] = [
      ['text', 'text2', -1],
      ['text', 'text', 0],
      ['text2', 'text', 1],
      [null, 'text', null],
      ['text', null, null],
      [null, null, null],
    ];
    for (const [a, b, want] of rows) expect(call('strcmp', ['string', 'string'], [a, b])).toEqual(['int', want]);
  });

  it('rejects anything but two strings', () => {
    for (const a of TYPES) {
      for (const b of TYPES) {
        if (a === 'string' && b === 'string') continue;
        const r = resolveFunction('strcmp', [a, b]);
        expect(r.ok, `strcmp(${a}, ${b})`).toBe(false);
      }
    }
  });
});

describe('substr / substring (test_string ids 7, 8; test_udf_function ids 0, 1)', () => {
  it('counts 1-based positions', () => {
    for (const name of ['substr', 'substring']) {
      expect(call(name, ['string', 'int'], ['123456789', 3])).toEqual(['string', '3456789']);
      expect(call(name, ['string', 'int', 'int'], ['123456789', 3, 2])).toEqual(['string', '34']);
      expect(call(name, ['string', 'int', 'int'], ['123456789', 3, 20])).toEqual(['string', '3456789']);
      expect(call(name, ['string', 'int', 'int'], ['123456789', 30, 2])).toEqual(['string', '']);
      expect(call(name, ['string', 'int'], ['123456789', 30])).toEqual(['string', '']);
      expect(call(name, ['string', 'int'], [null, 3])).toEqual(['string', null]);
      expect(call(name, ['string', 'int', 'int'], ['hello world', 1, 5])).toEqual(['string', 'hello']);
      expect(call(name, ['string', 'int', 'int'], ['hello world', 1, null])).toEqual(['string', null]);
    }
  });

  it('counts negative positions from the end', () => {
    expect(substring('hello', -3)).toBe('llo');
    expect(substring('hello', -3, 2)).toBe('ll');
    expect(substring('hello', -9)).toBe('');
    expect(substring('hello', 0)).toBe('');
    expect(substring('hello', 2, 0)).toBe('');
    expect(substring('日本語', 2)).toBe('本語');
  });

  it.each(TYPES.filter((t) => t !== 'string'))('rejects a %s first argument', (t) => {
    expect(resolveFunction('substr', [t, 'int']).ok).toBe(false);
  });
});

describe('other string functions', () => {
  it('change case, reverse, measure, replace, locate', () => {
    expect(call('upper', ['string'], ['aBc'])).toEqual(['string', 'ABC']);
    expect(call('ucase', ['string'], ['aBc'])).toEqual(['string', 'ABC']);
    expect(call('lcase', ['string'], ['aBc'])).toEqual(['string', 'abc']);
    expect(call('reverse', ['string'], ['abc'])).toEqual(['string', 'cba']);
    expect(call('char_length', ['string'], ['日本'])).toEqual(['int', 2]);
    expect(call('character_length', ['string'], [null])).toEqual(['int', null]);
    expect(call('replace', ['string', 'string', 'string'], ['aXbX', 'X', 'yy'])).toEqual(['string', 'ayybyy']);
    expect(call('replace', ['string', 'string'], ['aXbX', 'X'])).toEqual(['string', 'ab']);
    expect(call('char', ['int'], [65])).toEqual(['string', 'A']);
    expect(call('char', ['int'], [321])).toEqual(['string', 'A']);
    expect(call('locate', ['string', 'string'], ['bar', 'foobarbar'])).toEqual(['int', 4]);
    expect(call('locate', ['string', 'string', 'int'], ['bar', 'foobarbar', 5])).toEqual(['int', 7]);
    expect(call('locate', ['string', 'string'], ['xbar', 'foobar'])).toEqual(['int', 0]);
  });
});
