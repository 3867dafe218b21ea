/** Time as a port: the runtime reads the OS clock, the simulator advances fake time. */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (row timestamps, TTL, op start times). */
  nowMs(): number;
  /** Monotonic milliseconds for measuring intervals and deadlines; never goes backwards. */
  monotonicMs(): number;
}

export interface TimerHandle {
  cancel(): void;
}

export interface Timers {
  /** Runs `fn` once after `delayMs`. The handle cancels it. */
  after(delayMs: number, fn: () => void): TimerHandle;
  /** Runs `fn` every `intervalMs` until cancelled. */
  every(intervalMs: number, fn: () => void): TimerHandle;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}
