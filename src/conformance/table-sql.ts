/**
 * The DDL and DML the reference runner generates for input tables (sql.md §8.2-8.3):
 *   create table t(
 *   c1 string,
 *   c7 timestamp NOT NULL,
 *   index(key=(c1), ts=c7, ttl=10m, ttl_type=absolute)) options(partitionnum=1, replicanum=1);
 *   insert into t values('aa', 1590738989000, ...);
 * Index names are not written (the engine names them), which is why two `indexs` entries may share
 * a name. Scalars go into INSERT text as written, quoted for strings and dates. The options clause
 * carries what the caller gives (standalone runs: 1 and 1, as the C++ runner; cluster runs: the
 * table's own options), and is left out when there are none, so the cluster's defaults apply.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import type { IndexSpec } from './case-model.js';
import type { ColumnSpec } from './column-spec.js';
import { parseColumnDeclaration } from './column-spec.js';
import { invalid } from './raw.js';
import { sqlLiteral } from './values.js';

/** `options(...)` of a generated CREATE TABLE; an absent field is left to the database. */
export interface CreateOptions {
  readonly partitionNum?: number;
  readonly replicaNum?: number;
}

/** What the C++ SDK runner writes for every table. */
export const ONE_PARTITION_ONE_REPLICA: CreateOptions = { partitionNum: 1, replicaNum: 1 };

export function buildCreateTable(
  name: string,
  columns: readonly ColumnSpec[],
  indexes: readonly IndexSpec[],
  options: CreateOptions = ONE_PARTITION_ONE_REPLICA,
): string {
  const defs = columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  for (const index of indexes) defs.push(indexClause(index));
  const opts: string[] = [];
  if (options.partitionNum !== undefined) opts.push(`partitionnum=${options.partitionNum}`);
  if (options.replicaNum !== undefined) opts.push(`replicanum=${options.replicaNum}`);
  return `create table ${name}(\n${defs.join(',\n')})${opts.length > 0 ? ` options(${opts.join(', ')})` : ''};`;
}

function indexClause(index: IndexSpec): string {
  const parts = [`key=(${index.keys.join(',')})`];
  if (index.ts !== undefined) parts.push(`ts=${index.ts}`);
  const ttlType = index.ttlType?.toLowerCase();
  if (index.ttl !== undefined) {
    // A bare number is minutes for absolute TTLs and a row count for latest ones.
    const minutes = (ttlType === undefined || ttlType === 'absolute') && /^\d+$/.test(index.ttl);
    parts.push(`ttl=${index.ttl}${minutes ? 'm' : ''}`);
  }
  if (index.ttlType !== undefined) parts.push(`ttl_type=${index.ttlType}`);
  return `index(${parts.join(', ')})`;
}

export function buildInsert(name: string, columns: readonly ColumnSpec[], row: readonly string[]): Result<string> {
  if (row.length !== columns.length) {
    return invalid(`row [${row.join(', ')}] has ${row.length} values for ${columns.length} columns of '${name}'`);
  }
  const literals: string[] = [];
  for (const [i, raw] of row.entries()) {
    const literal = sqlLiteral(raw, columns[i]!.type);
    if (!literal.ok) return invalid(`table '${name}' column '${columns[i]!.name}': ${literal.message}`);
    literals.push(literal.value);
  }
  return ok(`insert into ${name} values(${literals.join(', ')});`);
}

/** Column declarations of an explicit `create table t (...)` statement (index clauses skipped). */
export function columnsFromCreate(sql: string): Result<ColumnSpec[]> {
  const open = sql.indexOf('(');
  if (open < 0 || !/^\s*create\s+table\b/i.test(sql)) return invalid(`cannot read columns from '${oneLine(sql)}'`);
  const items = splitTopLevel(sql.slice(open + 1));
  if (!items.ok) return invalid(`cannot read columns from '${oneLine(sql)}': ${items.message}`);
  const out: ColumnSpec[] = [];
  for (const item of items.value) {
    if (/^(index|primary\s+key|unique)\b/i.test(item) || item === '') continue;
    const c = parseColumnDeclaration(item.replace(/`/g, ''));
    if (!c.ok) return invalid(`cannot read columns from '${oneLine(sql)}': ${c.message}`);
    out.push(c.value);
  }
  return ok(out);
}

/** Splits `a, b(c, d), 'e,f') rest` at depth-0 commas up to the closing parenthesis. */
function splitTopLevel(text: string): Result<string[]> {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    else if (ch === ')') {
      items.push(text.slice(start, i).trim());
      return ok(items);
    } else if (ch === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return invalid('unbalanced parentheses');
}

/**
 * Columns a prepared `insert into t [(c1, c2)] values (?, ?)` binds, in `?` order: the listed
 * columns, or all of the table's columns when the statement lists none.
 */
export function insertTargetColumns(insertSql: string, tableColumns: readonly ColumnSpec[]): Result<ColumnSpec[]> {
  const m = /^\s*insert\s+into\s+[^\s(]+\s*(\(([^)]*)\))?\s*values/i.exec(insertSql);
  if (!m) return invalid(`cannot read target columns of '${oneLine(insertSql)}'`);
  if (m[2] === undefined) return ok(tableColumns.slice());
  const out: ColumnSpec[] = [];
  for (const listed of m[2].split(',')) {
    const name = listed.trim().replace(/`/g, '').toLowerCase();
    const column = tableColumns.find((c) => c.name.toLowerCase() === name);
    if (!column) return invalid(`'${oneLine(insertSql)}' names column '${listed.trim()}' the table does not have`);
    out.push(column);
  }
  return ok(out);
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
