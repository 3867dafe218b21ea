/**
 * Case-file scalars are strings (failsafe YAML); they become values only once a column type is
 * known, as in the reference runner: `null`/`NULL` is SQL NULL, int64 stays exact (bigint), dates
 * are `yyyy-mm-dd`, timestamps are epoch milliseconds, bools are `true`/`false`.
 */
import type { Result } from '../base/status.js';
import { Code, fail, ok } from '../base/status.js';
import type { ColumnType, Value } from '../protocol/schema.js';

const INT_RANGE: Readonly<Record<'smallint' | 'int', readonly [number, number]>> = {
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

export function isNullText(raw: string): boolean {
  return raw.trim().toLowerCase() === 'null';
}

/** Converts one case-file scalar to the value of a column of `type`. */
export function parseValue(raw: string, type: ColumnType): Result<Value> {
  if (isNullText(raw)) return ok(null);
  const text = type === 'string' ? raw : raw.trim();
  const bad = (what: string) => fail(Code.invalidParameter, `value '${raw}' is not ${what} (column type ${type})`);
  switch (type) {
    case 'string':
      return ok(text);
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return ok(true);
      if (lower === 'false' || lower === '0') return ok(false);
      return bad('true or false');
    }
    case 'smallint':
    case 'int': {
      if (!INTEGER.test(text)) return bad('an integer');
      const n = Number(text);
      const [lo, hi] = INT_RANGE[type];
      return n >= lo && n <= hi ? ok(n) : bad(`within [${lo}, ${hi}]`);
    }
    case 'bigint': {
      if (!INTEGER.test(text)) return bad('an integer');
      const n = BigInt(text);
      return n >= INT64_MIN && n <= INT64_MAX ? ok(n) : bad('within the int64 range');
    }
    case 'timestamp': {
      if (!INTEGER.test(text)) return bad('epoch milliseconds');
      const n = Number(text);
      return Number.isSafeInteger(n) ? ok(n) : bad('a safe integer of milliseconds');
    }
    case 'float':
    case 'double': {
      const n = parseFloating(text);
      if (n === undefined) return bad('a number');
      return ok(type === 'float' ? Math.fround(n) : n);
    }
    case 'date': {
      const m = DATE.exec(text);
      if (!m) return bad('a yyyy-mm-dd date');
      const month = Number(m[2]);
      const day = Number(m[3]);
      if (month < 1 || month > 12 || day < 1 || day > 31) return bad('a valid date');
      return ok(`${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    }
  }
}

function parseFloating(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * The literal the reference runner writes into a generated INSERT: the scalar text as written,
 * quoted for string and date columns, NULL for null. Validates the scalar against the type first.
 */
export function sqlLiteral(raw: string, type: ColumnType): Result<string> {
  const parsed = parseValue(raw, type);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return ok('NULL');
  if (type === 'string') return ok(`'${raw}'`);
  if (type === 'date') return ok(`'${raw.trim()}'`);
  return ok(raw.trim());
}

/** Human-readable rendering for diffs: strings quoted, bigint without suffix, NULL spelled out. */
export function showValue(v: Value | undefined): string {
  if (v === undefined) return '<missing>';
  if (v === null) return 'NULL';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
