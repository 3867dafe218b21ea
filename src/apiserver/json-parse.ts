/**
 * A lossless JSON reader for request bodies (sql.md §6): integers are read as `bigint`, so an
 * int64 such as 9223372036854775807 arrives exact; numbers with a fraction or an exponent are
 * doubles (`number`), so a handler can tell `1` from `1.0` as the reference's typed checks do.
 * The non-standard tokens `NaN`, `Inf`, `Infinity` (optionally after `-`) are accepted.
 *
 * Failures carry the reference parser's numbering of parse errors (clients see
 * "Json parse failed, error code: N"), the offset where parsing stopped and a description.
 * Objects keep their first value for a repeated name. Nesting is bounded by `JSON_DEPTH_MAX`.
 */

export type Json = null | boolean | number | bigint | string | readonly Json[] | JsonObject;
export type JsonObject = ReadonlyMap<string, Json>;

/** Parse error numbers, as the reference's JSON library numbers them. */
export const JsonErrorCode = {
  documentEmpty: 1,
  rootNotSingular: 2,
  valueInvalid: 3,
  objectMissName: 4,
  objectMissColon: 5,
  objectMissCommaOrCurlyBracket: 6,
  arrayMissCommaOrSquareBracket: 7,
  stringUnicodeEscapeInvalidHex: 8,
  stringUnicodeSurrogateInvalid: 9,
  stringEscapeInvalid: 10,
  stringMissQuotationMark: 11,
  stringInvalidEncoding: 12,
  numberTooBig: 13,
  numberMissFraction: 14,
  numberMissExponent: 15,
  termination: 16,
} as const;

/** Deepest nesting of arrays and objects accepted. */
export const JSON_DEPTH_MAX = 256;

export interface JsonParseError {
  readonly ok: false;
  readonly code: number;
  readonly offset: number;
  readonly description: string;
}

export type JsonParseResult = { readonly ok: true; readonly value: Json } | JsonParseError;

export function isJsonObject(v: Json | undefined): v is JsonObject {
  return v instanceof Map;
}

export function isJsonArray(v: Json | undefined): v is readonly Json[] {
  return Array.isArray(v);
}

/** Thrown inside the parser only; turned into a JsonParseError at the top. */
class Stop {
  constructor(
    readonly code: number,
    readonly offset: number,
    readonly description: string,
  ) {}
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses UTF-8 bytes (invalid UTF-8 is an encoding error) or an already decoded string. */
export function parseJson(input: Uint8Array | string): JsonParseResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      return { ok: false, code: JsonErrorCode.stringInvalidEncoding, offset: 0, description: 'the body is not valid UTF-8' };
    }
  }
  try {
    return { ok: true, value: new Reader(text).document() };
  } catch (e) {
    if (e instanceof Stop) return { ok: false, code: e.code, offset: e.offset, description: e.description };
    throw e;
  }
}

