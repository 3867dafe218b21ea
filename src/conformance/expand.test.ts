import { describe, expect, it } from 'vitest';
import { expandCase, substituteChoices } from './expand.js';
import type { RawMap } from './raw.js';
import { parseYamlFailsafe } from './yaml-source.js';

function rawCase(yaml: string): RawMap {
  const r = parseYamlFailsafe(yaml);
  if (!r.ok) throw new Error(r.message);
  return r.value as RawMap;
}

// expression/test_arithmetic.yaml, id 0 (inputs trimmed)
const ARITHMETIC = `
id: 0
desc: "smallint_[%MOD*-/]_整型_正确"
dataProvider:
  - ["%","MOD","*","-","/"]
sql: |
  select
    {0}.c2 d[0] {1}.c2 as b2,
    {0}.c2 d[0] {1}.c9 as b9
  FROM {0} last join {1} ORDER BY {1}.c7 on {0}.id={1}.id;
expect:
  columns: ["b2 smallint","b9 smallint"]
expectProvider:
  0:
    rows:
      - [NULL,0]
  2:
    rows:
      - [0,30]
  4:
    columns: ["b2 double","b9 double"]
    rows:
      - [NULL,30.0]
`;

// expression/test_predicate.yaml, like_predicate_1 (rows trimmed)
const LIKE = `
id: like_predicate_1
dataProvider:
  - ["LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE"]
  - ["m%", "M_ry" ]
sql: |
  select {0}.id, col2 from {0} last join {1} ON {0}.id = {1}.id AND col2 d[0] 'd[1]';
expect:
  columns: ["id int", "col2 string"]
  order: id
expectProvider:
  0:
    0:
      rows:
        - [3, mike]
    1:
      rows:
        - [2, Mary]
  1:
    0:
      rows:
        - [1, John]
`;

