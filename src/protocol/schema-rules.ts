/**
 * The rules a table schema must satisfy (sql.md §2.2, cluster.md §4.1), checked by the nameserver
 * on every CREATE TABLE however it arrives (SQL, ns_client, SDK). Returns the normalized schema:
 * a default index is added when there is none, unnamed indexes get generated names.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import { COLUMN_TYPES, type ColumnDesc, type IndexDef, type TableSchema, TTL_TYPES, type Ttl } from './schema.js';

export interface SchemaLimits {
  readonly latestTtlMax: number;
  readonly absoluteTtlMaxMinutes: number;
  readonly columnsMax: number;
  readonly indexesMax: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = {
  latestTtlMax: 1000,
  absoluteTtlMaxMinutes: 15_768_000,
  columnsMax: 4096,
  indexesMax: 64,
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidName(name: string): boolean {
  return NAME.test(name) && name.length <= 128;
}

function checkTtl(index: string, ttl: Ttl, limits: SchemaLimits): Result<void> {
  if (!TTL_TYPES.includes(ttl.type)) return fail(Code.invalidParameter, `index '${index}': unknown ttl type '${ttl.type}'`);
  if (!Number.isSafeInteger(ttl.absMinutes) || ttl.absMinutes < 0 || ttl.absMinutes > limits.absoluteTtlMaxMinutes) {
    return fail(
      Code.invalidParameter,
      `index '${index}': absolute ttl ${ttl.absMinutes}min is out of range 0..${limits.absoluteTtlMaxMinutes}`,
    );
  }
  if (!Number.isSafeInteger(ttl.latCount) || ttl.latCount < 0 || ttl.latCount > limits.latestTtlMax) {
    return fail(Code.invalidParameter, `index '${index}': latest ttl ${ttl.latCount} is out of range 0..${limits.latestTtlMax}`);
  }
  return { ok: true, value: undefined };
}

/**
 * Validates and normalizes. `nowSeconds` names generated indexes as the reference does
 * (`INDEX_<n>_<unix seconds>`).
 */
export function normalizeSchema(
  schema: TableSchema,
  nowSeconds: number,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): Result<TableSchema> {
  const columns = schema.columns;
  if (columns.length === 0) return fail(Code.invalidParameter, 'a table needs at least one column');
  if (columns.length > limits.columnsMax) {
    return fail(Code.invalidParameter, `a table may have at most ${limits.columnsMax} columns, got ${columns.length}`);
  }
  const byName = new Map<string, ColumnDesc>();
  for (const c of columns) {
    if (!isValidName(c.name)) return fail(Code.invalidParameter, `invalid column name '${c.name}'`);
    if (!COLUMN_TYPES.includes(c.type)) return fail(Code.invalidParameter, `column '${c.name}' has unknown type '${c.type}'`);
    const key = c.name.toLowerCase();
    if (byName.has(key)) return fail(Code.invalidParameter, `duplicate column name '${c.name}'`);
    byName.set(key, c);
  }
  let indexes: IndexDef[] = [...schema.indexes];
  if (indexes.length === 0) {
    const first = columns.find((c) => c.type !== 'float' && c.type !== 'double');
    if (!first) return fail(Code.invalidParameter, 'no column can be an index key (all are float or double)');
    indexes = [{ name: `INDEX_0_${nowSeconds}`, keyColumns: [first.name], ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }];
  }
  if (indexes.length > limits.indexesMax) {
    return fail(Code.invalidParameter, `a table may have at most ${limits.indexesMax} indexes, got ${indexes.length}`);
  }
  const names = new Set<string>();
  const shapes = new Set<string>();
  const out: IndexDef[] = [];
  for (let i = 0; i < indexes.length; i++) {
    const idx = indexes[i]!;
    const name = idx.name === '' ? `INDEX_${i}_${nowSeconds}` : idx.name;
    if (!isValidName(name)) return fail(Code.invalidParameter, `invalid index name '${name}'`);
    if (names.has(name.toLowerCase())) return fail(Code.invalidParameter, `duplicate index name '${name}'`);
    names.add(name.toLowerCase());
    if (idx.keyColumns.length === 0) return fail(Code.invalidParameter, `index '${name}' has no key column`);
    const seen = new Set<string>();
    const keyColumns: string[] = [];
    for (const k of idx.keyColumns) {
      const col = byName.get(k.toLowerCase());
      if (!col) return fail(Code.invalidParameter, `index '${name}': key column '${k}' does not exist`);
      if (col.type === 'float' || col.type === 'double') {
        return fail(Code.invalidParameter, `index '${name}': key column '${k}' is ${col.type}; float and double cannot be keys`);
      }
      if (seen.has(col.name)) return fail(Code.invalidParameter, `index '${name}': key column '${k}' appears twice`);
      seen.add(col.name);
      keyColumns.push(col.name);
    }
    let tsColumn: string | undefined;
    if (idx.tsColumn !== undefined) {
      const col = byName.get(idx.tsColumn.toLowerCase());
      if (!col) return fail(Code.invalidParameter, `index '${name}': ts column '${idx.tsColumn}' does not exist`);
      if (col.type !== 'bigint' && col.type !== 'timestamp') {
        return fail(Code.invalidParameter, `index '${name}': ts column '${idx.tsColumn}' is ${col.type}; it must be bigint or timestamp`);
      }
      tsColumn = col.name;
    }
    const shape = `${keyColumns.join('|')}#${tsColumn ?? ''}`;
    if (shapes.has(shape)) {
      return fail(Code.invalidParameter, `index '${name}' repeats the key (${keyColumns.join(', ')}) and ts of another index`);
    }
    shapes.add(shape);
    const ttlOk = checkTtl(name, idx.ttl, limits);
    if (!ttlOk.ok) return ttlOk;
    out.push(tsColumn === undefined ? { name, keyColumns, ttl: idx.ttl } : { name, keyColumns, tsColumn, ttl: idx.ttl });
  }
  return ok({ columns, indexes: out });
}
