import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnDesc, ColumnType, Value } from '../protocol/schema.js';
import {
  columnValueFromJson,
  columnValueToJson,
  conversionFailed,
  paramType,
  paramValueFromJson,
  unpaddedDate,
} from './column-json.js';
import { type Json, parseJson } from './json-parse.js';
import { writeJson } from './json-write.js';

function col(type: ColumnType, notNull = false): ColumnDesc {
  return { name: 'c', type, notNull };
}

function json(text: string): Json {
  const r = parseJson(text);
  if (!r.ok) throw new Error(r.description);
  return r.value;
}

/** What a column stores for the JSON text, or 'refused'. */
function from(text: string, type: ColumnType, notNull = false): Value | 'refused' {
  const v = columnValueFromJson(json(text), col(type, notNull));
  return v === undefined ? 'refused' : v;
}

describe('columnValueFromJson (rows of PUT and deployment calls)', () => {
  it('bool takes only true/false', () => {
    expect(from('true', 'bool')).toBe(true);
    expect(from('false', 'bool')).toBe(false);
    expect(from('1', 'bool')).toBe('refused');
    expect(from('"true"', 'bool')).toBe('refused');
  });

  it('integers take integers in range, not 1.0', () => {
    expect(from('32767', 'smallint')).toBe(32767);
    expect(from('32768', 'smallint')).toBe('refused');
    expect(from('-2147483648', 'int')).toBe(-2147483648);
    expect(from('2147483648', 'int')).toBe('refused');
    expect(from('1.0', 'int')).toBe('refused');
    expect(from('"1"', 'int')).toBe('refused');
    expect(from('9223372036854775807', 'bigint')).toBe(9223372036854775807n);
    expect(from('-9223372036854775808', 'bigint')).toBe(-9223372036854775808n);
    expect(from('9223372036854775808', 'bigint')).toBe('refused');
    expect(from('1e3', 'bigint')).toBe('refused');
  });

  it('float takes any number (rounded to single precision); double only numbers it holds exactly', () => {
    expect(from('1.1', 'float')).toBe(Math.fround(1.1));
    expect(from('3', 'float')).toBe(3);
    expect(from('NaN', 'float')).toBeNaN();
    expect(from('-Inf', 'double')).toBe(Number.NEGATIVE_INFINITY);
    expect(from('1.1', 'double')).toBe(1.1);
    expect(from('9007199254740992', 'double')).toBe(9007199254740992);
    expect(from('9007199254740993', 'double')).toBe('refused');
    expect(from('"1.5"', 'double')).toBe('refused');
  });

  it('string takes strings; date takes Y-M-D with or without padding; timestamp takes integers', () => {
    expect(from('"abc"', 'string')).toBe('abc');
    expect(from('12', 'string')).toBe('refused');
    expect(from('"2020-5-1"', 'date')).toBe('2020-05-01');
    expect(from('"2020-05-01"', 'date')).toBe('2020-05-01');
    expect(from('"2020-02-30"', 'date')).toBe('refused');
    expect(from('"2020-05"', 'date')).toBe('refused');
    expect(from('"2020/05/01"', 'date')).toBe('refused');
    expect(from('20200501', 'date')).toBe('refused');
    expect(from('1590115420000', 'timestamp')).toBe(1590115420000);
    expect(from('"2020-05-22 10:43:40"', 'timestamp')).toBe('refused');
    expect(from('1.5', 'timestamp')).toBe('refused');
  });

  it('null unless the column is NOT NULL', () => {
    for (const type of ['bool', 'int', 'bigint', 'double', 'string', 'date', 'timestamp'] as const) {
      expect(from('null', type)).toBeNull();
      expect(from('null', type, true)).toBe('refused');
    }
  });

  it('names the column, its type number and the value in the error', () => {
    expect(conversionFailed({ name: 'c2', type: 'int', notNull: false }, json('"x"'))).toBe('conversion failed on col c2[2] with value "x"');
    expect(conversionFailed({ name: 'ts', type: 'timestamp', notNull: true }, json('1.0'))).toBe('conversion failed on col ts[8] with value 1.0');
    expect(conversionFailed({ name: 'b', type: 'bool', notNull: false }, json('{"a":[1]}'))).toBe('conversion failed on col b[0] with value {"a":[1]}');
  });
});

