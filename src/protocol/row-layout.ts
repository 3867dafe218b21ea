/**
 * Where each column lives in an encoded row (the format of cluster.md §10):
 *
 *   [0] format version  [1] schema version  [2..5] total size, u32 LE
 *   null bitmap, ceil(n/8) bytes, bit i of byte i>>3 = column i, 1 = NULL (padding bits are 1)
 *   fixed area: one little-endian slot per non-string column in schema order
 *   one offset slot per string column, 1/2/3/4 bytes wide depending on the total size; slot k holds
 *   where string k starts (absolute), string k ends where string k+1 starts (the last at the end)
 *   the string bytes, concatenated
 *
 * A layout depends only on the number of columns, so each schema version has one.
 */
import type { ColumnDesc, ColumnType } from './schema.js';

export const ROW_FORMAT_VERSION = 1;
export const ROW_HEADER_BYTES = 6;
/** Largest row the format can describe (the size header is a u32). */
export const ROW_BYTES_LIMIT = 0xffff_ffff;

export const FIXED_WIDTH_BYTES: Readonly<Record<Exclude<ColumnType, 'string'>, number>> = {
  bool: 1,
  smallint: 2,
  int: 4,
  bigint: 8,
  float: 4,
  double: 8,
  date: 4,
  timestamp: 8,
};

export interface RowLayout {
  readonly columnCount: number;
  readonly bitmapBytes: number;
  /** Byte offset of each column's fixed slot within the row; -1 for string columns. */
  readonly fixedOffset: Int32Array;
  /** Position of each column among the string columns; -1 for the others. */
  readonly stringIndex: Int32Array;
  readonly stringCount: number;
  /** Start of the string offset slots (= end of the fixed area). */
  readonly offsetsStart: number;
  /** Per bitmap byte, the bits of the NOT NULL columns. */
  readonly notNullMask: Uint8Array;
  /** Columns of type date (their packed values are checked by validateRow). */
  readonly dateColumns: readonly number[];
}

export function buildLayout(columns: readonly ColumnDesc[], columnCount: number): RowLayout {
  const bitmapBytes = (columnCount + 7) >> 3;
  const fixedOffset = new Int32Array(columnCount).fill(-1);
  const stringIndex = new Int32Array(columnCount).fill(-1);
  const notNullMask = new Uint8Array(bitmapBytes);
  const dateColumns: number[] = [];
  let pos = ROW_HEADER_BYTES + bitmapBytes;
  let stringCount = 0;
  for (let i = 0; i < columnCount; i++) {
    const col = columns[i]!;
    if (col.notNull) notNullMask[i >> 3]! |= 1 << (i & 7);
    if (col.type === 'string') {
      stringIndex[i] = stringCount++;
    } else {
      fixedOffset[i] = pos;
      pos += FIXED_WIDTH_BYTES[col.type];
      if (col.type === 'date') dateColumns.push(i);
    }
  }
  return { columnCount, bitmapBytes, fixedOffset, stringIndex, stringCount, offsetsStart: pos, notNullMask, dateColumns };
}

/** Width of a string offset slot in a row of `totalBytes`. */
export function offsetWidth(totalBytes: number): number {
  if (totalBytes <= 0xff) return 1;
  if (totalBytes <= 0xffff) return 2;
  if (totalBytes <= 0xff_ffff) return 3;
  return 4;
}

/** Total size of a row whose fixed part ends at `offsetsStart`, with the given strings. */
export function rowSize(offsetsStart: number, stringCount: number, stringBytes: number): number {
  const base = offsetsStart + stringBytes;
  for (const width of [1, 2, 3]) {
    const total = base + stringCount * width;
    if (total <= (1 << (8 * width)) - 1) return total;
  }
  return base + stringCount * 4;
}

/** Offset slot: 1 byte; 2 bytes LE; 3 bytes big-endian; 4 bytes LE. */
export function readOffset(row: Uint8Array, pos: number, width: number): number {
  switch (width) {
    case 1:
      return row[pos]!;
    case 2:
      return row[pos]! | (row[pos + 1]! << 8);
    case 3:
      return (row[pos]! << 16) | (row[pos + 1]! << 8) | row[pos + 2]!;
    default:
      return (row[pos]! | (row[pos + 1]! << 8) | (row[pos + 2]! << 16) | (row[pos + 3]! << 24)) >>> 0;
  }
}

export function writeOffset(row: Uint8Array, pos: number, width: number, value: number): void {
  switch (width) {
    case 1:
      row[pos] = value;
      return;
    case 2:
      row[pos] = value & 0xff;
      row[pos + 1] = value >>> 8;
      return;
    case 3:
      row[pos] = value >>> 16;
      row[pos + 1] = (value >>> 8) & 0xff;
      row[pos + 2] = value & 0xff;
      return;
    default:
      row[pos] = value & 0xff;
      row[pos + 1] = (value >>> 8) & 0xff;
      row[pos + 2] = (value >>> 16) & 0xff;
      row[pos + 3] = value >>> 24;
  }
}

export function readU32(row: Uint8Array, pos: number): number {
  return (row[pos]! | (row[pos + 1]! << 8) | (row[pos + 2]! << 16) | (row[pos + 3]! << 24)) >>> 0;
}

export function readI32(row: Uint8Array, pos: number): number {
  return row[pos]! | (row[pos + 1]! << 8) | (row[pos + 2]! << 16) | (row[pos + 3]! << 24);
}

/** An int64 LE as a number (exact within ±2^53). */
export function readI64AsNumber(row: Uint8Array, pos: number): number {
  return readI32(row, pos + 4) * 4294967296 + readU32(row, pos);
}
