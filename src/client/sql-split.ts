/**
 * The client's half of splitting a batch query by partition (tablet/sql-DESIGN.md, "Splitting a
 * query by partition"): plan the query on the cached schemas (no rows are read) to decide whether
 * it splits (sql/plan/split-plan.ts), deal the main table's partitions to the tablets leading
 * them, and merge the pieces' answers.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { SqlResultMsg } from '../protocol/messages.js';
import type { Value } from '../protocol/schema.js';
import { paramTypeOf, planSql } from '../sql/engine.js';
import type { SqlCatalog, SqlTable } from '../sql/plan/catalog.js';
import { splitOf } from '../sql/plan/split-plan.js';
import type { Query } from '../sql/syntax/index.js';
import type { DbClient } from './db-client.js';
import type { TableHandle } from './table-handle.js';

/** How a query is split: by the partitions of `handle`'s table under index `indexPos`. */
export interface QuerySplit {
  readonly handle: TableHandle;
  readonly indexPos: number;
  readonly distinct: boolean;
  readonly limit?: number;
}

export type SplitChoice = { readonly split: QuerySplit } | { readonly reason: string };

/** One piece: the partitions one tablet leads. */
export interface Piece {
  readonly endpoint: string;
  readonly pids: number[];
}

const NOT_READ = 'the client plans queries on schemas only; it reads no rows';

/** A catalog of the cached schemas: enough to plan, nothing to read. */
function schemaCatalog(handles: ReadonlyMap<string, TableHandle>): SqlCatalog & { handleOf(t: SqlTable): TableHandle | undefined } {
  const tables = new Map<string, SqlTable>();
  const owners = new Map<SqlTable, TableHandle>();
  return {
    table(db, name) {
      const id = `${db}.${name}`;
      let t = tables.get(id);
      if (t === undefined) {
        const h = handles.get(id);
        if (h === undefined) return undefined;
        t = {
          db: h.info.db,
          name: h.info.name,
          schema: h.info.schema,
          codec: h.codec,
          scanKey: () => fail(Code.internal, NOT_READ),
          scanAll: () => [fail(Code.internal, NOT_READ)],
        };
        tables.set(id, t);
        owners.set(t, h);
      }
      return t;
    },
    handleOf: (t) => owners.get(t),
  };
}

/** Decides, per query text, whether a batch query splits; decisions are kept until the metadata changes. */
export class SqlSplitPlanner {
  private readonly decided = new Map<string, { readonly changes: number; readonly choice: SplitChoice }>();

  constructor(
    private readonly client: DbClient,
    private readonly decisionsMax = 1000,
  ) {}

  async choose(query: Query, sql: string, db: string | undefined, params: readonly Value[]): Promise<Result<SplitChoice>> {
    const paramTypes = params.map(paramTypeOf);
    const key = `${db ?? ''}\u0000${paramTypes.join(',')}\u0000${sql}`;
    const changes = this.client.metadataChanges;
    const cached = this.decided.get(key);
    if (cached !== undefined && cached.changes === changes) return ok(cached.choice);
    const handles = await this.client.tablesSnapshot();
    if (!handles.ok) return handles;
    const catalog = schemaCatalog(handles.value);
    const plan = planSql(query, catalog, db, paramTypes);
    let choice: SplitChoice;
    if (!plan.ok) choice = { reason: `planning on the client failed: ${plan.message}` };
    else {
      const split = splitOf(plan.value);
      const handle = split.splittable ? catalog.handleOf(split.table) : undefined;
      choice = !split.splittable
        ? { reason: split.reason }
        : handle === undefined
          ? { reason: `table '${split.table.name}' is not in the client's metadata` }
          : { split: { handle, indexPos: split.indexPos, distinct: split.distinct, ...(split.limit === undefined ? {} : { limit: split.limit }) } };
    }
    this.decided.delete(key);
    this.decided.set(key, { changes, choice });
    while (this.decided.size > this.decisionsMax) this.decided.delete(this.decided.keys().next().value!);
    return ok(choice);
  }
}

/** The table's partitions grouped by the tablet leading them, in order of their first partition. */
export function piecesByLeader(handle: TableHandle): Result<Piece[]> {
  const byEndpoint = new Map<string, number[]>();
  for (const p of [...handle.info.partitions].sort((a, b) => a.pid - b.pid)) {
    const leader = handle.leaderOf(p.pid);
    if (!leader.ok) return leader;
    const pids = byEndpoint.get(leader.value);
    if (pids === undefined) byEndpoint.set(leader.value, [p.pid]);
    else pids.push(p.pid);
  }
  return ok([...byEndpoint].map(([endpoint, pids]) => ({ endpoint, pids })));
}

function rowKey(row: readonly Value[]): string {
  return row.map((v) => (v === null ? 'N' : `${typeof v}:${String(v)}`)).join('\u0001');
}

/**
 * The query's result from its pieces' answers: concatenated in piece order, duplicates dropped
 * for DISTINCT, cut to the LIMIT. Columns come from the first answer (every piece ran the same plan).
 */
export function mergePieces(answers: readonly SqlResultMsg[], merge: { readonly distinct: boolean; readonly limit?: number }): SqlResultMsg {
  const first = answers[0];
  if (first === undefined) return { columns: [], rows: [] };
  let rows: Value[][] = answers.flatMap((a) => a.rows);
  if (merge.distinct) {
    const seen = new Set<string>();
    rows = rows.filter((r) => {
      const k = rowKey(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  if (merge.limit !== undefined && rows.length > merge.limit) rows = rows.slice(0, merge.limit);
  return { columns: first.columns, rows };
}