/** "description at offset N" for messages that show the detail. */
export function describeJsonError(e: JsonParseError): string {
  return `${e.description} at offset ${e.offset} (error code ${e.code})`;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  private stop(code: number, description: string, at = this.pos): never {
    throw new Stop(code, at, description);
  }

  private skipSpace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === TAB || c === LF || c === CR) p++;
      else break;
    }
    this.pos = p;
  }

  private peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  document(): Json {
    this.skipSpace();
    if (this.pos >= this.text.length) this.stop(JsonErrorCode.documentEmpty, 'the document is empty');
    const value = this.value(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.stop(JsonErrorCode.rootNotSingular, 'unexpected text after the document');
    return value;
  }

  private value(depth: number): Json {
    switch (this.text[this.pos]) {
      case 'n':
        return this.literal('null', null);
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case '"':
        return this.string();
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      default:
        return this.number();
    }
  }

  private literal<T extends Json>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.stop(JsonErrorCode.valueInvalid, `invalid value (expected ${word})`);
    this.pos += word.length;
    return value;
  }

  private enter(depth: number): void {
    if (depth > JSON_DEPTH_MAX) this.stop(JsonErrorCode.termination, `nesting deeper than ${JSON_DEPTH_MAX} levels`);
    this.pos++;
    this.skipSpace();
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const out = new Map<string, Json>();
    if (this.peek() === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.peek() !== QUOTE) this.stop(JsonErrorCode.objectMissName, 'expected a quoted member name');
      const name = this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) this.stop(JsonErrorCode.objectMissColon, `expected ':' after member name "${name}"`);
      this.pos++;
      this.skipSpace();
      const v = this.value(depth);
      if (!out.has(name)) out.set(name, v);
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        this.skipSpace();
      } else if (c === 0x7d) {
        this.pos++;
        return out;
      } else this.stop(JsonErrorCode.objectMissCommaOrCurlyBracket, "expected ',' or '}' after an object member");
    }
  }

  private array(depth: number): Json[] {
    this.enter(depth);
    const out: Json[] = [];
    if (this.peek() === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.peek();
      if (c === 0x2c) {
        this.pos++;
        this.skipSpace();
      } else if (c === 0x5d) {
        this.pos++;
        return out;
      } else this.stop(JsonErrorCode.arrayMissCommaOrSquareBracket, "expected ',' or ']' after an array element");
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let chunkStart = p;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(p);
      if (Number.isNaN(c)) this.stop(JsonErrorCode.stringMissQuotationMark, 'string without a closing quotation mark', start);
      if (c === QUOTE) {
        out += t.slice(chunkStart, p);
        this.pos = p + 1;
        return out;
      }
      if (c < 0x20) this.stop(JsonErrorCode.stringInvalidEncoding, 'control character in a string', p);
      if (c === BACKSLASH) {
        out += t.slice(chunkStart, p);
        const e = t[p + 1];
        if (e === 'u') {
          const unit = this.hex4(p + 2);
          p += 6;
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (t[p] !== '\\' || t[p + 1] !== 'u') this.stop(JsonErrorCode.stringUnicodeSurrogateInvalid, 'high surrogate without a low one', p);
            const low = this.hex4(p + 2);
            if (low < 0xdc00 || low > 0xdfff) this.stop(JsonErrorCode.stringUnicodeSurrogateInvalid, 'invalid low surrogate', p);
            p += 6;
            out += String.fromCharCode(unit, low);
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.stop(JsonErrorCode.stringUnicodeSurrogateInvalid, 'low surrogate without a high one', p - 6);
          } else out += String.fromCharCode(unit);
        } else {
          const replacement = e === undefined ? undefined : ESCAPES[e];
          if (replacement === undefined) this.stop(JsonErrorCode.stringEscapeInvalid, 'invalid escape in a string', p);
          out += replacement;
          p += 2;
        }
        chunkStart = p;
        continue;
      }
      p++;
    }
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.stop(JsonErrorCode.stringUnicodeEscapeInvalidHex, 'invalid hex digits after \\u', at);
    return Number.parseInt(digits, 16);
  }

  private number(): number | bigint {
    const t = this.text;
    const start = this.pos;
    let p = start;
    const negative = t.charCodeAt(p) === MINUS;
    if (negative) p++;
    const c0 = t.charCodeAt(p);
    if (c0 === 0x4e /* N */) {
      if (!t.startsWith('NaN', p)) this.stop(JsonErrorCode.valueInvalid, 'invalid value', start);
      this.pos = p + 3;
      return Number.NaN;
    }
    if (c0 === 0x49 /* I */) {
      if (!t.startsWith('Inf', p)) this.stop(JsonErrorCode.valueInvalid, 'invalid value', start);
      p += 3;
      if (t[p] === 'i') {
        if (!t.startsWith('inity', p)) this.stop(JsonErrorCode.valueInvalid, 'invalid value', start);
        p += 5;
      }
      this.pos = p;
      return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
    if (!isDigit(c0)) this.stop(JsonErrorCode.valueInvalid, 'invalid value', start);
    if (c0 === ZERO) p++;
    else while (isDigit(t.charCodeAt(p))) p++;
    let integral = true;
    if (t.charCodeAt(p) === DOT) {
      integral = false;
      p++;
      if (!isDigit(t.charCodeAt(p))) this.stop(JsonErrorCode.numberMissFraction, 'missing digits after the decimal point', p);
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const e = t.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      integral = false;
      p++;
      const sign = t.charCodeAt(p);
      if (sign === PLUS || sign === MINUS) p++;
      if (!isDigit(t.charCodeAt(p))) this.stop(JsonErrorCode.numberMissExponent, 'missing digits in the exponent', p);
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const token = t.slice(start, p);
    this.pos = p;
    const asDouble = Number(token);
    if (!Number.isFinite(asDouble)) this.stop(JsonErrorCode.numberTooBig, 'number too big to be stored in a double', start);
    return integral ? BigInt(token) : asDouble;
  }
}
