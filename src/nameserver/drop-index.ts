/**
 * DROP INDEX / ns_client deleteindex in the nameserver: which index goes, and whether it may.
 * A dropped index keeps its position (binlog entries and snapshots name indexes by position) and
 * is marked `dropped` in the table's schema; a later CREATE INDEX of the same name appends a new
 * index. Refused: an unknown index, the first index (every row of a partition is stored under it,
 * so it is also always the last live one), an index of a table that is not in memory, and an
 * index a deployment reads (its windows and LAST JOINs were planned on it).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { DeploymentInfo } from '../protocol/messages.js';
import { isLiveIndex, liveIndexPosition, type TableInfo, type TableSchema } from '../protocol/schema.js';
import { planSql } from '../sql/engine.js';
import type { SqlCatalog } from '../sql/plan/catalog.js';
import { analyzeRequest } from '../sql/plan/request-rules.js';
import { parseStatement } from '../sql/syntax/index.js';

export interface IndexDrop {
  readonly position: number;
  /** The table's schema with the index marked dropped. */
  readonly schema: TableSchema;
}

/** An index a deployment reads: table and position. */
export interface IndexUse {
  readonly db: string;
  readonly table: string;
  readonly indexPos: number;
}

/**
 * Decides a drop. `usedBy(position)` names the deployments (`db.name`) that read the table's index
 * at that position.
 */
export function planDropIndex(table: TableInfo, indexName: string, usedBy: (position: number) => readonly string[]): Result<IndexDrop> {
  const what = `drop index failed: table '${table.db}.${table.name}'`;
  if (table.storageMode !== 'memory') return fail(Code.invalidParameter, `${what} is not a memory table; its indexes cannot be dropped`);
  const position = liveIndexPosition(table.schema, indexName);
  if (position < 0) {
    const live = table.schema.indexes.filter(isLiveIndex).map((i) => i.name);
    return fail(Code.indexNotFound, `${what} has no index '${indexName}' (indexes: ${live.join(', ')})`);
  }
  const name = table.schema.indexes[position]!.name;
  if (position === 0) {
    return fail(Code.invalidParameter, `${what}: index '${name}' is the table's first index (its primary key); it cannot be dropped`);
  }
  const users = usedBy(position);
  if (users.length > 0) {
    return fail(Code.invalidParameter, `${what}: index '${name}' is used by deployment ${users.join(', ')}; drop the deployment first`);
  }
  const indexes = table.schema.indexes.map((index, i) => (i === position ? { ...index, dropped: true } : index));
  return ok({ position, schema: { columns: table.schema.columns, indexes } });
}

/**
 * The indexes a deployment reads, as its query plans now against `catalog` (every window and LAST
 * JOIN served by an index). A deployment that no longer plans (a table it reads is gone) reads none.
 */
export function indexesUsedBy(deployment: DeploymentInfo, catalog: SqlCatalog): IndexUse[] {
  const parsed = parseStatement(deployment.sql);
  if (!parsed.ok || parsed.value.kind !== 'deploy') return [];
  const plan = planSql(parsed.value.query, catalog, deployment.db, []);
  if (!plan.ok) return [];
  const analysis = analyzeRequest(plan.value);
  if (!analysis.ok) return [];
  const out: IndexUse[] = [];
  for (const r of analysis.value.requirements) {
    if (r.indexPos !== undefined) out.push({ db: r.table.db, table: r.table.name, indexPos: r.indexPos });
  }
  return out;
}
