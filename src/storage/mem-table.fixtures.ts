/**
 * Shared by the MemTable index tests: a four-column schema (id, c1, c2, c7) with index builders and
 * readers that throw on a failed Result (test code only).
 */
import type { Result } from '../base/status.js';
import { indexKey } from '../protocol/row-key.js';
import type { IndexDef, TableSchema, Ttl, Value } from '../protocol/schema.js';
import { MemTable, type MemTableOptions } from './mem-table.js';

export const NO_TTL: Ttl = { type: 'absolute', absMinutes: 0, latCount: 0 };
export const NOW = 1_590_738_999_000;

export const columns = [
  { name: 'id', type: 'int', notNull: false },
  { name: 'c1', type: 'string', notNull: false },
  { name: 'c2', type: 'string', notNull: false },
  { name: 'c7', type: 'timestamp', notNull: false },
] as const;

export function index(name: string, keyColumns: string[], tsColumn?: string): IndexDef {
  return tsColumn === undefined ? { name, keyColumns, ttl: NO_TTL } : { name, keyColumns, tsColumn, ttl: NO_TTL };
}

export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function table(indexes: IndexDef[], options: Partial<MemTableOptions> = {}): MemTable {
  const schema: TableSchema = { columns: [...columns], indexes };
  return value(MemTable.create(schema, { slabBytes: 256, ...options }));
}

export function row(t: MemTable, id: number, c1: string, c2: string, c7: number): Uint8Array {
  return value(t.codec.encode([id, c1, c2, c7]));
}

export function idsOf(t: MemTable, indexPos: number, key: string): Value[] {
  return value(t.scan(indexPos, indexKey([key], ['string']), NOW)).map((r) => t.codec.decodeColumn(r.row, 0));
}
