/**
 * What a SQL statement returns to a client: typed columns and rows, plus the affected-row count of
 * a write and a short message for statements without rows ("Database changed").
 *
 * Some results are pre-formatted text (DESC, SHOW DEPLOYMENT): one string column named
 * `PREFORMATTED_COLUMN` whose cells are whole ASCII tables, printed as they are.
 */
import type { ColumnType, Value } from '../../protocol/schema.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Value[])[];
  /** Rows written or deleted by INSERT / DELETE. */
  readonly affected?: number;
  readonly message?: string;
}

/** The column name that marks a result as pre-formatted text (the reference's sentinel). */
export const PREFORMATTED_COLUMN = '!%$FORMAT_STRING_KEY';

/** The message of a statement that succeeded without producing rows. */
export const SUCCEED_MESSAGE = 'SUCCEED';

export function messageResult(message: string, affected?: number): ResultSet {
  return affected === undefined ? { columns: [], rows: [], message } : { columns: [], rows: [], affected, message };
}

/** A result whose columns are all strings (what SHOW statements return). */
export function stringTable(names: readonly string[], rows: readonly (readonly Value[])[]): ResultSet {
  return { columns: names.map((name) => ({ name, type: 'string' })), rows };
}

/** Pre-formatted text cells, one per row. */
export function preformatted(texts: readonly string[]): ResultSet {
  return { columns: [{ name: PREFORMATTED_COLUMN, type: 'string' }], rows: texts.map((t) => [t]) };
}

export function isPreformatted(result: ResultSet): boolean {
  return result.columns.length === 1 && result.columns[0]!.name === PREFORMATTED_COLUMN;
}
