import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';
import type { Token } from './token.js';

function tokens(sql: string): Token[] {
  const result = tokenize(sql);
  if (!result.ok) throw new Error(result.message);
  return [...result.value];
}

function brief(sql: string): string[] {
  return tokens(sql).map((t) => `${t.type}:${t.value}${t.suffix === undefined ? '' : `/${t.suffix}`}`);
}

function error(sql: string): string {
  const result = tokenize(sql);
  if (result.ok) throw new Error(`expected a lexer error for ${sql}`);
  return `${result.line}:${result.column} ${result.message}`;
}

describe('tokenize', () => {
  it('reads words, symbols and the end marker', () => {
    expect(brief('SELECT a,b FROM t0;')).toEqual([
      'word:SELECT',
      'word:a',
      'symbol:,',
      'word:b',
      'word:FROM',
      'word:t0',
      'symbol:;',
      'eof:',
    ]);
    expect(tokens('select')[0]!.upper).toBe('SELECT');
  });

  it('reads two-character operators as one symbol', () => {
    expect(brief('a==b!=c<>d<=e>=f')).toEqual([
      'word:a',
      'symbol:==',
      'word:b',
      'symbol:!=',
      'word:c',
      'symbol:<>',
      'word:d',
      'symbol:<=',
      'word:e',
      'symbol:>=',
      'word:f',
      'eof:',
    ]);
  });

  it('reads integers, BIGINT and FLOAT suffixes, decimals and intervals', () => {
    expect(brief('1 5L 7l 3.3f 2F 4.4 .5 1e3 2.5E-2 10s 5M 3h 2d')).toEqual([
      'integer:1',
      'integer:5/L',
      'integer:7/L',
      'decimal:3.3/F',
      'decimal:2/F',
      'decimal:4.4',
      'decimal:.5',
      'decimal:1e3',
      'decimal:2.5E-2',
      'interval:10/s',
      'interval:5/m',
      'interval:3/h',
      'interval:2/d',
      'eof:',
    ]);
  });

  it('keeps a dot after a name as a path separator', () => {
    expect(brief('t0.c1 t.`x`')).toEqual(['word:t0', 'symbol:.', 'word:c1', 'word:t', 'symbol:.', 'quotedIdent:x', 'eof:']);
  });

  it('decodes string escapes in both quote styles', () => {
    const [a, b, c, d] = tokens(`'it\\'s' "say \\"hi\\"\\n" '\\\\_a%b' '\\x41\\u00e9\\101'`);
    expect(a!.value).toBe("it's");
    expect(b!.value).toBe('say "hi"\n');
    expect(c!.value).toBe('\\_a%b');
    expect(d!.value).toBe('AéA');
    expect(tokens(`'a\\%b\\_'`)[0]!.value).toBe('a\\%b\\_');
  });

  it('reads back-quoted identifiers and @@ variables', () => {
    expect(brief('`select` @@execute_mode @@session.job_timeout')).toEqual([
      'quotedIdent:select',
      'variable:execute_mode',
      'variable:session.job_timeout',
      'eof:',
    ]);
  });

  it('skips comments and tracks lines and columns', () => {
    const ts = tokens('-- heading\nSELECT /* inline\n comment */ x\n  FROM t');
    expect(ts.map((t) => [t.value, t.pos.line, t.pos.column])).toEqual([
      ['SELECT', 2, 1],
      ['x', 3, 13],
      ['FROM', 4, 3],
      ['t', 4, 8],
      ['', 4, 9],
    ]);
    expect(ts[1]!.pos.offset).toBe('-- heading\nSELECT /* inline\n comment */ '.length);
  });

  it('keeps the exact source image of each token', () => {
    expect(tokens("  'a\\tb'  3.30F ").map((t) => t.image)).toEqual(["'a\\tb'", '3.30F', '']);
  });

  it('reports malformed input with its position', () => {
    expect(error('select 1aaa')).toBe('1:8 Syntax error: missing whitespace between literal and identifier in "1aaa" [at 1:8]');
    expect(error("select 'abc")).toBe('1:8 Syntax error: unterminated string: \' has no closing \' [at 1:8]');
    expect(error('select /* x')).toMatch(/^1:8 Syntax error: unterminated comment/);
    expect(error('select\n  a$b')).toBe('2:4 Syntax error: unexpected character "$" [at 2:4]');
    expect(error("select 'a\\qb'")).toBe('1:10 Syntax error: illegal escape sequence "\\q" [at 1:10]');
    expect(error('select ``')).toMatch(/empty back-quoted identifier/);
    expect(error('select @x')).toMatch(/unexpected character "@"/);
    expect(error('select 10ms')).toMatch(/missing whitespace between literal and identifier in "10ms"/);
  });
});
