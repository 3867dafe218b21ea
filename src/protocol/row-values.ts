/**
 * Value checks for the row codec: which JS values each column type accepts (see the Value
 * representation in schema.ts), dates as packed integers, and the wording of the errors.
 */
import type { ColumnDesc, Value } from './schema.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DATE_YEAR_MIN = 1900;
export const DATE_YEAR_MAX = 9999;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    year >= DATE_YEAR_MIN &&
    year <= DATE_YEAR_MAX &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** 'YYYY-MM-DD' → (year-1900)<<16 | (month-1)<<8 | day, or -1 when it is not a real date from 1900 on. */
export function packDate(text: string): number {
  const m = DATE_RE.exec(text);
  if (m === null) return -1;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!isValidDate(year, month, day)) return -1;
  return ((year - DATE_YEAR_MIN) << 16) | ((month - 1) << 8) | day;
}

/** Whether a packed date from a row is a real date (validateRow rejects the others). */
export function isValidPackedDate(packed: number): boolean {
  return isValidDate((packed >> 16) + DATE_YEAR_MIN, ((packed >> 8) & 0xff) + 1, packed & 0xff);
}

export function unpackDate(packed: number): string {
  const year = (packed >> 16) + DATE_YEAR_MIN;
  const month = ((packed >> 8) & 0xff) + 1;
  const day = packed & 0xff;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Short description of a value for error messages: `string "abc"`, `number 1.5`, `NULL`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'NULL';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string': {
      const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof v} ${String(v)}`;
    default:
      return Array.isArray(v) ? 'array' : typeof v;
  }
}

function expects(col: ColumnDesc, v: unknown, why = ''): string {
  return `column '${col.name}' expects ${col.type}, got ${describeValue(v)}${why}`;
}

function intRangeError(col: ColumnDesc, v: unknown, min: number, max: number): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return expects(col, v);
  if (v < min || v > max) return expects(col, v, ` (out of range ${min}..${max})`);
  return undefined;
}

/**
 * Why `v` cannot be stored in `col` (NULL included: NOT NULL columns refuse it), or undefined
 * when it can. Strings are checked for UTF-8 by the encoder, which measures them anyway.
 */
export function valueError(col: ColumnDesc, v: Value): string | undefined {
  if (v === null) return col.notNull ? `column '${col.name}' is NOT NULL, got NULL` : undefined;
  switch (col.type) {
    case 'bool':
      return typeof v === 'boolean' ? undefined : expects(col, v);
    case 'smallint':
      return intRangeError(col, v, -32768, 32767);
    case 'int':
      return intRangeError(col, v, -2147483648, 2147483647);
    case 'bigint':
      if (typeof v === 'bigint') {
        return v < INT64_MIN || v > INT64_MAX ? expects(col, v, ' (out of the int64 range)') : undefined;
      }
      if (typeof v === 'number' && Number.isSafeInteger(v)) return undefined;
      return expects(col, v, typeof v === 'number' ? ' (not a safe integer; pass a bigint)' : '');
    case 'timestamp':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return undefined;
      if (typeof v === 'bigint') {
        return v < BigInt(Number.MIN_SAFE_INTEGER) || v > BigInt(Number.MAX_SAFE_INTEGER)
          ? expects(col, v, ' (outside the safe integer range of milliseconds)')
          : undefined;
      }
      return expects(col, v, typeof v === 'number' ? ' (not an integer number of milliseconds)' : '');
    case 'float':
    case 'double':
      return typeof v === 'number' ? undefined : expects(col, v);
    case 'date':
      if (typeof v !== 'string') return expects(col, v);
      return packDate(v) < 0 ? expects(col, v, ` (not a real date 'YYYY-MM-DD' from ${DATE_YEAR_MIN} on)`) : undefined;
    case 'string':
      return typeof v === 'string' ? undefined : expects(col, v);
  }
}
