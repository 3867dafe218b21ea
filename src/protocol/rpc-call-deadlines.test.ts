import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimerHandle, Timers } from '../ports/clock.js';
import { CallDeadlines, type DeadlineEntry } from './rpc-call-deadlines.js';

/** Fake time: timers run when `advance` passes their due time, in due-time order. */
class FakeTime implements Timers {
  now = 0;
  armed = 0;
  private queue: { at: number; seq: number; fn: () => void; live: boolean }[] = [];
  private seq = 0;

  monotonicMs = (): number => this.now;

  after(delayMs: number, fn: () => void): TimerHandle {
    const timer = { at: this.now + Math.max(1, delayMs), seq: this.seq++, fn, live: true };
    this.queue.push(timer);
    this.armed++;
    return { cancel: () => void (timer.live = false) };
  }

  every(): TimerHandle {
    throw new Error('not used');
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.queue = this.queue.filter((t) => t.live);
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (next === undefined || next.at > until) break;
      this.now = next.at;
      next.live = false;
      next.fn();
    }
    this.now = until;
  }

  get pending(): number {
    return this.queue.filter((t) => t.live).length;
  }
}

interface Call extends DeadlineEntry {
  readonly name: string;
}

function call(name: string): Call {
  return { name, deadlineMs: 0, timeoutMs: 0, deadlinePrev: undefined, deadlineNext: undefined, deadlineTracked: false };
}

function setup() {
  const time = new FakeTime();
  const expired: string[] = [];
  const deadlines = new CallDeadlines<Call>(time, time, (c) => expired.push(`${c.name}@${time.now}`));
  return { time, expired, deadlines };
}

describe('CallDeadlines', () => {
  it('expires calls with the same timeout in order, each at its own deadline, with one timer', () => {
    const { time, expired, deadlines } = setup();
    deadlines.add(call('a'), 100);
    time.advance(10);
    deadlines.add(call('b'), 100);
    time.advance(30);
    deadlines.add(call('c'), 100);
    expect(time.armed).toBe(1);
    time.advance(200);
    expect(expired).toEqual(['a@100', 'b@110', 'c@140']);
    expect(time.pending).toBe(0);
  });

  it('never expires a call removed before its deadline, even the one the timer was armed for', () => {
    const { time, expired, deadlines } = setup();
    const a = call('a');
    deadlines.add(a, 50);
    time.advance(20);
    deadlines.add(call('b'), 50);
    deadlines.remove(a);
    deadlines.remove(a); // twice is harmless
    time.advance(49);
    expect(expired).toEqual([]);
    time.advance(1);
    expect(expired).toEqual(['b@70']);
  });

  it('tracks different timeouts independently', () => {
    const { time, expired, deadlines } = setup();
    deadlines.add(call('slow'), 1000);
    deadlines.add(call('fast'), 10);
    time.advance(2000);
    expect(expired).toEqual(['fast@10', 'slow@1000']);
  });

  it('clear() cancels the timers and forgets the calls', () => {
    const { time, expired, deadlines } = setup();
    const a = call('a');
    deadlines.add(a, 10);
    deadlines.clear();
    expect(a.deadlineTracked).toBe(false);
    time.advance(100);
    expect(expired).toEqual([]);
    deadlines.add(a, 10); // may be tracked again
    time.advance(10);
    expect(expired).toEqual(['a@110']);
  });

  it('expires exactly the calls whose deadline passed and that were not removed, at their deadline (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), timeoutMs: fc.constantFrom(0, 1, 3, 5, 12) }),
      fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const time = new FakeTime();
        const expiredAt = new Map<Call, number>();
        const deadlines = new CallDeadlines<Call>(time, time, (c) => {
          expect(expiredAt.has(c)).toBe(false);
          expiredAt.set(c, time.now);
        });
        // A zero timeout waits for the timer's minimum delay of 1 ms.
        const calls: { c: Call; dueAt: number; removed: boolean }[] = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const c = call(`c${calls.length}`);
            deadlines.add(c, o.timeoutMs);
            calls.push({ c, dueAt: time.now + Math.max(1, o.timeoutMs), removed: false });
          } else if (o.kind === 'remove') {
            const target = calls[o.index % Math.max(1, calls.length)];
            if (target !== undefined && !expiredAt.has(target.c)) {
              deadlines.remove(target.c);
              target.removed = true;
            }
          } else {
            time.advance(o.ms);
          }
          for (const { c, dueAt, removed } of calls) {
            const expected = removed || time.now < dueAt ? undefined : dueAt;
            expect(expiredAt.get(c)).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
