import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { NO_POS, bigint, binary, col, ident, int, objectName, str } from './ast-builders.js';
import { parseScript, parseStatement } from './parse.js';
import { withoutPositions } from './without-positions.js';

function parse(sql: string): Statement {
  const result = parseStatement(sql);
  if (!result.ok) throw new Error(result.message);
  return withoutPositions(result.value);
}

function error(sql: string): string {
  const result = parseStatement(sql);
  if (result.ok) throw new Error(`expected an error for ${sql}`);
  return result.message;
}

const name = (path: string) => withoutPositions(objectName(path));
const id = (n: string) => withoutPositions(ident(n));

describe('databases', () => {
  it('reads CREATE / DROP DATABASE and USE', () => {
    expect(parse('CREATE DATABASE db1')).toEqual({ kind: 'createDatabase', name: id('db1'), ifNotExists: false });
    expect(parse('create database if not exists db1;')).toEqual({ kind: 'createDatabase', name: id('db1'), ifNotExists: true });
    expect(parse('DROP DATABASE IF EXISTS db1')).toEqual({ kind: 'dropDatabase', name: id('db1'), ifExists: true });
    expect(parse('use db1')).toEqual({ kind: 'useDatabase', name: id('db1') });
  });
});

describe('CREATE TABLE', () => {
  it('reads columns, NOT NULL, DEFAULT and indexes', () => {
    const s = parse(
      "create table if not exists db.t1 (c1 string NOT NULL, c2 int DEFAULT -1, c3 timestamp, c4 bigint default 5L not null, " +
        'index(key=(c1, c2), ts=c3, ttl=(10m, 10), ttl_type=absorlat), INDEX idx2(key=c4, ttl=100, ttl_type=LATEST))',
    );
    expect(s).toEqual(
      withoutPositions({
        kind: 'createTable',
        table: objectName('db.t1'),
        ifNotExists: true,
        columns: [
          { kind: 'columnDef', name: ident('c1'), type: { kind: 'scalarType', type: 'string', pos: NO_POS }, notNull: true, pos: NO_POS },
          {
            kind: 'columnDef',
            name: ident('c2'),
            type: { kind: 'scalarType', type: 'int', pos: NO_POS },
            notNull: false,
            defaultValue: int(-1),
            pos: NO_POS,
          },
          { kind: 'columnDef', name: ident('c3'), type: { kind: 'scalarType', type: 'timestamp', pos: NO_POS }, notNull: false, pos: NO_POS },
          {
            kind: 'columnDef',
            name: ident('c4'),
            type: { kind: 'scalarType', type: 'bigint', pos: NO_POS },
            notNull: true,
            defaultValue: bigint(5n, '5L'),
            pos: NO_POS,
          },
        ],
        indexes: [
          {
            kind: 'indexDef',
            spec: {
              kind: 'indexSpec',
              keys: [ident('c1'), ident('c2')],
              ts: ident('c3'),
              ttl: {
                kind: 'ttl',
                values: [{ kind: 'interval', value: 10, unit: 'm', image: '10m', pos: NO_POS }, int(10)],
                pos: NO_POS,
              },
              ttlType: 'absorlat',
              pos: NO_POS,
            },
            pos: NO_POS,
          },
          {
            kind: 'indexDef',
            name: ident('idx2'),
            spec: { kind: 'indexSpec', keys: [ident('c4')], ttl: { kind: 'ttl', values: [int(100)], pos: NO_POS }, ttlType: 'latest', pos: NO_POS },
            pos: NO_POS,
          },
        ],
        options: [],
        pos: NO_POS,
      }),
    );
  });

  it('tells a column named index from an INDEX clause', () => {
    const s = parse('create table t (index int, c1 string, index(key=c1))');
    expect(s.kind === 'createTable' && s.columns.map((c) => c.name.name)).toEqual(['index', 'c1']);
    expect(s.kind === 'createTable' && s.indexes).toHaveLength(1);
    const typed = parse('create table t (index varchar(60), index i1(key=index))');
    expect(typed.kind === 'createTable' && typed.columns.map((c) => c.name.name)).toEqual(['index']);
    expect(typed.kind === 'createTable' && typed.indexes.map((i) => i.name?.name)).toEqual(['i1']);
  });

  it('accepts an index without KEY and a non-reserved keyword as table name', () => {
    const s = parse('create table table(c1 string, c4 timestamp, index(ts=c4, ttl=0m))');
    expect(s.kind === 'createTable' && s.table.name.name).toBe('table');
    expect(s.kind === 'createTable' && s.indexes[0]!.spec.keys).toEqual([]);
  });

  it('reads typed table options', () => {
    const s = parse(
      "create table t (c1 string) options (partitionnum = 8, REPLICANUM=3, distribution = [('a:1', ['b:1', 'c:1']), ('b:1', [])], " +
        "storage_mode = 'HDD', compress_type = 'Snappy', replication_mode = 'sync')",
    );
    expect(s.kind === 'createTable' && s.options).toEqual([
      { kind: 'partitionNum', value: 8 },
      { kind: 'replicaNum', value: 3 },
      {
        kind: 'distribution',
        partitions: [
          { kind: 'distributionEntry', leader: 'a:1', followers: ['b:1', 'c:1'] },
          { kind: 'distributionEntry', leader: 'b:1', followers: [] },
        ],
      },
      { kind: 'storageMode', value: 'hdd' },
      { kind: 'compressType', value: 'snappy' },
      { kind: 'replicationMode', value: 'sync' },
    ]);
  });

  it('reads MAP columns', () => {
    const s = parse('create table t (m map<string, int>)');
    expect(s.kind === 'createTable' && s.columns[0]!.type).toEqual({
      kind: 'mapType',
      key: { kind: 'scalarType', type: 'string' },
      value: { kind: 'scalarType', type: 'int' },
    });
  });

  it('rejects malformed definitions with a clear message', () => {
    expect(error('create table order (c1 int)')).toBe('Syntax error: expected a table name but found keyword ORDER [at 1:14]');
    expect(error('create table t (c1 varchar2)')).toBe('Syntax error: unknown type "varchar2" [at 1:20]');
    expect(error('create table t (c1 int, index(key=c1, ttl_type=test))')).toMatch(/unknown TTL_TYPE "test"/);
    expect(error('create table t (c1 int, index(key=c1, ttl=aa))')).toMatch(/expected a TTL/);
    expect(error('create table t (c1 int, index(key=c1, key=c1))')).toMatch(/KEY is given twice/);
    expect(error('create table t (c1 int, index(foo=c1))')).toMatch(/unknown index option FOO/);
    expect(error('create table t (c1 int) options (partitionnum = a)')).toMatch(/expected an integer for PARTITIONNUM/);
    expect(error("create table t (c1 int) options (storage_mode = 'tape')")).toMatch(/invalid STORAGE_MODE "tape"/);
    expect(error('create table t (c1 int) options (replicanum = 1, replicanum = 2)')).toMatch(/given twice/);
    expect(error('create table t (c1 int) options (foo = 1)')).toMatch(/unknown table option FOO/);
  });
});

