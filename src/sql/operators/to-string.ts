/**
 * Text of a non-NULL value of a primitive type, as string()/CAST(x AS string)/concat print it:
 * integers in decimal, floats with `formatGeneral`, bool as true/false, timestamps as
 * 'YYYY-MM-DD HH:MM:SS' in UTC+8, dates as 'YYYY-MM-DD'.
 */
import { assert } from '../../base/assert.js';
import type { Value } from '../../protocol/schema.js';
import type { PrimitiveType } from '../types.js';
import { formatTimestamp } from './calendar.js';
import { formatGeneral } from './format-number.js';

export function valueToString(v: Value, type: PrimitiveType): string {
  assert(v !== null, 'valueToString: NULL has no text');
  switch (type) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'smallint':
    case 'int':
    case 'bigint':
      return String(v);
    case 'float':
    case 'double':
      return formatGeneral(v as number);
    case 'timestamp':
      return formatTimestamp(v as number);
    case 'date':
    case 'string':
      return v as string;
    case 'null':
      assert(false, 'valueToString: a value typed null must be NULL');
  }
}
