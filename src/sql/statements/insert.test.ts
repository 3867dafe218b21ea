import { describe, expect, it } from 'vitest';
import type { TableSchema, Value } from '../../protocol/schema.js';
import { planCreateTable } from './create-table.js';
import { bindInsert, insertTarget, planInsert } from './insert.js';
import { parsed } from './test-helpers.js';

function schemaOf(createSql: string): TableSchema {
  const r = planCreateTable(parsed(createSql, 'createTable'));
  if (!r.ok) throw new Error(r.message);
  return r.value.schema;
}

function rows(schema: TableSchema, sql: string, params: readonly Value[] = []): Value[][] {
  const plan = planInsert(parsed(sql, 'insert'), schema);
  if (!plan.ok) throw new Error(plan.message);
  const bound = bindInsert(plan.value, params);
  if (!bound.ok) throw new Error(bound.message);
  return bound.value;
}

function failure(schema: TableSchema, sql: string, params: readonly Value[] = []): string {
  const plan = planInsert(parsed(sql, 'insert'), schema);
  if (!plan.ok) return plan.message;
  const bound = bindInsert(plan.value, params);
  if (!bound.ok) return bound.message;
  throw new Error(`expected a failure: ${sql}`);
}

const seven = schemaOf('create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, index(key=(c1), ts=c7))');
const allTypes = schemaOf(
  'create table t (col0 string not null, col1 int not null, col2 smallint not null, col3 float not null, col4 double not null, col5 bigint not null, col6 string not null, col7 timestamp not null, col8 date not null, col9 bool not null, index(key=(col2), ts=col5))',
);

