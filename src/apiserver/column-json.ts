/**
 * Column values ↔ JSON (sql.md §6.1, §6.2, §6.5): which JSON value each column type accepts in a
 * row, how a stored value is written back, the type names each endpoint uses, and the `?`
 * parameters of POST /dbs/{db} (where a DATE is a packed int32, a quirk kept from the reference).
 *
 *   bool ← true/false              int16/int32 ← an integer in range      int64 ← an integer in range
 *   float ← any number             double ← a number a double holds exactly
 *   string ← a string              date ← "Y-M-D" (zero padding optional)  timestamp ← an integer (ms)
 *   null ← null unless NOT NULL
 */
import { isValidPackedDate, unpackDate } from '../protocol/row-values.js';
import type { ColumnDesc, ColumnType, Value } from '../protocol/schema.js';
import { normalizeDateText } from '../sql/statements/index.js';
import { isJsonArray, isJsonObject, type Json } from './json-parse.js';
import { doubleText, type JsonOut, RawJson, writeJson } from './json-write.js';

/** Type names of deployment schemas (`need_schema`, GET deployment). */
export const API_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  bool: 'bool',
  smallint: 'int16',
  int: 'int32',
  bigint: 'int64',
  float: 'float',
  double: 'double',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
};

/** Type names of SQL result schemas (POST /dbs/{db}). */
export const RESULT_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  bool: 'Bool',
  smallint: 'Int16',
  int: 'Int32',
  bigint: 'Int64',
  float: 'Float',
  double: 'Double',
  string: 'String',
  date: 'Date',
  timestamp: 'Timestamp',
};

/** The SDK's numeric type enum, shown in conversion errors (`col c1[2]`). */
export const SDK_TYPE_NUMBERS: Readonly<Record<ColumnType, number>> = {
  bool: 0,
  smallint: 1,
  int: 2,
  bigint: 3,
  float: 4,
  double: 5,
  string: 6,
  date: 7,
  timestamp: 8,
};

/** Data type names of the TableInfo dump (GET /dbs/{db}/tables/{table}). */
export const TABLE_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  bool: 'kBool',
  smallint: 'kSmallInt',
  int: 'kInt',
  bigint: 'kBigInt',
  float: 'kFloat',
  double: 'kDouble',
  string: 'kVarchar',
  date: 'kDate',
  timestamp: 'kTimestamp',
};

const PARAM_TYPES: ReadonlyMap<string, ColumnType> = new Map<string, ColumnType>([
  ['bool', 'bool'],
  ['smallint', 'smallint'],
  ['int16', 'smallint'],
  ['int', 'int'],
  ['int32', 'int'],
  ['bigint', 'bigint'],
  ['int64', 'bigint'],
  ['float', 'float'],
  ['double', 'double'],
  ['string', 'string'],
  ['date', 'date'],
  ['timestamp', 'timestamp'],
]);

/** A parameter type name of POST /dbs/{db} `input.schema` (case-insensitive). */
export function paramType(name: string): ColumnType | undefined {
  return PARAM_TYPES.get(name.toLowerCase());
}

const INT_RANGES: Readonly<Record<'smallint' | 'int' | 'bigint', readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-(1n << 63n), (1n << 63n) - 1n],
};
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const DATE_PARTS = /^\d+-\d+-\d+$/;

function isIntegerIn(v: Json, range: readonly [bigint, bigint]): v is bigint {
  return typeof v === 'bigint' && v >= range[0] && v <= range[1];
}

/** The JSON number as a double when it holds exactly (integers past 2^53 may not). */
function exactDouble(v: Json): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    const d = Number(v);
    return BigInt(d) === v ? d : undefined;
  }
  return undefined;
}

/**
 * The stored value for a JSON value in a row (PUT, deployment rows); undefined when the column
 * cannot take it. NULL is refused for NOT NULL columns.
 */
export function columnValueFromJson(v: Json, column: ColumnDesc): Value | undefined {
  if (v === null) return column.notNull ? undefined : null;
  switch (column.type) {
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'smallint':
    case 'int':
      return isIntegerIn(v, INT_RANGES[column.type]) ? Number(v) : undefined;
    case 'bigint':
      return isIntegerIn(v, INT_RANGES.bigint) ? v : undefined;
    case 'float':
      return typeof v === 'number' || typeof v === 'bigint' ? Math.fround(Number(v)) : undefined;
    case 'double':
      return exactDouble(v);
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'date':
      return typeof v === 'string' && DATE_PARTS.test(v) ? normalizeDateText(v) : undefined;
    case 'timestamp':
      return isIntegerIn(v, [SAFE_MIN, SAFE_MAX]) ? Number(v) : undefined;
  }
}

/** A `?` parameter of POST /dbs/{db}: as a row value, except that a DATE is a packed int32. */
export function paramValueFromJson(v: Json, type: ColumnType): Value | undefined {
  if (type !== 'date' || v === null) return columnValueFromJson(v, { name: '', type, notNull: false });
  if (!isIntegerIn(v, INT_RANGES.int)) return undefined;
  const packed = Number(v);
  return isValidPackedDate(packed) ? unpackDate(packed) : undefined;
}

/** A JSON value as text for error messages (long values are cut). */
export function jsonText(v: Json): string {
  const text = writeJson(toJsonOut(v));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function toJsonOut(v: Json): JsonOut {
  if (typeof v === 'number') return new RawJson(doubleText(v));
  if (isJsonArray(v)) return v.map(toJsonOut);
  if (isJsonObject(v)) return Object.fromEntries([...v].map(([k, m]) => [k, toJsonOut(m)]));
  return v;
}

/** The reference's message for a value a column cannot take. */
export function conversionFailed(column: ColumnDesc, v: Json): string {
  return `conversion failed on col ${column.name}[${SDK_TYPE_NUMBERS[column.type]}] with value ${jsonText(v)}`;
}

/** 'YYYY-MM-DD' → 'Y-M-D' without zero padding, as the reference writes dates. */
export function unpaddedDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${Number(y)}-${Number(m)}-${Number(d)}`;
}

/**
 * A stored value as response JSON: integers and timestamps as integers (int64 exact), FLOAT and
 * DOUBLE as numbers (FLOAT widened to double), dates unpadded, NULL as null. Non-finite numbers are
 * the tokens NaN/Infinity/-Infinity, or null with `nanAsNull`.
 */
export function columnValueToJson(v: Value, type: ColumnType, nanAsNull: boolean): JsonOut {
  if (v === null) return null;
  switch (type) {
    case 'float':
    case 'double': {
      const n = Number(v);
      if (!Number.isFinite(n) && nanAsNull) return null;
      return new RawJson(doubleText(n));
    }
    case 'date':
      return typeof v === 'string' ? unpaddedDate(v) : v;
    default:
      return v;
  }
}
