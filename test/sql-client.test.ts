/**
 * The SQL shell (`--role=sql_client`) against a real standalone process: `--cmd` and scripts on
 * stdin, results as tables, errors with the caret, and the exit status scripts rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, runProgram } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

let db: Standalone;

function client(...args: string[]): string[] {
  return ['--role=sql_client', `--host=${db.host}`, `--port=${db.port}`, ...args];
}

beforeAll(async () => {
  db = await startStandalone();
});

afterAll(async () => {
  await cleanup();
});

describe('sql_client', () => {
  it('runs --cmd statements and prints their results', async () => {
    const r = await runProgram(
      client(
        '--cmd',
        "CREATE DATABASE cli; USE cli; CREATE TABLE t (c1 string, c2 bigint, ts timestamp, INDEX(KEY=c1, TS=ts)); INSERT INTO t VALUES ('a', 1, 1000), ('a', 2, 2000), ('b', 3, 3000); SELECT c1, sum(c2) OVER w AS s FROM t WINDOW w AS (PARTITION BY c1 ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);",
      ),
      db.dir,
    );
    expect(r.out).toContain('Database changed');
    expect(r.out).toMatch(/ c1 +s +\n/);
    expect(r.out).toMatch(/ a +3 +\n/);
    expect(r.out).toMatch(/ b +3 +\n/);
    expect(r.out).toContain('3 rows in set');
    expect(r.code).toBe(0);
  });

  it('exits with status 1 and the error when a statement fails', async () => {
    const missing = await runProgram(client('--database=cli', '--cmd', 'SELECT * FROM nope;'), db.dir);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/Error: .*nope.*does not exist/);
    const syntax = await runProgram(client('--database=cli', '--cmd', 'SELECT c1 FROM t WHERE;'), db.dir);
    expect(syntax.code).toBe(1);
    expect(syntax.out).toContain('Error: Syntax error');
    expect(syntax.out).toContain('SELECT c1 FROM t WHERE\n                      ^');
  });

  it('reads a script from stdin, statements spanning lines, and deploys', async () => {
    const script = [
      'USE cli;',
      'DEPLOY d1 SELECT c1,',
      '  sum(c2) OVER w AS s',
      '  FROM t WINDOW w AS (PARTITION BY c1 ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);',
      'SHOW DEPLOYMENTS;',
      "SELECT c1, sum(c2) OVER w AS s FROM t WINDOW w AS (PARTITION BY c1 ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) CONFIG (execute_mode='request', values=('b', 10, 4000));",
      'SHOW DEPLOYMENT d1;',
      '',
    ].join('\n');
    const r = await runProgram(client(), db.dir, script);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ cli +d1 +\n/);
    expect(r.out).toMatch(/ b +13 +\n/);
    expect(r.out).toContain('# Input Schema');
    expect(r.out).toContain('DEPLOY d1 SELECT');
  });

  it('counts a failing statement in a script as a failure but runs the rest', async () => {
    const r = await runProgram(client('--database=cli'), db.dir, 'SELECT nothing FROM t;\nSHOW TABLES;\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Error: /);
    expect(r.out).toMatch(/ Tables +\n/);
  });
});
