/**
 * CAST(x AS t), the cast functions (int(x), string(x), ...) and the implicit conversions to a
 * common type. Casting NULL gives NULL. Conversions that cannot represent the value give NULL
 * rather than failing (text that is not a number, a negative number as a timestamp, a date as a
 * number); conversions the reference rejects at compile time (a number or bool to date,
 * anything to or from list/map) are reported by `resolveCast`.
 */
import { assert } from '../../base/assert.js';
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import { isPrimitive, type PrimitiveType, type SqlType, type SqlValue, sameType, typeName } from '../types.js';
import { dateToTimestamp, parseDateText, parseTimestampText, timestampToDate } from './calendar.js';
import { fromBigInt, fromDouble, toDouble } from './numeric.js';
import { valueToString } from './to-string.js';

export type Converter = (v: SqlValue) => SqlValue;

const TRUE_WORDS = new Set(['t', 'true', '1', 'y', 'yes']);
const FALSE_WORDS = new Set(['f', 'false', '0', 'n', 'no']);

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
};

const INTEGER_RANGE: Readonly<Record<'smallint' | 'int' | 'bigint', readonly [bigint, bigint]>> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Bool of text: t/true/1/y/yes and f/false/0/n/no (case-insensitive); anything else is NULL. */
export function parseBoolText(text: string): boolean | null {
  const s = text.toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

/** Integer of decimal text within the type's range, else NULL. */
export function parseIntegerText(text: string, type: 'smallint' | 'int' | 'bigint'): Value {
  const s = text.trim();
  if (!INTEGER_TEXT.test(s)) return null;
  const n = BigInt(s);
  const [lo, hi] = INTEGER_RANGE[type];
  if (n < lo || n > hi) return null;
  return fromBigInt(n, type);
}

/** Double of decimal text (also inf/nan), else NULL. */
export function parseFloatText(text: string): number | null {
  const s = text.trim();
  if (FLOAT_TEXT.test(s)) return Number(s);
  const special = SPECIAL_FLOATS[s.toLowerCase()];
  return special ?? null;
}

/** Converter between primitive types; undefined when the reference rejects the cast. */
function primitiveConverter(from: PrimitiveType, to: PrimitiveType): ((v: Value) => Value) | undefined {
  if (from === 'null') return () => null;
  if (from === to) return (v) => v;
  switch (to) {
    case 'null':
      return undefined;
    case 'string':
      return (v) => valueToString(v, from);
    case 'bool':
      return toBool(from);
    case 'smallint':
    case 'int':
    case 'bigint':
      return toIntegral(from, to);
    case 'float':
    case 'double':
      return toFloating(from, to);
    case 'timestamp':
      return toTimestamp(from);
    case 'date':
      return toDate(from);
  }
}

function toBool(from: Exclude<PrimitiveType, 'null'>): (v: Value) => Value {
  switch (from) {
    case 'string':
      return (v) => parseBoolText(v as string);
    case 'date':
      return () => null;
    case 'bigint':
      return (v) => v !== 0n;
    default:
      return (v) => toDouble(v) !== 0;
  }
}

function toIntegral(from: Exclude<PrimitiveType, 'null'>, to: 'smallint' | 'int' | 'bigint'): (v: Value) => Value {
  switch (from) {
    case 'string':
      return (v) => parseIntegerText(v as string, to);
    case 'date':
      return () => null;
    case 'float':
    case 'double':
      return (v) => fromDouble(v as number, to);
    case 'bigint':
      return (v) => fromBigInt(v as bigint, to);
    case 'bool':
      return (v) => fromBigInt(v ? 1n : 0n, to);
    default:
      return (v) => fromBigInt(BigInt(v as number), to);
  }
}

function toFloating(from: Exclude<PrimitiveType, 'null'>, to: 'float' | 'double'): (v: Value) => Value {
  switch (from) {
    case 'string':
      return (v) => {
        const x = parseFloatText(v as string);
        return x === null ? null : fromDouble(x, to);
      };
    case 'date':
      return () => null;
    default:
      return (v) => fromDouble(toDouble(v), to);
  }
}

function toTimestamp(from: Exclude<PrimitiveType, 'null'>): ((v: Value) => Value) | undefined {
  switch (from) {
    case 'string':
      return (v) => parseTimestampText(v as string) ?? null;
    case 'date':
      return (v) => dateToTimestamp(v as string);
    case 'bool':
      return (v) => (v ? 1 : 0);
    case 'float':
    case 'double':
      return (v) => ((v as number) < 0 || Number.isNaN(v) ? null : Number(fromDouble(v as number, 'bigint')));
    default:
      return (v) => {
        const x = toDouble(v);
        return x < 0 ? null : x;
      };
  }
}

function toDate(from: Exclude<PrimitiveType, 'null'>): ((v: Value) => Value) | undefined {
  switch (from) {
    case 'string':
      return (v) => parseDateText(v as string) ?? null;
    case 'timestamp':
      return (v) => timestampToDate(v as number);
    default:
      return undefined;
  }
}

/**
 * Converter for CAST(x AS to) from a value of type `from`, or a failure when the reference
 * rejects the cast at compile time.
 */
export function resolveCast(from: SqlType, to: SqlType): Result<Converter> {
  if (from === 'null') return ok(() => null);
  if (sameType(from, to)) return ok((v) => v);
  if (isPrimitive(from) && isPrimitive(to)) {
    const conv = primitiveConverter(from, to);
    if (conv !== undefined) return ok((v) => (v === null ? null : conv(v as Value)));
  }
  return fail(Code.sqlTypeError, `cannot cast ${typeName(from)} to ${typeName(to)}`);
}

/** Like `resolveCast`, for callers that already checked the cast is allowed. */
export function converter(from: SqlType, to: SqlType): Converter {
  const r = resolveCast(from, to);
  assert(r.ok, `converter: ${r.ok ? '' : r.message}`);
  return r.value;
}
