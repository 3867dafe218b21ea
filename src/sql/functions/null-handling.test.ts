import { describe, expect, it } from 'vitest';
import type { SqlType, SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

describe('NULL handling (test_condition.yaml, test_predicate id 8)', () => {
  it('isnull / is_null on every type', () => {
    for (const name of ['isnull', 'is_null']) {
      for (const t of ['string', 'smallint', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'bool'] as const) {
        expect(call(name, [t], [null])).toEqual(['bool', true]);
      }
      expect(call(name, ['string'], ['10'])).toEqual(['bool', false]);
      expect(call(name, ['null'], [null])).toEqual(['bool', true]);
    }
  });

  it('ifnull / if_null / nvl with the common type (ids 8-14)', () => {
    expect(call('ifnull', ['string', 'string'], [null, 'abc'])).toEqual(['string', 'abc']);
    expect(call('ifnull', ['string', 'string'], ['', 'abc'])).toEqual(['string', '']);
    expect(call('ifnull', ['int', 'string'], [0, 'abc'])).toEqual(['string', '0']);
    expect(call('ifnull', ['int', 'string'], [null, 'abc'])).toEqual(['string', 'abc']);
    expect(call('ifnull', ['int', 'int'], [null, 100])).toEqual(['int', 100]);
    expect(call('ifnull', ['double', 'int'], [null, 100])).toEqual(['double', 100]);
    expect(call('if_null', ['bigint', 'int'], [1n, 100])).toEqual(['bigint', 1n]);
    expect(call('ifnull', ['bigint', 'int'], [null, 100])).toEqual(['bigint', 100n]);
    expect(call('ifnull', ['bigint', 'double'], [0n, 1.1])).toEqual(['double', 0]);
    expect(call('ifnull', ['bigint', 'double'], [null, 1.1])).toEqual(['double', 1.1]);
    expect(call('nvl', ['string', 'string'], [null, 'abc'])).toEqual(['string', 'abc']);
    expect(call('ifnull', ['int', 'null'], [1, null])).toEqual(['int', 1]);
    expect(call('ifnull', ['null', 'int'], [null, 1])).toEqual(['int', 1]);
    expect(call('ifnull', ['bigint', 'int'], [null, 24])).toEqual(['bigint', 24n]);
    expect(resolveFunction('ifnull', ['timestamp', 'int']).ok).toBe(false);
  });

  it('nvl2 (NVL2-1, NVL2-2, NVL2-3, id 14)', () => {
    expect(call('nvl2', ['int', 'string', 'string'], [0, 'abc', 'def'])).toEqual(['string', 'abc']);
    expect(call('nvl2', ['int', 'string', 'string'], [null, 'abc', 'def'])).toEqual(['string', 'def']);
    expect(call('nvl2', ['int', 'string', 'int'], [null, 'abc', 3])).toEqual(['string', '3']);
    expect(call('nvl2', ['int', 'int', 'int'], [3, 9, 4])).toEqual(['int', 9]);
    expect(call('nvl2', ['bool', 'string', 'int'], [true, 'str', 34])).toEqual(['string', 'str']);
    expect(call('nvl2', ['null', 'bigint', 'float'], [null, null, Math.fround(4)])).toEqual(['double', 4]);
  });

  it('identity keeps type and value', () => {
    expect(call('identity', ['bigint'], [5n])).toEqual(['bigint', 5n]);
    expect(call('identity', ['string'], [null])).toEqual(['string', null]);
  });
});

describe('cast functions by name (test_type ids 8, 9, 33, 34)', () => {
  it('accepts the type names and aliases', () => {
    expect(call('int', ['int'], [1])).toEqual(['int', 1]);
    expect(call('bigint', ['float'], [Math.fround(2)])).toEqual(['bigint', 2n]);
    expect(call('float', ['int'], [1])).toEqual(['float', 1]);
    expect(call('double', ['int'], [1])).toEqual(['double', 1]);
    expect(call('bool', ['int'], [1])).toEqual(['bool', true]);
    expect(call('timestamp', ['bigint'], [1590115420000n])).toEqual(['timestamp', 1590115420000]);
    expect(call('string', ['int'], [1])).toEqual(['string', '1']);
    expect(call('varchar', ['int'], [1])).toEqual(['string', '1']);
    expect(call('int16', ['date'], ['2020-10-12'])).toEqual(['smallint', null]);
    expect(call('int32', ['int'], [7])).toEqual(['int', 7]);
    expect(call('int64', ['int'], [7])).toEqual(['bigint', 7n]);
    expect(call('date', ['timestamp'], [1590115420000])).toEqual(['date', '2020-05-22']);
    expect(call('STRING', ['double'], [10])).toEqual(['string', '10']);
  });

  it.each(['int', 'bigint', 'smallint', 'float', 'double', 'bool'] as const)('date(%s) fails (ids 26-31)', (t) => {
    const r = resolveFunction('date', [t]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`function date(${t}) is not supported: expected an argument that can be cast to date`);
  });
});
