/**
 * What a statement means is checked after it parsed; a statement that parses but makes no sense
 * (a TTL without a unit, an INSERT value that is an expression, a DELETE on a column that is not
 * indexed) is an expected failure with the position of the offending text, like a syntax error.
 */
import type { Failure } from '../../base/status.js';
import type { SourcePos } from '../syntax/index.js';

export interface StatementFailure extends Failure {
  /** The problem without the position, e.g. `insert failed: column 'c3' can't be null`. */
  readonly problem: string;
  /** Where the offending text starts, when one place is to blame. */
  readonly pos?: SourcePos;
}

function withPos(problem: string, pos: SourcePos | undefined): string {
  return pos === undefined ? problem : `${problem} [at ${pos.line}:${pos.column}]`;
}

/** A failure whose message is `problem [at line:column]`. */
export function statementFail(code: number, problem: string, pos?: SourcePos): StatementFailure {
  const message = withPos(problem, pos);
  return pos === undefined ? { ok: false, code, message, problem } : { ok: false, code, message, problem, pos };
}

/**
 * Moves a position found in a statement's own text to the script the statement was cut from:
 * `start` is where the statement's first character lies in the script.
 */
export function shiftPos(pos: SourcePos, start: SourcePos): SourcePos {
  return {
    offset: start.offset + pos.offset,
    line: start.line + pos.line - 1,
    column: pos.line === 1 ? start.column + pos.column - 1 : pos.column,
  };
}

/** The same failure with its position moved into the enclosing script (see `shiftPos`). */
export function relocateFailure(failure: StatementFailure, start: SourcePos): StatementFailure {
  if (failure.pos === undefined) return failure;
  return statementFail(failure.code, failure.problem, shiftPos(failure.pos, start));
}
