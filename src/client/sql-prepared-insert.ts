/**
 * A prepared INSERT: planned once against the table's schema, then `add` binds one set of `?`
 * values (checked at once, so a bad row is refused where it is added) and `execute` writes the
 * rows gathered so far through the client, in batches.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import { bindInsert, type InsertPlan } from '../sql/statements/index.js';
import type { DbClient } from './db-client.js';

export interface PreparedInsertLimits {
  /** Rows sent to the client in one put. */
  readonly batchRowsMax: number;
  /** Rows `add` may gather before `execute` must run. */
  readonly pendingRowsMax: number;
}

export const PREPARED_INSERT_DEFAULTS: PreparedInsertLimits = { batchRowsMax: 1000, pendingRowsMax: 100_000 };

/** Writes rows in batches; on a failure says how many rows were written before it. */
export async function putInBatches(
  client: DbClient,
  db: string,
  table: string,
  rows: readonly Value[][],
  batchRowsMax: number,
): Promise<Result<number>> {
  let written = 0;
  for (let i = 0; i < rows.length; i += batchRowsMax) {
    const batch = rows.slice(i, i + batchRowsMax);
    const r = await client.put(db, table, batch);
    if (!r.ok) {
      return written === 0 ? r : fail(r.code, `${r.message} (after ${written} of ${rows.length} rows were written)`);
    }
    written += batch.length;
  }
  return ok(written);
}

export class PreparedInsert {
  private pending: Value[][] = [];

  constructor(
    private readonly client: DbClient,
    readonly db: string,
    readonly table: string,
    private readonly plan: InsertPlan,
    private readonly limits: PreparedInsertLimits = PREPARED_INSERT_DEFAULTS,
  ) {}

  /** Number of `?` values each `add` takes. */
  get paramCount(): number {
    return this.plan.paramCount;
  }

  /** Rows added and not yet written. */
  get pendingRows(): number {
    return this.pending.length;
  }

  /** Binds one set of parameters (one value per `?`, in order); the rows wait for `execute`. */
  add(params: readonly Value[]): Result<void> {
    if (this.pending.length + this.plan.rows.length > this.limits.pendingRowsMax) {
      return fail(
        Code.tooManyRows,
        `insert into '${this.db}.${this.table}' failed: ${this.pending.length} rows are waiting, the limit is ${this.limits.pendingRowsMax}; execute them first`,
      );
    }
    const rows = bindInsert(this.plan, params);
    if (!rows.ok) return rows;
    this.pending.push(...rows.value);
    return okVoid;
  }

  /** Writes the added rows (they are dropped from the batch either way); returns the rows written. */
  async execute(): Promise<Result<number>> {
    const rows = this.pending;
    this.pending = [];
    return putInBatches(this.client, this.db, this.table, rows, this.limits.batchRowsMax);
  }

  /** Drops the added rows without writing them. */
  clear(): void {
    this.pending = [];
  }
}
