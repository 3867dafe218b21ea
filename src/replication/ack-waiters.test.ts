import { describe, expect, it } from 'vitest';
import { Code, fail, type Result } from '../base/status.js';
import { AckWaiters } from './ack-waiters.js';

describe('AckWaiters', () => {
  it('releases waiters up to the acknowledged offset, expires the rest by deadline, in order', () => {
    const w = new AckWaiters(10);
    const outcomes: string[] = [];
    const record = (name: string) => (r: Result<void>) => outcomes.push(r.ok ? `${name} ok` : `${name} ${r.message}`);
    expect(w.add(3, 100, record('a'))).toBe(true);
    expect(w.add(5, 110, record('b'))).toBe(true);
    expect(w.add(9, 120, record('c'))).toBe(true);
    w.release(4);
    expect(outcomes).toEqual(['a ok']);
    expect(w.nextDeadlineMs()).toBe(110);
    w.expire(115, (offset) => fail(Code.rpcTimeout, `offset ${offset} timed out`));
    expect(outcomes).toEqual(['a ok', 'b offset 5 timed out']);
    w.release(100);
    expect(outcomes).toEqual(['a ok', 'b offset 5 timed out', 'c ok']);
    expect(w.size).toBe(0);
    expect(w.nextDeadlineMs()).toBeUndefined();
  });

  it('is bounded and fails everything on failAll', () => {
    const w = new AckWaiters(2);
    const results: Result<void>[] = [];
    expect(w.add(1, 1, (r) => results.push(r))).toBe(true);
    expect(w.add(2, 1, (r) => results.push(r))).toBe(true);
    expect(w.add(3, 1, (r) => results.push(r))).toBe(false);
    w.failAll(fail(Code.termFenced, 'stepped down'));
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(w.size).toBe(0);
    expect(() => {
      w.add(5, 10, () => {});
      w.add(4, 10, () => {});
    }).toThrow(/offset order/);
  });

  it('keeps working across many releases (compaction)', () => {
    const w = new AckWaiters(100_000);
    let released = 0;
    for (let i = 1; i <= 5000; i++) {
      w.add(i, i, () => released++);
      if (i % 7 === 0) w.release(i - 3);
    }
    w.release(5000);
    expect(released).toBe(5000);
  });
});
