/**
 * Compact binary rows (layout in row-layout.ts). One codec per table schema; it also reads rows of
 * older schema versions, whose missing trailing columns decode as their default value or NULL.
 *
 * Rows from outside are checked with `validateRow` before anything else reads them; the readers
 * (`decode`, `readKey`, ...) trust a validated row and assert on an unknown schema version.
 */
import { assert } from '../base/assert.js';
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import { INDEX_KEY_NULL, INDEX_KEY_SEPARATOR, indexKeyPart, stringKeyPart } from './row-key.js';
import {
  buildLayout,
  offsetWidth,
  ROW_BYTES_LIMIT,
  ROW_FORMAT_VERSION,
  ROW_HEADER_BYTES,
  type RowLayout,
  readI32,
  readI64AsNumber,
  readOffset,
  readU32,
  rowSize,
  writeOffset,
} from './row-layout.js';
import { readUtf8, utf8ByteLength, writeUtf8 } from './row-utf8.js';
import { isValidPackedDate, packDate, unpackDate, valueError } from './row-values.js';
import type { ColumnDesc, ColumnType, Value } from './schema.js';

export interface RowCodecOptions {
  /** Schema version written into new rows (byte 1 of the header), 0..255. Default 1. */
  readonly schemaVersion?: number;
  /** Column counts of older schema versions: their rows lack the columns added since. */
  readonly columnCountByVersion?: Readonly<Record<number, number>>;
}

const SAFE_HI_MIN = -(2 ** 21);
/** Chunk size for encode(values, pooled = true); larger rows get bytes of their own. */
const POOL_CHUNK_BYTES = 16 * 1024;
/** Strings up to this many bytes are compared with the column's previous one before decoding. */
const REPEAT_BYTES_MAX = 32;
const SAFE_HI_MAX = 2 ** 21 - 1;

export class RowCodec {
  readonly columns: readonly ColumnDesc[];
  readonly schemaVersion: number;
  private readonly types: readonly ColumnType[];
  /** Layout per schema version (index = version byte). */
  private readonly layouts: (RowLayout | undefined)[] = [];
  private readonly current: RowLayout;
  private readonly defaults: readonly Value[];
  private readonly stringLengths: Int32Array;
  /** Per string column: the bytes (up to REPEAT_BYTES_MAX) and string decoded last (see stringAt). */
  private readonly lastBytes: Uint8Array[];
  private readonly lastLength: Int32Array;
  private readonly lastString: string[];

  constructor(columns: readonly ColumnDesc[], options: RowCodecOptions = {}) {
    const schemaVersion = options.schemaVersion ?? 1;
    assert(columns.length > 0, 'a row codec needs at least one column');
    assert(Number.isInteger(schemaVersion) && schemaVersion >= 0 && schemaVersion <= 255, 'schema version is a byte');
    this.columns = columns;
    this.schemaVersion = schemaVersion;
    this.types = columns.map((c) => c.type);
    this.defaults = columns.map((c) => c.defaultValue ?? null);
    columns.forEach((c, i) => {
      const error = c.defaultValue === undefined ? undefined : valueError(c, this.defaults[i]!);
      assert(error === undefined, `default value of column '${c.name}': ${error}`);
    });
    this.current = buildLayout(columns, columns.length);
    this.layouts[schemaVersion] = this.current;
    for (const [version, count] of Object.entries(options.columnCountByVersion ?? {})) {
      const v = Number(version);
      assert(Number.isInteger(v) && v >= 0 && v <= 255, `schema version ${version} is a byte`);
      if (v === schemaVersion) {
        assert(count === columns.length, `schema version ${v} is the current one with ${columns.length} columns`);
        continue;
      }
      assert(Number.isInteger(count) && count >= 1 && count <= columns.length, `schema version ${v} has 1..${columns.length} columns`);
      this.layouts[v] = buildLayout(columns, count);
    }
    this.stringLengths = new Int32Array(this.current.stringCount);
    this.lastBytes = Array.from({ length: this.current.stringCount }, () => new Uint8Array(REPEAT_BYTES_MAX));
    this.lastLength = new Int32Array(this.current.stringCount).fill(-1);
    this.lastString = new Array<string>(this.current.stringCount).fill('');
  }

