/**
 * INSERT [OR IGNORE] INTO [db.]t [(c, ...)] VALUES (...), ... → rows of values in schema order
 * (sql.md §3.1). Planning checks the column list, the value counts, the literals (constants and
 * `?` only, coerced per column type) and fills omitted columns with their DEFAULT or NULL;
 * binding fills the `?` holes from parameters. A plan is made once and bound many times by a
 * prepared insert.
 */
import { Code, ok, type Result } from '../../base/status.js';
import { type ColumnDesc, columnIndex, type TableSchema, type Value } from '../../protocol/schema.js';
import { type Insert, printExpr, type SourcePos } from '../syntax/index.js';
import { literalToColumn, paramToColumn } from './column-value.js';
import { checkName } from './create-table.js';
import { statementFail } from './statement-error.js';

const FAILED = 'insert failed';

/** One cell of a planned row: a fixed value or the `?` parameter number `param` (0-based). */
export type InsertCell = { readonly kind: 'value'; readonly value: Value } | { readonly kind: 'param'; readonly param: number };

export interface InsertPlan {
  readonly orIgnore: boolean;
  readonly columns: readonly ColumnDesc[];
  /** Rows in schema order. */
  readonly rows: readonly (readonly InsertCell[])[];
  /** Number of `?` in the statement. */
  readonly paramCount: number;
}

export interface InsertTarget {
  readonly db?: string;
  readonly table: string;
}

/** The table an INSERT writes to (to fetch its schema before `planInsert`). */
export function insertTarget(node: Insert): Result<InsertTarget> {
  const db = node.table.db === undefined ? undefined : checkName(node.table.db, 'database name');
  if (db !== undefined && !db.ok) return db;
  const table = checkName(node.table.name, 'table name');
  if (!table.ok) return table;
  return ok(db === undefined ? { table: table.value } : { db: db.value, table: table.value });
}

function cantBeNull(column: ColumnDesc, pos: SourcePos | undefined, detail = '') {
  return statementFail(Code.sqlPlanError, `${FAILED}: column '${column.name}' can't be null${detail}`, pos);
}

export function planInsert(node: Insert, schema: TableSchema): Result<InsertPlan> {
  const columns = schema.columns;
  // Positions in the schema of the columns each row lists.
  let targets: number[];
  if (node.columns.length === 0) {
    targets = columns.map((_, i) => i);
  } else {
    targets = [];
    const seen = new Set<number>();
    for (const ident of node.columns) {
      const i = columnIndex(schema, ident.name);
      if (i < 0) {
        return statementFail(
          Code.sqlPlanError,
          `${FAILED}: table has no column '${ident.name}' (columns: ${columns.map((c) => c.name).join(', ')})`,
          ident.pos,
        );
      }
      if (seen.has(i)) return statementFail(Code.sqlPlanError, `${FAILED}: column '${ident.name}' is listed twice`, ident.pos);
      seen.add(i);
      targets.push(i);
    }
  }
  // Cells of the columns no row lists: DEFAULT, NULL, or a failure for NOT NULL.
  const fill: InsertCell[] = new Array(columns.length);
  const listed = new Set(targets);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (listed.has(i)) continue;
    if (c.defaultValue !== undefined) fill[i] = { kind: 'value', value: c.defaultValue };
    else if (!c.notNull) fill[i] = { kind: 'value', value: null };
    else return cantBeNull(c, node.pos, ' and has no default (it is not in the column list)');
  }
  let paramCount = 0;
  const rows: InsertCell[][] = [];
  for (let r = 0; r < node.rows.length; r++) {
    const values = node.rows[r]!;
    if (values.length !== targets.length) {
      const names = targets.map((i) => columns[i]!.name).join(', ');
      return statementFail(
        Code.sqlPlanError,
        `${FAILED}: row ${r + 1} has ${values.length} value(s) for ${targets.length} column(s) (${names})`,
        values[0]?.pos ?? node.pos,
      );
    }
    const row = [...fill];
    for (let k = 0; k < values.length; k++) {
      const expr = values[k]!;
      const column = columns[targets[k]!]!;
      if (expr.kind === 'param') {
        row[targets[k]!] = { kind: 'param', param: expr.index };
        paramCount = Math.max(paramCount, expr.index + 1);
        continue;
      }
      if (expr.kind !== 'literal') {
        return statementFail(
          Code.sqlPlanError,
          `${FAILED}: the value ${printExpr(expr)} for column '${column.name}' is neither a constant nor a ? placeholder`,
          expr.pos,
        );
      }
      const value = literalToColumn(expr, column);
      if (!value.ok) return statementFail(Code.sqlTypeError, `${FAILED}: ${value.problem}`, expr.pos);
      if (value.value === null && column.notNull) return cantBeNull(column, expr.pos);
      row[targets[k]!] = { kind: 'value', value: value.value };
    }
    rows.push(row);
  }
  return ok({ orIgnore: node.orIgnore, columns, rows, paramCount });
}

/** The rows of a plan with its `?` holes filled from `params` (one value per `?`, in order). */
export function bindInsert(plan: InsertPlan, params: readonly Value[] = []): Result<Value[][]> {
  if (params.length !== plan.paramCount) {
    return statementFail(
      Code.invalidParameter,
      `${FAILED}: the statement has ${plan.paramCount} ? placeholder(s) but ${params.length} parameter(s) were given`,
    );
  }
  const out: Value[][] = [];
  for (const row of plan.rows) {
    const values: Value[] = new Array(row.length);
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]!;
      if (cell.kind === 'value') {
        values[i] = cell.value;
        continue;
      }
      const column = plan.columns[i]!;
      const value = paramToColumn(params[cell.param]!, column);
      if (!value.ok) return statementFail(Code.sqlTypeError, `${FAILED}: parameter ${cell.param + 1}: ${value.problem}`);
      if (value.value === null && column.notNull) return cantBeNull(column, undefined, ` (parameter ${cell.param + 1} is NULL)`);
      values[i] = value.value;
    }
    out.push(values);
  }
  return ok(out);
}
