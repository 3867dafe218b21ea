/**
 * The sql_client's input handling: when typed text is a complete input (statements end with ';';
 * `exit`, `quit` and `help` stand alone), and running one input: each statement in turn through
 * the SQL session, its result printed as the reference's shell does (table-format.ts), an error as
 * `Error: <message>` (a syntax error with the caret under the fault). The first failing statement
 * stops the rest of the input.
 */
import type { Result } from '../base/status.js';
import type { ResultSet } from '../sql/statements/index.js';
import { splitStatements } from '../sql/syntax/index.js';
import { formatResultSet } from './table-format.js';

export interface SqlShellSession {
  execute(sql: string): Promise<Result<ResultSet>>;
}

export interface SqlShellOutcome {
  readonly output: string;
  readonly ok: boolean;
  readonly exit?: boolean;
}

const COMMANDS = /^(exit|quit|help|\\q)\s*;?$/i;

export const SQL_SHELL_HELP = [
  'Statements end with ";" and may span lines. Examples:',
  '  CREATE DATABASE db; USE db;',
  '  CREATE TABLE t (c1 string, c2 bigint, ts timestamp, INDEX(KEY=c1, TS=ts));',
  "  INSERT INTO t VALUES ('a', 1, 1590738989000);",
  '  SELECT c1, sum(c2) OVER w AS s FROM t WINDOW w AS (PARTITION BY c1 ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);',
  '  DEPLOY d SELECT ...;  SHOW DEPLOYMENTS;  SHOW DEPLOYMENT d;  DROP DEPLOYMENT d;',
  "  SET @@execute_mode='request';  SELECT ... CONFIG (execute_mode='request', values=(...));",
  '  exit | quit',
].join('\n');

/** True when `buffer` needs no more lines: empty, a shell command, or every statement ended with ';'. */
export function isCompleteInput(buffer: string): boolean {
  const trimmed = buffer.trim();
  if (trimmed === '' || COMMANDS.test(trimmed)) return true;
  const split = splitStatements(buffer);
  if (split.openAtEnd !== undefined) return false;
  const last = split.statements[split.statements.length - 1];
  return last === undefined || last.terminated;
}

/** Runs one complete input. */
export async function runSqlInput(session: SqlShellSession, input: string): Promise<SqlShellOutcome> {
  const trimmed = input.trim();
  const command = COMMANDS.exec(trimmed)?.[1]?.toLowerCase();
  if (command === 'exit' || command === 'quit' || command === '\\q') return { output: 'Bye', ok: true, exit: true };
  if (command === 'help') return { output: SQL_SHELL_HELP, ok: true };
  const split = splitStatements(input);
  if (split.openAtEnd !== undefined) {
    return { output: `Error: the input ends inside a ${split.openAtEnd === 'comment' ? 'comment' : 'quoted text'}`, ok: false };
  }
  const parts: string[] = [];
  for (const slice of split.statements) {
    const r = await session.execute(slice.text);
    if (!r.ok) {
      parts.push(`Error: ${r.message}`);
      return { output: parts.join('\n').replace(/\n+$/, ''), ok: false };
    }
    parts.push(formatResultSet(r.value));
  }
  return { output: parts.join('\n').replace(/\n+$/, ''), ok: true };
}
