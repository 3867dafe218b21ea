import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyLists } from './key-lists.js';

type Op =
  | { kind: 'insert'; key: string; ts: number }
  | { kind: 'remove'; key: string; a: number; b: number }
  | { kind: 'defrag' };

function contents(lists: KeyLists, key: string): [number, number][] {
  const slot = lists.slotOf(key);
  if (slot < 0) return [];
  return Array.from({ length: lists.length(slot) }, (_, i) => [lists.refAt(slot, i), lists.tsAt(slot, i)]);
}

describe('KeyLists', () => {
  it('keeps entries in ascending ts, later inserts after equal ts, and finds bounds and refs', () => {
    const tsByRef = new Map<number, number>();
    const lists = new KeyLists({ storesTs: false, chunkSlots: 16, tsOfRef: (r) => tsByRef.get(r)! });
    const put = (ref: number, ts: number) => {
      tsByRef.set(ref, ts);
      lists.insert('k', ref, ts);
    };
    put(1, 10);
    put(2, 30);
    put(3, 20);
    put(4, 20);
    put(5, 5);
    expect(contents(lists, 'k')).toEqual([
      [5, 5],
      [1, 10],
      [3, 20],
      [4, 20],
      [2, 30],
    ]);
    const slot = lists.slotOf('k');
    expect([lists.lowerBound(slot, 20), lists.upperBound(slot, 20)]).toEqual([2, 4]);
    expect(lists.indexOfRef(slot, 4, 20)).toBe(3);
    expect(lists.indexOfRef(slot, 4, undefined)).toBe(3);
    expect(lists.indexOfRef(slot, 4, 10)).toBe(-1);
    lists.removeRange(slot, 0, 5);
    expect(lists.slotOf('k')).toBe(-1);
    expect(lists.keyCount).toBe(0);
    lists.checkInvariants();
  });

  it('moves a growing list to a chunk of its own and shrinks it again', () => {
    const lists = new KeyLists({ storesTs: true, chunkSlots: 16, tsOfRef: () => 0 });
    for (let i = 0; i < 100; i++) lists.insert('big', i, i);
    for (let i = 0; i < 5; i++) lists.insert(`small${i}`, 1000 + i, i);
    const slot = lists.slotOf('big');
    expect(lists.length(slot)).toBe(100);
    lists.removeRange(slot, 0, 97);
    expect(contents(lists, 'big')).toEqual([
      [97, 97],
      [98, 98],
      [99, 99],
    ]);
    lists.checkInvariants();
    const shrunk = lists.memBytes();
    for (let i = 0; i < 1000; i++) lists.insert('big', 200 + i, 200 + i);
    expect(lists.memBytes()).toBeGreaterThan(shrunk);
    lists.checkInvariants();
  });

  for (const storesTs of [true, false]) {
    it(`matches a sorted-array model over random operations (storesTs=${storesTs})`, () => {
      const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '', 'ü');
      const opArb: fc.Arbitrary<Op> = fc.oneof(
        { weight: 8, arbitrary: fc.record({ kind: fc.constant('insert' as const), key: keyArb, ts: fc.integer({ min: 0, max: 40 }) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), key: keyArb, a: fc.nat(), b: fc.nat() }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'defrag' as const }) },
      );
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
          const tsByRef: number[] = [];
          const lists = new KeyLists({ storesTs, chunkSlots: 16, tsOfRef: (r) => tsByRef[r]! });
          const model = new Map<string, [number, number][]>();
          for (const op of ops) {
            if (op.kind === 'insert') {
              const ref = tsByRef.length;
              tsByRef.push(op.ts);
              lists.insert(op.key, ref, op.ts);
              const list = model.get(op.key) ?? [];
              let at = list.length;
              while (at > 0 && list[at - 1]![1] > op.ts) at--;
              list.splice(at, 0, [ref, op.ts]);
              model.set(op.key, list);
            } else if (op.kind === 'remove') {
              const list = model.get(op.key);
              if (list === undefined) continue;
              const from = op.a % (list.length + 1);
              const to = from + (op.b % (list.length - from + 1));
              lists.removeRange(lists.slotOf(op.key), from, to);
              list.splice(from, to - from);
              if (list.length === 0) model.delete(op.key);
            } else {
              lists.defrag();
            }
          }
          lists.checkInvariants();
          expect(lists.keyCount).toBe(model.size);
          for (const [key, list] of model) expect(contents(lists, key)).toEqual(list);
          const seen: string[] = [];
          for (let s = lists.nextSlot(0); s >= 0; s = lists.nextSlot(s + 1)) seen.push(lists.keyOf(s)!);
          expect(seen.sort()).toEqual([...model.keys()].sort());
        }),
        { numRuns: 300 },
      );
    });
  }
});