  /**
   * Encodes one value per column; the errors name the column, the expected type and the value.
   * `pooled`: the row is a view of a shared chunk (cheaper; see pooledBytes) — for rows dropped soon.
   */
  encode(values: readonly Value[], pooled = false): Result<Uint8Array> {
    const columns = this.columns;
    const layout = this.current;
    if (!Array.isArray(values) || values.length !== columns.length) {
      const got = Array.isArray(values) ? `${values.length}` : typeof values;
      return fail(Code.invalidRow, `encode failed: expected ${columns.length} values (one per column), got ${got}`);
    }
    let stringBytes = 0;
    for (let i = 0; i < columns.length; i++) {
      const v = values[i]!;
      const error = valueError(columns[i]!, v);
      if (error !== undefined) return fail(Code.invalidRow, `encode failed: ${error}`);
      const k = layout.stringIndex[i]!;
      if (k >= 0) {
        const n = v === null ? 0 : utf8ByteLength(v as string);
        if (n < 0) {
          return fail(Code.invalidRow, `encode failed: column '${columns[i]!.name}' expects string, got a string with an unpaired surrogate`);
        }
        this.stringLengths[k] = n;
        stringBytes += n;
      }
    }
    const size = rowSize(layout.offsetsStart, layout.stringCount, stringBytes);
    if (size > ROW_BYTES_LIMIT) return fail(Code.invalidRow, `encode failed: row of ${size} bytes exceeds the format limit`);
    const row = pooled ? this.pooledBytes(size) : new Uint8Array(size);
    const view = new DataView(row.buffer, row.byteOffset, size);
    row[0] = ROW_FORMAT_VERSION;
    row[1] = this.schemaVersion;
    view.setUint32(2, size, true);
    row.fill(0xff, ROW_HEADER_BYTES, ROW_HEADER_BYTES + layout.bitmapBytes);
    const width = offsetWidth(size);
    let stringPos = layout.offsetsStart + layout.stringCount * width;
    for (let i = 0; i < columns.length; i++) {
      const v = values[i]!;
      const k = layout.stringIndex[i]!;
      if (k >= 0) {
        writeOffset(row, layout.offsetsStart + k * width, width, stringPos);
        if (v !== null) stringPos = writeUtf8(v as string, row, stringPos);
      }
      if (v === null) continue;
      row[ROW_HEADER_BYTES + (i >> 3)]! &= ~(1 << (i & 7));
      const p = layout.fixedOffset[i]!;
      switch (this.types[i]!) {
        case 'bool':
          row[p] = v ? 1 : 0;
          break;
        case 'smallint':
          view.setInt16(p, v as number, true);
          break;
        case 'int':
          view.setInt32(p, v as number, true);
          break;
        case 'bigint':
        case 'timestamp':
          if (typeof v === 'bigint') view.setBigInt64(p, v, true);
          else writeI64(view, p, v as number);
          break;
        case 'float':
          view.setFloat32(p, v as number, true);
          break;
        case 'double':
          view.setFloat64(p, v as number, true);
          break;
        case 'date':
          view.setInt32(p, packDate(v as string), true);
          break;
        case 'string':
          break;
      }
    }
    if (stringPos !== size) assert(false, `encoded ${stringPos} of ${size} row bytes`);
    return ok(row);
  }