describe('INSERT (dml/test_insert.yaml, dml/multi_insert.yaml)', () => {
  it('test_insert 1: every column, with the literal coercions', () => {
    expect(rows(seven, "insert into t values('aa',2,3,1.1,2.1,1590738989000L,'2020-05-01')")).toEqual([
      ['aa', 2, 3n, Math.fround(1.1), 2.1, 1590738989000, '2020-05-01'],
    ]);
  });

  it('test_insert 2/3: a column list; omitted and NULL columns are NULL', () => {
    expect(rows(seven, "insert into t (c1,c4,c7) values('aa',2,1590738989000L)")).toEqual([['aa', null, 2n, null, null, 1590738989000, null]]);
    expect(rows(seven, "insert into t (c1,c3,c4,c5,c6,c7,c8) values('aa',2,NULL,NULL,NULL,1590738989000L,NULL)")).toEqual([
      ['aa', 2, null, null, null, 1590738989000, null],
    ]);
  });

  it('test_insert 4: more listed columns than values, and a column that does not exist', () => {
    const s = schemaOf('create table t ( c1 string NOT NULL, c2 timestamp, index(key=(c1), ts=c2))');
    expect(failure(s, 'insert into t (c1,c2,c3) values(NULL,1590738989000L)')).toBe(
      "insert failed: table has no column 'c3' (columns: c1, c2) [at 1:22]",
    );
    expect(failure(s, 'insert into t (c1,c2) values(NULL,1590738989000L)')).toBe("insert failed: column 'c1' can't be null [at 1:30]");
  });

  it('test_insert 5: an empty string is a value', () => {
    const s = schemaOf('create table t ( c1 string NOT NULL, c2 timestamp, index(key=(c1), ts=c2))');
    expect(rows(s, "insert into t (c1,c2) values('',1590738989000L)")).toEqual([['', 1590738989000]]);
  });

  it('test_insert 7/8/9: unknown column, omitted NOT NULL column, unquoted string', () => {
    const s = schemaOf('create table t ( c1 string NOT NULL, c2 timestamp, index(key=(c1), ts=c2))');
    expect(failure(s, "insert into t (c1,c3) values('aa',1590738989000L)")).toMatch(/table has no column 'c3'/);
    const s8 = schemaOf('create table t ( c1 string, c2 timestamp, c3 string NOT NULL, index(key=(c1), ts=c2))');
    expect(failure(s8, "insert into t (c1,c2) values('aa',1590738989000L)")).toBe(
      "insert failed: column 'c3' can't be null and has no default (it is not in the column list) [at 1:1]",
    );
    const s9 = schemaOf('create table t ( c1 string, c2 timestamp, index(key=(c1), ts=c2))');
    expect(failure(s9, "insert into t (c1,c2) values(aa,1590738989000L)")).toMatch(
      /the value aa for column 'c1' is neither a constant nor a \? placeholder \[at 1:30\]/,
    );
  });

  it('multi_insert 0/6: all types, several rows', () => {
    expect(
      rows(
        allTypes,
        `insert into t values("hello", 1, 2, 3.3f, 4.4, 5L, "world", 12345678L, "2020-05-21", true),
           ("hi", 10, 20, 3.31f, 4.41, 50L, "bb", 12345679L, "2020-05-22", false)`,
      ),
    ).toEqual([
      ['hello', 1, 2, Math.fround(3.3), 4.4, 5n, 'world', 12345678, '2020-05-21', true],
      ['hi', 10, 20, Math.fround(3.31), 4.41, 50n, 'bb', 12345679, '2020-05-22', false],
    ]);
  });

  it('multi_insert 1/3/4: int literals widen, omitted nullable columns are NULL, dates from strings', () => {
    const s = schemaOf(
      'create table t (col1 int not null, col2 smallint, col3 float, col4 double, col5 bigint not null, std_date date not null, str string, index(key=(col1), ts=col5))',
    );
    expect(rows(s, "insert into t (col1, col5, std_date) values (1, 10000L, '2020-05-27'), (2, 20000, '2020-5-8')")).toEqual([
      [1, null, null, null, 10000n, '2020-05-27', null],
      [2, null, null, null, 20000n, '2020-05-08', null],
    ]);
    expect(rows(s, "insert into t values (1, 2, 3, 4, 5, '2020-01-01', 'x')")).toEqual([[1, 2, 3, 4, 5n, '2020-01-01', 'x']]);
  });

  it('multi_insert 7/9/10: a bad value or a short row in any row refuses the statement', () => {
    const s = schemaOf('create table t (id int, c1 int, c2 smallint, c3 float, c5 bigint, index(key=(c1), ts=c5))');
    const sql = 'insert into t (id,c3,c5)values (1, 3.3,12345678), (2, "aa",12345679)';
    expect(failure(s, sql)).toBe(
      `insert failed: column 'c3' is float and cannot take the string literal "aa" [at 1:${sql.indexOf('"aa"') + 1}]`,
    );
    expect(failure(s, 'insert into t (id,c3,c5)values (1,12345678), (2,12345679)')).toMatch(
      /row 1 has 2 value\(s\) for 3 column\(s\) \(id, c3, c5\)/,
    );
    expect(failure(s, 'insert into t (id,c3,c5)values (1, 3.3,12345678), (2,12345679)')).toMatch(/row 2 has 2 value\(s\)/);
    expect(failure(s, 'insert into t values (1, 2, 3)')).toMatch(/row 1 has 3 value\(s\) for 5 column\(s\)/);
  });

  it('applies the coercion table exactly', () => {
    const s = schemaOf('create table t (b bool, s smallint, i int, l bigint, f float, d double, dt date, ts timestamp, str string)');
    const one = (column: string, literal: string) => {
      const r = planInsert(parsed(`insert into t (${column}) values (${literal})`, 'insert'), s);
      if (!r.ok) return 'refused';
      const cell = r.value.rows[0]![s.columns.findIndex((c) => c.name === column)]!;
      return cell.kind === 'value' ? cell.value : 'param';
    };
    expect([one('b', 'true'), one('b', '0'), one('b', '2'), one('b', '1L'), one('b', "'true'"), one('b', '1.0')]).toEqual([
      true,
      false,
      true,
      'refused',
      'refused',
      'refused',
    ]);
    expect([one('s', '7'), one('s', '40000'), one('s', '7L'), one('s', '1.5')]).toEqual([7, 'refused', 'refused', 'refused']);
    expect([one('i', '7'), one('i', '7L'), one('i', '3000000000'), one('i', '-2147483648'), one('i', "'7'")]).toEqual([
      7,
      7,
      'refused',
      -2147483648,
      'refused',
    ]);
    expect([one('l', '7'), one('l', '7L'), one('l', '-9223372036854775808'), one('l', '1.0')]).toEqual([
      7n,
      7n,
      -9223372036854775808n,
      'refused',
    ]);
    expect([one('f', '1.5'), one('f', '1.5f'), one('f', '2'), one('f', '2L'), one('f', "'1'")]).toEqual([1.5, 1.5, 2, 'refused', 'refused']);
    expect([one('d', '0.1'), one('d', '0.1f'), one('d', '-3'), one('d', '3L')]).toEqual([0.1, Math.fround(0.1), -3, 'refused']);
    expect([one('dt', "'2020-02-29'"), one('dt', "'2021-02-29'"), one('dt', "'1899-12-31'"), one('dt', '20200101')]).toEqual([
      '2020-02-29',
      'refused',
      'refused',
      'refused',
    ]);
    expect([one('ts', '1590738989000'), one('ts', '5'), one('ts', "'2020-01-01 00:00:00'"), one('ts', '1.5')]).toEqual([
      1590738989000,
      5,
      'refused',
      'refused',
    ]);
    expect([one('str', "'x'"), one('str', '1'), one('str', 'true')]).toEqual(['x', 'refused', 'refused']);
    expect([one('i', 'NULL'), one('i', '?')]).toEqual([null, 'param']);
  });

  it('refuses expressions and lists a column once', () => {
    expect(failure(seven, "insert into t (c1, c3) values ('a', 1 + 1)")).toMatch(/the value 1 \+ 1 for column 'c3' is neither a constant/);
    expect(failure(seven, "insert into t (c1, c3) values ('a', -c3)")).toMatch(/neither a constant/);
    expect(failure(seven, "insert into t (c1, C1) values ('a', 'b')")).toMatch(/column 'C1' is listed twice/);
  });

  it('fills DEFAULT values and refuses NULL in NOT NULL columns', () => {
    const s = schemaOf("create table t (a string not null default 'dflt', b int not null default 3, c int, ts timestamp)");
    expect(rows(s, 'insert into t (c, ts) values (1, 2)')).toEqual([['dflt', 3, 1, 2]]);
    expect(failure(s, 'insert into t values (NULL, 1, 2, 3)')).toBe("insert failed: column 'a' can't be null [at 1:23]");
  });

  it('names the target table', () => {
    expect(insertTarget(parsed("insert into db1.t values ('a')", 'insert'))).toEqual({ ok: true, value: { db: 'db1', table: 't' } });
    expect(insertTarget(parsed("insert into t values ('a')", 'insert'))).toEqual({ ok: true, value: { table: 't' } });
    const plan = planInsert(parsed("insert or ignore into t (c1) values ('a')", 'insert'), seven);
    expect(plan.ok && plan.value.orIgnore).toBe(true);
  });
});

