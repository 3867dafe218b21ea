/**
 * A closed-loop load: `inFlight` workers each issue one operation, await it, and issue the next,
 * until the time or the count bound is reached. Latency is measured per operation.
 */
import { cpuMsOf } from './children.js';

const SAMPLES_MAX = 4_000_000;

export interface LoadFigures {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU per operation in this (load generator) process and in the server process. */
  readonly clientCpuUsPerOp: number;
  readonly serverCpuUsPerOp: number;
}

/** One operation; `n` counts operations across all workers (0, 1, 2, ...). */
export type Operation = (n: number) => Promise<void>;

export async function runClosedLoop(
  operation: Operation,
  inFlight: number,
  limits: { seconds: number; opsMax: number },
  serverPid: number,
): Promise<LoadFigures> {
  const latencies = new Float64Array(Math.min(SAMPLES_MAX, limits.opsMax));
  let issued = 0;
  let done = 0;
  const serverCpuBefore = cpuMsOf(serverPid);
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + limits.seconds * 1000;
  const worker = async () => {
    while (issued < limits.opsMax && performance.now() < end) {
      const n = issued++;
      const t0 = performance.now();
      await operation(n);
      if (done < latencies.length) latencies[done] = performance.now() - t0;
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuMs = cpuMsOf(serverPid) - serverCpuBefore;
  const sorted = latencies.subarray(0, Math.min(done, latencies.length)).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    ops: done,
    seconds,
    opsPerSec: done / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    clientCpuUsPerOp: (clientCpu.user + clientCpu.system) / Math.max(1, done),
    serverCpuUsPerOp: (serverCpuMs * 1000) / Math.max(1, done),
  };
}

/**
 * Runs `batches` batch operations with at most `inFlight` at once (a pipelined bulk load) and
 * returns the elapsed seconds.
 */
export async function runPipelined(batches: number, inFlight: number, batch: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < batches) await batch(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batches) }, worker));
  return (performance.now() - start) / 1000;
}
