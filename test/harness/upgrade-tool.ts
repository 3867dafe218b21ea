/** Runs a release's own program (`node <release>/bin/openmldb.mjs ...`), as an operator runs bin/openmldb. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ToolRun {
  readonly child: ChildProcess;
  output(): string;
  done: Promise<{ code: number | null; out: string }>;
}

export function startTool(release: string, args: readonly string[], cwd: string): ToolRun {
  const child = spawn(process.execPath, [join(release, 'bin', 'openmldb.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.once('exit', (code) => resolve({ code, out })));
  return { child, output: () => out, done };
}

export function runTool(release: string, args: readonly string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return startTool(release, args, cwd).done;
}