describe('indexes and tables', () => {
  it('reads CREATE INDEX with and without OPTIONS', () => {
    expect(parse('CREATE INDEX index1 ON t0 (c1, c2) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute)')).toEqual(
      withoutPositions({
        kind: 'createIndex',
        name: ident('index1'),
        table: objectName('t0'),
        spec: {
          kind: 'indexSpec',
          keys: [ident('c1'), ident('c2')],
          ts: ident('c4'),
          ttl: { kind: 'ttl', values: [{ kind: 'interval', value: 100, unit: 'm', image: '100m', pos: NO_POS }], pos: NO_POS },
          ttlType: 'absolute',
          pos: NO_POS,
        },
        pos: NO_POS,
      }),
    );
    const bare = parse('create index i on db.t (c1)');
    expect(bare.kind === 'createIndex' && bare.spec.keys.map((k) => k.name)).toEqual(['c1']);
    expect(error('CREATE INDEX i ON t (c1) OPTIONS (key=c2)')).toMatch(/unknown index option KEY/);
  });

  it('reads DROP INDEX, DROP TABLE and TRUNCATE TABLE', () => {
    expect(parse('DROP INDEX db.t1.idx')).toEqual({ kind: 'dropIndex', table: name('db.t1'), index: id('idx') });
    expect(parse('drop index t1.idx')).toEqual({ kind: 'dropIndex', table: name('t1'), index: id('idx') });
    expect(parse('DROP TABLE IF EXISTS t1')).toEqual({ kind: 'dropTable', table: name('t1'), ifExists: true });
    expect(parse('truncate table db.t1')).toEqual({ kind: 'truncateTable', table: name('db.t1') });
    expect(error('drop index idx')).toMatch(/DROP INDEX takes \[db\.\]table\.index/);
    expect(error('drop deployments d')).toMatch(/expected DATABASE, TABLE, INDEX or DEPLOYMENT after DROP/);
  });
});

