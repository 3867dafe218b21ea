import { describe, expect, it } from 'vitest';
import { columnTypeOf, parseColumnDeclaration, parseLegacySchema } from './column-spec.js';

describe('parseColumnDeclaration', () => {
  it.each([
    ['c1 string', { name: 'c1', type: 'string', notNull: false }],
    ['c2 int not null', { name: 'c2', type: 'int', notNull: true }],
    ['c1 string NOT NULL', { name: 'c1', type: 'string', notNull: true }],
    ['id int64', { name: 'id', type: 'bigint', notNull: false }],
    ['c1 int16', { name: 'c1', type: 'smallint', notNull: false }],
    ['c1 varchar', { name: 'c1', type: 'string', notNull: false }],
    // generated names keep their spaces: the type is what follows the last name token
    ['sum(c4)over w1 bigint', { name: 'sum(c4)over w1', type: 'bigint', notNull: false }],
    ['c2 + 1 int', { name: 'c2 + 1', type: 'int', notNull: false }],
    // a column named like a type
    ['date date', { name: 'date', type: 'date', notNull: false }],
    ['id:bigint', { name: 'id', type: 'bigint', notNull: false }],
  ])('%s', (text, want) => {
    const r = parseColumnDeclaration(text);
    expect(r.ok && r.value).toEqual(want);
  });

  it('rejects unsupported types and missing types with the declaration in the message', () => {
    const map = parseColumnDeclaration('m map<string, int>');
    expect(map.ok).toBe(false);
    if (!map.ok) expect(map.message).toContain("unsupported type 'map<string, int>'");
    const bare = parseColumnDeclaration('c1');
    expect(bare.ok).toBe(false);
  });
});

describe('parseLegacySchema', () => {
  it('reads name:type items, and the stray "name type" item found in test_udf_function.yaml', () => {
    const r = parseLegacySchema('id:int32, col1:int64, col3:string, bt bool, std_ts:timestamp');
    expect(r.ok && r.value.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id int',
      'col1 bigint',
      'col3 string',
      'bt bool',
      'std_ts timestamp',
    ]);
  });
});

describe('columnTypeOf', () => {
  it('maps the reference aliases', () => {
    expect(['i16', 'i32', 'i64', 'int32', 'bigint', 'smallint'].map(columnTypeOf)).toEqual([
      'smallint',
      'int',
      'bigint',
      'int',
      'bigint',
      'smallint',
    ]);
    expect(columnTypeOf('decimal')).toBeUndefined();
  });
});
