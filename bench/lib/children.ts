/**
 * Child processes and temp dirs of a benchmark run, and their cleanup: on a normal end the
 * benchmark stops its children itself; on an error, SIGINT or SIGTERM every child still running
 * is killed and every temp dir removed before the process exits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUTPUT_TAIL_BYTES = 64 * 1024;

const running = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function removeDirsNow(): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    killAllNow();
    removeDirsNow();
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping child processes and removing temp dirs\n`);
      process.exit(code);
    });
  }
}

/** A fresh temp dir, removed at exit (or earlier by `removeTempDir`). */
export function tempDir(prefix: string): string {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), `omts-bench-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The last OUTPUT_TAIL_BYTES of its stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, waits for the exit (SIGKILL after `graceMs`) and returns how long it took. */
  stop(signal: 'SIGTERM' | 'SIGKILL', graceMs?: number): Promise<{ code: number | null; ms: number }>;
}

/** Spawns a child whose output is kept (a tail of it) for error messages. */
export function spawnChild(command: string, args: readonly string[], cwd: string): Child {
  hookExit();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`);
  running.add(child);
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 2 * OUTPUT_TAIL_BYTES) out = out.slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return {
    process: child,
    pid: child.pid,
    output: () => out.slice(-OUTPUT_TAIL_BYTES),
    exited,
    async stop(signal, graceMs = 30_000) {
      const start = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: performance.now() - start };
    },
  };
}

/** Runs a set-up step to completion with its output on stderr (stdout stays for the figures). */
export function runStep(command: string, args: readonly string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
}

let clockTicksPerSec: number | undefined;

/** CPU time (user + system) of a process so far, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  clockTicksPerSec ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicksPerSec;
}

/** Resident set size of a process, from /proc/<pid>/status VmRSS. */
export function rssBytesOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/**
 * RSS of a process once it stops moving: samples every `intervalMs` until two successive samples
 * differ by less than 0.5%, or `timeoutMs` passes (then the last sample).
 */
export async function settledRssBytesOf(pid: number, intervalMs = 500, timeoutMs = 10_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = rssBytesOf(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const now = rssBytesOf(pid);
    if (Math.abs(now - last) < last * 0.005 || performance.now() > deadline) return now;
    last = now;
  }
}
