/**
 * DELETE FROM [db.]t WHERE cond → which rows of which index go (sql.md §3.2). The condition is
 * conditions joined by AND, each `column op constant|?`:
 *
 *   - `=` on every key column of one index: the rows of that key;
 *   - `= < <= > >=` on that index's TS column: only rows in that time range;
 *   - a TS range (or `ts = v`) alone: the rows in that range under every key of the index.
 *
 * Anything else (OR, !=, a column no index covers, a range on a key column) is refused with the
 * position of the condition that does not fit. Rows go from every index of the table, not just
 * the one named here: the index only locates them.
 */
import { Code, ok, type Result } from '../../base/status.js';
import { type ColumnDesc, columnIndex, type IndexDef, type TableSchema, type Value } from '../../protocol/schema.js';
import { type BinaryOp, type Delete, type Expr, printExpr, type SourcePos } from '../syntax/index.js';
import { type Coerced, literalToColumn, paramToColumn } from './column-value.js';
import { checkName } from './create-table.js';
import { statementFail } from './statement-error.js';

const FAILED = 'delete failed';

export interface DeletePlan {
  /** The index that locates the rows. */
  readonly index: string;
  /** Values of the index's key columns, in the index's order; absent = every key. */
  readonly key?: readonly Value[];
  /** Oldest ts deleted (inclusive); absent = no lower bound. */
  readonly fromTsMs?: number;
  /** Ts bound above the deleted rows (exclusive); absent = no upper bound. */
  readonly toTsMs?: number;
  /** The time range holds no instant (e.g. `ts > 5 AND ts < 3`): nothing to delete. */
  readonly empty: boolean;
}

type CompareOp = '=' | '<' | '<=' | '>' | '>=';

interface Condition {
  readonly column: number;
  readonly op: CompareOp;
  readonly value: Value;
  readonly pos: SourcePos;
}

const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const COMPARE_OPS = new Set<BinaryOp>(['=', '<', '<=', '>', '>=']);

/** The table a DELETE names (to fetch its schema before `planDelete`). */
export function deleteTarget(node: Delete): Result<{ db?: string; table: string }> {
  const db = node.table.db === undefined ? undefined : checkName(node.table.db, 'database name');
  if (db !== undefined && !db.ok) return db;
  const table = checkName(node.table.name, 'table name');
  if (!table.ok) return table;
  return ok(db === undefined ? { table: table.value } : { db: db.value, table: table.value });
}

function conjuncts(expr: Expr, out: Expr[]): void {
  if (expr.kind === 'binary' && expr.op === 'AND') {
    conjuncts(expr.left, out);
    conjuncts(expr.right, out);
  } else {
    out.push(expr);
  }
}

function refuse(problem: string, pos: SourcePos) {
  return statementFail(Code.sqlPlanError, `${FAILED}: ${problem}`, pos);
}

function condition(expr: Expr, schema: TableSchema, params: readonly Value[]): Result<Condition> {
  const shape = 'a condition is `column = value` on key columns or `ts_column <op> value` with op one of = < <= > >=';
  let column: Expr;
  let operand: Expr;
  let op: CompareOp;
  if (expr.kind === 'is' && expr.test === 'NULL' && !expr.negated) {
    column = expr.operand;
    operand = { kind: 'literal', type: 'null', value: null, image: 'NULL', pos: expr.pos };
    op = '=';
  } else if (expr.kind === 'binary' && COMPARE_OPS.has(expr.op)) {
    const flip = expr.left.kind !== 'column' && expr.right.kind === 'column';
    column = flip ? expr.right : expr.left;
    operand = flip ? expr.left : expr.right;
    op = flip ? FLIPPED[expr.op as CompareOp] : (expr.op as CompareOp);
  } else {
    const what = expr.kind === 'binary' ? `the operator ${expr.op}` : `${printExpr(expr)}`;
    return refuse(`${what} is not supported here; ${shape}`, expr.pos);
  }
  if (column.kind !== 'column') return refuse(`${printExpr(expr)} compares no column; ${shape}`, expr.pos);
  const index = columnIndex(schema, column.column.name);
  if (index < 0) {
    return refuse(`table has no column '${column.column.name}' (columns: ${schema.columns.map((c) => c.name).join(', ')})`, column.pos);
  }
  const desc = schema.columns[index]!;
  let value: Coerced;
  if (operand.kind === 'literal') value = literalToColumn(operand, desc);
  else if (operand.kind === 'param') {
    if (operand.index >= params.length) {
      return refuse(`parameter ${operand.index + 1} is missing (${params.length} given)`, operand.pos);
    }
    value = paramToColumn(params[operand.index]!, desc);
  } else return refuse(`${printExpr(operand)} is neither a constant nor a ? placeholder`, operand.pos);
  if (!value.ok) return statementFail(Code.sqlTypeError, `${FAILED}: ${value.problem}`, operand.pos);
  return ok({ column: index, op, value: value.value, pos: expr.pos });
}

