/**
 * Column declarations as case files write them: `"c1 string"`, `"c2 int not null"`,
 * `"sum(c4)over w1 bigint"` (the name is everything before the type), `"id:bigint"`, and the legacy
 * `schema: "a:int32, b:string"`. Type names follow the reference's aliases.
 */
import type { Result } from '../base/status.js';
import { Code, fail, ok } from '../base/status.js';
import type { ColumnType } from '../protocol/schema.js';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
}

const TYPE_ALIASES: Readonly<Record<string, ColumnType>> = {
  bool: 'bool',
  boolean: 'bool',
  int16: 'smallint',
  i16: 'smallint',
  smallint: 'smallint',
  int32: 'int',
  i32: 'int',
  int: 'int',
  integer: 'int',
  int64: 'bigint',
  i64: 'bigint',
  bigint: 'bigint',
  float: 'float',
  float32: 'float',
  double: 'double',
  float64: 'double',
  string: 'string',
  varchar: 'string',
  timestamp: 'timestamp',
  date: 'date',
};

export function columnTypeOf(typeName: string): ColumnType | undefined {
  return TYPE_ALIASES[typeName.trim().toLowerCase()];
}

const TYPE_AND_MODIFIERS = /^([A-Za-z][A-Za-z0-9_]*(?:<.*>)?)(\s+not\s+null)?(?:\s+default\s+.*)?$/i;

/** Parses one entry of `columns:`. */
export function parseColumnDeclaration(text: string): Result<ColumnSpec> {
  const trimmed = text.trim();
  if (!/\s/.test(trimmed)) {
    const colon = trimmed.lastIndexOf(':');
    if (colon > 0) return typed(trimmed.slice(0, colon), trimmed.slice(colon + 1), false, text);
    return fail(Code.invalidParameter, `column '${text}' has no type`);
  }
  // The name may itself contain spaces ("c2 + 1 int"): take the shortest name whose remainder is a
  // known type with optional NOT NULL / DEFAULT.
  let firstShaped: RegExpExecArray | undefined;
  let firstShapedName = '';
  for (const split of trimmed.matchAll(/\s+/g)) {
    const name = trimmed.slice(0, split.index);
    const m = TYPE_AND_MODIFIERS.exec(trimmed.slice(split.index + split[0].length));
    if (!m) continue;
    if (columnTypeOf(m[1]!)) return typed(name, m[1]!, m[2] !== undefined, text);
    if (!firstShaped) {
      firstShaped = m;
      firstShapedName = name;
    }
  }
  if (firstShaped) return typed(firstShapedName, firstShaped[1]!, false, text);
  return fail(Code.invalidParameter, `column '${text}' is not 'name type [NOT NULL]'`);
}

function typed(name: string, typeName: string, notNull: boolean, text: string): Result<ColumnSpec> {
  const type = columnTypeOf(typeName);
  if (!type) return fail(Code.invalidParameter, `column '${text}' has unsupported type '${typeName.trim()}'`);
  return ok({ name: name.trim(), type, notNull });
}

/** Parses the legacy `schema: "a:int32, b:string"` form (items written `a int32` are accepted too). */
export function parseLegacySchema(text: string): Result<ColumnSpec[]> {
  const out: ColumnSpec[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const colon = item.lastIndexOf(':');
    const column = colon > 0 ? typed(item.slice(0, colon), item.slice(colon + 1), false, item) : parseColumnDeclaration(item);
    if (!column.ok) return column;
    out.push(column.value);
  }
  return ok(out);
}
