import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Json, JSON_DEPTH_MAX, JsonErrorCode, parseJson } from './json-parse.js';
import { writeJson, type JsonOut } from './json-write.js';

function parsed(text: string | Uint8Array): Json {
  const r = parseJson(text);
  if (!r.ok) throw new Error(`parse failed: ${r.description} at ${r.offset}`);
  return r.value;
}

function errorCode(text: string | Uint8Array): number {
  const r = parseJson(text);
  if (r.ok) throw new Error(`expected ${String(text)} to fail`);
  return r.code;
}

/** Plain JS value of a parsed document (bigint → number), to compare with JSON.parse. */
function plain(v: Json): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, m]) => [k, plain(m)]));
  return v;
}

function hasInfinity(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasInfinity);
  return false;
}

describe('parseJson', () => {
  it('reads integers as bigint (exact int64) and fractions/exponents as doubles', () => {
    expect(parsed('9223372036854775807')).toBe(9223372036854775807n);
    expect(parsed('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parsed('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(parsed('1')).toBe(1n);
    expect(parsed('1.0')).toBe(1);
    expect(parsed('1e3')).toBe(1000);
    expect(parsed('-2.5E-3')).toBe(-0.0025);
    expect(parsed('0')).toBe(0n);
  });

  it('accepts NaN, Inf, Infinity and their negatives', () => {
    expect(parsed('NaN')).toBeNaN();
    expect(parsed('-NaN')).toBeNaN();
    expect(parsed('Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parsed('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parsed('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parsed('[-Infinity, 1]')).toEqual([Number.NEGATIVE_INFINITY, 1n]);
  });

  it('reads objects as maps in order, first value of a repeated name kept', () => {
    const v = parsed(' { "b" : [1, "x", null, true, false], "a": {}, "b": 2 } ');
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<string, Json>;
    expect([...m.keys()]).toEqual(['b', 'a']);
    expect(m.get('b')).toEqual([1n, 'x', null, true, false]);
    expect(m.get('a')).toEqual(new Map());
  });

  it('decodes string escapes and surrogate pairs, and UTF-8 bytes', () => {
    expect(parsed('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"')).toBe('a"b\\c/d\b\f\n\r\té😀');
    expect(parsed(new TextEncoder().encode('"héllo 世界"'))).toBe('héllo 世界');
  });

  it('numbers its errors as the reference parser does', () => {
    expect(errorCode('')).toBe(JsonErrorCode.documentEmpty);
    expect(errorCode('  \n')).toBe(JsonErrorCode.documentEmpty);
    expect(errorCode('1 2')).toBe(JsonErrorCode.rootNotSingular);
    expect(errorCode('01')).toBe(JsonErrorCode.rootNotSingular);
    expect(errorCode('nul')).toBe(JsonErrorCode.valueInvalid);
    expect(errorCode('[+1]')).toBe(JsonErrorCode.valueInvalid);
    expect(errorCode('Infx')).toBe(JsonErrorCode.rootNotSingular);
    expect(errorCode('Infin')).toBe(JsonErrorCode.valueInvalid);
    expect(errorCode("{'a':1}")).toBe(JsonErrorCode.objectMissName);
    expect(errorCode('{"a":1,}')).toBe(JsonErrorCode.objectMissName);
    expect(errorCode('{"a" 1}')).toBe(JsonErrorCode.objectMissColon);
    expect(errorCode('{"a":1 "b":2}')).toBe(JsonErrorCode.objectMissCommaOrCurlyBracket);
    expect(errorCode('[1 2]')).toBe(JsonErrorCode.arrayMissCommaOrSquareBracket);
    expect(errorCode('[1,')).toBe(JsonErrorCode.valueInvalid);
    expect(errorCode('[1')).toBe(JsonErrorCode.arrayMissCommaOrSquareBracket);
    expect(errorCode('"\\u12g4"')).toBe(JsonErrorCode.stringUnicodeEscapeInvalidHex);
    expect(errorCode('"\\ud800x"')).toBe(JsonErrorCode.stringUnicodeSurrogateInvalid);
    expect(errorCode('"\\udc00"')).toBe(JsonErrorCode.stringUnicodeSurrogateInvalid);
    expect(errorCode('"\\x"')).toBe(JsonErrorCode.stringEscapeInvalid);
    expect(errorCode('"abc')).toBe(JsonErrorCode.stringMissQuotationMark);
    expect(errorCode('"a\u0001b"')).toBe(JsonErrorCode.stringInvalidEncoding);
    expect(errorCode(new Uint8Array([0x22, 0xff, 0x22]))).toBe(JsonErrorCode.stringInvalidEncoding);
    expect(errorCode('1e400')).toBe(JsonErrorCode.numberTooBig);
    expect(errorCode(`1${'0'.repeat(400)}`)).toBe(JsonErrorCode.numberTooBig);
    expect(errorCode('1.')).toBe(JsonErrorCode.numberMissFraction);
    expect(errorCode('1.e5')).toBe(JsonErrorCode.numberMissFraction);
    expect(errorCode('1e')).toBe(JsonErrorCode.numberMissExponent);
    expect(errorCode('1e+')).toBe(JsonErrorCode.numberMissExponent);
  });

  it('reports where it stopped', () => {
    const r = parseJson('{"a": [1, 2,, 3]}');
    expect(r).toMatchObject({ ok: false, code: JsonErrorCode.valueInvalid, offset: 12 });
  });

  it('bounds nesting', () => {
    expect(parsed(`${'['.repeat(JSON_DEPTH_MAX)}${']'.repeat(JSON_DEPTH_MAX)}`)).toBeInstanceOf(Array);
    expect(errorCode(`${'['.repeat(JSON_DEPTH_MAX + 1)}${']'.repeat(JSON_DEPTH_MAX + 1)}`)).toBe(JsonErrorCode.termination);
    expect(errorCode('['.repeat(100_000))).toBe(JsonErrorCode.termination);
  });

  it('agrees with JSON.parse on standard documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(plain(parsed(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('fails exactly where JSON.parse fails, on mutated documents', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', 'x', '0', '-', '.', 'e'), (text, at, insert) => {
        const pos = text.length === 0 ? 0 : at % (text.length + 1);
        const mutated = text.slice(0, pos) + insert + text.slice(pos);
        let standard = true;
        try {
          // A number past the double range is an error here (as in the reference), Infinity there.
          standard = !hasInfinity(JSON.parse(mutated));
        } catch {
          standard = false;
        }
        expect(parseJson(mutated).ok).toBe(standard);
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every int64 exactly after writing it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
        const doc: JsonOut = { value: [[n, 'x']] };
        const back = parsed(writeJson(doc)) as Map<string, Json>;
        expect((back.get('value') as Json[][])[0]![0]).toBe(n);
      }),
    );
  });
});
