/**
 * Compares a result set with a case expectation as the reference runner does: column names and
 * types; rows in order, or matched after a stable sort on the `order` column; FLOAT within 4 ULPs in
 * float32 space, DOUBLE within 4 ULPs, int64 exact; NULL equals only NULL. Values must also use the
 * documented representation (protocol/schema.ts): an int64 returned as a JS number is a mismatch.
 * Failures carry a readable diff.
 */
import type { Result } from '../base/status.js';
import { okVoid } from '../base/status.js';
import type { ColumnType, Value } from '../protocol/schema.js';
import type { ColumnSpec } from './column-spec.js';
import type { ResultColumn } from './engine.js';
import { invalid } from './raw.js';
import { doublesEqual, floatsEqual } from './ulp.js';
import { parseValue, showValue } from './values.js';

export interface ActualResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Value[])[];
}

export interface RowExpectation {
  readonly columns?: readonly ColumnSpec[];
  /** Undefined: rows are not checked. */
  readonly rows?: readonly (readonly string[])[];
  readonly order?: string;
  readonly count?: number;
}

/** Row lines shown in a diff before it is cut short. */
export const DIFF_LINES_MAX = 40;

export function compareResult(expect: RowExpectation, actual: ActualResult): Result<void> {
  if (expect.columns) {
    const schema = compareSchema(expect.columns, actual.columns);
    if (!schema.ok) return schema;
  }
  if (expect.count !== undefined && actual.rows.length !== expect.count) {
    return invalid(`expected ${expect.count} rows (count), got ${actual.rows.length}`);
  }
  if (expect.rows === undefined) return okVoid;

  const columns: readonly { name: string; type: ColumnType }[] = expect.columns ?? actual.columns;
  const expectedRows: Value[][] = [];
  for (const [i, raw] of expect.rows.entries()) {
    if (raw.length !== columns.length) {
      return invalid(`expected row ${i} [${raw.join(', ')}] has ${raw.length} values for ${columns.length} columns`);
    }
    const row: Value[] = [];
    for (const [c, text] of raw.entries()) {
      const v = parseValue(text, columns[c]!.type);
      if (!v.ok) return invalid(`expected row ${i} column '${columns[c]!.name}': ${v.message}`);
      row.push(v.value);
    }
    expectedRows.push(row);
  }
  let orderIndex: number | undefined;
  if (expect.order !== undefined) {
    const wanted = expect.order.toLowerCase();
    orderIndex = columns.findIndex((c) => c.name.toLowerCase() === wanted);
    if (orderIndex < 0) return invalid(`order column '${expect.order}' is not among the result columns`);
  }
  const sortedExpected = orderIndex === undefined ? expectedRows : sortRows(expectedRows, orderIndex);
  const sortedActual = orderIndex === undefined ? actual.rows : sortRows(actual.rows, orderIndex);
  return compareRows(columns, sortedExpected, sortedActual, orderIndex === undefined ? undefined : expect.order);
}

export function compareSchema(expected: readonly ColumnSpec[], actual: readonly ResultColumn[]): Result<void> {
  const same =
    expected.length === actual.length &&
    expected.every((e, i) => e.name === actual[i]!.name && e.type === actual[i]!.type);
  if (same) return okVoid;
  const show = (cols: readonly { name: string; type: ColumnType }[]) => cols.map((c) => `${c.name} ${c.type}`).join(', ');
  return invalid(`schema mismatch:\n  expected: [${show(expected)}]\n  actual:   [${show(actual)}]`);
}

function compareRows(
  columns: readonly { name: string; type: ColumnType }[],
  expected: readonly (readonly Value[])[],
  actual: readonly (readonly Value[])[],
  order: string | undefined,
): Result<void> {
  const lines: string[] = [];
  let differences = 0;
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    const mismatched = e && a ? mismatchedColumns(columns, e, a) : [];
    if (e && a && mismatched.length === 0) {
      lines.push(`  ${showRow(e)}`);
      continue;
    }
    differences++;
    if (e) lines.push(`- ${showRow(e)}`);
    if (a) lines.push(`+ ${showRow(a, columns)}${mismatched.length > 0 ? `   <- ${mismatched.join(', ')}` : ''}`);
  }
  if (differences === 0) return okVoid;
  const shown = lines.length > DIFF_LINES_MAX ? [...lines.slice(0, DIFF_LINES_MAX), `  ... ${lines.length - DIFF_LINES_MAX} more lines`] : lines;
  const header =
    `rows differ: expected ${expected.length}, got ${actual.length}, ${differences} differing` +
    `${order ? ` (sorted by ${order})` : ''}; - expected, + actual:`;
  return invalid(`${header}\n${shown.join('\n')}`);
}

function mismatchedColumns(
  columns: readonly { name: string; type: ColumnType }[],
  expected: readonly Value[],
  actual: readonly Value[],
): string[] {
  const out: string[] = [];
  const n = Math.max(expected.length, actual.length, columns.length);
  for (let c = 0; c < n; c++) {
    const column = columns[c];
    if (!column || c >= expected.length || c >= actual.length) {
      out.push(column?.name ?? `#${c}`);
    } else if (!valuesEqual(column.type, expected[c]!, actual[c]!)) out.push(column.name);
  }
  return out;
}

export function valuesEqual(type: ColumnType, expected: Value, actual: Value): boolean {
  if (expected === null || actual === null) return expected === actual;
  if (!hasRepresentation(type, actual)) return false;
  switch (type) {
    case 'float':
      return floatsEqual(expected as number, actual as number);
    case 'double':
      return doublesEqual(expected as number, actual as number);
    default:
      return expected === actual;
  }
}

/** Whether `v` uses the representation protocol/schema.ts documents for `type`. */
export function hasRepresentation(type: ColumnType, v: Value): boolean {
  switch (type) {
    case 'bool':
      return typeof v === 'boolean';
    case 'smallint':
    case 'int':
    case 'timestamp':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bigint':
      return typeof v === 'bigint';
    case 'float':
    case 'double':
      return typeof v === 'number';
    case 'string':
    case 'date':
      return typeof v === 'string';
  }
}

function showRow(row: readonly Value[], columns?: readonly { type: ColumnType }[]): string {
  return `[${row
    .map((v, i) => {
      const type = columns?.[i]?.type;
      const wrong = type !== undefined && v !== null && !hasRepresentation(type, v);
      return wrong ? `${showValue(v)} (${typeof v}, not a ${type} value)` : showValue(v);
    })
    .join(', ')}]`;
}

/** Stable sort on one column: NULL first, then by value. */
export function sortRows(rows: readonly (readonly Value[])[], column: number): (readonly Value[])[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => compareValues(x.row[column] ?? null, y.row[column] ?? null) || x.i - y.i)
    .map((x) => x.row);
}

export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = typeof a === 'bigint' ? a : typeof a === 'number' && Number.isInteger(a) ? BigInt(a) : undefined;
    const y = typeof b === 'bigint' ? b : typeof b === 'number' && Number.isInteger(b) ? BigInt(b) : undefined;
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === typeof b) {
    if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return typeof a < typeof b ? -1 : 1;
}
