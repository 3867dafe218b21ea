/** Tokens produced by the lexer. */
import type { SourcePos } from './ast.js';
import { isReserved } from './keywords.js';

export type TokenType =
  /** A bare word: keyword or name. `value` is the word as written, `upper` its upper-case form. */
  | 'word'
  /** A back-quoted name; `value` has the quotes removed and escapes decoded. */
  | 'quotedIdent'
  /** An integer without a unit; `value` holds the digits, `suffix` is 'L' for a BIGINT literal. */
  | 'integer'
  /** A decimal or exponent number; `suffix` is 'F' for a FLOAT literal (also on integers: `1f`). */
  | 'decimal'
  /** `10s`, `5m`, `3h`, `2d`; `value` holds the digits, `suffix` the lower-case unit. */
  | 'interval'
  /** A quoted string; `value` has escapes decoded. */
  | 'string'
  /** `@@name` or `@@scope.name`; `value` is the text after `@@`. */
  | 'variable'
  /** Punctuation or an operator symbol; `value` is the symbol (`==`, `<>`, `(`, `?`, ...). */
  | 'symbol'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** Upper-case `value` for words (keyword matching), otherwise `value`. */
  readonly upper: string;
  /** Exact source text. */
  readonly image: string;
  readonly suffix?: string;
  readonly pos: SourcePos;
}

/** How a token is named in an error message. */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of input';
    case 'word':
      return isReserved(token.upper) ? `keyword ${token.upper}` : `"${token.value}"`;
    case 'quotedIdent':
      return `identifier ${token.image}`;
    case 'string':
      return `string literal ${shorten(token.image)}`;
    case 'integer':
    case 'decimal':
    case 'interval':
      return `literal ${token.image}`;
    case 'variable':
      return `variable ${token.image}`;
    case 'symbol':
      return `"${token.value}"`;
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