  /**
   * Zeroed bytes cut from a shared chunk (a Uint8Array of its own costs about 1 µs once over 64
   * bytes). Never handed out twice; a row kept pins its chunk, so only callers that drop their
   * rows soon (the client's put path) ask for them.
   */
  private pooledBytes(size: number): Uint8Array {
    if (size > POOL_CHUNK_BYTES / 8) return new Uint8Array(size);
    if (this.poolChunk === undefined || this.poolChunkUsed + size > POOL_CHUNK_BYTES) {
      this.poolChunk = new Uint8Array(POOL_CHUNK_BYTES);
      this.poolChunkUsed = 0;
    }
    const start = this.poolChunkUsed;
    this.poolChunkUsed = start + size;
    return this.poolChunk.subarray(start, start + size);
  }

  private poolChunk: Uint8Array | undefined;
  private poolChunkUsed = 0;

  /**
   * Checks untrusted bytes: header, size, versions, offsets in bounds and monotonic, NOT NULL
   * columns present, dates real. Never throws. String bytes are not checked for UTF-8 (decoding
   * replaces invalid sequences with U+FFFD).
   */
  validateRow(row: Uint8Array): Result<void> {
    if (!(row instanceof Uint8Array)) return invalid(`expected bytes, got ${typeof row}`);
    const n = row.length;
    if (n < ROW_HEADER_BYTES) return invalid(`${n} bytes is shorter than the ${ROW_HEADER_BYTES}-byte header`);
    if (row[0] !== ROW_FORMAT_VERSION) return invalid(`format version ${row[0]} is not supported (expected ${ROW_FORMAT_VERSION})`);
    const layout = this.layouts[row[1]!];
    if (layout === undefined) return invalid(`schema version ${row[1]} is unknown (known: ${this.knownVersions()})`);
    const size = readU32(row, 2);
    if (size !== n) return invalid(`size header says ${size} bytes but the row has ${n}`);
    const width = offsetWidth(size);
    const stringsStart = layout.offsetsStart + layout.stringCount * width;
    if (size < stringsStart) {
      return invalid(`${size} bytes is too short for schema version ${row[1]} (needs at least ${stringsStart})`);
    }
    if (layout.stringCount === 0 && size !== stringsStart) {
      return invalid(`${size} bytes where schema version ${row[1]} has exactly ${stringsStart}`);
    }
    for (let b = 0; b < layout.bitmapBytes; b++) {
      const missing = row[ROW_HEADER_BYTES + b]! & layout.notNullMask[b]!;
      if (missing !== 0) {
        const col = b * 8 + (31 - Math.clz32(missing & -missing));
        return invalid(`column '${this.columns[col]!.name}' is NOT NULL but the row has NULL`);
      }
    }
    let prev = stringsStart;
    for (let k = 0; k < layout.stringCount; k++) {
      const offset = readOffset(row, layout.offsetsStart + k * width, width);
      if (k === 0 && offset !== stringsStart) {
        return invalid(`first string offset is ${offset}, expected ${stringsStart} (end of the offset slots)`);
      }
      if (offset < prev || offset > size) {
        return invalid(`string offset ${k} is ${offset}, outside ${prev}..${size}`);
      }
      prev = offset;
    }
    for (const col of layout.dateColumns) {
      if (isNullAt(row, 0, col)) continue;
      const packed = readI32(row, layout.fixedOffset[col]!);
      if (!isValidPackedDate(packed)) return invalid(`column '${this.columns[col]!.name}' holds no real date (packed ${packed})`);
    }
    return okVoid;
  }

  decode(row: Uint8Array): Value[] {
    return this.decodeAt(row, 0);
  }

  /** Decodes the row starting at `start` inside `bytes` (no view of it needed). */
  decodeAt(bytes: Uint8Array, start: number): Value[] {
    const out = new Array<Value>(this.columns.length);
    for (let i = 0; i < out.length; i++) out[i] = this.valueAt(bytes, start, i, undefined);
    return out;
  }

  decodeColumn(row: Uint8Array, colIdx: number): Value {
    if (!(colIdx >= 0 && colIdx < this.columns.length)) assert(false, `column index ${colIdx} out of range`);
    return this.valueAt(row, 0, colIdx, undefined);
  }

