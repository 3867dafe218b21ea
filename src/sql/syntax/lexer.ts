/**
 * Turns SQL text into tokens. Comments (`-- ...` to end of line, `/* ... *\/`) and whitespace are
 * dropped. Numbers keep their digits as text so the parser can fold a sign and check the int64
 * range afterwards (`-9223372036854775808` is valid, `9223372036854775808` is not).
 */
import type { SourcePos } from './ast.js';
import { type ParseResult, type SqlSyntaxError, syntaxProblem } from './syntax-error.js';
import type { Token, TokenType } from './token.js';

/** Longest SQL text accepted, in UTF-16 code units. */
export const SQL_TEXT_CHARS_MAX = 16 * 1024 * 1024;

const TWO_CHAR_SYMBOLS = new Set(['==', '!=', '<>', '<=', '>=', '<<', '>>', '||']);
const ONE_CHAR_SYMBOLS = new Set([...'+-*/%=<>&|^~!(),.;[]?:']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isWordStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isWordPart(c: string | undefined): boolean {
  return isWordStart(c) || isDigit(c);
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

class LexFailure {
  constructor(readonly error: SqlSyntaxError) {}
}

class Lexer {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly src: string) {}

  run(): readonly Token[] {
    for (;;) {
      this.skipSpaceAndComments();
      if (this.offset >= this.src.length) break;
      this.tokens.push(this.token());
    }
    this.tokens.push({ type: 'eof', value: '', upper: '', image: '', pos: this.here() });
    return this.tokens;
  }

  private here(): SourcePos {
    return { offset: this.offset, line: this.line, column: this.offset - this.lineStart + 1 };
  }

  private fail(pos: SourcePos, problem: string, found: string): never {
    throw new LexFailure(syntaxProblem(pos, problem, found));
  }

  /** Moves past `count` characters, keeping line accounting. */
  private advance(count: number): void {
    const end = Math.min(this.src.length, this.offset + count);
    for (let i = this.offset; i < end; i++) {
      if (this.src.charCodeAt(i) === 10) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.offset = end;
  }

  private skipSpaceAndComments(): void {
    const src = this.src;
    for (;;) {
      const c = src[this.offset];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.advance(1);
      } else if (c === '-' && src[this.offset + 1] === '-') {
        const nl = src.indexOf('\n', this.offset);
        this.advance((nl < 0 ? src.length : nl) - this.offset);
      } else if (c === '/' && src[this.offset + 1] === '*') {
        const start = this.here();
        const close = src.indexOf('*/', this.offset + 2);
        if (close < 0) this.fail(start, 'unterminated comment: "/*" has no closing "*/"', 'end of input');
        this.advance(close + 2 - this.offset);
      } else {
        return;
      }
    }
  }

  private make(type: TokenType, start: SourcePos, value: string, suffix?: string): Token {
    const image = this.src.slice(start.offset, this.offset);
    const upper = type === 'word' ? value.toUpperCase() : value;
    return suffix === undefined
      ? { type, value, upper, image, pos: start }
      : { type, value, upper, image, suffix, pos: start };
  }

  private token(): Token {
    const src = this.src;
    const start = this.here();
    const c = src[this.offset]!;
    if (isWordStart(c)) {
      let end = this.offset + 1;
      while (isWordPart(src[end])) end++;
      const value = src.slice(this.offset, end);
      this.advance(end - this.offset);
      return this.make('word', start, value);
    }
    if (isDigit(c) || (c === '.' && isDigit(src[this.offset + 1]) && !this.followsName())) {
      return this.number(start);
    }
    if (c === "'" || c === '"') {
      return this.make('string', start, this.quoted(start, c, 'string'));
    }
    if (c === '`') {
      const name = this.quoted(start, '`', 'identifier');
      if (name === '') this.fail(start, 'empty back-quoted identifier', '``');
      return this.make('quotedIdent', start, name);
    }
    if (c === '@' && src[this.offset + 1] === '@') {
      let end = this.offset + 2;
      while (isWordPart(src[end]) || (src[end] === '.' && isWordStart(src[end + 1]))) end++;
      const name = src.slice(this.offset + 2, end);
      if (name === '' || !isWordStart(name[0])) this.fail(start, 'expected a variable name after "@@"', '"@@"');
      this.advance(end - this.offset);
      return this.make('variable', start, name);
    }
    const two = src.slice(this.offset, this.offset + 2);
    if (TWO_CHAR_SYMBOLS.has(two)) {
      this.advance(2);
      return this.make('symbol', start, two);
    }
    if (ONE_CHAR_SYMBOLS.has(c)) {
      this.advance(1);
      return this.make('symbol', start, c);
    }
    const shown = JSON.stringify(String.fromCodePoint(src.codePointAt(this.offset)!));
    return this.fail(start, `unexpected character ${shown}`, `character ${shown}`);
  }

  /** A `.` right after a name, `)` or `]` is a path dot, not the start of `.5`. */
  private followsName(): boolean {
    const prev = this.tokens[this.tokens.length - 1];
    if (prev === undefined || prev.pos.offset + prev.image.length !== this.offset) return false;
    return prev.type === 'word' || prev.type === 'quotedIdent' || prev.value === ')' || prev.value === ']';
  }

  private number(start: SourcePos): Token {
    const src = this.src;
    let i = this.offset;
    while (isDigit(src[i])) i++;
    let decimal = false;
    if (src[i] === '.' && (isDigit(src[i + 1]) || !isWordStart(src[i + 1]))) {
      decimal = true;
      i++;
      while (isDigit(src[i])) i++;
    }
    if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1]) || ((src[i + 1] === '+' || src[i + 1] === '-') && isDigit(src[i + 2])))) {
      decimal = true;
      i += 2;
      while (isDigit(src[i])) i++;
    }
    const digits = src.slice(this.offset, i);
    let type: TokenType = decimal ? 'decimal' : 'integer';
    let suffix: string | undefined;
    const s = src[i];
    if ((s === 'L' || s === 'l') && !decimal) {
      suffix = 'L';
      i++;
    } else if (s === 'F' || s === 'f') {
      type = 'decimal';
      suffix = 'F';
      i++;
    } else if (s !== undefined && 'smhdSMHD'.includes(s) && !decimal) {
      type = 'interval';
      suffix = s.toLowerCase();
      i++;
    }
    if (isWordPart(src[i]) || src[i] === '`') {
      let end = i;
      while (isWordPart(src[end])) end++;
      const text = src.slice(this.offset, Math.max(end, i + 1));
      this.fail(start, `missing whitespace between literal and identifier in "${text}"`, `"${text}"`);
    }
    this.advance(i - this.offset);
    return this.make(type, start, digits, suffix);
  }

  /** Reads a quoted string or identifier starting at the opening quote; returns its decoded text. */
  private quoted(start: SourcePos, quote: string, what: string): string {
    const src = this.src;
    let i = this.offset + 1;
    let out = '';
    for (;;) {
      if (i >= src.length) {
        this.fail(start, `unterminated ${what}: ${quote} has no closing ${quote}`, 'end of input');
      }
      const c = src[i]!;
      if (c === quote) break;
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const escaped = this.escape(i);
      out += escaped.text;
      i += escaped.length;
    }
    this.advance(i + 1 - this.offset);
    return out;
  }

  /** Decodes the escape sequence whose backslash is at `i`. */
  private escape(i: number): { text: string; length: number } {
    const src = this.src;
    const c = src[i + 1];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '?': '?',
      '"': '"',
      "'": "'",
      '`': '`',
      // As in MySQL, \% and \_ keep their backslash so LIKE patterns can escape wildcards.
      '%': '\\%',
      _: '\\_',
    };
    if (c !== undefined && Object.hasOwn(simple, c)) return { text: simple[c]!, length: 2 };
    if (c !== undefined && c >= '0' && c <= '7') {
      let end = i + 1;
      while (end < i + 4 && src[end] !== undefined && src[end]! >= '0' && src[end]! <= '7') end++;
      return { text: String.fromCharCode(Number.parseInt(src.slice(i + 1, end), 8)), length: end - i };
    }
    const hexDigits = c === 'x' || c === 'X' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexDigits > 0) {
      const hex = src.slice(i + 2, i + 2 + hexDigits);
      const code = Number.parseInt(hex, 16);
      if (hex.length === hexDigits && [...hex].every(isHex) && code <= 0x10ffff) {
        return { text: String.fromCodePoint(code), length: 2 + hexDigits };
      }
    }
    const pos = this.posAt(i);
    const seq = c === undefined ? '\\' : `\\${c}`;
    return this.fail(pos, `illegal escape sequence "${seq}"`, `"${seq}"`);
  }

  private posAt(offset: number): SourcePos {
    let line = this.line;
    let lineStart = this.lineStart;
    for (let i = this.offset; i < offset; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { offset, line, column: offset - lineStart + 1 };
  }
}

/** Splits `sql` into tokens, ending with an `eof` token. */
export function tokenize(sql: string): ParseResult<readonly Token[]> {
  if (sql.length > SQL_TEXT_CHARS_MAX) {
    return syntaxProblem(
      { offset: 0, line: 1, column: 1 },
      `SQL text is ${sql.length} characters long; the limit is ${SQL_TEXT_CHARS_MAX}`,
      'SQL text',
    );
  }
  try {
    return { ok: true, value: new Lexer(sql).run() };
  } catch (e) {
    if (e instanceof LexFailure) return e.error;
    throw e;
  }
}
