/**
 * The token stream under a recursive-descent parser: lookahead, keyword/symbol matching and
 * errors. A parse error unwinds with `ParseAbort`, which the public entry points turn into a
 * `SqlSyntaxError` value; it never escapes this module.
 */
import type { Ident } from './ast.js';
import { isReserved } from './keywords.js';
import { type SqlSyntaxError, syntaxError, syntaxProblem } from './syntax-error.js';
import { describeToken, type Token } from './token.js';

/** Deepest nesting of expressions and queries (each parenthesis, operand or subquery is a level). */
export const NESTING_DEPTH_MAX = 200;

export class ParseAbort {
  constructor(readonly error: SqlSyntaxError) {}
}

export class TokenCursor {
  protected index = 0;
  /** Number of `?` seen so far in the current statement. */
  protected paramCount = 0;
  private depth = 0;

  constructor(protected readonly tokens: readonly Token[]) {}

  protected peek(ahead = 0): Token {
    const i = Math.min(this.index + ahead, this.tokens.length - 1);
    return this.tokens[i]!;
  }

  protected next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  protected isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'word' && t.upper === word;
  }

  protected acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  protected expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail(`keyword ${word}`);
    return this.next();
  }

  protected isSymbol(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'symbol' && t.value === symbol;
  }

  protected acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.next();
    return true;
  }

  protected expectSymbol(symbol: string): Token {
    if (!this.isSymbol(symbol)) this.fail(`"${symbol}"`);
    return this.next();
  }

  /** True at the end of a statement (`;` or end of input). */
  protected atStatementEnd(ahead = 0): boolean {
    return this.peek(ahead).type === 'eof' || this.isSymbol(';', ahead);
  }

  protected fail(expected: string, token: Token = this.peek()): never {
    throw new ParseAbort(syntaxError(token.pos, expected, describeToken(token)));
  }

  protected failProblem(problem: string, token: Token = this.peek()): never {
    throw new ParseAbort(syntaxProblem(token.pos, problem, describeToken(token)));
  }

  /** Call on entering a nested construct, paired with `leave`; fails past NESTING_DEPTH_MAX. */
  protected enter(): void {
    this.depth++;
    if (this.depth > NESTING_DEPTH_MAX) {
      this.failProblem(`the statement nests more than ${NESTING_DEPTH_MAX} levels deep`);
    }
  }

  protected leave(): void {
    this.depth--;
  }

  /** A back-quoted name or a word that is not reserved. */
  protected isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'quotedIdent' || (t.type === 'word' && !isReserved(t.upper));
  }

  protected identifier(what = 'an identifier'): Ident {
    if (!this.isIdentifier()) this.fail(what);
    return identFrom(this.next());
  }

  /** Any word (reserved or not) or back-quoted name: for option names and SET values. */
  protected anyWord(what: string): Ident {
    const t = this.peek();
    if (t.type !== 'word' && t.type !== 'quotedIdent') this.fail(what);
    return identFrom(this.next());
  }
}

export function identFrom(token: Token): Ident {
  return { kind: 'ident', name: token.value, quoted: token.type === 'quotedIdent', pos: token.pos };
}
