import { describe, expect, it } from 'vitest';
import type { SqlCase } from './case-model.js';
import { parseCase } from './parse-case.js';
import { autoNameGenerator } from './placeholders.js';
import type { PreparedCase } from './prepare.js';
import { DEFAULT_DB, prepareCase } from './prepare.js';
import type { RawMap } from './raw.js';
import { parseYamlFailsafe } from './yaml-source.js';

function sqlCase(yaml: string, fileDb?: string): SqlCase {
  const raw = parseYamlFailsafe(yaml);
  if (!raw.ok) throw new Error(raw.message);
  const c = parseCase(raw.value as RawMap, { file: 'f.yaml', fileDb, choices: [] });
  if (!c.ok) throw new Error(c.message);
  return c.value;
}

function prepare(c: SqlCase, endpoints: string[] = []): PreparedCase {
  const next = autoNameGenerator();
  const r = prepareCase(c, { autoName: 'auto_case', endpoints }, next);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('prepareCase', () => {
  it('writes 1 partition and 1 replica for a standalone run, the table\'s own options or none for a cluster run', () => {
    const own = sqlCase('id: 1\ninputs: [{columns: ["c1 int"], indexs: ["i:c1"], replicaNum: 3}]\nsql: select c1 from {0};\n');
    const none = sqlCase('id: 1\ninputs: [{columns: ["c1 int"], indexs: ["i:c1"]}]\nsql: select c1 from {0};\n');
    const create = (c: SqlCase, target: 'standalone' | 'cluster') => {
      const r = prepareCase(c, { autoName: 'a', endpoints: [] }, autoNameGenerator(), target);
      if (!r.ok) throw new Error(r.message);
      return r.value.tables[0]!.create;
    };
    expect(create(own, 'standalone')).toMatch(/\) options\(partitionnum=1, replicanum=1\);$/);
    expect(create(own, 'cluster')).toMatch(/\)\) options\(replicanum=3\);$/);
    expect(create(none, 'cluster')).toMatch(/index\(key=\(c1\)\)\);$/);
  });

  it('names tables, generates DDL and inserts, and fills the SQL (window/test_window_row.yaml id 0)', () => {
    const p = prepare(
      sqlCase(
        `
id: 0
inputs:
  -
    columns: ["c1 string","c3 int","c4 bigint","c7 timestamp","c8 date"]
    indexs: ["index1:c1:c7"]
    rows:
      - ["aa",20,30,1590738990000,"2020-05-01"]
      - ["bb",24,34,1590738994000,"2020-05-05"]
sql: |
  SELECT c1, sum(c4) OVER w1 as s FROM {0} WINDOW w1 AS (PARTITION BY {0}.c1 ORDER BY {0}.c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);
expect:
  order: c3
  columns: ["c1 string","s bigint"]
`,
        'test_zw',
      ),
    );
    const t = p.tables[0]!;
    expect(t.name).toBe('auto_aaaaaa');
    expect(t.db).toBe('test_zw');
    expect(p.databases).toEqual(['test_zw']);
    expect(t.create).toBe(
      'create table auto_aaaaaa(\nc1 string,\nc3 int,\nc4 bigint,\nc7 timestamp,\nc8 date,\nindex(key=(c1), ts=c7)) options(partitionnum=1, replicanum=1);',
    );
    expect(t.inserts.map((s) => s.sql)).toEqual([
      "insert into auto_aaaaaa values('aa', 20, 30, 1590738990000, '2020-05-01');",
      "insert into auto_aaaaaa values('bb', 24, 34, 1590738994000, '2020-05-05');",
    ]);
    expect(t.rowInserts).toBe(t.inserts);
    expect(p.query).toContain('PARTITION BY auto_aaaaaa.c1 ORDER BY auto_aaaaaa.c7');
    expect(p.statements).toEqual([p.query]);
    expect(p.requests.ok && p.requests.value.rows).toEqual([
      ['aa', 20, 30n, 1590738990000, '2020-05-01'],
      ['bb', 24, 34n, 1590738994000, '2020-05-05'],
    ]);
    expect(p.deploymentName).toBe('dp_auto_case');
  });

  it('binds prepared INSERT rows by the columns of an explicit CREATE (dml/test_insert_prepared.yaml id 2)', () => {
    const p = prepare(
      sqlCase(`
id: 2
inputs:
  -
    create: |
      create table {0} (c1 string, c3 int, c4 bigint, c5 float, c6 double, c7 timestamp, c8 date,
      index(key=(c1), ts=c7));
    insert: insert into {0} (c1,c4,c7) values(?,?,?);
    rows:
      - ["aa",2,1590738989000]
sql: select * from {0};
expect:
  columns : ["c1 string","c3 int","c4 bigint","c5 float","c6 double","c7 timestamp","c8 date"]
  rows:
    - ["aa",null,2,null,null,1590738989000,null]
`),
    );
    const t = p.tables[0]!;
    expect(p.db).toBe(DEFAULT_DB);
    expect(t.create).toContain('create table auto_aaaaaa (c1 string');
    expect(t.inserts).toEqual([{ sql: 'insert into auto_aaaaaa (c1,c4,c7) values(?,?,?);', params: ['aa', 2n, 1590738989000] }]);
    expect(t.rowInserts).toEqual(t.inserts);
    // request rows span the whole table, NULL where the INSERT lists no column
    expect(p.requests.ok && p.requests.value.rows).toEqual([['aa', null, 2n, null, null, 1590738989000, null]]);
  });

  it('keeps explicit literal INSERTs as statements and marks the table as not replayable row by row', () => {
    const p = prepare(
      sqlCase(`
id: 1
inputs:
  - create: create table {0} (c1 string, c7 timestamp, index(key=(c1), ts=c7));
    insert: insert into {0} values('aa',1590738989000L);
sql: select * from {0};
`),
    );
    expect(p.tables[0]!.inserts).toEqual([{ sql: "insert into auto_aaaaaa values('aa',1590738989000L);" }]);
    expect(p.tables[0]!.rowInserts).toBeUndefined();
    expect(!p.requests.ok && p.requests.message).toContain('explicit INSERT statements');
  });

  it('takes request rows from batch_request, repeats rows, honours per-table databases and names', () => {
    const p = prepare(
      sqlCase(`
id: 7
db: db1
inputs:
  - columns: ["id int","k1 bigint"]
    repeat: 3
    rows: [[1, 1]]
  - name: other
    db: db2
    columns: ["id int"]
batch_request:
  columns: ["id int","k1 bigint"]
  rows: [[2, 1], [4, 1]]
sql: select {0}.id from {0} last join db2.{1} on {0}.id = {1}.id;
`),
    );
    expect(p.tables.map((t) => `${t.db}.${t.name}`)).toEqual(['db1.auto_aaaaaa', 'db2.other']);
    expect(p.databases).toEqual(['db1', 'db2']);
    expect(p.tables[0]!.inserts).toHaveLength(3);
    expect(p.requests.ok && p.requests.value.rows).toEqual([
      [2, 1n],
      [4, 1n],
    ]);
    expect(p.query).toBe('select auto_aaaaaa.id from auto_aaaaaa last join db2.other on auto_aaaaaa.id = other.id;');
  });

  it('fills names in sqls, tearDown, the deployment expectation and endpoints', () => {
    const p = prepare(
      sqlCase(`
id: 0
inputs:
  - columns: ["c1 string","c2 int"]
    indexs: ["index1:c1"]
sqls:
  - deploy deploy_{0} select * from {0};
  - show deployment deploy_{0};
tearDown:
  - drop deployment deploy_{0};
expect:
  deployment:
    name: deploy_{0}
    sql: DEPLOY deploy_{0} SELECT * FROM {0};
`),
      ['127.0.0.1:1'],
    );
    expect(p.statements).toEqual(['deploy deploy_auto_aaaaaa select * from auto_aaaaaa;', 'show deployment deploy_auto_aaaaaa;']);
    expect(p.query).toBeUndefined();
    expect(p.tearDown).toEqual(['drop deployment deploy_auto_aaaaaa;']);
    expect(p.expect.deployment?.name).toBe('deploy_auto_aaaaaa');
    expect(p.expect.deployment?.sql).toBe('DEPLOY deploy_auto_aaaaaa SELECT * FROM auto_aaaaaa;');
  });

  it('reports case-file mistakes with the table and column', () => {
    const c = sqlCase(`
id: 0
inputs:
  - columns: ["c1 string","c2 int"]
    rows: [["aa", "x"]]
sql: select * from {0};
`);
    const r = prepareCase(c, { autoName: 'a', endpoints: [] }, autoNameGenerator());
    expect(!r.ok && r.message).toBe("inputs[0]: table 'auto_aaaaaa' column 'c2': value 'x' is not an integer (column type int)");
    const endpoint = prepareCase(sqlCase("id: 1\nsql: create table t options(distribution=[('{tb_endpoint_1}', [])]);\n"), { autoName: 'a', endpoints: [] }, autoNameGenerator());
    expect(endpoint.ok).toBe(false);
  });
});
