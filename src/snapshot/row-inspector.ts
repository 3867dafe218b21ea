/**
 * What snapshots need to know about a row, supplied by the storage layer (rows are opaque bytes
 * to this module).
 */
export interface RowInspector {
  /** The row's key under the index at `indexPos` (multi-column keys joined as storage does). */
  keyOf(row: Uint8Array, indexPos: number): string;
  /** The row's time under the index at `indexPos` (its TS column, or `insertTsMs` without one). */
  tsOf(row: Uint8Array, indexPos: number, insertTsMs: number): number;
  /** True when the row has outlived its TTL and may be left out of a snapshot. */
  isExpired?(row: Uint8Array, insertTsMs: number, nowMs: number): boolean;
}
