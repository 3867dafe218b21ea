import { describe, expect, it } from 'vitest';
import type { Result } from '../base/status.js';
import { fail, ok, okVoid } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import type { EngineUnderTest, ExecResult, TableMeta } from './engine.js';
import type { RunMode } from './modes.js';
import { parseCase } from './parse-case.js';
import { autoNameGenerator } from './placeholders.js';
import { prepareCase } from './prepare.js';
import type { RawMap } from './raw.js';
import { replayCase } from './runner.js';
import { parseYamlFailsafe } from './yaml-source.js';

/**
 * A scripted stand-in for a database, only to observe what the runner sends and in which order:
 * it counts inserted rows per table and answers every request with [request id, rows of the main
 * table so far]. Not a SQL engine.
 */
class ScriptedEngine implements EngineUnderTest {
  readonly log: string[] = [];
  readonly rowCounts = new Map<string, number>();
  query: (sql: string, params?: readonly Value[]) => ExecResult | Promise<ExecResult> = () => ({ ok: true });
  tableInfo?: (db: string, table: string) => Promise<Result<TableMeta>>;

  async reset() {
    this.log.push('reset');
    return okVoid;
  }

  async execute(db: string | undefined, sql: string, params?: readonly Value[]): Promise<ExecResult> {
    this.log.push(`exec ${db ?? '-'}: ${sql.split('\n')[0]}${params ? ` ${JSON.stringify(params, bigintJson)}` : ''}`);
    const insert = /^insert into (\w+)/i.exec(sql);
    if (insert) {
      this.rowCounts.set(insert[1]!, (this.rowCounts.get(insert[1]!) ?? 0) + 1);
      return { ok: true };
    }
    if (/^(create|deploy|drop)/i.test(sql)) return { ok: true };
    return this.query(sql, params);
  }

  async requestQuery(db: string, _sql: string, row: readonly Value[]): Promise<ExecResult> {
    this.log.push(`request ${db}: ${JSON.stringify(row, bigintJson)}`);
    return this.answer(row);
  }

  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<ExecResult> {
    this.log.push(`call ${db}.${name}: ${JSON.stringify(rows, bigintJson)}`);
    return this.answer(rows[0]!);
  }

  private answer(row: readonly Value[]): ExecResult {
    const seen = this.rowCounts.get('t_main') ?? 0;
    return {
      ok: true,
      columns: [
        { name: 'id', type: 'int' },
        { name: 'seen', type: 'bigint' },
      ],
      rows: [[row[0]!, BigInt(seen)]],
    };
  }

  async close() {}
}

function bigintJson(_key: string, v: unknown) {
  return typeof v === 'bigint' ? `${v}n` : v;
}

async function replay(yaml: string, mode: RunMode, engine: EngineUnderTest, timeoutMs = 5_000) {
  const raw = parseYamlFailsafe(yaml);
  if (!raw.ok) throw new Error(raw.message);
  const c = parseCase(raw.value as RawMap, { file: 'f.yaml', fileDb: 'db0', choices: [] });
  if (!c.ok) throw new Error(c.message);
  const p = prepareCase(c.value, { autoName: 'auto_c', endpoints: [] }, autoNameGenerator());
  if (!p.ok) throw new Error(p.message);
  return replayCase(p.value, mode, engine, { timeoutMs });
}

const WINDOW_CASE = `
id: 0
inputs:
  - name: t_main
    columns: ["id int","c1 string","c7 timestamp"]
    indexs: ["index1:c1:c7"]
    rows:
      - [1,"aa",1590738990000]
      - [2,"aa",1590738991000]
      - [3,"bb",1590738992000]
  - name: t_side
    columns: ["id int","c7 timestamp"]
    rows:
      - [9,1590738990000]
sql: select id, count(c1) over w as seen from {0} window w as (union {1} partition by c1 order by c7 rows between 2 preceding and current row);
longWindow: w:2
expect:
  order: id
  columns: ["id int","seen bigint"]
  rows:
    - [1,0]
    - [2,1]
    - [3,2]
`;