function indexText(schema: TableSchema): string {
  return schema.indexes
    .map((i) => `${i.name} (key ${i.keyColumns.join('|')}${i.tsColumn === undefined ? '' : `, ts ${i.tsColumn}`})`)
    .join('; ');
}

interface Range {
  from: number | undefined;
  to: number | undefined;
}

function narrow(range: Range, c: Condition, ts: ColumnDesc): Result<void> {
  if (c.value === null) return refuse(`a bound on the ts column '${ts.name}' cannot be NULL`, c.pos);
  const v = Number(c.value);
  const from = c.op === '=' || c.op === '>=' ? v : c.op === '>' ? v + 1 : undefined;
  const to = c.op === '=' || c.op === '<=' ? v + 1 : c.op === '<' ? v : undefined;
  if (from !== undefined) range.from = range.from === undefined ? from : Math.max(range.from, from);
  if (to !== undefined) range.to = range.to === undefined ? to : Math.min(range.to, to);
  return { ok: true, value: undefined };
}

/**
 * The rows the index `idx` would delete for these conditions, or undefined when the conditions do
 * not fit it. `keyed`: the conditions must name the whole key; otherwise none of it.
 */
function planWithIndex(idx: IndexDef, schema: TableSchema, conditions: readonly Condition[], keyed: boolean): Result<DeletePlan> | undefined {
  const keyColumns = idx.keyColumns.map((k) => columnIndex(schema, k));
  const ts = idx.tsColumn === undefined ? -1 : columnIndex(schema, idx.tsColumn);
  const key = new Map<number, Value>();
  const bounds: Condition[] = [];
  for (const c of conditions) {
    if (c.op === '=' && keyColumns.includes(c.column)) {
      if (key.has(c.column)) return undefined;
      key.set(c.column, c.value);
    } else if (c.column === ts) {
      bounds.push(c);
    } else {
      return undefined;
    }
  }
  if (keyed ? key.size !== keyColumns.length : key.size !== 0 || bounds.length === 0) return undefined;
  const range: Range = { from: undefined, to: undefined };
  for (const b of bounds) {
    const r = narrow(range, b, schema.columns[ts]!);
    if (!r.ok) return r;
  }
  const empty = range.from !== undefined && range.to !== undefined && range.from >= range.to;
  return ok({
    index: idx.name,
    ...(keyed ? { key: keyColumns.map((c) => key.get(c)!) } : {}),
    ...(range.from !== undefined ? { fromTsMs: range.from } : {}),
    ...(range.to !== undefined ? { toTsMs: range.to } : {}),
    empty,
  });
}

export function planDelete(node: Delete, schema: TableSchema, params: readonly Value[] = []): Result<DeletePlan> {
  const parts: Expr[] = [];
  conjuncts(node.where, parts);
  const conditions: Condition[] = [];
  for (const part of parts) {
    const c = condition(part, schema, params);
    if (!c.ok) return c;
    conditions.push(c.value);
  }
  const rangeColumns = new Set(conditions.filter((c) => c.op !== '=').map((c) => c.column));
  if (rangeColumns.size > 1) {
    const names = [...rangeColumns].map((i) => schema.columns[i]!.name).join(', ');
    const second = conditions.filter((c) => c.op !== '=')[1]!;
    return refuse(`ranges on several columns (${names}); only the ts column of one index may hold a range`, second.pos);
  }
  // An index whose whole key is named wins over a range under every key.
  for (const keyed of [true, false]) {
    for (const idx of schema.indexes) {
      const plan = planWithIndex(idx, schema, conditions, keyed);
      if (plan !== undefined) return plan;
    }
  }
  const named = [...new Set(conditions.map((c) => schema.columns[c.column]!.name))].join(', ');
  return refuse(
    `the condition on (${named}) fits no index; name every key column of one index with =, optionally with a range on its ts column (indexes: ${indexText(schema)})`,
    node.where.pos,
  );
}