  /** A bigint or timestamp column as a number (exact within ±2^53), or null. */
  readTsMs(row: Uint8Array, colIdx: number): number | null {
    return this.readTsMsAt(row, 0, colIdx);
  }

  /** readTsMs of the row starting at `start` inside `bytes` (no view needed: the storage hot path). */
  readTsMsAt(bytes: Uint8Array, start: number, colIdx: number): number | null {
    const type = this.types[colIdx];
    // The message is only built on failure (a template in a hot assert costs more than the read).
    if (type !== 'bigint' && type !== 'timestamp') assert(false, `column ${colIdx} (${type}) is not a bigint or timestamp column`);
    const layout = this.layoutAt(bytes, start);
    if (colIdx >= layout.columnCount) {
      const d = this.defaults[colIdx]!;
      return d === null ? null : Number(d);
    }
    if (isNullAt(bytes, start, colIdx)) return null;
    return readI64AsNumber(bytes, start + layout.fixedOffset[colIdx]!);
  }

  /** The index key of the row for the given key columns (see row-key.ts for the string form). */
  readKey(row: Uint8Array, colIdxs: readonly number[]): string {
    return this.readKeyAt(row, 0, colIdxs);
  }

  readKeyAt(bytes: Uint8Array, start: number, colIdxs: readonly number[]): string {
    if (colIdxs.length === 1) return this.keyPartAt(bytes, start, colIdxs[0]!, false);
    let key = '';
    for (let i = 0; i < colIdxs.length; i++) {
      if (i > 0) key += INDEX_KEY_SEPARATOR;
      key += this.keyPartAt(bytes, start, colIdxs[i]!, true);
    }
    return key;
  }

  /** Total size of an encoded row from its header. */
  static rowBytes(bytes: Uint8Array, start: number): number {
    return readU32(bytes, start + 2);
  }

  private knownVersions(): string {
    const known: number[] = [];
    this.layouts.forEach((l, v) => {
      if (l !== undefined) known.push(v);
    });
    return known.join(', ');
  }

  private layoutAt(bytes: Uint8Array, start: number): RowLayout {
    const layout = this.layouts[bytes[start + 1]!];
    if (layout === undefined) assert(false, `row with unknown schema version ${bytes[start + 1]} was not validated`);
    return layout;
  }

  /** Decodes string column number `k` (among the string columns) of the row at `start`. */
  private stringAt(bytes: Uint8Array, start: number, layout: RowLayout, k: number): string {
    const size = readU32(bytes, start + 2);
    const width = offsetWidth(size);
    const slot = start + layout.offsetsStart + k * width;
    const from = start + readOffset(bytes, slot, width);
    const to = k + 1 < layout.stringCount ? start + readOffset(bytes, slot + width, width) : start + size;
    const n = to - from;
    if (n === 0 || n > REPEAT_BYTES_MAX) return readUtf8(bytes, from, to);
    // Rows read together often repeat a short string (every row of a scan has the same key):
    // the string decoded last for this column is reused when its bytes match.
    const kept = this.lastBytes[k]!;
    if (this.lastLength[k] === n) {
      let i = n - 1; // from the end: values sharing a prefix differ there first
      while (i >= 0 && kept[i] === bytes[from + i]) i--;
      if (i < 0) return this.lastString[k]!;
    }
    const decoded = readUtf8(bytes, from, to);
    for (let i = 0; i < n; i++) kept[i] = bytes[from + i]!;
    this.lastLength[k] = n;
    this.lastString[k] = decoded;
    return decoded;
  }