describe('replayCase', () => {
  it('batch: creates the database and tables, inserts every row, then runs the query', async () => {
    const engine = new ScriptedEngine();
    engine.query = () => ({
      ok: true,
      columns: [
        { name: 'id', type: 'int' },
        { name: 'seen', type: 'bigint' },
      ],
      rows: [
        [3, 2n],
        [1, 0n],
        [2, 1n],
      ],
    });
    const outcome = await replay(WINDOW_CASE, 'batch', engine);
    expect(outcome).toEqual({ passed: true, engineSuspect: false });
    expect(engine.log).toEqual([
      'exec -: CREATE DATABASE IF NOT EXISTS db0;',
      'exec db0: create table t_main(',
      'exec db0: create table t_side(',
      "exec db0: insert into t_main values(1, 'aa', 1590738990000);",
      "exec db0: insert into t_main values(2, 'aa', 1590738991000);",
      "exec db0: insert into t_main values(3, 'bb', 1590738992000);",
      'exec db0: insert into t_side values(9, 1590738990000);',
      'exec db0: select id, count(c1) over w as seen from t_main window w as (union t_side partition by c1 order by c7 rows between 2 preceding and current row);',
    ]);
  });

  it('request: inserts the other inputs first, then runs request i before inserting row i', async () => {
    const engine = new ScriptedEngine();
    const outcome = await replay(WINDOW_CASE, 'request', engine);
    expect(outcome).toEqual({ passed: true, engineSuspect: false });
    expect(engine.log.slice(3)).toEqual([
      'exec db0: insert into t_side values(9, 1590738990000);',
      'request db0: [1,"aa",1590738990000]',
      "exec db0: insert into t_main values(1, 'aa', 1590738990000);",
      'request db0: [2,"aa",1590738991000]',
      "exec db0: insert into t_main values(2, 'aa', 1590738991000);",
      'request db0: [3,"bb",1590738992000]',
      "exec db0: insert into t_main values(3, 'bb', 1590738992000);",
    ]);
  });

  it('request: the order of inserts shows in the results (insert-before-request would fail)', async () => {
    const wrongExpectation = WINDOW_CASE.replace('- [1,0]', '- [1,1]');
    const outcome = await replay(wrongExpectation, 'request', new ScriptedEngine());
    expect(outcome.passed).toBe(false);
    if (!outcome.passed) expect(outcome.message).toContain('+ [1, 0]   <- seen');
  });

  it('deploy: deploys the query (with long_windows) and calls it per row, inserting after each call', async () => {
    const engine = new ScriptedEngine();
    const outcome = await replay(WINDOW_CASE, 'deploy', engine);
    expect(outcome).toEqual({ passed: true, engineSuspect: false });
    expect(engine.log[4]).toBe(
      'exec db0: DEPLOY dp_auto_c OPTIONS(long_windows="w:2") select id, count(c1) over w as seen from t_main window w as (union t_side partition by c1 order by c7 rows between 2 preceding and current row);',
    );
    expect(engine.log.slice(5)).toEqual([
      'call db0.dp_auto_c: [[1,"aa",1590738990000]]',
      "exec db0: insert into t_main values(1, 'aa', 1590738990000);",
      'call db0.dp_auto_c: [[2,"aa",1590738991000]]',
      "exec db0: insert into t_main values(2, 'aa', 1590738991000);",
      'call db0.dp_auto_c: [[3,"bb",1590738992000]]',
      "exec db0: insert into t_main values(3, 'bb', 1590738992000);",
    ]);
  });

  it('request with batch_request: inserts every input and sends the batch_request rows', async () => {
    const engine = new ScriptedEngine();
    const outcome = await replay(
      `
id: 0
inputs:
  - name: t_main
    columns: ["id int","c1 string"]
    rows: [[1,"a"],[3,"a"]]
batch_request:
  columns: ["id int","c1 string"]
  rows: [[2,"a"],[4,"a"]]
sql: select id from {0};
expect:
  columns: ["id int","seen bigint"]
  rows: [[2,2],[4,2]]
`,
      'request',
      engine,
    );
    expect(outcome).toEqual({ passed: true, engineSuspect: false });
    expect(engine.log.slice(2)).toEqual([
      "exec db0: insert into t_main values(1, 'a');",
      "exec db0: insert into t_main values(3, 'a');",
      'request db0: [2,"a"]',
      'request db0: [4,"a"]',
    ]);
  });

  it('success: false passes only when the engine refuses', async () => {
    const negative = 'id: 1\nsql: select c9 from t;\nexpect:\n  success: false\n';
    const refusing = new ScriptedEngine();
    refusing.query = () => fail(1003, "column 'c9' not found");
    expect(await replay(negative, 'batch', refusing)).toEqual({ passed: true, engineSuspect: false });

    const accepting = new ScriptedEngine();
    accepting.query = () => ({ ok: true, columns: [{ name: 'c9', type: 'int' }], rows: [] });
    const outcome = await replay(negative, 'batch', accepting);
    expect(outcome).toEqual({
      passed: false,
      engineSuspect: false,
      message: 'expected a statement to fail, but all 1 succeeded (the last one returned 0 rows)',
    });
  });

  it('success: false in request mode is checked on the first request, even without rows', async () => {
    const yaml = 'id: 1\ninputs:\n  - name: t_main\n    columns: ["id int"]\nsql: select id from {0};\nexpect:\n  success: false\n';
    const engine = new ScriptedEngine();
    const outcome = await replay(yaml, 'request', engine);
    expect(outcome.passed).toBe(false);
    expect(engine.log).toContain('request db0: [null]');
  });

  it('stops a statement that never answers, fails the case, flags the engine and still tears down', async () => {
    const engine = new ScriptedEngine();
    engine.query = () => new Promise<ExecResult>(() => {});
    const outcome = await replay('id: 1\nsql: select 1;\ntearDown: [drop table x;]\n', 'batch', engine, 20);
    expect(outcome).toEqual({ passed: false, engineSuspect: true, message: "statement 'select 1;': no answer within 20 ms" });
    expect(engine.log[engine.log.length - 1]).toBe('exec db0: drop table x;');
  });

  it('turns an engine exception into a failure of the case', async () => {
    const engine = new ScriptedEngine();
    engine.query = () => {
      throw new Error('boom');
    };
    const outcome = await replay('id: 1\nsql: select 1;\n', 'batch', engine);
    expect(outcome).toEqual({ passed: false, engineSuspect: false, message: "statement 'select 1;': engine threw: boom" });
  });

  it('fails with the set-up step when creating an input table fails', async () => {
    const engine = new ScriptedEngine();
    engine.execute = async (_db, sql) => (sql.startsWith('create table') ? fail(1001, 'bad index') : { ok: true });
    const outcome = await replay(WINDOW_CASE, 'batch', engine);
    expect(outcome).toEqual({
      passed: false,
      engineSuspect: false,
      message: 'set-up: create table db0.t_main failed\n  error 1001: bad index',
    });
  });

  it('runs sqls in order and checks count and idxs on the last result and table metadata', async () => {
    const yaml = `
id: 0
inputs:
  - name: t_main
    columns: ["c1 string","c2 int","c4 timestamp"]
    indexs: ["index1:c1:c4"]
sqls:
  - CREATE INDEX index1 ON {0} (c2) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute);
  - desc {0};
expect:
  success: true
  idxs:
    - {keys: ["c1"], ts: "c4", ttl: 0min, ttlType: kAbsoluteTime}
    - {keys: ["c2"], ts: "c4", ttl: 100min, ttlType: kAbsoluteTime}
`;
    const engine = new ScriptedEngine();
    const missing = await replay(yaml, 'batch', engine);
    expect(!missing.passed && missing.message).toBe('the engine exposes no tableInfo(); cannot check expect.idxs/options');

    engine.tableInfo = async (db, table) =>
      db === 'db0' && table === 't_main'
        ? ok({
            partitionNum: 1,
            replicaNum: 1,
            indexes: [
              { name: 'INDEX_0', keyColumns: ['c1'], tsColumn: 'c4', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } },
              { name: 'index1', keyColumns: ['c2'], tsColumn: 'c4', ttl: { type: 'absolute', absMinutes: 100, latCount: 0 } },
            ],
          })
        : fail(100, 'no such table');
    expect(await replay(yaml, 'batch', engine)).toEqual({ passed: true, engineSuspect: false });
    expect(engine.log.filter((l) => l.includes('INDEX') || l.startsWith('exec db0: desc'))).toEqual([
      'exec db0: CREATE INDEX index1 ON t_main (c2) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute);',
      'exec db0: desc t_main;',
      'exec db0: CREATE INDEX index1 ON t_main (c2) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute);',
      'exec db0: desc t_main;',
    ]);
  });

  it('passes parameters with the final statement and reports a case error in request mode without rows source', async () => {
    const engine = new ScriptedEngine();
    engine.query = (_sql, params) => ({ ok: true, columns: [{ name: 'p', type: 'bigint' }], rows: [[params?.[0] ?? null]] });
    const yaml = `
id: 0
sql: select ? as p;
parameters:
  columns: ["p bigint"]
  rows: [[2681491882390849628]]
expect:
  columns: ["p bigint"]
  rows: [[2681491882390849628]]
`;
    expect(await replay(yaml, 'batch', engine)).toEqual({ passed: true, engineSuspect: false });
    const request = await replay(yaml, 'request', engine);
    expect(!request.passed && request.message).toBe('case error: the case has no input table');
  });
});
