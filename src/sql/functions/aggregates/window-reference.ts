/**
 * Naive reference evaluation of aggregates over ROWS frames, for tests and for checking a
 * faster executor against: every row gets a fresh accumulator fed the rows of its frame
 * newest → oldest (the order the reference walks windows in).
 */
import type { SqlValue } from '../../types.js';
import type { ResolvedAggregate } from '../function-types.js';

/** Frame `lower PRECEDING AND upper PRECEDING` (upper 0 = CURRENT ROW; lower may be Infinity). */
export interface RowsFrame {
  readonly lower: number;
  readonly upper: number;
}

/**
 * For each row i of `argRows` (argument values per row, oldest first), the aggregate over rows
 * max(0, i - lower) .. i - upper, fed newest → oldest.
 */
export function aggregateOverRows(
  agg: ResolvedAggregate,
  argRows: readonly (readonly SqlValue[])[],
  frame: RowsFrame,
): SqlValue[] {
  return argRows.map((_, i) => {
    const acc = agg.create();
    const oldest = Math.max(0, i - frame.lower);
    for (let j = i - frame.upper; j >= oldest; j -= 1) acc.add(argRows[j]!);
    return acc.result();
  });
}
