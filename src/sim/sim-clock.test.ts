import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';
import { SimClock } from './sim-clock.js';

describe('EventQueue', () => {
  it('pops by time, then by insertion order', () => {
    const q = new EventQueue<string>(100);
    q.push(5, 'c');
    q.push(1, 'a');
    q.push(5, 'd');
    q.push(3, 'b');
    q.push(1, 'a2');
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
    expect(out).toEqual(['a', 'a2', 'b', 'c', 'd']);
  });

  it('refuses to grow past its limit', () => {
    const q = new EventQueue<number>(2);
    q.push(1, 1);
    q.push(1, 2);
    expect(() => q.push(1, 3)).toThrow(/event queue is full/);
  });
});

describe('SimClock', () => {
  it('runs timers in time order and moves both clocks with them', async () => {
    const sim = new SimClock({ startWallMs: 1_000_000 });
    const seen: string[] = [];
    sim.after(30, () => seen.push(`b@${sim.nowMs}`));
    sim.after(10, () => seen.push(`a@${sim.nowMs}`));
    sim.after(30, () => seen.push(`c@${sim.nowMs}`));
    const mono0 = sim.clock.monotonicMs();
    expect(await sim.runUntil(() => false)).toBe('idle');
    expect(seen).toEqual(['a@10', 'b@30', 'c@30']);
    expect(sim.clock.nowMs()).toBe(1_000_030);
    expect(sim.clock.monotonicMs() - mono0).toBe(30);
  });

  it('repeats `every` until canceled, and never runs a canceled timer', async () => {
    const sim = new SimClock();
    const ticks: number[] = [];
    const t = sim.every(100, () => ticks.push(sim.nowMs));
    const never = sim.after(50, () => ticks.push(-1));
    never.cancel();
    sim.after(350, () => t.cancel());
    await sim.runUntil(() => false);
    expect(ticks).toEqual([100, 200, 300]);
  });

  it('drops the events of a dead owner', async () => {
    const sim = new SimClock();
    const owner = { alive: true };
    const seen: string[] = [];
    sim.every(10, () => seen.push('tick'), owner);
    sim.after(25, () => {
      owner.alive = false;
    });
    await sim.runUntil(() => false, { untilMs: 100 });
    expect(seen).toEqual(['tick', 'tick']);
    expect(sim.eventsPending).toBe(0);
  });

  it('lets promise continuations of an event finish before the next event, at the same time', async () => {
    const sim = new SimClock();
    const order: string[] = [];
    sim.after(10, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => order.push(`continuation@${sim.nowMs}`));
    });
    sim.after(10, () => order.push(`second@${sim.nowMs}`));
    await sim.runUntil(() => false);
    expect(order).toEqual(['continuation@10', 'second@10']);
  });

  it('stops at a predicate, a step limit or a time limit', async () => {
    const sim = new SimClock();
    let n = 0;
    sim.every(10, () => n++);
    expect(await sim.runUntil(() => n === 3)).toBe('reached');
    expect(sim.nowMs).toBe(30);
    expect(await sim.runUntil(() => false, { maxSteps: 2 })).toBe('steps');
    expect(n).toBe(5);
    expect(await sim.runUntil(() => false, { untilMs: 75 })).toBe('time');
    expect(n).toBe(7);
    expect(sim.nowMs).toBe(75);
  });

  it('hands an exception thrown by a task to onTaskError and goes on', async () => {
    const sim = new SimClock();
    const errors: unknown[] = [];
    sim.onTaskError = (e) => errors.push(e);
    let after = false;
    sim.after(1, () => {
      throw new Error('boom');
    });
    sim.after(2, () => {
      after = true;
    });
    await sim.runUntil(() => false);
    expect(errors.map(String)).toEqual(['Error: boom']);
    expect(after).toBe(true);
  });
});