describe('SHOW, DESC, SET', () => {
  it('reads every SHOW form', () => {
    const cases: [string, unknown][] = [
      ['SHOW DATABASES', { what: 'databases' }],
      ['show tables', { what: 'tables' }],
      ['SHOW TABLE STATUS', { what: 'tableStatus' }],
      ["SHOW TABLE STATUS LIKE '%'", { what: 'tableStatus', like: '%' }],
      ['SHOW COMPONENTS', { what: 'components' }],
      ['SHOW DEPLOYMENTS', { what: 'deployments' }],
      ['show deployment db.d1', { what: 'deployment', name: name('db.d1') }],
      ['SHOW VARIABLES', { what: 'variables', scope: 'session' }],
      ['SHOW SESSION VARIABLES', { what: 'variables', scope: 'session' }],
      ['SHOW GLOBAL VARIABLES', { what: 'variables', scope: 'global' }],
      ['SHOW CREATE TABLE t1', { what: 'createTable', table: name('t1') }],
      ['SHOW FUNCTIONS', { what: 'functions' }],
      ['SHOW PROCEDURES', { what: 'procedures' }],
      ['SHOW JOBS', { what: 'jobs' }],
      ["SHOW JOBS FROM NAMESERVER LIKE 'x'", { what: 'jobs', from: 'nameserver', like: 'x' }],
      ['SHOW JOB 12', { what: 'job', id: 12 }],
      ['SHOW CURRENT_USER', { what: 'currentUser' }],
    ];
    for (const [sql, target] of cases) expect(parse(sql), sql).toEqual({ kind: 'show', target });
    expect(error('show deployments d1')).toMatch(/expected ";" but found "d1"/);
  });

  it('reads DESC / DESCRIBE', () => {
    expect(parse('desc t0')).toEqual({ kind: 'describe', table: name('t0') });
    expect(parse('DESCRIBE db.t0;')).toEqual({ kind: 'describe', table: name('db.t0') });
  });

  it('reads every SET form', () => {
    expect(parse("SET @@execute_mode='online'")).toEqual({
      kind: 'setVariable',
      scope: 'session',
      name: id('execute_mode'),
      value: withoutPositions(str('online')),
    });
    expect(parse('set @@global.job_timeout = 20000')).toMatchObject({ scope: 'global', name: { name: 'job_timeout' }, value: { value: 20000 } });
    expect(parse('SET @@session.enable_trace = true')).toMatchObject({ scope: 'session', value: { type: 'bool', value: true } });
    expect(parse('SET GLOBAL sync_job = false')).toMatchObject({ scope: 'global', name: { name: 'sync_job' } });
    expect(parse('SET SESSION execute_mode = offline')).toMatchObject({ scope: 'session', value: { kind: 'ident', name: 'offline' } });
    expect(error('SET @@a.b.c = 1')).toMatch(/invalid variable @@a\.b\.c/);
  });
});

