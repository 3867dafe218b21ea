/**
 * A syntax error is an expected failure, so it is a value: a `Failure` (code `sqlSyntaxError`)
 * that also says where (line, column, offset), what was found and what was expected.
 */
import { Code, type Failure } from '../../base/status.js';

export interface SqlSyntaxError extends Failure {
  readonly ok: false;
  readonly code: typeof Code.sqlSyntaxError;
  /** `Syntax error: expected ")" but found keyword FROM [at 3:14]`. */
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  /** 0-based offset in the text that was parsed. */
  readonly offset: number;
  /** The offending token as shown to the user, e.g. `keyword FROM`, `"x"`, `end of input`. */
  readonly found: string;
  /** What would have been accepted there, e.g. `")"`, `an expression`. */
  readonly expected: string;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | SqlSyntaxError;

export function syntaxError(
  where: { readonly offset: number; readonly line: number; readonly column: number },
  expected: string,
  found: string,
): SqlSyntaxError {
  const message = `Syntax error: expected ${expected} but found ${found} [at ${where.line}:${where.column}]`;
  return {
    ok: false,
    code: Code.sqlSyntaxError,
    message,
    line: where.line,
    column: where.column,
    offset: where.offset,
    found,
    expected,
  };
}

/** A failure that is not "expected X, found Y" (a literal out of range, an unterminated string). */
export function syntaxProblem(
  where: { readonly offset: number; readonly line: number; readonly column: number },
  problem: string,
  found: string,
): SqlSyntaxError {
  return {
    ok: false,
    code: Code.sqlSyntaxError,
    message: `Syntax error: ${problem} [at ${where.line}:${where.column}]`,
    line: where.line,
    column: where.column,
    offset: where.offset,
    found,
    expected: problem,
  };
}

/**
 * The message, then the offending source line with a caret under the error position:
 *
 *   Syntax error: expected an expression but found keyword FROM [at 1:11]
 *   SELECT a, FROM t
 *             ^
 */
export function formatSyntaxError(sql: string, error: SqlSyntaxError): string {
  // Lines as the lexer counts them: split at \n only.
  const text = (sql.split('\n')[error.line - 1] ?? '').replace(/\r$/, '');
  // Keep tabs so the caret lines up under tab-indented text; every other character becomes a space.
  const lead = text.slice(0, Math.max(0, error.column - 1)).replace(/[^\t]/g, ' ');
  return `${error.message}\n${text}\n${lead}^`;
}
