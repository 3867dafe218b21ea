import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueError } from '../../protocol/row-values.js';
import { COLUMN_TYPES, type ColumnDesc, type ColumnType, type Value } from '../../protocol/schema.js';
import { normalizeDateText, paramToColumn } from './column-value.js';
import { relocateFailure, shiftPos, statementFail } from './statement-error.js';

/** Values a caller may pass for a column of each type (with number/bigint crossings). */
function paramFor(type: ColumnType): fc.Arbitrary<Value> {
  switch (type) {
    case 'bool':
      return fc.oneof(fc.boolean(), fc.integer());
    case 'smallint':
      return fc.oneof(fc.integer({ min: -32768, max: 32767 }), fc.bigInt({ min: -32768n, max: 32767n }));
    case 'int':
      return fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }));
    case 'bigint':
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger());
    case 'float':
    case 'double':
      return fc.double();
    case 'date':
      return fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) =>
        d.toISOString().slice(0, 10),
      );
    case 'timestamp':
      return fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER) }));
    case 'string':
      return fc.string();
  }
}

describe('parameter values', () => {
  it('become values the row codec accepts for the column', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COLUMN_TYPES).chain((type) => fc.tuple(fc.constant(type), paramFor(type))),
        ([type, value]) => {
          const column: ColumnDesc = { name: 'c', type, notNull: false };
          const r = paramToColumn(value, column);
          expect(r.ok).toBe(true);
          if (r.ok) expect(valueError(column, r.value)).toBeUndefined();
        },
      ),
    );
  });

  it('are refused when they are of another kind', () => {
    const col = (type: ColumnType): ColumnDesc => ({ name: 'c', type, notNull: false });
    expect(paramToColumn('1', col('int'))).toEqual({ ok: false, problem: 'column \'c\' is int and cannot take string "1"' });
    expect(paramToColumn(1.5, col('bigint')).ok).toBe(false);
    expect(paramToColumn(2n ** 60n, col('timestamp')).ok).toBe(false);
    expect(paramToColumn(1, col('string')).ok).toBe(false);
    expect(paramToColumn(true, col('double')).ok).toBe(false);
    expect(paramToColumn(null, col('double'))).toEqual({ ok: true, value: null });
  });

  it('read dates with or without zero padding, from 1900 on', () => {
    expect(normalizeDateText('2020-5-1')).toBe('2020-05-01');
    expect(normalizeDateText('2020-02-30')).toBeUndefined();
    expect(normalizeDateText('1899-12-31')).toBeUndefined();
    expect(normalizeDateText('2020/01/01')).toBeUndefined();
  });
});

describe('statement failures', () => {
  it('carry the position in the message and move with the statement into its script', () => {
    const f = statementFail(1002, 'insert failed: x', { offset: 4, line: 1, column: 5 });
    expect(f.message).toBe('insert failed: x [at 1:5]');
    const start = { offset: 20, line: 3, column: 7 };
    expect(relocateFailure(f, start)).toMatchObject({ message: 'insert failed: x [at 3:11]', pos: { offset: 24, line: 3, column: 11 } });
    expect(shiftPos({ offset: 30, line: 2, column: 4 }, start)).toEqual({ offset: 50, line: 4, column: 4 });
    expect(relocateFailure(statementFail(1002, 'no position'), start).message).toBe('no position');
  });
});