describe('DML', () => {
  it('reads INSERT with a column list, several rows, NULL, ? and signed numbers', () => {
    expect(parse("insert or ignore into t (c1, c2) values ('a', -1), (NULL, ?);")).toEqual(
      withoutPositions({
        kind: 'insert',
        orIgnore: true,
        table: objectName('t'),
        columns: [ident('c1'), ident('c2')],
        rows: [
          [str('a'), int(-1)],
          [{ kind: 'literal', type: 'null', value: null, image: 'NULL', pos: NO_POS }, { kind: 'param', index: 0, pos: NO_POS }],
        ],
        pos: NO_POS,
      }),
    );
    const tight = parse('insert into t (id,c3,c5)values\n  (1, 3.3,12345678L)');
    expect(tight.kind === 'insert' && tight.rows[0]!.map((v) => (v.kind === 'literal' ? v.type : v.kind))).toEqual([
      'int',
      'double',
      'bigint',
    ]);
  });

  it('numbers ? per statement', () => {
    const result = parseScript('insert into t values (?, ?); insert into t values (?)');
    if (!result.ok) throw new Error(result.message);
    const indexes = result.value.map((s) => (s.kind === 'insert' ? s.rows.flat().map((v) => (v.kind === 'param' ? v.index : -1)) : []));
    expect(indexes).toEqual([[0, 1], [0]]);
  });

  it('reads DELETE ... WHERE and requires the WHERE', () => {
    expect(parse("delete from d1.t where c1 = 'aa' and c2 = 1")).toEqual(
      withoutPositions({
        kind: 'delete',
        table: objectName('d1.t'),
        where: binary('AND', binary('=', col('c1'), str('aa')), binary('=', col('c2'), int(1))),
        pos: NO_POS,
      }),
    );
    expect(error('delete from t')).toBe('Syntax error: expected keyword WHERE but found end of input [at 1:14]');
  });

  it('reads LOAD DATA INFILE', () => {
    expect(parse("LOAD DATA INFILE '/tmp/a.csv' INTO TABLE db.t OPTIONS (delimiter = ',', header = true, load_mode = 'local')")).toMatchObject({
      kind: 'loadData',
      path: '/tmp/a.csv',
      table: name('db.t'),
      options: [{ name: { name: 'delimiter' } }, { name: { name: 'header' } }, { name: { name: 'load_mode' } }],
    });
  });
});

describe('DEPLOY and EXPLAIN', () => {
  it('reads DEPLOY with IF NOT EXISTS and OPTIONS', () => {
    const s = parse("DEPLOY IF NOT EXISTS d1 OPTIONS (long_windows = 'w1:1d', range_bias = 10s, rows_bias = 'inf') SELECT * FROM t");
    expect(s).toMatchObject({ kind: 'deploy', name: { name: 'd1' }, ifNotExists: true });
    expect(s.kind === 'deploy' && s.options.map((o) => o.value.kind)).toEqual(['literal', 'interval', 'literal']);
    expect(s.kind === 'deploy' && s.query.body.kind).toBe('select');
  });

  it('rejects a DEPLOY of something other than a query', () => {
    expect(error('deploy d1 insert into t values (1)')).toBe(
      'Syntax error: expected a SELECT query to deploy but found "insert" [at 1:11]',
    );
    expect(error('deploy deployment d1 select 1')).toMatch(/expected a SELECT query to deploy but found "d1"/);
  });

  it('reads DROP DEPLOYMENT and EXPLAIN', () => {
    expect(parse('drop deployment db.d1')).toEqual({ kind: 'dropDeployment', name: name('db.d1') });
    expect(parse('EXPLAIN select 1')).toMatchObject({ kind: 'explain', statement: { kind: 'queryStatement' } });
    expect(error('EXPLAIN show tables')).toMatch(/expected a SELECT query after EXPLAIN/);
  });
});

describe('scripts', () => {
  it('reads statements separated by semicolons, skipping empty ones', () => {
    const result = parseScript('; use db; ;\nselect 1;\n-- done\n');
    expect(result.ok && result.value.map((s) => s.kind)).toEqual(['useDatabase', 'queryStatement']);
  });

  it('wants exactly one statement from parseStatement', () => {
    expect(error('select 1; select 2')).toBe('Syntax error: expected end of input (one statement only) but found another statement [at 1:11]');
    expect(error('  -- nothing')).toMatch(/expected a statement but found end of input/);
    expect(error('select 1 select 2')).toMatch(/expected ";" but found keyword SELECT/);
    expect(error('frobnicate')).toBe('Syntax error: expected a statement but found "frobnicate" [at 1:1]');
  });
});
