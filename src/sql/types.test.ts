import { describe, expect, it } from 'vitest';
import { commonType, commonTypeOf, listOf, mapOf, parseTypeName, type SqlType, typeName } from './types.js';

describe('parseTypeName', () => {
  // Aliases used by the conformance cases' column lists (sql.md §8.2).
  it.each([
    ['int16', 'smallint'],
    ['i16', 'smallint'],
    ['SMALLINT', 'smallint'],
    ['int32', 'int'],
    ['i32', 'int'],
    ['int', 'int'],
    ['int64', 'bigint'],
    ['i64', 'bigint'],
    ['bigint', 'bigint'],
    ['varchar', 'string'],
    ['VARCHAR(60)', 'string'],
    ['string', 'string'],
    ['bool', 'bool'],
    ['float', 'float'],
    ['double', 'double'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
  ])('%s is %s', (text, expected) => {
    expect(parseTypeName(text)).toEqual({ ok: true, value: expected });
  });

  it('parses composite types', () => {
    expect(parseTypeName('map<string, int64>')).toEqual({ ok: true, value: mapOf('string', 'bigint') });
    expect(parseTypeName('list<list<i32>>')).toEqual({ ok: true, value: listOf(listOf('int')) });
  });

  it.each(['', 'decimal', 'map<int>', 'list<int', 'int extra', 'varchar(x)'])('rejects %j', (text) => {
    const r = parseTypeName(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('cannot parse type name');
  });

  it('prints names that parse back', () => {
    for (const t of [listOf('string'), mapOf('int', listOf('double')), 'timestamp'] as SqlType[]) {
      expect(parseTypeName(typeName(t))).toEqual({ ok: true, value: t });
    }
  });
});

describe('commonType', () => {
  // test_condition ids 9, 12, 13, 14, 15 and NVL2-2: the types CASE / IFNULL / NVL2 results take.
  it.each([
    ['int', 'string', 'string'],
    ['int', 'bigint', 'bigint'],
    ['bigint', 'double', 'double'],
    ['bigint', 'float', 'double'],
    ['float', 'int', 'float'],
    ['double', 'int', 'double'],
    ['bool', 'int', 'int'],
    ['null', 'int', 'int'],
    ['string', 'null', 'string'],
    ['timestamp', 'timestamp', 'timestamp'],
  ] as const)('%s with %s is %s', (a, b, expected) => {
    expect(commonType(a, b)).toEqual({ ok: true, value: expected });
    expect(commonType(b, a)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['timestamp', 'int'],
    ['date', 'timestamp'],
    ['bool', 'date'],
  ] as const)('%s with %s has none', (a, b) => {
    const r = commonType(a, b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`types ${a} and ${b} have no common type`);
  });

  it('folds over lists', () => {
    expect(commonTypeOf(['null', 'smallint', 'int', 'null'])).toEqual({ ok: true, value: 'int' });
    expect(commonTypeOf([])).toEqual({ ok: true, value: 'null' });
    expect(commonTypeOf([listOf('int'), listOf('int')])).toEqual({ ok: true, value: listOf('int') });
    expect(commonTypeOf([listOf('int'), 'int']).ok).toBe(false);
  });
});
