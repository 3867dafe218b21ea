import type { Clock, Rng, TimerHandle, Timers } from '../ports/clock.js';

/** The OS clock and Node timers behind the Clock and Timers ports. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

export const nodeTimers: Timers = {
  after(delayMs, fn): TimerHandle {
    const t = setTimeout(fn, delayMs);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  every(intervalMs, fn): TimerHandle {
    const t = setInterval(fn, intervalMs);
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  },
};

export const mathRng: Rng = {
  next: () => Math.random(),
  int: (n) => Math.floor(Math.random() * n),
};
