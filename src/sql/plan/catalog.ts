/**
 * The boundary between the SQL engine and the storage that holds the tables: how the engine finds
 * tables and reads their rows. The tablet implements it over its partitions (all local in
 * standalone mode, some remote in a cluster); tests implement it over arrays.
 *
 * Rows cross the boundary as encoded bytes (protocol/row-codec.ts); the engine decodes only the
 * columns a query reads. What the engine relies on:
 * - `scanKey` returns the rows of one key of one index, newest first: descending by the index's
 *   ts column (or insertion time for an index without one) and, among equal ts, the later insert
 *   first. The range is inclusive at both ends. Expired rows (TTL) are already filtered out.
 * - `scanAll(indexPos)` yields every live row of the table once, grouped by key of that index,
 *   each key's rows in `scanKey` order. Keys may come in any order.
 * Both may answer synchronously or with a promise, and report an expected failure (a scan limit,
 * an unreachable partition) as a `Result`.
 */
import type { Result } from '../../base/status.js';
import type { RowCodec } from '../../protocol/row-codec.js';
import type { TableSchema } from '../../protocol/schema.js';

export type Awaitable<T> = T | Promise<T>;

/** One stored row: its index ts (or insertion time) and its encoded bytes. */
export interface StoredRow {
  readonly tsMs: number;
  readonly row: Uint8Array;
}

/** ts range of a key scan, inclusive at both ends; `limit` caps the rows returned (newest kept). */
export interface KeyScanRange {
  readonly newestTsMs?: number;
  readonly oldestTsMs?: number;
  readonly limit?: number;
}

/** What the engine needs of a row codec: encode a request row, decode a row or one column, read an index key. */
export type RowAccess = Pick<RowCodec, 'encode' | 'decode' | 'decodeColumn' | 'readKey'>;

export interface SqlTable {
  readonly db: string;
  readonly name: string;
  readonly schema: TableSchema;
  readonly codec: RowAccess;
  /** Rows of `key` (built with protocol/row-key.ts `indexKey`) of index `indexPos`, newest first. */
  scanKey(indexPos: number, key: string, range: KeyScanRange): Awaitable<Result<readonly StoredRow[]>>;
  /** Every row once, in pages, grouped by key of index `indexPos` (see the module comment). */
  scanAll(indexPos: number): AsyncIterable<Result<readonly StoredRow[]>> | Iterable<Result<readonly StoredRow[]>>;
}

export interface SqlCatalog {
  /** The table, or undefined when the database or the table does not exist. Names are matched as given. */
  table(db: string, name: string): SqlTable | undefined;
  /** Whether the database exists (for error messages naming the missing part). */
  hasDatabase?(db: string): boolean;
}
