import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValue, sqlLiteral } from './values.js';

describe('parseValue', () => {
  it('keeps int64 exact', () => {
    const r = parseValue('2681491882390849628', 'bigint');
    expect(r.ok && r.value).toBe(2681491882390849628n);
    expect(parseValue('9223372036854775808', 'bigint').ok).toBe(false);
    expect(parseValue('-9223372036854775808', 'bigint').ok).toBe(true);
  });

  it('round-trips any int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const r = parseValue(String(n), 'bigint');
        return r.ok && r.value === n;
      }),
    );
  });

  it('reads null/NULL as NULL for every type, strings included', () => {
    for (const type of ['string', 'int', 'bigint', 'date', 'timestamp', 'bool', 'float'] as const) {
      expect(parseValue('null', type)).toEqual({ ok: true, value: null });
      expect(parseValue('NULL', type)).toEqual({ ok: true, value: null });
    }
  });

  it('types the other columns', () => {
    expect(parseValue('1590738989000', 'timestamp')).toEqual({ ok: true, value: 1590738989000 });
    expect(parseValue('2020-5-1', 'date')).toEqual({ ok: true, value: '2020-05-01' });
    expect(parseValue('TRUE', 'bool')).toEqual({ ok: true, value: true });
    expect(parseValue('1.1', 'float')).toEqual({ ok: true, value: Math.fround(1.1) });
    expect(parseValue('1.1', 'double')).toEqual({ ok: true, value: 1.1 });
    expect(parseValue('-Inf', 'double')).toEqual({ ok: true, value: -Infinity });
    expect(parseValue(' aa ', 'string')).toEqual({ ok: true, value: ' aa ' });
    expect(parseValue('', 'string')).toEqual({ ok: true, value: '' });
  });

  it('rejects values that do not fit the column, naming value and type', () => {
    expect(parseValue('32768', 'smallint').ok).toBe(false);
    expect(parseValue('2147483648', 'int').ok).toBe(false);
    expect(parseValue('1.5', 'int').ok).toBe(false);
    expect(parseValue('', 'int').ok).toBe(false);
    expect(parseValue('0x10', 'double').ok).toBe(false);
    const r = parseValue('2020-13-01', 'date');
    expect(!r.ok && r.message).toBe("value '2020-13-01' is not a valid date (column type date)");
  });
});

describe('sqlLiteral', () => {
  it('writes the scalar as found, quoting strings and dates', () => {
    expect(sqlLiteral('aa', 'string')).toEqual({ ok: true, value: "'aa'" });
    // backslashes are passed through: the engine's SQL lexer handles escapes (test_like.yaml)
    expect(sqlLiteral('\\\\\\%a_b', 'string')).toEqual({ ok: true, value: "'\\\\\\%a_b'" });
    expect(sqlLiteral('2020-05-01', 'date')).toEqual({ ok: true, value: "'2020-05-01'" });
    expect(sqlLiteral('NULL', 'string')).toEqual({ ok: true, value: 'NULL' });
    expect(sqlLiteral('2681491882390849628', 'bigint')).toEqual({ ok: true, value: '2681491882390849628' });
    expect(sqlLiteral('1.10', 'float')).toEqual({ ok: true, value: '1.10' });
    expect(sqlLiteral('x', 'int').ok).toBe(false);
  });
});
