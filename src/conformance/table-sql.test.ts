import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from './column-spec.js';
import { parseIndexSpec } from './parse-case.js';
import { buildCreateTable, buildInsert, columnsFromCreate, insertTargetColumns } from './table-sql.js';

const cols: ColumnSpec[] = [
  { name: 'c1', type: 'string', notNull: false },
  { name: 'c2', type: 'int', notNull: true },
  { name: 'c4', type: 'bigint', notNull: false },
  { name: 'c7', type: 'timestamp', notNull: false },
  { name: 'c8', type: 'date', notNull: false },
];

function index(text: string) {
  const r = parseIndexSpec(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('buildCreateTable', () => {
  it('writes columns, unnamed indexes and the single-partition options', () => {
    expect(buildCreateTable('t1', cols, [index('index1:c1:c7'), index('index2:c1|c2:c7:10:absolute')])).toBe(
      'create table t1(\nc1 string,\nc2 int NOT NULL,\nc4 bigint,\nc7 timestamp,\nc8 date,\n' +
        'index(key=(c1), ts=c7),\nindex(key=(c1,c2), ts=c7, ttl=10m, ttl_type=absolute)) options(partitionnum=1, replicanum=1);',
    );
  });

  it.each([
    ['index1:c1:c7:1:latest', 'index(key=(c1), ts=c7, ttl=1, ttl_type=latest)'],
    ['index1:c1:c7:0:latest', 'index(key=(c1), ts=c7, ttl=0, ttl_type=latest)'],
    ['index1:c1:c4:(10m,2):absorlat', 'index(key=(c1), ts=c4, ttl=(10m,2), ttl_type=absorlat)'],
    ['index1:c1:c4:10m:absolute', 'index(key=(c1), ts=c4, ttl=10m, ttl_type=absolute)'],
    ['index1:c1:c4:30', 'index(key=(c1), ts=c4, ttl=30m)'],
    ['index1:c1,c2:c7', 'index(key=(c1,c2), ts=c7)'],
    ['index1:c1:null', 'index(key=(c1))'],
    ['index1:c1', 'index(key=(c1))'],
  ])('index %s', (text, clause) => {
    expect(buildCreateTable('t', [cols[0]!], [index(text)])).toBe(
      `create table t(\nc1 string,\n${clause}) options(partitionnum=1, replicanum=1);`,
    );
  });

  it('writes only the options it is given, none at all for the database defaults', () => {
    const c = [cols[0]!];
    expect(buildCreateTable('t', c, [], { partitionNum: 2, replicaNum: 3 })).toBe('create table t(\nc1 string) options(partitionnum=2, replicanum=3);');
    expect(buildCreateTable('t', c, [], { replicaNum: 3 })).toBe('create table t(\nc1 string) options(replicanum=3);');
    expect(buildCreateTable('t', c, [], {})).toBe('create table t(\nc1 string);');
  });

  it('rejects index entries without keys', () => {
    expect(parseIndexSpec('index1').ok).toBe(false);
    expect(parseIndexSpec('index1::c7').ok).toBe(false);
  });
});

describe('buildInsert', () => {
  it('writes one row as the reference does', () => {
    expect(buildInsert('t1', cols, ['aa', '1', '2681491882390849628', '1590738989000', '2020-05-01'])).toEqual({
      ok: true,
      value: "insert into t1 values('aa', 1, 2681491882390849628, 1590738989000, '2020-05-01');",
    });
    expect(buildInsert('t1', cols, ['null', 'NULL', 'null', 'null', 'null'])).toEqual({
      ok: true,
      value: 'insert into t1 values(NULL, NULL, NULL, NULL, NULL);',
    });
  });

  it('rejects rows of the wrong width or with values that do not fit', () => {
    expect(buildInsert('t1', cols, ['aa']).ok).toBe(false);
    const r = buildInsert('t1', cols, ['aa', 'x', '1', '1', '2020-05-01']);
    expect(!r.ok && r.message).toBe("table 't1' column 'c2': value 'x' is not an integer (column type int)");
  });
});

describe('columnsFromCreate / insertTargetColumns', () => {
  const create =
    'create table {0} (c1 string NOT NULL, c3 int, c4 bigint, c7 timestamp, c8 date,\n' +
    "  index(key=(c1), ts=c7, ttl=(10m, 2), ttl_type=absorlat)) options(partitionnum=1, comment='a,b');";

  it('reads the column declarations of an explicit CREATE TABLE', () => {
    const r = columnsFromCreate(create);
    expect(r.ok && r.value.map((c) => `${c.name} ${c.type}${c.notNull ? ' !' : ''}`)).toEqual([
      'c1 string !',
      'c3 int',
      'c4 bigint',
      'c7 timestamp',
      'c8 date',
    ]);
    expect(columnsFromCreate('select 1').ok).toBe(false);
  });

  it('maps prepared INSERT placeholders to columns', () => {
    const r = columnsFromCreate(create);
    if (!r.ok) throw new Error(r.message);
    const listed = insertTargetColumns('insert into {0} (c1,c4,c7) values(?,?,?);', r.value);
    expect(listed.ok && listed.value.map((c) => c.name)).toEqual(['c1', 'c4', 'c7']);
    const all = insertTargetColumns('insert into t values(?,?,?,?,?);', r.value);
    expect(all.ok && all.value.length).toBe(5);
    expect(insertTargetColumns('insert into t (c1, c9) values(?,?)', r.value).ok).toBe(false);
  });
});
