import { describe, expect, it } from 'vitest';
import { runClosedLoop, runPipelined } from './closed-loop.js';

describe('closed loop', () => {
  it('stops at the count bound and never has more than `inFlight` operations open', async () => {
    let open = 0;
    let openMax = 0;
    const seen = new Set<number>();
    const figures = await runClosedLoop(
      async (n) => {
        seen.add(n);
        open++;
        openMax = Math.max(openMax, open);
        await new Promise((resolve) => setImmediate(resolve));
        open--;
      },
      8,
      { seconds: 60, opsMax: 500 },
      process.pid,
    );
    expect(figures.ops).toBe(500);
    expect(seen.size).toBe(500);
    expect(openMax).toBe(8);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
  });

  it('runs every batch of a pipelined load exactly once', async () => {
    const done: number[] = [];
    await runPipelined(37, 4, async (i) => {
      await new Promise((resolve) => setImmediate(resolve));
      done.push(i);
    });
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
  });
});
