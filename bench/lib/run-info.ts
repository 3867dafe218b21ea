/** What a benchmark ran on, for its report: date, Node, CPU count, load, and the source commit. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { ROOT } from './standalone-server.js';

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly loadAverage1m: number;
  /** HEAD, with '+dirty' when src/ has uncommitted changes (the bundle is built from the work tree). */
  readonly commit: string;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
}

export function runInfo(): RunInfo {
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'src']) !== '';
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    commit: dirty ? `${head}+dirty` : head,
  };
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