describe('columnValueToJson (responses)', () => {
  const out = (v: Value, type: ColumnType, nanAsNull = false) => writeJson(columnValueToJson(v, type, nanAsNull));

  it('writes int64 exactly, widened floats, unpadded dates and NULL', () => {
    expect(out(9223372036854775807n, 'bigint')).toBe('9223372036854775807');
    expect(out(Math.fround(1.1), 'float')).toBe('1.100000023841858');
    expect(out(2, 'double')).toBe('2.0');
    expect(out('2020-05-01', 'date')).toBe('"2020-5-1"');
    expect(out('2021-12-31', 'date')).toBe('"2021-12-31"');
    expect(out(1590115420000, 'timestamp')).toBe('1590115420000');
    expect(out(null, 'int')).toBe('null');
    expect(out(true, 'bool')).toBe('true');
    expect(out('a"b', 'string')).toBe('"a\\"b"');
  });

  it('writes NaN/Infinity tokens, or null when asked', () => {
    expect(out(Number.NaN, 'double')).toBe('NaN');
    expect(out(Number.POSITIVE_INFINITY, 'float')).toBe('Infinity');
    expect(out(Number.NEGATIVE_INFINITY, 'double')).toBe('-Infinity');
    expect(out(Number.NaN, 'double', true)).toBe('null');
    expect(out(1.5, 'double', true)).toBe('1.5');
  });

  const values: Record<ColumnType, fc.Arbitrary<Value>> = {
    bool: fc.boolean(),
    smallint: fc.integer({ min: -32768, max: 32767 }),
    int: fc.integer({ min: -2147483648, max: 2147483647 }),
    bigint: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    float: fc.float().map((f) => Math.fround(f)),
    double: fc.double(),
    // Well-formed text (what a string column stores): any code point but lone surrogates.
    string: fc.string({ unit: fc.nat(0x10ffff).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)) }),
    date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    timestamp: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  };

  it('round-trips every column type: value → JSON text → value', () => {
    for (const [type, arb] of Object.entries(values) as [ColumnType, fc.Arbitrary<Value>][]) {
      fc.assert(
        fc.property(fc.option(arb, { nil: null }), (v) => {
          const text = writeJson(columnValueToJson(v, type, false));
          const back = columnValueFromJson(json(text), col(type));
          expect(back === undefined ? 'refused' : back).toEqual(v);
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('parameters of POST /dbs/{db}', () => {
  it('knows the type names, case-insensitively', () => {
    expect(paramType('BIGINT')).toBe('bigint');
    expect(paramType('int64')).toBe('bigint');
    expect(paramType('Int16')).toBe('smallint');
    expect(paramType('smallint')).toBe('smallint');
    expect(paramType('Timestamp')).toBe('timestamp');
    expect(paramType('varchar')).toBeUndefined();
  });

  it('reads a DATE as the packed int32 (the reference quirk)', () => {
    const packed = ((2020 - 1900) << 16) | ((5 - 1) << 8) | 1;
    expect(paramValueFromJson(json(String(packed)), 'date')).toBe('2020-05-01');
    expect(paramValueFromJson(json('"2020-05-01"'), 'date')).toBeUndefined();
    expect(paramValueFromJson(json(String(((2020 - 1900) << 16) | (12 << 8) | 1)), 'date')).toBeUndefined();
    expect(paramValueFromJson(json('null'), 'date')).toBeNull();
    expect(paramValueFromJson(json('7'), 'bigint')).toBe(7n);
    expect(paramValueFromJson(json('"x"'), 'string')).toBe('x');
  });

  it('unpads dates', () => {
    expect(unpaddedDate('1900-01-01')).toBe('1900-1-1');
    expect(unpaddedDate('2020-10-10')).toBe('2020-10-10');
  });
});
