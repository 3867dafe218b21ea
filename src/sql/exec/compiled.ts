/**
 * The shapes compiled queries share (kept apart so the executor files import no cycles), and the
 * failure type that unwinds an execution to its entry point, where it becomes a Result.
 */
import type { Failure, Result } from '../../base/status.js';
import type { SqlTable } from '../plan/catalog.js';
import type { OutputColumn, QueryPlan } from '../plan/plan-types.js';
import type { SqlValue } from '../types.js';

export interface RunContext {
  readonly params: readonly SqlValue[];
}

/** A request row of the main table, encoded with that table's codec. */
export interface RequestInput {
  readonly table: SqlTable;
  readonly row: Uint8Array;
}

export interface CompiledQuery {
  readonly plan: QueryPlan;
  readonly columns: readonly OutputColumn[];
  /** The left-most table of the query (request mode's main table), if there is one. */
  readonly mainTable: SqlTable | undefined;
  /** Every output row (throws ExecAbort on an expected failure). */
  runBatch(rc: RunContext): Promise<SqlValue[][]>;
  /** The one output row for a request row of the main table. */
  runRequest(rc: RunContext, req: RequestInput): Promise<SqlValue[]>;
  /**
   * For a plain projection of one table (no aggregation, no window): the output row for one
   * stored row of that table, or undefined when its WHERE rejects the row.
   */
  liftRaw?(rc: RunContext, row: Uint8Array): SqlValue[] | undefined;
}

export class ExecAbort extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export function check<T>(r: Result<T>): T {
  if (!r.ok) throw new ExecAbort(r);
  return r.value;
}
