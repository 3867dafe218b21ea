/**
 * What compiled expressions read: the current tuple (one row per source slot of the FROM clause:
 * encoded bytes for a table row, decoded values for a subquery row, null for a LAST JOIN side
 * without a match), the codec of each slot's encoded rows, the values of the aggregate and
 * navigation slots for the current output row, and the query parameters.
 *
 * One context is reused for a whole query run: the executor rebinds `rows` (and, for WINDOW
 * UNION rows of another table, `codecs`) as it moves between rows, so evaluation allocates
 * nothing per row beyond argument arrays.
 */
import type { RowAccess } from '../plan/catalog.js';
import type { SqlValue } from '../types.js';

export type SourceRow = Uint8Array | readonly SqlValue[] | null;
export type Tuple = readonly SourceRow[];

export class EvalCtx {
  rows: Tuple;
  readonly codecs: (RowAccess | undefined)[];
  slots: SqlValue[];

  constructor(
    readonly params: readonly SqlValue[],
    codecs: readonly (RowAccess | undefined)[],
    slotCount: number,
  ) {
    this.rows = codecs.map(() => null);
    this.codecs = [...codecs];
    this.slots = new Array<SqlValue>(slotCount).fill(null);
  }
}

export type Evaluator = (ctx: EvalCtx) => SqlValue;

/** A tuple of `width` slots, all empty. */
export function emptyTuple(width: number): SourceRow[] {
  if (width === 1) return [null];
  return new Array<SourceRow>(width).fill(null);
}
