import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { parseStatement } from './parse.js';
import { formatSyntaxError } from './syntax-error.js';

function failure(sql: string) {
  const result = parseStatement(sql);
  if (result.ok) throw new Error(`expected an error for ${sql}`);
  return result;
}

describe('syntax errors', () => {
  it('carry code, position, offending token and expectation', () => {
    const e = failure('SELECT a,\n  b FROM t0 WHERE');
    expect(e).toEqual({
      ok: false,
      code: Code.sqlSyntaxError,
      message: 'Syntax error: expected an expression but found end of input [at 2:18]',
      line: 2,
      column: 18,
      offset: 27,
      found: 'end of input',
      expected: 'an expression',
    });
  });

  it('name reserved words as keywords and other words in quotes', () => {
    expect(failure('select * from t0 order by c1').found).toBe('keyword ORDER');
    expect(failure('select * frm t0').found).toBe('"frm"');
    expect(failure('select a frm t0').found).toBe('"t0"');
  });

  it('format with the offending line and a caret under the position', () => {
    const sql = 'SELECT a,\n\tb FROM t0 WHERE c1 = = 2;';
    expect(formatSyntaxError(sql, failure(sql))).toBe(
      'Syntax error: expected an expression but found "=" [at 2:23]\n' +
        '\tb FROM t0 WHERE c1 = = 2;\n' +
        '\t                     ^',
    );
  });

  it('format lexer errors the same way', () => {
    const sql = "select 'abc";
    expect(formatSyntaxError(sql, failure(sql))).toBe(
      "Syntax error: unterminated string: ' has no closing ' [at 1:8]\nselect 'abc\n       ^",
    );
  });

  it('refuse nesting deeper than the limit without overflowing the stack', () => {
    const deep = `select ${'('.repeat(5000)}1${')'.repeat(5000)}`;
    expect(failure(deep).message).toMatch(/nests more than 200 levels deep/);
    const ok = parseStatement(`select ${'('.repeat(50)}1${')'.repeat(50)}`);
    expect(ok.ok).toBe(true);
  });

  it('refuse operator chains that would make the tree deeper than the limit', () => {
    const long = `select ${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(' + ')} from t`;
    expect(failure(long).message).toMatch(/more than 1000 levels deep/);
    const fine = parseStatement(`select ${Array.from({ length: 500 }, (_, i) => `c${i}`).join(' + ')} from t`);
    expect(fine.ok).toBe(true);
  });
});
