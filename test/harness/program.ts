/**
 * Starting the bundled program (build/bin/openmldb.mjs, built by the global setup) as real
 * processes, and stopping every one of them when the test file ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PROGRAM = join(ROOT, 'build', 'bin', 'openmldb.mjs');

const running = new Set<ChildProcess>();
const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `omts-${prefix}-`));
  tempDirs.push(d);
  return d;
}

export interface Proc {
  readonly child: ChildProcess;
  readonly logFile: string;
  output(): string;
  exited(): Promise<number | null>;
}

/** Spawns `node openmldb.mjs <args>` with stdout+stderr captured. */
export function startProgram(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [PROGRAM, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('exit', () => running.delete(child));
  return { child, logFile: '', output: () => out, exited: () => exit };
}

/** Runs the program to completion and returns its exit code and output. */
export async function runProgram(args: string[], cwd: string, input?: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [PROGRAM, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  child.stdin!.end(input ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  running.delete(child);
  return { code, out };
}

export async function probe(endpoint: string, cwd: string): Promise<boolean> {
  const r = await runProgram(['--role=probe', `--endpoint=${endpoint}`], cwd);
  return r.code === 0;
}

export async function waitReady(proc: Proc, endpoint: string, cwd: string): Promise<void> {
  await waitFor(`${endpoint} to answer /status (output so far: ${proc.output().slice(-2000)})`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`process exited with ${proc.child.exitCode}: ${proc.output()}`);
    return probe(endpoint, cwd);
  });
}

export async function kill9(proc: Proc): Promise<void> {
  proc.child.kill('SIGKILL');
  await proc.exited();
}

export async function stopGracefully(proc: Proc, timeoutMs = 30_000): Promise<number | null> {
  proc.child.kill('SIGTERM');
  const t = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited();
  clearTimeout(t);
  return code;
}

export function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Kills every process still running and removes temp dirs (call in afterAll). */
export async function cleanup(): Promise<void> {
  const exits = [...running].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))));
  for (const c of running) c.kill('SIGKILL');
  await Promise.all(exits);
  // OMT_KEEP_TEMP=1 keeps the directories (logs, data) to look at after a failure.
  const dirs = tempDirs.splice(0);
  if (process.env['OMT_KEEP_TEMP'] === '1') {
    if (dirs.length > 0) process.stderr.write(`kept for inspection: ${dirs.join(' ')}\n`);
    return;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
