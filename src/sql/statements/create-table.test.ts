import { describe, expect, it } from 'vitest';
import { parseStatement } from '../syntax/index.js';
import { planCreateTable } from './create-table.js';
import { parsed } from './test-helpers.js';

/** 'syntax' when the parser refuses, 'plan' when the converter does, 'ok' otherwise. */
function outcome(sql: string): 'syntax' | 'plan' | 'ok' {
  const p = parseStatement(sql);
  if (!p.ok) return 'syntax';
  if (p.value.kind !== 'createTable') throw new Error(`not a CREATE TABLE: ${sql}`);
  return planCreateTable(p.value).ok ? 'ok' : 'plan';
}

function plan(sql: string) {
  const r = planCreateTable(parsed(sql, 'createTable'));
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function failure(sql: string): string {
  const r = planCreateTable(parsed(sql, 'createTable'));
  if (r.ok) throw new Error(`expected a failure: ${sql}`);
  return r.message;
}

const COLS = 'c1 string NOT NULL,c2 int,c3 timestamp,c4 timestamp';

describe('CREATE TABLE (ddl/test_create.yaml)', () => {
  it.each([
    ['5 table name starts with a digit', `create table 1aaa(${COLS},index(key=(c1),ts=c4,ttl=0m))`],
    ['6-1 reserved word as table name', `create table order(${COLS},index(key=(c1),ts=c4,ttl=0m))`],
    ['7 column name starts with a digit', 'create table t(1c string NOT NULL,c2 int,c3 timestamp,c4 timestamp,index(key=(c1),ts=c4,ttl=0m))'],
    ['8 reserved word as column name', 'create table t(use string NOT NULL,c2 int,c3 timestamp,c4 timestamp,index(key=(c1),ts=c4,ttl=0m))'],
    ['10 unknown column type', 'create table t(c1 varchar2 NOT NULL,c2 int,c3 timestamp,c4 timestamp,index(key=(c1),ts=c4,ttl=0m))'],
    ['11 index key column missing', `create table t(${COLS},index(key=(c5),ts=c4,ttl=0m))`],
    ['12 index ts column missing', `create table t(${COLS},index(key=(c1),ts=c5,ttl=0m))`],
    ['15 ts is a string', 'create table t(c1 string NOT NULL,c2 string,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['16 ts is an int', `create table t(${COLS},index(key=(c1),ts=c2,ttl=0m))`],
    ['17 ts is a smallint', 'create table t(c1 string NOT NULL,c2 smallint,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['18 ts is a date', 'create table t(c1 string NOT NULL,c2 date,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['19 ts is a float', 'create table t(c1 string NOT NULL,c2 float,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['20 ts is a double', 'create table t(c1 string NOT NULL,c2 double,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['21 ts is a bool', 'create table t(c1 string NOT NULL,c2 bool,c3 timestamp,c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['22 special characters in the table name', `create table auto$#kJKytImk(${COLS},index(key=(c1),ts=c4,ttl=0m))`],
    ['23 special characters in a column name', 'create table t(c1$# string NOT NULL,c2 int,c3 timestamp,c4 timestamp,index(key=(c1),ts=c4,ttl=0m))'],
    ['31 float key', 'create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, index(key=(c5),ts=c7))'],
    ['32 double key', 'create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, index(key=(c6),ts=c7))'],
  ])('refuses case %s', (_, sql) => {
    expect(outcome(sql)).not.toBe('ok');
  });

  it.each([
    ['6-2 non-reserved word as table name', `create table table(${COLS},index(key=(c1),ts=c4,ttl=0m))`],
    ['9 no semicolon', `create table t(${COLS},index(key=(c1),ts=c4,ttl=0m))`],
    ['13 index without ts', `create table t(${COLS},index(key=(c1)))`],
    ['25 bigint ts', 'create table t (c1 string NOT NULL,c2 bigint,c3 timestamp, c4 timestamp,index(key=(c1),ts=c2,ttl=0m))'],
    ['30 date key', 'create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, index(key=(c8),ts=c7))'],
    ['35 key and ts on one column', 'create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date, index(key=(c4),ts=c4))'],
    ['41 partitionnum', 'create table t (c1 string, c3 int, c4 bigint, index(key=(c3), ts=c4)) options (partitionnum = 8)'],
    ['43 no index', 'create table t (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date)'],
    [
      '45 two indexes without ts',
      'create table t (c1 string, c3 int, c4 bigint, index(key=(c3), ttl=(10m,10), ttl_type=absorlat), index(key=(c4), ttl=(10m,10), ttl_type=absorlat))',
    ],
    [
      '46 one index with ts, one without',
      'create table t (c1 string, c3 int, c4 bigint, index(key=(c3), ttl=(10m,10), ttl_type=absorlat), index(key=(c4), ts=c4, ttl=(10m,10), ttl_type=absorlat))',
    ],
    ['47 keys only', 'create table t (c1 string, c3 int, c4 bigint, index(key=(c3)), index(key=(c4)))'],
    ['48 int64 and int32 aliases', 'create table t (id int64, order_0_timestamp timestamp, c_2_int32 int32, index(key=(id),ts=order_0_timestamp))'],
  ])('accepts case %s', (_, sql) => {
    expect(outcome(sql)).toBe('ok');
  });

  it('converts columns, types, NOT NULL, defaults and a joint key', () => {
    const p = plan(
      "create table if not exists db1.t (a string not null default 'x', b smallint default 7, c bigint, d float default 1.5, e date default '2020-5-1', ts timestamp, index(key=(a, b), ts=ts))",
    );
    expect(p.db).toBe('db1');
    expect(p.name).toBe('t');
    expect(p.options).toEqual({ ifNotExists: true, storageMode: 'memory', compress: 'none' });
    expect(p.schema.columns).toEqual([
      { name: 'a', type: 'string', notNull: true, defaultValue: 'x' },
      { name: 'b', type: 'smallint', notNull: false, defaultValue: 7 },
      { name: 'c', type: 'bigint', notNull: false },
      { name: 'd', type: 'float', notNull: false, defaultValue: 1.5 },
      { name: 'e', type: 'date', notNull: false, defaultValue: '2020-05-01' },
      { name: 'ts', type: 'timestamp', notNull: false },
    ]);
    expect(p.schema.indexes).toEqual([{ name: '', keyColumns: ['a', 'b'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }]);
  });

  it('leaves the default index to the nameserver and keeps index names', () => {
    expect(plan('create table t (c5 float, c1 int)').schema.indexes).toEqual([]);
    expect(plan('create table t (c1 int, index idx1 (key=c1))').schema.indexes[0]!.name).toBe('idx1');
  });

  it('names the problem and points at it', () => {
    expect(failure(`create table t(${COLS},index(key=(c5),ts=c4,ttl=0m))`)).toMatch(
      /^create table failed: index 'INDEX_0_0': key column 'c5' does not exist \[at 1:\d+\]$/,
    );
    expect(failure('create table t (c1 int, c2 timestamp,\n  index(key=c1, ts=c2), index(key=c1, ts=c2))')).toMatch(/repeats the key .* \[at 2:25\]$/);
    expect(failure('create table t (a int, A string)')).toBe("create table failed: column 'A' is defined twice [at 1:24]");
    expect(failure('create table t (a int not null default null)')).toMatch(/'a' is NOT NULL and cannot default to NULL \[at 1:40\]/);
    expect(failure("create table t (a int default 'x')")).toBe(
      "create table failed: DEFAULT of column 'a' is int and cannot take the string literal 'x' [at 1:31]",
    );
    expect(failure('create table `a-b` (a int)')).toMatch(/invalid table name 'a-b'/);
    expect(failure('create table t (m map<string, int>)')).toMatch(/MAP/);
  });
});

describe('CREATE TABLE TTL (ddl/test_ttl.yaml)', () => {
  const ttlCase = (ttl: string) => `create table t (c1 string NOT NULL,c2 int,c3 timestamp, c4 timestamp,index(key=(c1),ts=c4,${ttl}))`;
  const ttlOf = (ttl: string) => plan(ttlCase(ttl)).schema.indexes[0]!.ttl;

  it.each([
    ['3 no unit', 'ttl=3650'],
    ['4 absolute without unit', 'ttl=3650,ttl_type=absolute'],
    ['5 latest with a unit', 'ttl=3650m,ttl_type=latest'],
    ['7 latest over the limit', 'ttl=(3650),ttl_type=latest'],
    ['9 ttl is a word', 'ttl=aa'],
    ['12 unknown ttl_type', 'ttl=0,ttl_type=aaa'],
    ['14 absorlat reversed', 'ttl=(10,10m), ttl_type=absorlat'],
    ['16 absandlat reversed', 'ttl=(10,10m), ttl_type=absandlat'],
    ['17 latest with a unit', 'ttl=10m, ttl_type=latest'],
    ['18 latest with two values', 'ttl=(10m,10), ttl_type=latest'],
    ['19 absolute with two values', 'ttl=(10m,10), ttl_type=absolute'],
    ['absorlat with one value', 'ttl=10m, ttl_type=absorlat'],
    ['absolute over the limit', 'ttl=15768001m'],
    ['latest over the limit', 'ttl=1001, ttl_type=latest'],
  ])('refuses case %s', (_, ttl) => {
    expect(outcome(ttlCase(ttl))).not.toBe('ok');
  });

  it('converts the accepted forms (minutes rounded up)', () => {
    expect(ttlOf('ttl=3650h')).toEqual({ type: 'absolute', absMinutes: 219000, latCount: 0 });
    expect(ttlOf('ttl=3650m')).toEqual({ type: 'absolute', absMinutes: 3650, latCount: 0 });
    expect(ttlOf('ttl=(3650m),ttl_type=absolute')).toEqual({ type: 'absolute', absMinutes: 3650, latCount: 0 });
    expect(ttlOf('ttl=0m')).toEqual({ type: 'absolute', absMinutes: 0, latCount: 0 });
    expect(ttlOf('ttl=0, ttl_type=latest')).toEqual({ type: 'latest', absMinutes: 0, latCount: 0 });
    expect(ttlOf('ttl=(10),ttl_type=latest')).toEqual({ type: 'latest', absMinutes: 0, latCount: 10 });
    expect(ttlOf('ttl=(10m,10), ttl_type=absorlat')).toEqual({ type: 'absorlat', absMinutes: 10, latCount: 10 });
    expect(ttlOf('ttl=(1d,1000), ttl_type=ABSANDLAT')).toEqual({ type: 'absandlat', absMinutes: 1440, latCount: 1000 });
    expect(ttlOf('ttl=1s')).toEqual({ type: 'absolute', absMinutes: 1, latCount: 0 });
    expect(ttlOf('ttl=61s')).toEqual({ type: 'absolute', absMinutes: 2, latCount: 0 });
    expect(ttlOf('ttl=0s')).toEqual({ type: 'absolute', absMinutes: 0, latCount: 0 });
    expect(ttlOf('ttl=15768000m')).toEqual({ type: 'absolute', absMinutes: 15768000, latCount: 0 });
    expect(ttlOf('ttl_type=latest')).toEqual({ type: 'latest', absMinutes: 0, latCount: 0 });
  });

  it('says why a TTL does not fit its type', () => {
    const sql = ttlCase('ttl=3650');
    expect(failure(sql)).toBe(
      `create table failed: index 1: TTL 3650 has no unit; an ABSOLUTE TTL needs a time interval such as 30d, 12h or 100m [at 1:${sql.indexOf('3650') + 1}]`,
    );
    expect(failure(ttlCase('ttl=10m, ttl_type=latest'))).toMatch(/TTL 10m is a time interval; the row count of a LATEST TTL is a plain integer/);
    expect(failure(ttlCase('ttl=(10,10m), ttl_type=absorlat'))).toMatch(/TTL 10 has no unit/);
    expect(failure(ttlCase('ttl=(10m,10), ttl_type=latest'))).toMatch(/a LATEST TTL is one row count, got 2 values/);
    expect(failure(ttlCase('ttl=1001, ttl_type=latest'))).toMatch(/TTL 1001 rows is over the limit of 1000/);
  });
});

describe('CREATE TABLE OPTIONS (ddl/test_options.yaml)', () => {
  const withOptions = (options: string) => `create table t3 (${COLS},index(key=(c1),ts=c4,ttl=0m)) options (${options})`;

  it.each([
    ['8 replicanum=0', "partitionnum = 1, replicanum = 0, distribution = [ ('127.0.0.1:1',[])]"],
    ['11 distribution entry without followers', "partitionnum = 1, replicanum = 1, distribution = [ ('127.0.0.1:1')]"],
    ['12 replicas differ from replicanum', "partitionnum = 1, replicanum = 1, distribution = [ ('127.0.0.1:1',['127.0.0.1:2'])]"],
    ['13 partitions differ from partitionnum', "partitionnum = 1, replicanum = 1, distribution = [ ('127.0.0.1:1',[]),('127.0.0.1:2',[])]"],
    ['14 empty distribution', 'partitionnum = 1, replicanum = 1, distribution = []'],
    ['15 partitionnum is a word', "partitionnum = a, replicanum = 1, distribution = [ ('127.0.0.1:1',[])]"],
    ['16 replicanum is a word', "partitionnum = 1, replicanum = a, distribution = [ ('127.0.0.1:1',[])]"],
    ['23 partitionnum=0', 'partitionnum = 0, replicanum = 3'],
    ['an endpoint twice in one entry', "distribution = [ ('127.0.0.1:1',['127.0.0.1:1'])]"],
  ])('refuses case %s', (_, options) => {
    expect(outcome(withOptions(options))).not.toBe('ok');
  });

  it('converts the counts, modes and an explicit placement', () => {
    expect(plan(withOptions('partitionnum = 1')).options).toEqual({ ifNotExists: false, partitionNum: 1, storageMode: 'memory', compress: 'none' });
    expect(plan(withOptions('replicanum = 1')).options).toEqual({ ifNotExists: false, replicaNum: 1, storageMode: 'memory', compress: 'none' });
    expect(plan(withOptions("replication_mode = 'sync', storage_mode = 'HDD', compress_type = 'snappy'")).options).toEqual({
      ifNotExists: false,
      replicationMode: 'sync',
      storageMode: 'hdd',
      compress: 'snappy',
    });
    expect(plan(withOptions("partitionnum = 1, replicanum = 1, distribution = [ ('127.0.0.1:1',[])]")).options).toEqual({
      ifNotExists: false,
      partitionNum: 1,
      replicaNum: 1,
      storageMode: 'memory',
      compress: 'none',
      distribution: [{ leader: '127.0.0.1:1', followers: [] }],
    });
    expect(plan(withOptions("distribution = [ ('a:1',['b:1']), ('b:1',['a:1'])]")).options).toEqual({
      ifNotExists: false,
      replicaNum: 2,
      storageMode: 'memory',
      compress: 'none',
      distribution: [
        { leader: 'a:1', followers: ['b:1'] },
        { leader: 'b:1', followers: ['a:1'] },
      ],
    });
    expect(outcome(withOptions("distribution = [ ('a:1',['b:1']), ('b:1',[])]"))).toBe('plan');
  });
});
