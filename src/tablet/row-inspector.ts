/**
 * What snapshot making needs to know about rows, answered from the table schema and the row
 * codec. Expiry here is decided per row, so only the absolute part of a TTL counts: a row is left
 * out of a snapshot only when every index of the table would drop it by time alone (latest-count
 * limits depend on neighbours and are applied by the in-memory GC after loading).
 */
import { MINUTE_MS } from '../base/units.js';
import type { RowCodec } from '../protocol/row-codec.js';
import { columnIndex, type TableSchema } from '../protocol/schema.js';
import type { RowInspector } from '../snapshot/row-inspector.js';

export function createRowInspector(schema: TableSchema, codec: RowCodec, gcSafeOffsetMs: number): RowInspector {
  const keyColumns = schema.indexes.map((idx) => idx.keyColumns.map((c) => columnIndex(schema, c)));
  const tsColumns = schema.indexes.map((idx) => (idx.tsColumn === undefined ? -1 : columnIndex(schema, idx.tsColumn)));
  const absTtlMs = schema.indexes.map((idx) => {
    const decidable = idx.ttl.type === 'absolute' || idx.ttl.type === 'absorlat';
    return decidable && idx.ttl.absMinutes > 0 ? idx.ttl.absMinutes * MINUTE_MS : 0;
  });
  const tsOf = (row: Uint8Array, indexPos: number, insertTsMs: number): number => {
    const col = tsColumns[indexPos]!;
    if (col < 0) return insertTsMs;
    return codec.readTsMs(row, col) ?? insertTsMs;
  };
  return {
    keyOf: (row, indexPos) => codec.readKey(row, keyColumns[indexPos]!),
    tsOf,
    isExpired(row, insertTsMs, nowMs) {
      for (let i = 0; i < absTtlMs.length; i++) {
        const ttl = absTtlMs[i]!;
        if (ttl === 0) return false;
        if (tsOf(row, i, insertTsMs) + ttl > nowMs - gcSafeOffsetMs) return false;
      }
      return absTtlMs.length > 0;
    },
  };
}
