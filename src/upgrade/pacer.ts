/**
 * Waiting on a cluster condition without sleeping blindly: a check is polled every `intervalMs`
 * until it is met, fails for good, the deadline passes, or the operator interrupts (Ctrl-C).
 * Time and sleeping come in through `Pacer`, so the tools run on fake time in tests.
 */
import { Code, fail, ok, type Result } from '../base/status.js';

export interface Pacer {
  /** Monotonic milliseconds. */
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** True once the operator asked to stop (the run saves its state and exits). */
  interrupted(): boolean;
}

export const CODE_INTERRUPTED = Code.cmdError;
export const INTERRUPTED_MESSAGE = 'interrupted by the operator';

export type Poll<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'wait'; readonly why: string }
  | { readonly kind: 'failed'; readonly message: string };

export const pollDone = <T>(value: T): Poll<T> => ({ kind: 'done', value });
export const pollWait = (why: string): Poll<never> => ({ kind: 'wait', why });
export const pollFailed = (message: string): Poll<never> => ({ kind: 'failed', message });

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Called with the reason for waiting, at most once per `reportEveryMs`. */
  readonly report?: (why: string) => void;
  readonly reportEveryMs?: number;
}

export function interruptedFailure(): Result<never> {
  return fail(CODE_INTERRUPTED, INTERRUPTED_MESSAGE);
}

export function isInterrupted(r: Result<unknown>): boolean {
  return !r.ok && r.code === CODE_INTERRUPTED && r.message.includes(INTERRUPTED_MESSAGE);
}

/**
 * Polls `check` until done. A check that throws or returns a failed Result-like answer is not
 * used here: checks report transient trouble (a nameserver leader change) as `wait`.
 */
export async function waitUntil<T>(pacer: Pacer, what: string, options: WaitOptions, check: () => Promise<Poll<T>>): Promise<Result<T>> {
  const start = pacer.nowMs();
  let lastReport = start;
  let why = 'not checked yet';
  for (;;) {
    if (pacer.interrupted()) return interruptedFailure();
    const p = await check();
    if (p.kind === 'done') return ok(p.value);
    if (p.kind === 'failed') return fail(Code.cmdError, `${what} failed: ${p.message}`);
    why = p.why;
    const now = pacer.nowMs();
    if (now - start >= options.timeoutMs) {
      return fail(Code.rpcTimeout, `${what}: still not done after ${Math.round((now - start) / 1000)} s: ${why}`);
    }
    if (options.report && now - lastReport >= (options.reportEveryMs ?? 5000)) {
      lastReport = now;
      options.report(`${what}: waiting ${Math.round((now - start) / 1000)} s: ${why}`);
    }
    await pacer.sleep(options.intervalMs);
  }
}