describe('INSERT with ? placeholders (dml/test_insert_prepared.yaml)', () => {
  it('1: every column from parameters', () => {
    expect(rows(seven, 'insert into t values(?,?,?,?,?,?,?)', ['aa', 2, 3, 1.1, 2.1, 1590738989000, '2020-05-01'])).toEqual([
      ['aa', 2, 3n, Math.fround(1.1), 2.1, 1590738989000, '2020-05-01'],
    ]);
  });

  it('2/3/4: a column list, NULL parameters, an empty string', () => {
    expect(rows(seven, 'insert into t (c1,c4,c7) values(?,?,?)', ['aa', 2, 1590738989000])).toEqual([
      ['aa', null, 2n, null, null, 1590738989000, null],
    ]);
    expect(rows(seven, 'insert into t (c1,c3,c4,c5,c6,c7,c8) values(?,?,?,?,?,?,?)', ['aa', 2, null, null, null, 1590738989000, null])).toEqual([
      ['aa', 2, null, null, null, 1590738989000, null],
    ]);
    const s = schemaOf('create table t ( c1 string NOT NULL, c2 timestamp, index(key=(c1), ts=c2))');
    expect(rows(s, 'insert into t (c1,c2) values(?,?)', ['', 1590738989000n])).toEqual([['', 1590738989000]]);
  });

  it('mixes constants and placeholders, one plan bound many times', () => {
    const plan = planInsert(parsed("insert into t (c1, c3, c7) values ('k', ?, ?)", 'insert'), seven);
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.value.paramCount).toBe(2);
    expect(bindInsert(plan.value, [1, 10])).toEqual({ ok: true, value: [['k', 1, null, null, null, 10, null]] });
    expect(bindInsert(plan.value, [2, 20])).toEqual({ ok: true, value: [['k', 2, null, null, null, 20, null]] });
  });

  it('refuses parameters of the wrong kind or number, and NULL for NOT NULL', () => {
    const s = schemaOf('create table t ( c1 string NOT NULL, c2 timestamp, index(key=(c1), ts=c2))');
    expect(failure(s, 'insert into t values(?,?)', ['a'])).toBe(
      'insert failed: the statement has 2 ? placeholder(s) but 1 parameter(s) were given',
    );
    expect(failure(s, 'insert into t values(?,?)', ['a', 'noon'])).toBe(
      'insert failed: parameter 2: column \'c2\' is timestamp and cannot take string "noon"',
    );
    expect(failure(s, 'insert into t values(?,?)', [null, 1])).toBe("insert failed: column 'c1' can't be null (parameter 1 is NULL)");
    expect(failure(seven, 'insert into t (c1, c3) values(?,?)', ['a', 2 ** 40])).toMatch(/out of the int range/);
    expect(failure(seven, 'insert into t (c1, c8) values(?,?)', ['a', '2020-13-01'])).toMatch(/not a date/);
  });
});
