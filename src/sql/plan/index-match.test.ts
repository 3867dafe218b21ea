import { describe, expect, it } from 'vitest';
import type { IndexDef, TableSchema } from '../../protocol/schema.js';
import { findIndex, findWindowIndex } from './index-match.js';

const ttl = { type: 'absolute', absMinutes: 0, latCount: 0 } as const;

function schema(indexes: IndexDef[]): TableSchema {
  return {
    columns: [
      { name: 'c1', type: 'string', notNull: false },
      { name: 'c2', type: 'string', notNull: false },
      { name: 'c7', type: 'timestamp', notNull: false },
    ],
    indexes,
  };
}

describe('index matching and dropped indexes', () => {
  const byC1: IndexDef = { name: 'by_c1', keyColumns: ['c1'], tsColumn: 'c7', ttl };
  const byC2: IndexDef = { name: 'by_c2', keyColumns: ['c2'], tsColumn: 'c7', ttl };

  it('never picks a dropped index, and finds the same index added again at its new position', () => {
    const live = schema([byC1, byC2]);
    expect(findIndex(live, new Set([1]))).toBe(1);
    expect(findWindowIndex(live, [1], 2)).toBe(1);
    const dropped = schema([byC1, { ...byC2, dropped: true }]);
    expect(findIndex(dropped, new Set([1]))).toBe(-1);
    expect(findWindowIndex(dropped, [1], 2)).toBe(-1);
    const again = schema([byC1, { ...byC2, dropped: true }, byC2]);
    expect(findIndex(again, new Set([1]))).toBe(2);
    expect(findWindowIndex(again, [1], 2)).toBe(2);
  });
});
