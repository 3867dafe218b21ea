/**
 * Index keys as strings. A key is the key columns' values, each turned into a string part, joined
 * with '|'. The same function must be used by everyone who builds a key (storage reading a row,
 * SQL building a lookup, the client routing a put), so it lives here.
 *
 * Parts, designed so that two different value tuples never give the same key:
 * - NULL → INDEX_KEY_NULL ("\u0000N"); the empty string → INDEX_KEY_EMPTY ("\u0000E").
 * - A real string that starts with U+0000 gets one more U+0000 in front, so its second char is
 *   U+0000 and it cannot equal a sentinel (whose second char is 'N' or 'E'); other strings are
 *   themselves.
 * - In a multi-column key, '\' and '|' inside string parts are escaped with '\', so the separator
 *   stays unambiguous. A one-column key is never escaped (the common case costs nothing).
 * - Numbers in decimal (float as its 32-bit value), bool as 'true'/'false', date 'YYYY-MM-DD',
 *   timestamp as decimal milliseconds, bigint exact.
 */
import { assert } from '../base/assert.js';
import type { ColumnType, Value } from './schema.js';

export const INDEX_KEY_NULL = '\u0000N';
export const INDEX_KEY_EMPTY = '\u0000E';
export const INDEX_KEY_SEPARATOR = '|';

const ESCAPE_RE = /[\\|]/g;

/** Key part of a string value (see the rules above). */
export function stringKeyPart(s: string, multiColumn: boolean): string {
  if (s.length === 0) return INDEX_KEY_EMPTY;
  let part = s.charCodeAt(0) === 0 ? `\u0000${s}` : s;
  if (multiColumn && (part.includes('|') || part.includes('\\'))) part = part.replace(ESCAPE_RE, '\\$&');
  return part;
}

/** Key part of one value of a column of type `type`. */
export function indexKeyPart(value: Value, type: ColumnType, multiColumn: boolean): string {
  if (value === null) return INDEX_KEY_NULL;
  switch (type) {
    case 'string':
      return stringKeyPart(String(value), multiColumn);
    case 'bool':
      return value ? 'true' : 'false';
    case 'float':
      return String(Math.fround(Number(value)));
    default:
      return String(value);
  }
}

/** The index key of the given key-column values (in the index's key-column order). */
export function indexKey(values: readonly Value[], types: readonly ColumnType[]): string {
  assert(values.length === types.length, `indexKey: ${values.length} values for ${types.length} key columns`);
  if (values.length === 1) return indexKeyPart(values[0]!, types[0]!, false);
  let key = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) key += INDEX_KEY_SEPARATOR;
    key += indexKeyPart(values[i]!, types[i]!, true);
  }
  return key;
}