  private keyPartAt(bytes: Uint8Array, start: number, colIdx: number, multiColumn: boolean): string {
    const layout = this.layoutAt(bytes, start);
    const type = this.types[colIdx]!;
    if (colIdx >= layout.columnCount) return indexKeyPart(this.defaults[colIdx]!, type, multiColumn);
    if (isNullAt(bytes, start, colIdx)) return INDEX_KEY_NULL;
    const p = start + layout.fixedOffset[colIdx]!;
    switch (type) {
      case 'string':
        return stringKeyPart(this.stringAt(bytes, start, layout, layout.stringIndex[colIdx]!), multiColumn);
      case 'bool':
        return bytes[p] !== 0 ? 'true' : 'false';
      case 'smallint':
        return String(((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16);
      case 'int':
        return String(readI32(bytes, p));
      case 'bigint': {
        const hi = readI32(bytes, p + 4);
        if (hi >= SAFE_HI_MIN && hi <= SAFE_HI_MAX) return String(hi * 4294967296 + readU32(bytes, p));
        return String(this.valueAt(bytes, start, colIdx, undefined));
      }
      case 'timestamp':
        return String(readI64AsNumber(bytes, p));
      case 'date':
        return unpackDate(readI32(bytes, p));
      case 'float':
      case 'double':
        return String(this.valueAt(bytes, start, colIdx, undefined));
    }
  }

  private valueAt(bytes: Uint8Array, start: number, colIdx: number, view: DataView | undefined): Value {
    const layout = this.layoutAt(bytes, start);
    if (colIdx >= layout.columnCount) return this.defaults[colIdx]!;
    if (isNullAt(bytes, start, colIdx)) return null;
    const p = start + layout.fixedOffset[colIdx]!;
    switch (this.types[colIdx]!) {
      case 'string':
        return this.stringAt(bytes, start, layout, layout.stringIndex[colIdx]!);
      case 'bool':
        return bytes[p] !== 0;
      case 'smallint':
        return ((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16;
      case 'int':
        return readI32(bytes, p);
      case 'timestamp':
        return readI64AsNumber(bytes, p);
      case 'date':
        return unpackDate(readI32(bytes, p));
      case 'bigint':
        if (view) return view.getBigInt64(p, true);
        copy8(bytes, p);
        return SCRATCH_I64[0]!;
      case 'float':
        if (view) return view.getFloat32(p, true);
        SCRATCH_BYTES[0] = bytes[p]!;
        SCRATCH_BYTES[1] = bytes[p + 1]!;
        SCRATCH_BYTES[2] = bytes[p + 2]!;
        SCRATCH_BYTES[3] = bytes[p + 3]!;
        return SCRATCH_F32[0]!;
      case 'double':
        if (view) return view.getFloat64(p, true);
        copy8(bytes, p);
        return SCRATCH_F64[0]!;
    }
  }
}

/**
 * Scratch space for reading one 8- or 4-byte little-endian number without allocating a DataView
 * per read (reads of single columns are the SQL executor's hot path). Assumes a little-endian host,
 * which `assert` checks at load.
 */
const SCRATCH = new ArrayBuffer(8);
const SCRATCH_BYTES = new Uint8Array(SCRATCH);
const SCRATCH_I64 = new BigInt64Array(SCRATCH);
const SCRATCH_F64 = new Float64Array(SCRATCH);
const SCRATCH_F32 = new Float32Array(SCRATCH, 0, 1);
SCRATCH_F64[0] = 1;
assert(SCRATCH_BYTES[7] === 0x3f, 'the row codec assumes a little-endian host');

function copy8(bytes: Uint8Array, p: number): void {
  for (let i = 0; i < 8; i++) SCRATCH_BYTES[i] = bytes[p + i]!;
}

function isNullAt(bytes: Uint8Array, start: number, colIdx: number): boolean {
  return (bytes[start + ROW_HEADER_BYTES + (colIdx >> 3)]! & (1 << (colIdx & 7))) !== 0;
}

function writeI64(view: DataView, pos: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  view.setUint32(pos, v - hi * 4294967296, true);
  view.setInt32(pos + 4, hi, true);
}

function invalid(what: string): Result<void> {
  return fail(Code.invalidRow, `invalid row: ${what}`);
}
