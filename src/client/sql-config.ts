/**
 * What the client reads from a SELECT before sending it to a tablet: the `CONFIG (execute_mode =
 * 'request', values = (...))` clause (sql.md §4.1) and the query's main table (the left-most table
 * of its FROM), which decides the tablet the query goes to.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Value } from '../protocol/schema.js';
import type { ExecuteMode } from '../sql/statements/index.js';
import type { FromItem, Literal, ObjectName, OptionEntry, OptionValue, Query, QueryBody } from '../sql/syntax/index.js';

export interface QueryConfig {
  readonly executeMode?: ExecuteMode;
  /** Request rows of `values = (...)` or `values = [(...), ...]`. */
  readonly values?: Value[][];
}

function literalValue(l: Literal): Value {
  return l.value;
}

function scalar(v: OptionValue, params: readonly Value[]): Result<Value> {
  switch (v.kind) {
    case 'literal':
      return ok(literalValue(v));
    case 'param':
      return v.index < params.length ? ok(params[v.index]!) : fail(Code.invalidParameter, `CONFIG values: no value was given for placeholder ${v.index + 1}`);
    default:
      return fail(Code.invalidParameter, 'CONFIG values: each value must be a literal or ?');
  }
}

function row(v: OptionValue, params: readonly Value[]): Result<Value[]> {
  if (v.kind !== 'optionTuple') return fail(Code.invalidParameter, 'CONFIG values: a request row is a parenthesised list (v1, v2, ...)');
  const out: Value[] = [];
  for (const item of v.items) {
    const s = scalar(item, params);
    if (!s.ok) return s;
    out.push(s.value);
  }
  return ok(out);
}

/** Reads CONFIG; unknown keys are ignored, as the reference does. */
export function readConfig(entries: readonly OptionEntry[], params: readonly Value[]): Result<QueryConfig> {
  let executeMode: ExecuteMode | undefined;
  let values: Value[][] | undefined;
  for (const e of entries) {
    const key = e.name.name.toLowerCase();
    if (key === 'execute_mode') {
      const v = e.value;
      const text = v.kind === 'literal' && v.type === 'string' ? v.value : v.kind === 'ident' ? v.name : undefined;
      const mode = text?.toLowerCase();
      if (mode !== 'online' && mode !== 'request' && mode !== 'offline') {
        return fail(Code.invalidParameter, "CONFIG execute_mode must be 'online', 'request' or 'offline'");
      }
      executeMode = mode;
    } else if (key === 'values') {
      const v = e.value;
      if (v.kind === 'optionArray') {
        values = [];
        for (const item of v.items) {
          const r = row(item, params);
          if (!r.ok) return r;
          values.push(r.value);
        }
      } else {
        const r = row(v, params);
        if (!r.ok) return r;
        values = [r.value];
      }
    }
  }
  return ok({ ...(executeMode !== undefined ? { executeMode } : {}), ...(values !== undefined ? { values } : {}) });
}

function fromItemTable(item: FromItem | undefined, ctes: ReadonlySet<string>): ObjectName | undefined {
  if (item === undefined) return undefined;
  switch (item.kind) {
    case 'tableRef':
      return item.name.db === undefined && ctes.has(item.name.name.name) ? undefined : item.name;
    case 'subqueryRef':
      return queryTable(item.query, ctes);
    case 'join':
      return fromItemTable(item.left, ctes);
  }
}

function bodyTable(body: QueryBody, ctes: ReadonlySet<string>): ObjectName | undefined {
  switch (body.kind) {
    case 'select':
      return fromItemTable(body.from, ctes);
    case 'setOperation':
      return bodyTable(body.left, ctes);
    case 'query':
      return queryTable(body, ctes);
  }
}

function queryTable(query: Query, outer: ReadonlySet<string>): ObjectName | undefined {
  const ctes = new Set([...outer, ...query.with.map((c) => c.name.name)]);
  return bodyTable(query.body, ctes) ?? query.with.map((c) => queryTable(c.query, outer)).find((t) => t !== undefined);
}

/** The left-most table the query reads, or undefined for a query without tables. */
export function mainTableOf(query: Query, db: string | undefined): { db: string; name: string } | undefined {
  const name = queryTable(query, new Set());
  if (name === undefined) return undefined;
  const tableDb = name.db?.name ?? db;
  return tableDb === undefined ? undefined : { db: tableDb, name: name.name.name };
}
