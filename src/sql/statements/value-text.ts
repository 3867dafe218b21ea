/** The text of a value in a result table: NULL as `NULL`, everything else as SQL prints it. */
import type { Value } from '../../protocol/schema.js';

export function valueText(value: Value): string {
  if (value === null) return 'NULL';
  return String(value);
}
