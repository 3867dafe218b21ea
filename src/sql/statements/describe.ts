/**
 * DESC [db.]t (sql.md §2.5): pre-formatted tables, one per cell: the columns (#, Field, Type,
 * Null, Default), the indexes (#, name, keys, ts, ttl, ttl_type) and the storage settings
 * (compress_type, storage_mode). The rows are also available as data for callers that check them.
 */
import type { ColumnType, TableInfo, TableSchema, Value } from '../../protocol/schema.js';
import { preformatted, type ResultSet } from './result-set.js';
import { renderTextTable } from './text-table.js';
import { ttlText, ttlTypeName } from './ttl.js';

const TYPE_TEXT: Readonly<Record<ColumnType, string>> = {
  bool: 'Bool',
  smallint: 'SmallInt',
  int: 'Int',
  bigint: 'BigInt',
  float: 'Float',
  double: 'Double',
  string: 'Varchar',
  date: 'Date',
  timestamp: 'Timestamp',
};

export const DESC_COLUMN_HEADER = ['#', 'Field', 'Type', 'Null', 'Default'] as const;
export const DESC_INDEX_HEADER = ['#', 'name', 'keys', 'ts', 'ttl', 'ttl_type'] as const;
export const DESC_STORAGE_HEADER = ['compress_type', 'storage_mode'] as const;

/** A column type as DESC names it: Varchar, Int, BigInt, SmallInt, Float, Double, Timestamp, Date, Bool. */
export function typeText(type: ColumnType): string {
  return TYPE_TEXT[type];
}

function defaultText(value: Value | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

export function describeColumnRows(schema: TableSchema): string[][] {
  return schema.columns.map((c, i) => [String(i + 1), c.name, typeText(c.type), c.notNull ? 'NO' : 'YES', defaultText(c.defaultValue)]);
}

/** Index rows: keys joined with `|`, ts `-` when the index has none, ttl as `ttlText`. */
export function describeIndexRows(schema: TableSchema): string[][] {
  return schema.indexes.map((idx, i) => [
    String(i + 1),
    idx.name,
    idx.keyColumns.join('|'),
    idx.tsColumn ?? '-',
    ttlText(idx.ttl),
    ttlTypeName(idx.ttl.type),
  ]);
}

export function describeStorageRow(info: Pick<TableInfo, 'compress' | 'storageMode'>): string[] {
  const compress = info.compress === 'snappy' ? 'kSnappy' : 'kNoCompress';
  const storage = info.storageMode === 'memory' ? 'Memory' : info.storageMode.toUpperCase();
  return [compress, storage];
}

export function describeTable(info: TableInfo): ResultSet {
  return preformatted([
    renderTextTable(DESC_COLUMN_HEADER, describeColumnRows(info.schema)),
    renderTextTable(DESC_INDEX_HEADER, describeIndexRows(info.schema)),
    renderTextTable(DESC_STORAGE_HEADER, [describeStorageRow(info)]),
  ]);
}
