import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertionIndex, queueIndex, recoveredOrder } from './queue-placement.js';

describe('queue placement', () => {
  it('uses pid % concurrency when it restricts the queues, else pid % queueCount', () => {
    expect(queueIndex(5, 2, 8)).toBe(1);
    expect(queueIndex(5, 1, 8)).toBe(0);
    expect(queueIndex(13, 8, 8)).toBe(5);
    expect(queueIndex(13, 0, 8)).toBe(5);
    expect(queueIndex(13, 10, 8)).toBe(5);
  });

  it('inserts a child after its parent and the parent’s earlier children', () => {
    const q = [
      { opId: 4, parentId: null },
      { opId: 9, parentId: 4 },
      { opId: 5, parentId: null },
    ];
    expect(insertionIndex(q, 4)).toBe(2);
    expect(insertionIndex(q, null)).toBe(3);
    expect(insertionIndex(q, 77)).toBe(3);
  });

  it('recovered order puts children right behind their parent, and is a permutation', () => {
    const ops = [
      { opId: 10, parentId: null },
      { opId: 11, parentId: 4 },
      { opId: 4, parentId: null },
      { opId: 12, parentId: 10 },
    ];
    expect(recoveredOrder(ops).map((o) => o.opId)).toEqual([4, 11, 10, 12]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 12 }), (ids) => {
        const input = ids.map((opId, i) => ({ opId, parentId: i % 3 === 0 && i > 0 ? ids[0]! : null }));
        const out = recoveredOrder(input);
        expect(out.map((o) => o.opId).sort()).toEqual(ids.slice().sort());
      }),
    );
  });
});
