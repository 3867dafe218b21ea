/**
 * The row shape of the key-value benchmarks: a key of 20 bytes, a millisecond timestamp and a
 * value of 100 bytes that is unique per row (a Redis sorted set keeps one member per value, so
 * repeated values would collapse rows there). Loads go in time order: row j of every key, then
 * row j + 1, as a time series arrives.
 */
import type { TableSchema } from '../../src/protocol/schema.js';

export const KEY_BYTES = 20;
export const VALUE_BYTES = 100;
export const BASE_TS_MS = 1_700_000_000_000;

export const KV_SCHEMA: TableSchema = {
  columns: [
    { name: 'key', type: 'string', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'value', type: 'string', notNull: true },
  ],
  indexes: [{ name: 'by_key', keyColumns: ['key'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

const VALUE_PREFIX = 'v'.repeat(VALUE_BYTES - 12);

/** Key number `k`: 'user_' and 15 digits. */
export function rowKey(k: number): string {
  return `user_${String(k).padStart(KEY_BYTES - 5, '0')}`;
}

/** Value of row number `n` (unique for n < 10^12). */
export function rowValue(n: number): string {
  return VALUE_PREFIX + String(n).padStart(12, '0');
}

export interface KvRow {
  readonly key: string;
  readonly tsMs: number;
  readonly value: string;
}

/** Row `n` of a load of `keys` keys in time order: key n % keys, its (n / keys)-th row. */
export function loadRow(n: number, keys: number): KvRow {
  const k = n % keys;
  const j = Math.floor(n / keys);
  return { key: rowKey(k), tsMs: BASE_TS_MS + j, value: rowValue(n) };
}