describe('expandCase', () => {
  it('substitutes d[0] per choice and keeps a case without dataProvider as is', () => {
    const plain = rawCase('id: 1\nsql: select d[0] from t;\n');
    const r = expandCase(plain);
    expect(r.ok && r.value.map((e) => e.raw)).toEqual([plain]);

    const expanded = expandCase(rawCase(ARITHMETIC));
    expect(expanded.ok).toBe(true);
    if (!expanded.ok) return;
    expect(expanded.value.map((e) => e.raw['id'])).toEqual(['0_0', '0_1', '0_2', '0_3', '0_4']);
    expect(expanded.value.map((e) => e.choices[0])).toEqual(['%', 'MOD', '*', '-', '/']);
    expect(expanded.value[1]!.raw['sql']).toContain('{0}.c2 MOD {1}.c2 as b2');
    expect(expanded.value[1]!.raw['sql']).not.toContain('d[0]');
  });

  it('takes per-choice expectations, overriding field by field and inheriting the rest', () => {
    const r = expandCase(rawCase(ARITHMETIC));
    if (!r.ok) throw new Error(r.message);
    const expects = r.value.map((e) => e.raw['expect']);
    expect(expects[0]).toEqual({ columns: ['b2 smallint', 'b9 smallint'], rows: [['NULL', '0']] });
    // no entry for choice 1: the parent expectation unchanged (no rows)
    expect(expects[1]).toEqual({ columns: ['b2 smallint', 'b9 smallint'] });
    expect(expects[2]).toEqual({ columns: ['b2 smallint', 'b9 smallint'], rows: [['0', '30']] });
    // choice 4 overrides the columns too
    expect(expects[4]).toEqual({ columns: ['b2 double', 'b9 double'], rows: [['NULL', '30.0']] });
    expect(r.value[0]!.raw['expectProvider']).toBeUndefined();
    expect(r.value[0]!.raw['dataProvider']).toBeUndefined();
  });

  it('expands several lists as a cross product, first list outermost, with nested expectProviders', () => {
    const r = expandCase(rawCase(LIKE));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.map((e) => e.indices.join(','))).toEqual(['0,0', '0,1', '1,0', '1,1', '2,0', '2,1', '3,0', '3,1']);
    expect(r.value[3]!.raw['sql']).toContain("col2 NOT LIKE 'M_ry';");
    const rows = r.value.map((e) => (e.raw['expect'] as RawMap)['rows']);
    expect(rows[0]).toEqual([['3', 'mike']]);
    expect(rows[1]).toEqual([['2', 'Mary']]);
    expect(rows[2]).toEqual([['1', 'John']]);
    expect(rows[3]).toBeUndefined(); // 1 → 1 missing: inherits the parent (no rows)
    expect(rows[4]).toBeUndefined();
    for (const e of r.value) expect((e.raw['expect'] as RawMap)['order']).toBe('id');
  });

  it('indexes a one-level expectProvider by the first list of a two-list provider (test_logic.yaml id 0)', () => {
    const r = expandCase(
      rawCase(`
id: 0
dataProvider:
  - ["AND","OR"]
  - ["{0}.c1","{0}.c2","{0}.c3"]
sql: select d[1] d[0] {1}.c1 as b1 from {0};
expect:
  columns: ["b1 bool"]
expectProvider:
  0:
    rows: [[true]]
  1:
    rows: [[false]]
`),
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toHaveLength(6);
    expect(r.value[2]!.raw['sql']).toBe('select {0}.c3 AND {1}.c1 as b1 from {0};');
    expect(r.value.map((e) => JSON.stringify((e.raw['expect'] as RawMap)['rows']))).toEqual([
      '[["true"]]',
      '[["true"]]',
      '[["true"]]',
      '[["false"]]',
      '[["false"]]',
      '[["false"]]',
    ]);
  });

  it('substitutes in sqls too, and accepts a list-shaped expectProvider', () => {
    const r = expandCase(
      rawCase(`
id: 7
dataProvider: [["ROWS","ROWS_RANGE"]]
sqls: ["deploy d{0} select 1 over w d[0];", "show deployment d{0};"]
expect: {success: "true"}
expectProvider:
  - {success: "false"}
`),
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.value[1]!.raw['sqls']).toEqual(['deploy d{0} select 1 over w ROWS_RANGE;', 'show deployment d{0};']);
    expect(r.value[0]!.raw['expect']).toEqual({ success: 'false' });
    expect(r.value[1]!.raw['expect']).toEqual({ success: 'true' });
  });

  it('counts the cross product of three lists (test_udaf_function.yaml id 26: 4 x 4 x 9)', () => {
    const lists = [
      ['avg_cate', 'sum_cate', 'max_cate', 'min_cate'],
      ['{0}.c7', '{0}.c8', '{0}.c9', '{0}.c10'],
      ['{1}.c2', '{1}.c3', '{1}.c4', '{1}.c5', '{1}.c6', '{1}.c7', '{1}.c8', '{1}.c9', '{1}.c10'],
    ];
    const r = expandCase({ id: '26', dataProvider: lists, sql: 'SELECT d[0](d[1],d[2]) OVER w1 FROM {0};' });
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toHaveLength(144);
    expect(new Set(r.value.map((e) => e.raw['sql'])).size).toBe(144);
    expect(r.value[143]!.raw['sql']).toBe('SELECT min_cate({0}.c10,{1}.c10) OVER w1 FROM {0};');
  });

  it('rejects malformed providers and references past the last list', () => {
    expect(expandCase({ id: '1', dataProvider: 'x', sql: 's' }).ok).toBe(false);
    expect(expandCase({ id: '1', dataProvider: [[]], sql: 's' }).ok).toBe(false);
    const r = expandCase({ id: '1', dataProvider: [['a']], sql: 'select d[1]' });
    expect(!r.ok && r.message).toBe('SQL refers to d[1] but dataProvider has 1 list(s)');
    expect(substituteChoices('d[0] + d[0]', ['x'])).toEqual({ ok: true, value: 'x + x' });
  });
});
