import { describe, expect, it } from 'vitest';
import { RowCodec } from '../protocol/row-codec.js';
import { offsetOf, SlabStore, slabOf } from './slab-store.js';

const codec = new RowCodec([
  { name: 'k', type: 'string', notNull: false },
  { name: 'n', type: 'int', notNull: false },
]);

function row(text: string, n: number): Uint8Array {
  const r = codec.encode([text, n]);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('SlabStore', () => {
  it('stores rows in slabs, gives stable views and frees a slab when its last row dies', () => {
    const store = new SlabStore(64, 0);
    const refs = [0, 1, 2, 3].map((i) => store.add(row(`row${i}`, i), 1));
    // 16-byte rows, four to a 64-byte slab
    expect(refs.map(slabOf)).toEqual([0, 0, 0, 0]);
    const r4 = store.add(row('row4', 4), 1);
    expect(slabOf(r4)).toBe(1);
    expect(store.allocatedBytes).toBe(128);
    const view = store.view(refs[1]!);
    expect(codec.decode(view)).toEqual(['row1', 1]);
    for (const ref of refs) expect(store.release(ref)).toBe(true);
    expect(store.slabCount).toBe(1);
    expect(store.allocatedBytes).toBe(64);
    // the view still reads the row: slab memory is never rewritten
    expect(codec.decode(view)).toEqual(['row1', 1]);
    expect(store.liveRows).toBe(1);
  });

  it('gives a row larger than a slab a slab of its own', () => {
    const store = new SlabStore(64, 1);
    const big = row('x'.repeat(200), 7);
    const ref = store.add(big, 2);
    expect(offsetOf(ref)).toBe(1);
    expect(store.view(ref)).toEqual(big);
    expect(store.release(ref)).toBe(false);
    expect(store.release(ref)).toBe(true);
    expect(store.slabCount).toBe(0);
  });

  it('counts holders with a prefix byte and asserts on over-release', () => {
    const store = new SlabStore(64, 1);
    const ref = store.add(row('a', 1), 2);
    expect(store.slab(ref)[offsetOf(ref) - 1]).toBe(2);
    expect(store.release(ref)).toBe(false);
    expect(store.release(ref)).toBe(true);
    const other = store.add(row('b', 2), 1);
    store.add(row('c', 3), 1);
    expect(store.release(other)).toBe(true);
    expect(() => store.release(other)).toThrow(/released more often than held/);
  });

  it('compacts sparse slabs into fresh space and moves each shared row once', () => {
    const store = new SlabStore(64, 1);
    const refs = Array.from({ length: 12 }, (_, i) => store.add(row(`r${i}`, i), 2));
    // keep one row in each of the first slabs: they become sparse
    const keep = refs.filter((_, i) => i % 3 === 0);
    for (const ref of refs) {
      if (keep.includes(ref)) continue;
      store.release(ref);
      store.release(ref);
    }
    // a new row opens a fresh slab, so the last of the old ones is no longer the one being filled
    store.add(row('filler', 0), 1);
    const oldViews = keep.map((ref) => store.view(ref).slice());
    const held = keep.flatMap((ref) => [ref, ref]);
    const result = store.compact(0.5, 1, (move) => {
      for (let i = 0; i < held.length; i++) held[i] = move(held[i]!);
    });
    expect(result.rowsMoved).toBe(keep.length);
    expect(result.slabsFreed).toBeGreaterThan(0);
    for (let i = 0; i < keep.length; i++) {
      expect(held[2 * i]).toBe(held[2 * i + 1]);
      expect(store.view(held[2 * i]!)).toEqual(oldViews[i]);
      expect(store.slab(held[2 * i]!)[offsetOf(held[2 * i]!) - 1]).toBe(2);
    }
    expect(store.liveRows).toBe(keep.length + 1);
    expect(store.liveBytesTotal).toBe(oldViews.reduce((sum, v) => sum + v.length + 1, 0) + row('filler', 0).length + 1);
  });

  it('does not compact when too little would be reclaimed', () => {
    const store = new SlabStore(64, 0);
    const refs = Array.from({ length: 8 }, (_, i) => store.add(row(`r${i}`, i), 1));
    store.release(refs[0]!);
    store.release(refs[1]!);
    store.release(refs[2]!);
    const result = store.compact(0.5, 1000, () => {
      throw new Error('should not visit');
    });
    expect(result).toEqual({ slabsFreed: 0, rowsMoved: 0 });
  });
});

describe('SlabStore.copyRow', () => {
  it('copies a row by reference and reports its size', () => {
    const s = new SlabStore(4096, 1);
    const ra = row('a', 1);
    const rb = row('bbbbbbbbbbbb', 2);
    const a = s.add(ra, 1);
    const b = s.add(rb, 1);
    expect(s.rowBytes(a)).toBe(ra.length);
    expect(s.rowBytes(b)).toBe(rb.length);
    const total = ra.length + rb.length;
    const out = new Uint8Array(1 + total).fill(9);
    expect(s.copyRow(b, out, 1)).toBe(1 + rb.length);
    expect(s.copyRow(a, out, 1 + rb.length)).toBe(1 + total);
    expect(out[0]).toBe(9);
    expect(out.subarray(1, 1 + rb.length)).toEqual(rb);
    expect(out.subarray(1 + rb.length)).toEqual(ra);
    expect(() => s.copyRow(b, out, total)).toThrow(`copying a row of ${rb.length} bytes to ${total} of ${total + 1}`);
  });
});
