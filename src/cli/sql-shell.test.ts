import { describe, expect, it } from 'vitest';
import { Code, fail, ok, type Result } from '../base/status.js';
import { messageResult, type ResultSet } from '../sql/statements/index.js';
import { isCompleteInput, runSqlInput, type SqlShellSession } from './sql-shell.js';

describe('isCompleteInput', () => {
  it('waits for the closing semicolon, outside quotes and comments', () => {
    expect(isCompleteInput('SELECT 1')).toBe(false);
    expect(isCompleteInput('SELECT 1;')).toBe(true);
    expect(isCompleteInput("SELECT ';'")).toBe(false);
    expect(isCompleteInput("SELECT 'a;\nb';")).toBe(true);
    expect(isCompleteInput('SELECT 1; SELECT 2')).toBe(false);
    expect(isCompleteInput('SELECT 1 /* ; */')).toBe(false);
    expect(isCompleteInput('SELECT 1; -- done')).toBe(true);
  });

  it('takes shell commands and empty lines as they are', () => {
    for (const input of ['', '  ', 'exit', 'QUIT', 'help', 'quit;']) expect(isCompleteInput(input)).toBe(true);
  });
});

class RecordingSession implements SqlShellSession {
  readonly seen: string[] = [];
  constructor(private readonly answer: (sql: string) => Result<ResultSet>) {}
  async execute(sql: string): Promise<Result<ResultSet>> {
    this.seen.push(sql);
    return this.answer(sql);
  }
}

describe('runSqlInput', () => {
  it('runs each statement and prints tables, messages and empty sets', async () => {
    const session = new RecordingSession((sql) =>
      sql.startsWith('SELECT')
        ? ok({ columns: [{ name: 'c1', type: 'int' }], rows: sql.includes('nothing') ? [] : [[1], [null]] })
        : ok(messageResult('SUCCEED')),
    );
    const r = await runSqlInput(session, 'USE db; SELECT c1 FROM t;\nSELECT nothing FROM t;');
    expect(session.seen).toEqual(['USE db', 'SELECT c1 FROM t', 'SELECT nothing FROM t']);
    expect(r.ok).toBe(true);
    expect(r.output).toContain('SUCCEED');
    expect(r.output).toMatch(/ c1 +\n/);
    expect(r.output).toContain('NULL');
    expect(r.output).toContain('2 rows in set');
    expect(r.output).toContain('Empty set');
  });

  it('stops at the first failure and prints it', async () => {
    const session = new RecordingSession((sql) => (sql.includes('bad') ? fail(Code.sqlPlanError, `no: ${sql}`) : ok(messageResult('SUCCEED'))));
    const r = await runSqlInput(session, 'USE db; SELECT bad; SELECT 2;');
    expect(r.ok).toBe(false);
    expect(r.output.split('\n').pop()).toBe('Error: no: SELECT bad');
    expect(session.seen).toEqual(['USE db', 'SELECT bad']);
  });

  it('answers exit and help without a session call', async () => {
    const session = new RecordingSession(() => ok(messageResult('SUCCEED')));
    expect((await runSqlInput(session, 'exit')).exit).toBe(true);
    expect((await runSqlInput(session, 'help')).output).toContain('DEPLOY');
    expect(session.seen).toEqual([]);
  });
});
