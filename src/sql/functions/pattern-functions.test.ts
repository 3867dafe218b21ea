import { describe, expect, it } from 'vitest';
import type { PrimitiveType, SqlType, SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): SqlValue {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error('not scalar');
  expect(r.value.type).toBe('bool');
  return r.value.eval(args);
}

describe('like_match / ilike_match (test_like_match.yaml)', () => {
  it.each([
    ['a_b', undefined, ['a_b', 'aab', 'a%b', 'b_c', 'abc', 'A0b', 'a#B', 'aaab'], [1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 1, 1, 0]],
    ['\\_a%b', '\\', ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', '_a#0B'], [0, 0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 1]],
    ['__a%b', '_', ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', '_a#0B'], [0, 0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 1]],
    ['\\_a%b', '', ['\\%a_b', '\\aabb', '_a%_b', 'ba_c', 'abb', '\\bA0b', '\\_a#0B'], [1, 1, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 1, 1]],
    ['a%', '<>', ['', 'aa', null], [0, 0, null], [0, 0, null]],
    ['a%#', '#', ['ab#', 'aa'], [0, 0], [0, 0]],
    ['', undefined, ['', 'aa'], [1, 0], [1, 0]],
  ] as [string, string | undefined, (string | null)[], (number | null)[], (number | null)[]][])(
    'pattern %j escape %j (ids 0, 3, 5, 8, 16, 28, 29)',
    (pattern, esc, values, like, ilike) => {
      values.forEach((v, i) => {
        const types: SqlType[] = esc === undefined ? ['string', 'string'] : ['string', 'string', 'string'];
        const args: SqlValue[] = esc === undefined ? [v, pattern] : [v, pattern, esc];
        const asBool = (n: number | null) => (n === null ? null : n === 1);
        expect(call('like_match', types, args), `like_match(${String(v)})`).toBe(asBool(like[i]!));
        expect(call('ilike_match', types, args), `ilike_match(${String(v)})`).toBe(asBool(ilike[i]!));
      });
    },
  );

  it('rejects NULL literals and non-string values (ids 17-26)', () => {
    for (const fn of ['like_match', 'ilike_match']) {
      expect(resolveFunction(fn, ['string', 'null']).ok).toBe(false);
      expect(resolveFunction(fn, ['string', 'string', 'null']).ok).toBe(false);
      for (const t of ['int', 'bigint', 'smallint', 'float', 'double', 'timestamp', 'date', 'bool'] as PrimitiveType[]) {
        expect(resolveFunction(fn, [t, 'string']).ok, `${fn}(${t})`).toBe(false);
      }
    }
  });
});

describe('regexp_like (test_udf_function id 3)', () => {
  it('matches whole values', () => {
    const p = '[A-Za-z0-9+_.-]+@openmldb[A-Za-z0-9+_.-]+';
    expect(call('regexp_like', ['string', 'string'], ['contact@openmldb.ai', p])).toBe(true);
    expect(call('regexp_like', ['string', 'string'], ['contact@closemldb.ai', p])).toBe(false);
    expect(call('regexp_like', ['string', 'string', 'string'], ['ABC', 'abc', 'i'])).toBe(true);
    expect(call('regexp_like', ['string', 'string'], [null, p])).toBeNull();
  });
});
