/**
 * One binlog entry: a Put (a row stored under some of the table's indexes in this partition) or a
 * Delete (rows of one index by key, optionally limited to a time range). Rows are opaque bytes
 * here; the storage layer encodes and decodes them.
 */
export type LogEntryKind = 'put' | 'delete';

/**
 * Which rows a Delete removes: the rows whose key and time under the index at `indexPos` match;
 * a matching row is removed whole, from every index of the partition.
 * - `key` absent: every key of the index (a table-wide time-range delete).
 * - time range: `fromTsMs <= ts < toTsMs`; a missing bound is open. No bounds: the whole key.
 */
export interface DeleteSpec {
  readonly indexPos: number;
  readonly key?: string;
  readonly fromTsMs?: number;
  readonly toTsMs?: number;
}

export interface LogEntry {
  /** Leader term when the entry was first written (replication fencing and divergence checks). */
  readonly term: number;
  /** 1-based, dense and increasing per replica. */
  readonly offset: number;
  readonly kind: LogEntryKind;
  /** Time the leader accepted the write; the row's time for indexes without a TS column. */
  readonly insertTsMs: number;
  /** Put: the positions (in the table's index list) this row is stored under in this partition. */
  readonly indexPositions?: readonly number[];
  /**
   * Put: the encoded row. Entries decoded from disk hold a view into a shared read buffer: copy
   * it if you keep it for long and want that buffer to be freed.
   */
  readonly row?: Uint8Array;
  /** Delete: what to remove. */
  readonly delete?: DeleteSpec;
  /**
   * Put of an idempotent client request (feature idempotentPut, entry codec version 2): which
   * request and which of its rows this is, so every replica knows which requests its log holds.
   */
  readonly requestId?: LogRequestId;
}

/** A client request id and the place of this entry's row in that request. */
export interface LogRequestId {
  readonly clientId: string;
  readonly seq: number;
  /** 0-based row of the request. */
  readonly rowIndex: number;
  readonly rowCount: number;
}

/** What a writer appends: the writer assigns the offset. */
export type NewLogEntry = Omit<LogEntry, 'offset'>;

/** True when `spec` removes a row whose key under `spec.indexPos` is `key` and whose time is `tsMs`. */
export function deleteMatches(spec: DeleteSpec, key: string, tsMs: number): boolean {
  if (spec.key !== undefined && spec.key !== key) return false;
  if (spec.fromTsMs !== undefined && tsMs < spec.fromTsMs) return false;
  if (spec.toTsMs !== undefined && tsMs >= spec.toTsMs) return false;
  return true;
}
