/**
 * How the SQL shell prints a result: a dashed table with the column names, the rows (NULL as
 * `NULL`), then `N rows in set`; `Empty set` when a query returns nothing; pre-formatted results
 * (DESC, SHOW DEPLOYMENT) as the text they hold; the message of a statement without rows.
 */
import { isPreformatted, renderTextTable, type ResultSet, valueText } from '../sql/statements/index.js';

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function formatResultSet(result: ResultSet): string {
  if (isPreformatted(result)) return result.rows.map((row) => withNewline(valueText(row[0] ?? null))).join('');
  if (result.columns.length === 0) return result.message === undefined ? '' : withNewline(result.message);
  if (result.rows.length === 0) return 'Empty set\n';
  const header = result.columns.map((c) => c.name);
  const rows = result.rows.map((row) => header.map((_, i) => valueText(row[i] ?? null)));
  return `${renderTextTable(header, rows)}\n${result.rows.length} rows in set\n`;
}
