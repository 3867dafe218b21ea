import { describe, expect, it } from 'vitest';
import { parseCase, parseExpect } from './parse-case.js';
import type { RawMap } from './raw.js';
import { parseYamlFailsafe } from './yaml-source.js';

function raw(yaml: string): RawMap {
  const r = parseYamlFailsafe(yaml);
  if (!r.ok) throw new Error(r.message);
  return r.value as RawMap;
}

describe('parseCase', () => {
  it('reads the legacy schema / index / CSV data form (select/test_where.yaml id 0)', () => {
    const c = parseCase(
      raw(`
id: 0
mode: request-unsupport
db: db1
sql: SELECT col0, col1 FROM {0} where col2=5;
inputs:
  - schema: col0:string, col1:int32, col2:int16, col5:int64
    index: index1:col2:col5
    data: |
      0, 1, 5, 1
      0, 2, 5, 2
expect:
  schema: col0:string, col1:int32
  order: col1
  data: |
    0, 1
    0, 2
`),
      { file: 'select/test_where.yaml', fileDb: 'file_db', choices: [] },
    );
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const t = c.value.inputs[0]!;
    expect(t.columns?.map((x) => `${x.name} ${x.type}`)).toEqual(['col0 string', 'col1 int', 'col2 smallint', 'col5 bigint']);
    expect(t.indexes).toEqual([{ name: 'index1', keys: ['col2'], ts: 'col5' }]);
    expect(t.rows).toEqual([
      ['0', '1', '5', '1'],
      ['0', '2', '5', '2'],
    ]);
    expect(c.value.db).toBe('db1');
    expect(c.value.mode).toBe('request-unsupport');
    expect(c.value.expect).toMatchObject({ success: true, order: 'col1', rows: [['0', '1'], ['0', '2']] });
  });

  it('falls back to the file database and accepts `output` for `expect`', () => {
    const c = parseCase(raw('id: 3\nsql: select 1;\noutput:\n  success: false\n'), { file: 'f', fileDb: 'test_zw', choices: [] });
    expect(c.ok && c.value.db).toBe('test_zw');
    expect(c.ok && c.value.expect.success).toBe(false);
  });

  it('rejects cases it cannot run faithfully', () => {
    const noSql = parseCase(raw('id: 1\n'), { file: 'f', choices: [] });
    expect(!noSql.ok && noSql.message).toBe("case has neither 'sql' nor 'sqls'");
    const fileSql = parseCase(raw('id: 1\nsql: {file: a.sql}\n'), { file: 'f', choices: [] });
    expect(fileSql.ok).toBe(false);
    const badColumns = parseCase(raw('id: 1\nsql: s\ninputs:\n  - columns: ["m map<int,int>"]\n'), { file: 'f', choices: [] });
    expect(!badColumns.ok && badColumns.message).toBe("inputs[0]: column 'm map<int,int>' has unsupported type 'map<int,int>'");
  });
});

describe('parseExpect', () => {
  it('reads Tier-2 keys', () => {
    const e = parseExpect(
      raw(`
success: true
count: 0
name: t3
options: {partitionNum: 1, replicaNum: 3}
deploymentCount: 2
idxs:
  - keys: ["c1"]
    ts: "c4"
    ttl: 0min
    ttlType: kAbsoluteTime
`),
    );
    expect(e.ok && e.value).toMatchObject({
      success: true,
      count: 0,
      tableName: 't3',
      options: { partitionNum: 1, replicaNum: 3 },
      deploymentCount: 2,
      idxs: [{ keys: ['c1'], ts: 'c4', ttl: '0min', ttlType: 'kAbsoluteTime' }],
    });
  });

  it('ignores planner and batch-request keys but refuses unknown checks', () => {
    expect(parseExpect(raw('msg: fail\ncommon_column_indices: [1,3]\nsuccess: false\n')).ok).toBe(true);
    const r = parseExpect(raw('preAgg: {name: x}\n'));
    expect(!r.ok && r.message).toBe("expect key 'preAgg' is not supported by this runner");
  });
});
