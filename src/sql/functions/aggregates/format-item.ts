/**
 * Text of keys and values inside the strings built by the category and frequency aggregates
 * ("k1:v1,k2:v2", "4,1,8"): integers in decimal, floats with printf "%f" (1.100000),
 * timestamps as 'YYYY-MM-DD HH:MM:SS' (UTC+8), dates and strings as they are.
 */
import { assert } from '../../../base/assert.js';
import type { Value } from '../../../protocol/schema.js';
import { formatTimestamp } from '../../operators/calendar.js';
import { formatFixed } from '../../operators/format-number.js';
import type { PrimitiveType } from '../../types.js';

export function formatItem(v: Value, type: PrimitiveType): string {
  assert(v !== null, 'formatItem: NULL');
  switch (type) {
    case 'float':
    case 'double':
      return formatFixed(v as number);
    case 'timestamp':
      return formatTimestamp(v as number);
    case 'bool':
      return v ? 'true' : 'false';
    default:
      return String(v);
  }
}
