/**
 * Puts of a synchronously replicated partition waiting for their offset to be acknowledged by
 * every follower. Pure: the shell reports the lowest acknowledged offset (`release`) and the time
 * (`expire`), and arms one timer for `nextDeadlineMs`. Waiters are added in offset order with
 * non-decreasing deadlines (one partition, one timeout), so both release and expiry take from the
 * head of one FIFO, with no per-waiter timer.
 */
import { assert } from '../base/assert.js';
import { type Failure, type Result, okVoid } from '../base/status.js';

interface Waiter {
  readonly offset: number;
  readonly deadlineMs: number;
  readonly resolve: (result: Result<void>) => void;
}

const COMPACT_AFTER = 1024;

export class AckWaiters {
  #queue: Waiter[] = [];
  #head = 0;

  constructor(private readonly waitersMax: number) {
    assert(waitersMax >= 1, 'waitersMax must be positive');
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  /** False when the queue is full (the caller refuses the write). */
  add(offset: number, deadlineMs: number, resolve: (result: Result<void>) => void): boolean {
    if (this.size >= this.waitersMax) return false;
    const last = this.#queue[this.#queue.length - 1];
    if (last && this.size > 0) {
      assert(offset >= last.offset, `ack waiters must be added in offset order: ${offset} after ${last.offset}`);
      assert(deadlineMs >= last.deadlineMs, 'ack waiter deadlines must not decrease');
    }
    this.#queue.push({ offset, deadlineMs, resolve });
    return true;
  }

  /** Resolves every waiter whose offset is at most `ackedOffset`. */
  release(ackedOffset: number): void {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.offset <= ackedOffset) {
      this.#queue[this.#head++]!.resolve(okVoid);
    }
    this.#compact();
  }

  /** Fails every waiter whose deadline is at or before `nowMs`, with the failure `why` builds. */
  expire(nowMs: number, why: (offset: number) => Failure): void {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.deadlineMs <= nowMs) {
      const w = this.#queue[this.#head++]!;
      w.resolve(why(w.offset));
    }
    this.#compact();
  }

  failAll(failure: Failure): void {
    const waiting = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const w of waiting) w.resolve(failure);
  }

  nextDeadlineMs(): number | undefined {
    return this.#queue[this.#head]?.deadlineMs;
  }

  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
