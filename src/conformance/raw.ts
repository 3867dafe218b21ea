/**
 * Accessors over the untyped tree that failsafe YAML produces (maps, lists, strings). Each returns
 * a Result naming the field, so a malformed case fails with a message instead of crashing the run.
 */
import type { Result } from '../base/status.js';
import { Code, fail, ok } from '../base/status.js';

export type RawMap = Readonly<Record<string, unknown>>;

export function isRawMap(v: unknown): v is RawMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function invalid(message: string): Result<never> {
  return fail(Code.invalidParameter, message);
}

export function optString(map: RawMap, key: string): Result<string | undefined> {
  const v = map[key];
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'string') return ok(v);
  return invalid(`'${key}' must be a string`);
}

/** A list of strings; a lone string counts as a one-element list. */
export function optStringList(map: RawMap, key: string): Result<string[] | undefined> {
  const v = map[key];
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'string') return ok([v]);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return ok(v as string[]);
  return invalid(`'${key}' must be a list of strings`);
}

export function optInt(map: RawMap, key: string): Result<number | undefined> {
  const s = optString(map, key);
  if (!s.ok || s.value === undefined) return s as Result<undefined>;
  const text = s.value.trim();
  if (!/^[+-]?\d+$/.test(text)) return invalid(`'${key}' must be an integer, found '${s.value}'`);
  return ok(Number(text));
}

export function optBool(map: RawMap, key: string): Result<boolean | undefined> {
  const s = optString(map, key);
  if (!s.ok || s.value === undefined) return s as Result<undefined>;
  const text = s.value.trim().toLowerCase();
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return invalid(`'${key}' must be true or false, found '${s.value}'`);
}

/** `rows: [[...], ...]`: every cell a string (failsafe YAML guarantees it for scalars). */
export function optRows(map: RawMap, key: string): Result<string[][] | undefined> {
  const v = map[key];
  if (v === undefined || v === null) return ok(undefined);
  if (!Array.isArray(v)) return invalid(`'${key}' must be a list of rows`);
  const rows: string[][] = [];
  for (const [i, row] of v.entries()) {
    if (!Array.isArray(row) || !row.every((x) => typeof x === 'string')) {
      return invalid(`'${key}' row ${i} must be a list of scalars`);
    }
    rows.push(row as string[]);
  }
  return ok(rows);
}

/** Legacy CSV `data: |` block: one row per non-empty line, cells split on ',' and trimmed. */
export function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(',').map((cell) => cell.trim()));
}
