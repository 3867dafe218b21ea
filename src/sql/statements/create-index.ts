/**
 * CREATE INDEX name ON [db.]t (c1, ...) [OPTIONS (ts=..., ttl=..., ttl_type=...)] → the new index
 * definition, checked against the table's current schema with the nameserver's rules (sql.md §2.3).
 */
import { Code, ok, type Result } from '../../base/status.js';
import { DEFAULT_SCHEMA_LIMITS, normalizeSchema, type SchemaLimits } from '../../protocol/schema-rules.js';
import type { IndexDef, TableSchema } from '../../protocol/schema.js';
import type { CreateIndex } from '../syntax/index.js';
import { checkName, indexDefFrom } from './create-table.js';
import { statementFail } from './statement-error.js';

export interface CreateIndexPlan {
  readonly db?: string;
  readonly table: string;
  readonly index: IndexDef;
}

/** The table a CREATE INDEX names (to fetch its schema before `planCreateIndex`). */
export function createIndexTarget(node: CreateIndex): Result<{ db?: string; table: string }> {
  const db = node.table.db === undefined ? undefined : checkName(node.table.db, 'database name');
  if (db !== undefined && !db.ok) return db;
  const table = checkName(node.table.name, 'table name');
  if (!table.ok) return table;
  return ok(db === undefined ? { table: table.value } : { db: db.value, table: table.value });
}

export function planCreateIndex(
  node: CreateIndex,
  schema: TableSchema,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): Result<CreateIndexPlan> {
  const target = createIndexTarget(node);
  if (!target.ok) return target;
  const name = checkName(node.name, 'index name');
  if (!name.ok) return name;
  const index = indexDefFrom({ kind: 'indexDef', name: node.name, spec: node.spec, pos: node.pos }, name.value, `index '${name.value}'`, limits, 'create index failed');
  if (!index.ok) return index;
  const checked = normalizeSchema({ columns: schema.columns, indexes: [...schema.indexes, index.value] }, 0, limits);
  if (!checked.ok) return statementFail(Code.sqlPlanError, `create index failed: ${checked.message}`, node.spec.pos);
  // The index as normalized (key and ts columns spelled as the table spells them).
  return ok({ ...target.value, index: checked.value.indexes[checked.value.indexes.length - 1]! });
}
