/**
 * Goal: the window remembers exactly the last `capacity` request ids with the right row counts and
 * offsets, whatever the order of clients and rows. Method: fast-check against a plain Map model
 * with insertion-order eviction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PutDedupWindow } from './put-dedup-window.js';

describe('PutDedupWindow', () => {
  it('answers rows in the log and the last offset of a request', () => {
    const w = new PutDedupWindow(4);
    expect(w.find('a', 1)).toBe(-1);
    w.record('a', 1, 0, 3, 10);
    w.record('a', 1, 1, 3, 11);
    const slot = w.find('a', 1);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect([w.rowsInLog(slot), w.rowCount(slot), w.lastOffset(slot)]).toEqual([2, 3, 11]);
    w.record('a', 1, 2, 3, 12);
    expect([w.rowsInLog(slot), w.lastOffset(slot)]).toEqual([3, 12]);
    expect(w.find('b', 1)).toBe(-1);
    expect(w.find('a', 2)).toBe(-1);
  });

  it('evicts the oldest request when full', () => {
    const w = new PutDedupWindow(2);
    w.record('a', 1, 0, 1, 1);
    w.record('b', 1, 0, 1, 2);
    w.record('a', 2, 0, 1, 3);
    expect(w.find('a', 1)).toBe(-1);
    expect(w.find('b', 1)).toBeGreaterThanOrEqual(0);
    expect(w.find('a', 2)).toBeGreaterThanOrEqual(0);
    expect(w.size).toBe(2);
  });

  it('matches a model over random histories', () => {
    const op = fc.record({
      client: fc.constantFrom('a', 'b', 'c'),
      seq: fc.integer({ min: 0, max: 6 }),
      rowCount: fc.integer({ min: 1, max: 3 }),
      row: fc.nat(2),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const w = new PutDedupWindow(capacity);
        const model = new Map<string, { rows: number; count: number; last: number }>();
        let offset = 0;
        for (const o of ops) {
          const k = `${o.client}/${o.seq}`;
          const known = model.get(k);
          const rowCount = known?.count ?? o.rowCount;
          const rowIndex = Math.min(o.row, rowCount - 1);
          offset++;
          w.record(o.client, o.seq, rowIndex, rowCount, offset);
          if (known) {
            known.rows = Math.max(known.rows, rowIndex + 1);
            known.last = offset;
          } else {
            model.set(k, { rows: rowIndex + 1, count: rowCount, last: offset });
            if (model.size > capacity) model.delete(model.keys().next().value!);
          }
        }
        expect(w.size).toBe(model.size);
        for (const client of ['a', 'b', 'c']) {
          for (let seq = 0; seq <= 6; seq++) {
            const m = model.get(`${client}/${seq}`);
            const slot = w.find(client, seq);
            if (!m) {
              expect(slot).toBe(-1);
              continue;
            }
            expect([w.rowsInLog(slot), w.rowCount(slot), w.lastOffset(slot)]).toEqual([m.rows, m.count, m.last]);
          }
        }
      }),
    );
  });
});
