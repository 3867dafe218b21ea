import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowCodec } from './row-codec.js';
import { INDEX_KEY_EMPTY, INDEX_KEY_NULL, indexKey } from './row-key.js';
import { offsetWidth, readOffset } from './row-layout.js';
import { COLUMN_TYPES, type ColumnDesc, type ColumnType, type Value } from './schema.js';

function col(name: string, type: ColumnType, notNull = false, defaultValue?: Value): ColumnDesc {
  return defaultValue === undefined ? { name, type, notNull } : { name, type, notNull, defaultValue };
}

function encodeOk(codec: RowCodec, values: Value[]): Uint8Array {
  const r = codec.encode(values);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('RowCodec layout', () => {
  it('writes the documented byte layout', () => {
    const codec = new RowCodec([
      col('id', 'int', true),
      col('name', 'string'),
      col('ts', 'timestamp'),
      col('d', 'date'),
      col('ok', 'bool'),
      col('note', 'string'),
    ]);
    const row = encodeOk(codec, [7, 'ab', 1000, '2020-05-01', null, '']);
    // header | bitmap (bit 4 = ok is NULL, padding bits 6,7 stay 1) | id | ts | date | bool | 2 offsets | "ab"
    expect([...row]).toEqual([
      1, 1, 28, 0, 0, 0, 0xd0, 7, 0, 0, 0, 0xe8, 3, 0, 0, 0, 0, 0, 0, 1, 4, 0x78, 0, 0, 26, 28, 97, 98,
    ]);
    expect(codec.decode(row)).toEqual([7, 'ab', 1000, '2020-05-01', null, '']);
  });

  it.each([
    [0, 1],
    [200, 1],
    [300, 2],
    [65_000, 2],
    [70_000, 3],
    [(1 << 24) + 10, 4],
  ])('a row with a %i-byte string uses %i-byte offsets and round-trips', (len, width) => {
    const codec = new RowCodec([col('a', 'string'), col('b', 'string'), col('n', 'int')]);
    const big = 'x'.repeat(len);
    const row = encodeOk(codec, ['é', big, 5]);
    expect(offsetWidth(row.length)).toBe(width);
    const offsetsStart = 6 + 1 + 4;
    expect(readOffset(row, offsetsStart, width)).toBe(offsetsStart + 2 * width);
    expect(readOffset(row, offsetsStart + width, width)).toBe(offsetsStart + 2 * width + 2);
    expect(codec.validateRow(row).ok).toBe(true);
    const back = codec.decode(row);
    expect(back[0]).toBe('é');
    expect((back[1] as string).length).toBe(len);
    expect(back[2]).toBe(5);
  });

  it('stores 3-byte offsets big-endian', () => {
    const codec = new RowCodec([col('a', 'string')]);
    const row = encodeOk(codec, ['y'.repeat(70_000)]);
    // offsets start at 7; the string starts at 10 = 0x00000a
    expect([row[7], row[8], row[9]]).toEqual([0, 0, 10]);
  });
});

describe('RowCodec.encode errors name the column, the type and the value', () => {
  const codec = new RowCodec([
    col('c1', 'bool'),
    col('c2', 'smallint'),
    col('c3', 'bigint'),
    col('c4', 'timestamp'),
    col('c5', 'date'),
    col('c6', 'string', true),
    col('c7', 'int'),
    col('c8', 'float'),
  ]);
  const good: Value[] = [true, 1, 2n, 3, '2000-02-29', 's', 4, 1.5];
  const cases: [number, unknown, RegExp][] = [
    [2, 'abc', /column 'c3' expects bigint, got string "abc"/],
    [0, 1, /column 'c1' expects bool, got number 1/],
    [1, 40_000, /column 'c2' expects smallint, got number 40000 \(out of range -32768\.\.32767\)/],
    [1, 1.5, /column 'c2' expects smallint, got number 1\.5/],
    [6, 2 ** 31, /column 'c7' expects int, got number 2147483648 \(out of range/],
    [2, 2 ** 60, /column 'c3' expects bigint, got number .* \(not a safe integer; pass a bigint\)/],
    [2, 1n << 63n, /column 'c3' expects bigint, got bigint 9223372036854775808 \(out of the int64 range\)/],
    [3, 1.25, /column 'c4' expects timestamp, got number 1\.25/],
    [3, 1n << 60n, /column 'c4' expects timestamp, got bigint .* \(outside the safe integer range/],
    [4, '2001-02-29', /column 'c5' expects date, got string "2001-02-29" \(not a real date/],
    [4, '1899-12-31', /column 'c5' expects date/],
    [4, '2020-5-1', /column 'c5' expects date/],
    [5, null, /column 'c6' is NOT NULL, got NULL/],
    [5, 7, /column 'c6' expects string, got number 7/],
    [5, 'a\ud800b', /column 'c6' expects string, got a string with an unpaired surrogate/],
    [7, '1.5', /column 'c8' expects float, got string "1.5"/],
  ];
  it.each(cases)('column %i given %s', (i, value, message) => {
    const values = [...good];
    values[i] = value as Value;
    const r = codec.encode(values);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('checks the arity', () => {
    const r = codec.encode([true]);
    expect(r.ok ? '' : r.message).toBe('encode failed: expected 8 values (one per column), got 1');
  });

  it('accepts the good row and both bigint forms', () => {
    expect(codec.encode(good).ok).toBe(true);
    const viaNumber = encodeOk(codec, [true, 1, -(2 ** 53) + 1, 3n, '2000-02-29', 's', 4, 1.5]);
    expect(codec.decode(viaNumber).slice(2, 4)).toEqual([BigInt(-(2 ** 53) + 1), 3]);
  });
});

describe('RowCodec accessors', () => {
  const codec = new RowCodec([
    col('k', 'string'),
    col('n', 'int'),
    col('ts', 'timestamp'),
    col('big', 'bigint'),
    col('d', 'date'),
    col('b', 'bool'),
  ]);

  it('readTsMs reads bigint and timestamp columns as numbers, NULL as null', () => {
    const row = encodeOk(codec, ['a', 1, 1_590_738_989_000, -5n, '2020-01-01', true]);
    expect(codec.readTsMs(row, 2)).toBe(1_590_738_989_000);
    expect(codec.readTsMs(row, 3)).toBe(-5);
    const nulls = encodeOk(codec, ['a', 1, null, null, null, null]);
    expect(codec.readTsMs(nulls, 2)).toBeNull();
    expect(() => codec.readTsMs(row, 1)).toThrow(/not a bigint or timestamp column/);
  });

  it('readKey uses distinct sentinels for NULL and the empty string', () => {
    const keyOf = (k: Value) => codec.readKey(encodeOk(codec, [k, 1, 1, 1n, '2020-01-01', true]), [0]);
    expect(keyOf(null)).toBe(INDEX_KEY_NULL);
    expect(keyOf('')).toBe(INDEX_KEY_EMPTY);
    expect(keyOf('aa')).toBe('aa');
    // real values that look like the sentinels stay distinct
    const lookalikes = [INDEX_KEY_NULL, INDEX_KEY_EMPTY, '\u0000', '\u0000\u0000N', 'N', 'E'];
    const keys = new Set([keyOf(null), keyOf(''), ...lookalikes.map(keyOf)]);
    expect(keys.size).toBe(lookalikes.length + 2);
  });

  it('readKey joins multi-column keys with | and escapes | inside strings', () => {
    const row = (k: Value, n: Value) => encodeOk(codec, [k, n, 1, 77n, '2020-01-02', false]);
    expect(codec.readKey(row('aa', 1), [0, 1])).toBe('aa|1');
    expect(codec.readKey(row('aa', 1), [0, 3, 4, 5, 2])).toBe('aa|77|2020-01-02|false|1');
    expect(codec.readKey(row(null, null), [0, 1])).toBe(`${INDEX_KEY_NULL}|${INDEX_KEY_NULL}`);
    expect(codec.readKey(row('a|b', 1), [0, 1])).not.toBe(codec.readKey(row('a', 1), [0, 1]));
    expect(codec.readKey(row('a|1', 2), [0, 1])).toBe('a\\|1|2');
    expect(codec.readKey(row('a|1', 2), [0])).toBe('a|1');
  });

  it('decodeColumn reads one column', () => {
    const row = encodeOk(codec, ['héllo wörld, a longer string of text', 1, 2, 3n, '1999-12-31', true]);
    expect(codec.decodeColumn(row, 0)).toBe('héllo wörld, a longer string of text');
    expect(codec.decodeColumn(row, 3)).toBe(3n);
    expect(codec.decodeColumn(row, 4)).toBe('1999-12-31');
  });
});

describe('RowCodec schema evolution', () => {
  const v1Columns = [col('k', 'string'), col('ts', 'timestamp')];
  const v2Columns = [...v1Columns, col('score', 'int', false, 42), col('tag', 'string'), col('ts2', 'bigint', false, 9n)];
  const v1 = new RowCodec(v1Columns, { schemaVersion: 1 });
  const v2 = new RowCodec(v2Columns, { schemaVersion: 2, columnCountByVersion: { 1: 2 } });

  it('reads rows of an older version with defaults or NULL for the added columns', () => {
    const old = encodeOk(v1, ['a', 100]);
    expect(v2.validateRow(old).ok).toBe(true);
    expect(v2.decode(old)).toEqual(['a', 100, 42, null, 9n]);
    expect(v2.decodeColumn(old, 2)).toBe(42);
    expect(v2.readTsMs(old, 4)).toBe(9);
    expect(v2.readKey(old, [0, 2, 3])).toBe(`a|42|${INDEX_KEY_NULL}`);
    const current = encodeOk(v2, ['b', 5, 1, 't', null]);
    expect(current[1]).toBe(2);
    expect(v2.decode(current)).toEqual(['b', 5, 1, 't', null]);
  });

  it('rejects rows of unknown versions', () => {
    const newer = encodeOk(v2, ['b', 5, 1, 't', 1n]);
    const r = v1.validateRow(newer);
    expect(r.ok ? '' : r.message).toBe('invalid row: schema version 2 is unknown (known: 1)');
  });
});

describe('RowCodec.validateRow', () => {
  const codec = new RowCodec([col('k', 'string', true), col('d', 'date'), col('s', 'string')]);
  const good = encodeOk(codec, ['key', '2020-05-01', 'value']);

  function mutated(f: (b: Uint8Array) => void): Uint8Array {
    const b = good.slice();
    f(b);
    return b;
  }

  it.each([
    ['short', good.subarray(0, 4), /shorter than the 6-byte header/],
    ['format version', mutated((b) => (b[0] = 2)), /format version 2 is not supported/],
    ['schema version', mutated((b) => (b[1] = 9)), /schema version 9 is unknown/],
    ['size header', mutated((b) => (b[2] = 99)), /size header says 99 bytes but the row has/],
    ['NOT NULL', mutated((b) => (b[6]! |= 1)), /column 'k' is NOT NULL/],
    ['first offset', mutated((b) => (b[11] = 14)), /first string offset is 14, expected 13/],
    ['offset order', mutated((b) => (b[12] = 12)), /string offset 1 is 12, outside 13\.\./],
    ['offset bounds', mutated((b) => (b[12] = 200)), /string offset 1 is 200/],
    ['date', mutated((b) => (b[7] = 0)), /column 'd' holds no real date/],
  ])('rejects a bad %s', (_what, row, message) => {
    const r = codec.validateRow(row);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('accepts a good row and rejects trailing bytes of a string-less schema', () => {
    expect(codec.validateRow(good).ok).toBe(true);
    const fixed = new RowCodec([col('n', 'int')]);
    const row = encodeOk(fixed, [1]);
    const longer = new Uint8Array(row.length + 1);
    longer.set(row);
    longer[2] = longer.length;
    expect(fixed.validateRow(longer).ok).toBe(false);
  });
});

// ---- property tests ----

function valueArb(type: ColumnType): fc.Arbitrary<Value> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'smallint':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int':
      return fc.integer();
    case 'bigint':
      return fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.maxSafeInteger());
    case 'timestamp':
      return fc.oneof(fc.maxSafeInteger(), fc.maxSafeInteger().map(BigInt));
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'string':
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 400 }) },
      );
  }
}

/** What decode returns for an accepted value. */
function normalized(type: ColumnType, v: Value): Value {
  if (v === null) return null;
  switch (type) {
    case 'bigint':
      return BigInt(v as number | bigint);
    case 'timestamp':
      return Number(v);
    case 'float':
      return Math.fround(v as number);
    case 'smallint':
    case 'int':
      return (v as number) + 0;
    default:
      return v;
  }
}

const columnArb = fc.record({ type: fc.constantFrom(...COLUMN_TYPES), notNull: fc.boolean() });
const schemaAndRowArb = fc
  .array(columnArb, { minLength: 1, maxLength: 20 })
  .chain((specs) => {
    const columns = specs.map((s, i) => col(`c${i}`, s.type, s.notNull));
    const values = columns.map((c) => (c.notNull ? valueArb(c.type) : fc.option(valueArb(c.type), { nil: null })));
    return fc.tuple(fc.constant(columns), fc.tuple(...values));
  });

describe('RowCodec properties', () => {
  it('encode → validate → decode round-trips; readKey and readTsMs agree with decode', () => {
    fc.assert(
      fc.property(schemaAndRowArb, ([columns, values]) => {
        const codec = new RowCodec(columns);
        const row = encodeOk(codec, values);
        expect(codec.validateRow(row).ok).toBe(true);
        const expected = values.map((v, i) => normalized(columns[i]!.type, v));
        expect(codec.decode(row)).toEqual(expected);
        const all = columns.map((_, i) => i);
        expect(codec.readKey(row, all)).toBe(indexKey(expected, columns.map((c) => c.type)));
        for (let i = 0; i < columns.length; i++) {
          expect(codec.decodeColumn(row, i)).toEqual(expected[i]);
          expect(codec.readKey(row, [i])).toBe(indexKey([expected[i]!], [columns[i]!.type]));
          if (columns[i]!.type === 'bigint' || columns[i]!.type === 'timestamp') {
            const v = expected[i];
            expect(codec.readTsMs(row, i)).toBe(v === null ? null : Number(v));
          }
        }
        // a row inside a larger buffer reads the same
        const padded = new Uint8Array(row.length + 7);
        padded.set(row, 3);
        expect(codec.decode(padded.subarray(3, 3 + row.length))).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('validateRow never throws on random or mutated bytes, and decode never throws on rows it accepts', () => {
    const mutation = fc.record({ pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => ({ random: b, mutations: [] as { pos: number; byte: number }[] })),
      fc.constant(undefined).chain(() =>
        fc.record({ random: fc.constant(undefined), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
      ),
    );
    fc.assert(
      fc.property(schemaAndRowArb, bytesArb, fc.boolean(), ([columns, values], input, fixSize) => {
        const codec = new RowCodec(columns);
        let bytes: Uint8Array;
        if (input.random !== undefined) {
          bytes = input.random;
        } else {
          bytes = encodeOk(codec, values).slice();
          for (const m of input.mutations) bytes[m.pos % bytes.length] = m.byte;
        }
        if (fixSize && bytes.length >= 6) {
          // make the size header right so the deeper checks are reached
          new DataView(bytes.buffer, bytes.byteOffset).setUint32(2, bytes.length, true);
          if (input.random !== undefined) bytes[0] = 1;
        }
        const r = codec.validateRow(bytes);
        if (r.ok) {
          const decoded = codec.decode(bytes);
          expect(decoded.length).toBe(columns.length);
          codec.readKey(bytes, columns.map((_, i) => i));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RowCodec repeated strings', () => {
  it('decodes a sequence of rows with repeated, same-length and different strings exactly', () => {
    const codec = new RowCodec([col('a', 'string'), col('b', 'string'), col('n', 'int')]);
    const short = fc.oneof(fc.constantFrom('', 'ab', 'ac', 'ba', 'é', 'xyz', 'x'.repeat(32), 'y'.repeat(33)), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(short, fc.option(short), fc.integer()), { minLength: 1, maxLength: 12 }), (rows) => {
        // One buffer holding all rows, as a packed scan answer does.
        const encoded = rows.map(([a, b, n]) => encodeOk(codec, [a, b, n]));
        const packed = new Uint8Array(encoded.reduce((s, r) => s + r.length, 0));
        let pos = 0;
        for (const r of encoded) {
          packed.set(r, pos);
          pos += r.length;
        }
        pos = 0;
        for (const [a, b, n] of rows) {
          expect(codec.decodeAt(packed, pos)).toEqual([a, b, n]);
          pos += RowCodec.rowBytes(packed, pos);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('RowCodec pooled encode', () => {
  it('gives the bytes of a plain encode, and rows handed out stay intact as the pool moves on', () => {
    const codec = new RowCodec([col('k', 'string', true), col('n', 'bigint'), col('d', 'double'), col('s', 'string')]);
    const values = (i: number): Value[] => [`key${i}`, i % 3 === 0 ? null : BigInt(i), i / 7, i % 5 === 0 ? null : 'v'.repeat(i % 300)];
    const kept: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) {
      const pooled = codec.encode(values(i), true);
      if (!pooled.ok) throw new Error(pooled.message);
      kept.push(pooled.value);
      expect(codec.encode(values(i), true).ok).toBe(true); // more pool traffic in between
    }
    let differing = 0;
    kept.forEach((row, i) => {
      const plain = encodeOk(codec, values(i));
      const pooled = codec.encode(values(i), true);
      if (!pooled.ok || pooled.value.length !== plain.length || pooled.value.some((b, j) => b !== plain[j])) differing++;
      if (row.length !== plain.length || row.some((b, j) => b !== plain[j])) differing++;
      expect(codec.decode(row)).toEqual(values(i));
    });
    expect(differing).toBe(0);
  });
});
