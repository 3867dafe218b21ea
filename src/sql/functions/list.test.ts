import { describe, expect, it } from 'vitest';
import { listOf, type SqlType, type SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

const STRINGS = listOf('string');
const S3: SqlType[] = ['string', 'string', 'string'];

/** join(f(c1, ...), ' ') as test_feature_zero_function id 2 computes it. */
function joined(fn: string, types: SqlType[], args: SqlValue[], delimiter = ' '): SqlValue {
  const [, list] = call(fn, types, args);
  return call('join', [STRINGS, 'string'], [list, delimiter])[1];
}

describe('split family (test_feature_zero_function ids 2, 5, 6)', () => {
  const rows = ['k1:v1,k2:v2', 'k3:v3', '???,,k4:v4', null, 'k5:v5,k3:v3'];

  it('split / split_by_key / split_by_value joined with spaces', () => {
    expect(rows.map((r) => joined('split', ['string', 'string'], [r, ',']))).toEqual([
      'k1:v1 k2:v2',
      'k3:v3',
      '???  k4:v4',
      '',
      'k5:v5 k3:v3',
    ]);
    expect(rows.map((r) => joined('split_by_key', S3, [r, ',', ':']))).toEqual(['k1 k2', 'k3', 'k4', '', 'k5 k3']);
    expect(rows.map((r) => joined('split_by_value', S3, [r, ',', ':']))).toEqual(['v1 v2', 'v3', 'v4', '', 'v5 v3']);
  });

  it('size of the split lists', () => {
    const size = (fn: string, types: SqlType[], args: SqlValue[]) => call('size', [STRINGS], [call(fn, types, args)[1]]);
    expect(rows.map((r) => size('split', ['string', 'string'], [r, ','])[1])).toEqual([2, 1, 3, 0, 2]);
    expect(rows.map((r) => size('split_by_key', S3, [r, ',', ':'])[1])).toEqual([2, 1, 1, 0, 2]);
    expect(rows.map((r) => size('split_by_value', S3, [r, ',', ':'])[1])).toEqual([2, 1, 1, 0, 2]);
    expect(size('split', ['string', 'string'], ['a', ''])).toEqual(['int', 0]);
  });

  it('an empty separator gives an empty list (id 5)', () => {
    for (const v of ['a', null]) {
      expect(joined('split', ['string', 'string'], [v, ''], '')).toBe('');
      expect(joined('split_by_key', S3, [v, '', ''], '')).toBe('');
      expect(joined('split_by_value', S3, [v, '', ''], '')).toBe('');
    }
  });

  it('window_split forms are per-row splits', () => {
    expect(call('window_split', ['string', 'string'], ['a,b', ','])).toEqual([STRINGS, ['a', 'b']]);
    expect(call('window_split_by_key', S3, ['a:1,b', ',', ':'])).toEqual([STRINGS, ['a']]);
    expect(call('window_split_by_value', S3, ['a:1,b', ',', ':'])).toEqual([STRINGS, ['1']]);
  });
});

describe('list_except_by_key / list_except_by_value (test_feature_zero_function id 7)', () => {
  const rows = ['a:1,b:2,c:0', 'abc', 'a,b,c'];
  const except = (fn: string, v: string, set: string) =>
    call('join', [STRINGS, 'string'], [call(fn, [STRINGS, 'string'], [call('split', ['string', 'string'], [v, ','])[1], set])[1], ' '])[1];

  it('drops items by key or value', () => {
    expect(rows.map((r) => except('list_except_by_key', r, 'a,b'))).toEqual(['c:0', 'abc', 'c']);
    expect(rows.map((r) => except('list_except_by_value', r, '1,2'))).toEqual(['c:0', 'abc', 'a b c']);
    expect(rows.map((r) => except('list_except_by_key', r, ''))).toEqual(['a:1 b:2 c:0', 'abc', 'a b c']);
    expect(rows.map((r) => except('list_except_by_value', r, ''))).toEqual(['a:1 b:2 c:0', '', '']);
  });
});

describe('at / join / array_contains', () => {
  it('at reads list elements (test_udf_function id 7)', () => {
    const list = call('split', ['string', 'string'], ['7,8,9', ','])[1];
    expect([0, 1, 2, 3].map((i) => call('at', [STRINGS, 'int'], [list, i]))).toEqual([
      ['string', '7'],
      ['string', '8'],
      ['string', '9'],
      ['string', null],
    ]);
    expect(call('at', [STRINGS, 'bigint'], [list, -1n])).toEqual(['string', null]);
  });

  it('join skips NULL items', () => {
    expect(call('join', [listOf('int'), 'string'], [[1, null, 3], '-'])).toEqual(['string', '1-3']);
    expect(call('join', [STRINGS, 'string'], [null, '-'])).toEqual(['string', null]);
  });

  it('array_contains compares with the element type', () => {
    expect(call('array_contains', [STRINGS, 'string'], [['a', 'b'], 'b'])).toEqual(['bool', true]);
    expect(call('array_contains', [STRINGS, 'int'], [['1', '2'], 2])).toEqual(['bool', true]);
    expect(call('array_contains', [listOf('int'), 'int'], [[1, 2], 3])).toEqual(['bool', false]);
    expect(resolveFunction('array_contains', [listOf('timestamp'), 'int']).ok).toBe(false);
  });

  it('rejects non-lists', () => {
    expect(resolveFunction('size', ['string']).ok).toBe(false);
    expect(resolveFunction('join', ['string', 'string']).ok).toBe(false);
    expect(resolveFunction('at', ['string', 'int']).ok).toBe(false);
  });
});
