import { describe, expect, it } from 'vitest';
import { DeleteSet } from './delete-set.js';
import type { RowInspector } from './row-inspector.js';

/** Rows are 'key0,key1|ts' text. */
const inspector: RowInspector = {
  keyOf: (row, pos) => new TextDecoder().decode(row).split('|')[0]!.split(',')[pos]!,
  tsOf: (row) => Number(new TextDecoder().decode(row).split('|')[1]),
};
const row = (keys: string, ts: number): Uint8Array => new TextEncoder().encode(`${keys}|${ts}`);

describe('DeleteSet', () => {
  it('removes a matching row whole, only rows written before the delete and stored under the named index', () => {
    const deletes = new DeleteSet();
    deletes.add(10, { indexPos: 0, key: 'a' });
    const positions = [0, 1];
    expect(deletes.survivingPositions(row('a,x', 1), 0, positions, 9, inspector)).toEqual([]);
    expect(deletes.survivingPositions(row('a,x', 1), 0, positions, 10, inspector)).toBe(positions);
    expect(deletes.survivingPositions(row('b,x', 1), 0, positions, 0, inspector)).toBe(positions);
    // Key 'a' under index 1 is not key 'a' under index 0.
    expect(deletes.survivingPositions(row('x,a', 1), 0, positions, 0, inspector)).toBe(positions);
    // A row not stored under index 0 is untouched by deletes of index 0, whatever its key there.
    const onlyOne = [1];
    expect(deletes.survivingPositions(row('a,x', 1), 0, onlyOne, 0, inspector)).toBe(onlyOne);
  });

  it('applies keyed time ranges [from, to) and keyless ranges, each removing the whole row', () => {
    const deletes = new DeleteSet();
    deletes.add(5, { indexPos: 1, key: 'k', fromTsMs: 10, toTsMs: 20 });
    deletes.add(6, { indexPos: 0, toTsMs: 3 });
    const both = [0, 1];
    expect([9, 10, 19, 20].map((ts) => deletes.survivingPositions(row('q,k', ts), 0, both, 0, inspector))).toEqual([both, [], [], both]);
    expect(deletes.survivingPositions(row('q,z', 15), 0, both, 0, inspector)).toBe(both);
    expect(deletes.survivingPositions(row('q,k', 2), 0, both, 0, inspector)).toEqual([]);
    expect(deletes.survivingPositions(row('q,z', 2), 0, [0], 0, inspector)).toEqual([]);
    expect(deletes.survivingPositions(row('q,z', 3), 0, both, 0, inspector)).toBe(both);
    // Each delete applies only through the index it names, and only to rows stored under it.
    const onlyZero = [0];
    const onlyOne = [1];
    expect(deletes.survivingPositions(row('q,k', 15), 0, onlyZero, 0, inspector)).toBe(onlyZero);
    expect(deletes.survivingPositions(row('q,z', 2), 0, onlyOne, 0, inspector)).toBe(onlyOne);
    expect(deletes.survivingPositions(row('q,k', 15), 0, onlyOne, 0, inspector)).toEqual([]);
  });

  it('does not call the inspector when there is nothing to delete', () => {
    const throwing: RowInspector = {
      keyOf: () => {
        throw new Error('keyOf called');
      },
      tsOf: () => {
        throw new Error('tsOf called');
      },
    };
    const deletes = new DeleteSet();
    expect(deletes.survivingPositions(row('a', 1), 0, [0], 0, throwing)).toEqual([0]);
    deletes.add(3, { indexPos: 1, key: 'a' });
    expect(deletes.survivingPositions(row('a', 1), 0, [0], 0, throwing)).toEqual([0]);
  });
});
