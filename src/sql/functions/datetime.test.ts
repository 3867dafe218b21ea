import { describe, expect, it } from 'vitest';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType, SqlType, SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

const PARTS = ['day', 'dayofmonth', 'dayofweek', 'month', 'week', 'weekofyear', 'year'];

describe('date parts (test_date.yaml)', () => {
  it.each([
    ['bigint', 30n, [1, 1, 5, 1, 1, 1, 1970]],
    ['timestamp', 1590738989000, [29, 29, 6, 5, 22, 22, 2020]],
    ['date', '2020-05-02', [2, 2, 7, 5, 18, 18, 2020]],
  ] as [PrimitiveType, Value, number[]][])('of a %s (id 2)', (t, v, expected) => {
    PARTS.forEach((fn, i) => {
      expect(call(fn, [t], [v]), fn).toEqual(['int', expected[i]]);
      expect(call(fn, [t], [null])).toEqual(['int', null]);
    });
  });

  it('dayofweek of a date and a timestamp (test_udf_function id 0)', () => {
    expect(call('dayofweek', ['date'], ['2020-05-20'])).toEqual(['int', 4]);
    expect(call('dayofweek', ['timestamp'], [1590738989000])).toEqual(['int', 6]);
  });

  it('hour and minute in UTC+8 (id 4)', () => {
    expect(call('hour', ['bigint'], [30n])).toEqual(['int', 8]);
    expect(call('minute', ['bigint'], [30n])).toEqual(['int', 0]);
    expect(call('hour', ['timestamp'], [1590738989000])).toEqual(['int', 15]);
    expect(call('minute', ['timestamp'], [1590738989000])).toEqual(['int', 56]);
    expect(call('second', ['timestamp'], [1590738989000])).toEqual(['int', 29]);
    expect(call('hour', ['timestamp'], [1590115420000])).toEqual(['int', 10]);
  });

  it.each(PARTS.flatMap((fn) => (['string', 'smallint', 'int', 'float', 'double', 'bool'] as const).map((t): [string, SqlType] => [fn, t])))(
    '%s(%s) fails (id 3)',
    (fn, t) => {
      expect(resolveFunction(fn, [t]).ok).toBe(false);
    },
  );

  it.each(['hour', 'minute'].flatMap((fn) => (['string', 'smallint', 'int', 'float', 'double', 'date', 'bool'] as const).map((t): [string, SqlType] => [fn, t])))(
    '%s(%s) fails (id 5)',
    (fn, t) => {
      expect(resolveFunction(fn, [t]).ok).toBe(false);
    },
  );
});

describe('date_format (test_date ids 0, 1)', () => {
  it('formats timestamps and dates', () => {
    const fmt = '%Y-%m-%d %H:%M:%S';
    expect(call('date_format', ['timestamp', 'string'], [1590738989000, fmt])).toEqual(['string', '2020-05-29 15:56:29']);
    expect(call('date_format', ['date', 'string'], ['2020-05-01', fmt])).toEqual(['string', '2020-05-01 00:00:00']);
    expect(call('date_format', ['timestamp', 'string'], [null, fmt])).toEqual(['string', null]);
    expect(call('date_format', ['timestamp', 'string'], [1590738989000, '%a %b %e %j %I%p %% %q'])).toEqual([
      'string',
      'Fri May 29 150 03PM % %q',
    ]);
  });

  it.each(['string', 'smallint', 'int', 'bigint', 'float', 'double', 'bool'] as const)('rejects %s', (t) => {
    expect(resolveFunction('date_format', [t, 'string']).ok).toBe(false);
  });
});

describe('other date functions', () => {
  it('unix_timestamp, datediff, last_day, add_months, dayofyear', () => {
    expect(call('unix_timestamp', ['string'], ['2020-05-22 10:43:40'])).toEqual(['bigint', 1590115420n]);
    expect(call('unix_timestamp', ['date'], ['2020-05-22'])).toEqual(['bigint', 1590076800n]);
    expect(call('unix_timestamp', ['string'], ['bad'])).toEqual(['bigint', null]);
    expect(call('datediff', ['date', 'date'], ['2021-01-01', '2020-12-25'])).toEqual(['int', 7]);
    expect(call('datediff', ['timestamp', 'string'], [1590115420000, '2020-05-20'])).toEqual(['int', 2]);
    expect(call('last_day', ['date'], ['2020-02-10'])).toEqual(['date', '2020-02-29']);
    expect(call('add_months', ['date', 'int'], ['2020-01-31', 1])).toEqual(['date', '2020-02-29']);
    expect(call('add_months', ['date', 'int'], ['2020-01-31', -2])).toEqual(['date', '2019-11-30']);
    expect(call('dayofyear', ['date'], ['2020-12-31'])).toEqual(['int', 366]);
  });
});
