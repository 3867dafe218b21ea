import { assert } from '../base/assert.js';
import type { Clock, TimerHandle, Timers } from '../ports/clock.js';
import { EventQueue } from './event-queue.js';

/**
 * Fake time for the whole simulated cluster: a discrete-event scheduler. Every timer of every node,
 * every message delivery and every coordinator notification is an event (time, sequence, task);
 * `step` pops the earliest, moves the clock to its time, runs it, and then lets every promise
 * continuation it caused run to completion before the next event. Nothing else advances time, so a
 * run is a pure function of the seed.
 *
 * An event may belong to an owner (a simulated process); the events of a dead owner are dropped
 * when they come up, which is how a crashed process's timers stop.
 */
export interface Owner {
  readonly alive: boolean;
}

interface Task {
  readonly run: () => void;
  readonly owner: Owner | undefined;
  canceled: boolean;
}

export interface SimClockOptions {
  /** Wall-clock time at the start of the run (Clock.nowMs). Default 2024-01-01T00:00:00Z. */
  readonly startWallMs?: number;
  /** Limit on pending events (a runaway loop fails an assertion instead of eating memory). */
  readonly eventsQueuedMax?: number;
}

export type RunOutcome = 'reached' | 'steps' | 'time' | 'idle';

export interface RunLimits {
  /** Most events to run in this call. */
  readonly maxSteps?: number;
  /** Do not run events due after this fake time (ms since the start). */
  readonly untilMs?: number;
}

/** Monotonic time starts here rather than at 0, so code that treats 0 as "never" is not fooled. */
const MONOTONIC_BASE_MS = 1_000_000;
const DEFAULT_START_WALL_MS = Date.UTC(2024, 0, 1);

/** Lets every queued promise continuation run: a macrotask boundary, not a timer (no time passes). */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SimClock {
  readonly #queue: EventQueue<Task>;
  readonly #startWallMs: number;
  #nowMs = 0;
  #eventsRun = 0;
  #running = false;
  /** Called with an exception a task threw (a simulated process would have crashed). */
  onTaskError: (error: unknown) => void = (error) => {
    throw error;
  };

  readonly clock: Clock;

  constructor(options: SimClockOptions = {}) {
    this.#queue = new EventQueue(options.eventsQueuedMax ?? 1_000_000);
    this.#startWallMs = options.startWallMs ?? DEFAULT_START_WALL_MS;
    this.clock = {
      nowMs: () => this.#startWallMs + this.#nowMs,
      monotonicMs: () => MONOTONIC_BASE_MS + this.#nowMs,
    };
  }

  /** Fake milliseconds since the start of the run. */
  get nowMs(): number {
    return this.#nowMs;
  }

  get eventsRun(): number {
    return this.#eventsRun;
  }

  get eventsPending(): number {
    return this.#queue.size;
  }

  /** Runs `run` after `delayMs` (rounded up to whole ms; 0 = after everything due now). */
  after(delayMs: number, run: () => void, owner?: Owner): TimerHandle {
    assert(delayMs >= 0 && Number.isFinite(delayMs), `timer delay must be a finite non-negative number, got ${delayMs}`);
    const task: Task = { run, owner, canceled: false };
    this.#queue.push(this.#nowMs + Math.ceil(delayMs), task);
    return {
      cancel: () => {
        task.canceled = true;
      },
    };
  }

  /** Runs `run` every `intervalMs` (at least 1 ms) until canceled or its owner dies. */
  every(intervalMs: number, run: () => void, owner?: Owner): TimerHandle {
    const period = Math.max(1, Math.ceil(intervalMs));
    let current: TimerHandle;
    let canceled = false;
    const tick = (): void => {
      if (canceled) return;
      current = this.after(period, tick, owner);
      run();
    };
    current = this.after(period, tick, owner);
    return {
      cancel: () => {
        canceled = true;
        current.cancel();
      },
    };
  }

  /** The Timers port for one owner (or for the simulator itself). */
  timers(owner?: Owner): Timers {
    return {
      after: (delayMs, fn) => this.after(Math.max(0, delayMs), fn, owner),
      every: (intervalMs, fn) => this.every(intervalMs, fn, owner),
    };
  }

  /** Runs the next live event; false when nothing is left to run. */
  async step(): Promise<boolean> {
    for (;;) {
      const event = this.#queue.pop();
      if (!event) return false;
      const task = event.item;
      if (task.canceled || (task.owner !== undefined && !task.owner.alive)) continue;
      assert(event.atMs >= this.#nowMs, `event at ${event.atMs} ms is before the current time ${this.#nowMs} ms`);
      this.#nowMs = event.atMs;
      this.#eventsRun++;
      try {
        task.run();
      } catch (error) {
        this.onTaskError(error);
      }
      await drainMicrotasks();
      return true;
    }
  }

  /** Runs events until `predicate` holds (checked before each event) or a limit is reached. */
  async runUntil(predicate: () => boolean, limits: RunLimits = {}): Promise<RunOutcome> {
    assert(!this.#running, 'SimClock.runUntil is not re-entrant');
    this.#running = true;
    try {
      // Work the caller started (promise continuations) runs at the current time, before the clock moves.
      await drainMicrotasks();
      const maxSteps = limits.maxSteps ?? Number.POSITIVE_INFINITY;
      for (let steps = 0; ; steps++) {
        if (predicate()) return 'reached';
        if (steps >= maxSteps) return 'steps';
        const next = this.#nextLiveTime();
        if (next === undefined) return 'idle';
        if (limits.untilMs !== undefined && next > limits.untilMs) {
          this.#nowMs = Math.max(this.#nowMs, limits.untilMs);
          return 'time';
        }
        await this.step();
      }
    } finally {
      this.#running = false;
    }
  }

  /** Runs every event due up to `untilMs` (fake ms since the start). */
  runFor(durationMs: number): Promise<RunOutcome> {
    return this.runUntil(() => false, { untilMs: this.#nowMs + durationMs });
  }

  #nextLiveTime(): number | undefined {
    for (;;) {
      const top = this.#queue.peek();
      if (!top) return undefined;
      const task = top.item;
      if (task.canceled || (task.owner !== undefined && !task.owner.alive)) {
        this.#queue.pop();
        continue;
      }
      return top.atMs;
    }
  }
}
