/**
 * SQL type names and their aliases (case-insensitive), as accepted in column definitions, CAST and
 * the conformance files' `columns` lists.
 */
import type { ColumnType } from '../../protocol/schema.js';

const TYPE_BY_NAME: ReadonlyMap<string, ColumnType> = new Map<string, ColumnType>([
  ['bool', 'bool'],
  ['boolean', 'bool'],
  ['smallint', 'smallint'],
  ['int16', 'smallint'],
  ['i16', 'smallint'],
  ['int', 'int'],
  ['integer', 'int'],
  ['int32', 'int'],
  ['i32', 'int'],
  ['bigint', 'bigint'],
  ['int64', 'bigint'],
  ['i64', 'bigint'],
  ['float', 'float'],
  ['double', 'double'],
  ['string', 'string'],
  ['varchar', 'string'],
  ['date', 'date'],
  ['timestamp', 'timestamp'],
]);

/** The column type a type name stands for, or undefined if the name is unknown. */
export function columnTypeFromName(name: string): ColumnType | undefined {
  return TYPE_BY_NAME.get(name.toLowerCase());
}

/** The names the parser accepts, for error messages. */
export const TYPE_NAMES: readonly string[] = [...TYPE_BY_NAME.keys()];
