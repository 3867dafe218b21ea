/** Values typed at a shell prompt, converted by column type (and back for printing). */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { ColumnType, Value } from '../protocol/schema.js';

export function parseTextValue(text: string, type: ColumnType, column: string): Result<Value> {
  if (text === 'NULL' || text === 'null') return ok(null);
  const bad = (what: string) => fail(Code.invalidParameter, `column '${column}' expects ${what}, got '${text}'`);
  switch (type) {
    case 'bool':
      if (/^(true|1)$/i.test(text)) return ok(true);
      if (/^(false|0)$/i.test(text)) return ok(false);
      return bad('true or false');
    case 'smallint':
    case 'int':
    case 'float':
    case 'double': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? ok(n) : bad(`a ${type}`);
    }
    case 'bigint':
      return /^-?\d+$/.test(text) ? ok(BigInt(text)) : bad('an integer');
    case 'timestamp':
      return /^-?\d+$/.test(text) ? ok(Number(text)) : bad('a timestamp in milliseconds');
    case 'date':
    case 'string':
      return ok(text);
  }
}

export function formatValue(v: Value): string {
  if (v === null) return 'NULL';
  return String(v);
}
