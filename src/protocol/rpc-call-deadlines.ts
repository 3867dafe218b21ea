import { assert } from '../base/assert.js';
import type { Clock, TimerHandle, Timers } from '../ports/clock.js';

/** What a call needs to carry to be tracked: the links live in the call itself (no allocation). */
export interface DeadlineEntry {
  deadlineMs: number;
  /** The timeout the deadline came from; entries with equal timeouts expire in insertion order. */
  timeoutMs: number;
  deadlinePrev: DeadlineEntry | undefined;
  deadlineNext: DeadlineEntry | undefined;
  /** True while the entry is in a list. */
  deadlineTracked: boolean;
}

interface DeadlineList {
  head: DeadlineEntry | undefined;
  tail: DeadlineEntry | undefined;
  timer: TimerHandle | undefined;
}

/**
 * Deadlines of calls in flight, without a timer per call. Calls with the same timeout expire in
 * the order they were made, so each distinct timeout keeps a FIFO list (linked through the calls
 * themselves) and one timer for its head. Removing a completed call is O(1) and does not touch
 * the timer: when the timer fires and finds the head still in the future, it re-arms for it.
 * This is how Node's own timer lists work, minus the per-call Timeout object.
 */
export class CallDeadlines<E extends DeadlineEntry> {
  private readonly lists = new Map<number, DeadlineList>();

  constructor(
    private readonly clock: Pick<Clock, 'monotonicMs'>,
    private readonly timers: Timers,
    private readonly onExpired: (entry: E) => void,
  ) {}

  /**
   * Starts tracking `entry`, which expires `timeoutMs` from now, rounded up to whole milliseconds:
   * a caller passing what is left of a deadline passes a fraction, and a list per distinct
   * fraction would mean a Map entry and a timer per call.
   */
  add(entry: E, timeoutMsExact: number): void {
    assert(!entry.deadlineTracked, 'a call is tracked at most once');
    const timeoutMs = Math.ceil(timeoutMsExact);
    entry.timeoutMs = timeoutMs;
    entry.deadlineMs = this.clock.monotonicMs() + timeoutMs;
    entry.deadlineTracked = true;
    let list = this.lists.get(timeoutMs);
    if (list === undefined) {
      list = { head: undefined, tail: undefined, timer: undefined };
      this.lists.set(timeoutMs, list);
    }
    entry.deadlinePrev = list.tail;
    entry.deadlineNext = undefined;
    if (list.tail === undefined) list.head = entry;
    else list.tail.deadlineNext = entry;
    list.tail = entry;
    if (list.timer === undefined) this.arm(list, timeoutMs, timeoutMs);
  }

  /** Stops tracking `entry` (it completed); a no-op for an entry not tracked. */
  remove(entry: E): void {
    if (!entry.deadlineTracked) return;
    const list = this.lists.get(entry.timeoutMs);
    assert(list !== undefined, 'a tracked call has a list');
    this.unlink(list, entry);
  }

  /** Stops every timer and forgets every entry (the owner fails the calls itself). */
  clear(): void {
    for (const list of this.lists.values()) {
      list.timer?.cancel();
      for (let e = list.head; e !== undefined; e = e.deadlineNext) e.deadlineTracked = false;
    }
    this.lists.clear();
  }

  private unlink(list: DeadlineList, entry: DeadlineEntry): void {
    if (entry.deadlinePrev === undefined) list.head = entry.deadlineNext;
    else entry.deadlinePrev.deadlineNext = entry.deadlineNext;
    if (entry.deadlineNext === undefined) list.tail = entry.deadlinePrev;
    else entry.deadlineNext.deadlinePrev = entry.deadlinePrev;
    entry.deadlinePrev = undefined;
    entry.deadlineNext = undefined;
    entry.deadlineTracked = false;
  }

  private arm(list: DeadlineList, timeoutMs: number, delayMs: number): void {
    // Whole milliseconds: timer implementations key their own lists by the delay.
    list.timer = this.timers.after(Math.ceil(delayMs), () => this.fire(list, timeoutMs));
  }

  private fire(list: DeadlineList, timeoutMs: number): void {
    list.timer = undefined;
    const now = this.clock.monotonicMs();
    const expired: E[] = [];
    while (list.head !== undefined && list.head.deadlineMs <= now) {
      const entry = list.head;
      this.unlink(list, entry);
      expired.push(entry as E);
    }
    if (list.head === undefined) {
      if (this.lists.get(timeoutMs) === list) this.lists.delete(timeoutMs);
    } else {
      this.arm(list, timeoutMs, list.head.deadlineMs - now);
    }
    for (const entry of expired) this.onExpired(entry);
  }
}
