/**
 * The values INSERT accepts for each column type (sql.md §3.1), from a literal in the SQL text or
 * from a `?` parameter supplied by the caller. Literals follow the reference's table exactly:
 *
 *   BOOL ← bool or int            SMALLINT ← int               INT ← int or bigint (in range)
 *   BIGINT ← any integer          FLOAT/DOUBLE ← float, double or int (not a bigint literal)
 *   DATE ← 'yyyy-mm-dd' string    TIMESTAMP ← integer (epoch ms)  STRING ← string only
 *
 * Parameters are JS values (schema.ts's Value); they are accepted when they carry the column's
 * kind of value, with the lossless conversions between number and bigint.
 */
import { describeValue, isValidDate } from '../../protocol/row-values.js';
import type { ColumnDesc, ColumnType, Value } from '../../protocol/schema.js';
import type { Literal } from '../syntax/index.js';

export type Coerced = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly problem: string };

const INT_RANGE: Readonly<Record<'smallint' | 'int', readonly [number, number]>> = {
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
};
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const DATE_TEXT = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

function good(value: Value): Coerced {
  return { ok: true, value };
}

function bad(problem: string): Coerced {
  return { ok: false, problem };
}

/** 'yyyy-m-d' (zero padding optional) → 'YYYY-MM-DD', or undefined when it is not a real date from 1900 on. */
export function normalizeDateText(text: string): string | undefined {
  const m = DATE_TEXT.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(year, month, day)) return undefined;
  return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function inIntRange(type: 'smallint' | 'int', n: number | bigint): boolean {
  const [lo, hi] = INT_RANGE[type];
  return n >= lo && n <= hi;
}

function dateValue(column: ColumnDesc, text: string): Coerced {
  const date = normalizeDateText(text);
  return date === undefined
    ? bad(`column '${column.name}' is date and '${text}' is not a date 'yyyy-mm-dd' from 1900-01-01 on`)
    : good(date);
}

/** The value a literal stores in `column`; NULL comes back as null (NOT NULL is the caller's check). */
export function literalToColumn(literal: Literal, column: ColumnDesc): Coerced {
  if (literal.type === 'null') return good(null);
  const refuse = (why = ''): Coerced =>
    bad(`column '${column.name}' is ${column.type} and cannot take the ${literal.type} literal ${literal.image}${why}`);
  const type: ColumnType = column.type;
  switch (type) {
    case 'bool':
      if (literal.type === 'bool') return good(literal.value);
      if (literal.type === 'int') return good(literal.value !== 0);
      return refuse();
    case 'smallint':
      if (literal.type !== 'int') return refuse();
      return inIntRange('smallint', literal.value) ? good(literal.value) : refuse(' (out of the smallint range)');
    case 'int':
      if (literal.type === 'int') return good(literal.value);
      if (literal.type === 'bigint') {
        return inIntRange('int', literal.value) ? good(Number(literal.value)) : refuse(' (out of the int range)');
      }
      return refuse();
    case 'bigint':
      if (literal.type === 'int') return good(BigInt(literal.value));
      if (literal.type === 'bigint') return good(literal.value);
      return refuse();
    case 'float':
    case 'double': {
      if (literal.type !== 'float' && literal.type !== 'double' && literal.type !== 'int') return refuse();
      const n = literal.type === 'float' || type === 'float' ? Math.fround(literal.value) : literal.value;
      return good(n);
    }
    case 'date':
      return literal.type === 'string' ? dateValue(column, literal.value) : refuse();
    case 'timestamp':
      if (literal.type === 'int') return good(literal.value);
      if (literal.type === 'bigint') {
        return literal.value >= SAFE_MIN && literal.value <= SAFE_MAX
          ? good(Number(literal.value))
          : refuse(' (outside the safe range of epoch milliseconds)');
      }
      return refuse();
    case 'string':
      return literal.type === 'string' ? good(literal.value) : refuse();
  }
}

/** The value a `?` parameter stores in `column`; NULL comes back as null. */
export function paramToColumn(value: Value, column: ColumnDesc): Coerced {
  if (value === null) return good(null);
  const refuse = (why = ''): Coerced => bad(`column '${column.name}' is ${column.type} and cannot take ${describeValue(value)}${why}`);
  switch (column.type) {
    case 'bool':
      if (typeof value === 'boolean') return good(value);
      if (typeof value === 'number' && Number.isInteger(value)) return good(value !== 0);
      return refuse();
    case 'smallint':
    case 'int':
      if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') {
        return inIntRange(column.type, value) ? good(Number(value)) : refuse(` (out of the ${column.type} range)`);
      }
      return refuse();
    case 'bigint':
      if (typeof value === 'bigint') return good(value);
      if (typeof value === 'number' && Number.isSafeInteger(value)) return good(BigInt(value));
      return refuse();
    case 'float':
      return typeof value === 'number' ? good(Math.fround(value)) : refuse();
    case 'double':
      return typeof value === 'number' ? good(value) : refuse();
    case 'date':
      return typeof value === 'string' ? dateValue(column, value) : refuse();
    case 'timestamp':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return good(value);
      if (typeof value === 'bigint' && value >= SAFE_MIN && value <= SAFE_MAX) return good(Number(value));
      return refuse(typeof value === 'number' || typeof value === 'bigint' ? ' (not an integer of epoch milliseconds)' : '');
    case 'string':
      return typeof value === 'string' ? good(value) : refuse();
  }
}
