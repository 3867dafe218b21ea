/**
 * The database processes the conformance engines start: the bundled program
 * (`build/bin/openmldb.mjs`) as a child process with its output kept, free loopback ports, and a
 * process-wide cleanup list so that SIGINT / SIGTERM (or an exit in the middle of a run) still
 * stops every child and removes every temp directory the engines made.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_KEPT_CHARS = 4000;

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 10 && !existsSync(join(dir, 'package.json')); up++) dir = dirname(dir);
  return dir;
}

/** The bundled program, built first when it is missing. */
export function programPath(): string {
  const root = repoRoot();
  const program = join(root, 'build', 'bin', 'openmldb.mjs');
  if (!existsSync(program)) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  return program;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

/**
 * Flags that keep a server's data, recycle bin and logs inside its own directory (the recycle
 * bin off: a run drops thousands of tables) and its log quiet.
 */
export function ownDirectoryFlags(dir: string): string[] {
  return [
    `--db_root_path=${join(dir, 'db')}`,
    `--recycle_bin_root_path=${join(dir, 'recycle')}`,
    '--recycle_bin_enabled=false',
    `--openmldb_log_dir=${join(dir, 'logs')}`,
    '--log_level=warn',
  ];
}

/**
 * Last-resort cleanups (kill a child, remove a directory), newest first. The synchronous part
 * runs on exit; on a signal each returned promise (a killed child's exit) is awaited before the
 * next cleanup, so directories are removed only once nothing writes into them any more.
 */
type Cleanup = () => void | Promise<void>;
const emergencyCleanups = new Set<Cleanup>();
let hooksInstalled = false;
const SIGNAL_CLEANUP_STEP_MS_MAX = 10_000;

function runEmergencyCleanupsNow(): void {
  for (const cleanup of [...emergencyCleanups].reverse()) {
    try {
      void Promise.resolve(cleanup()).catch(() => undefined);
    } catch {
      // Best effort: the process is going away.
    }
  }
  emergencyCleanups.clear();
}

async function runEmergencyCleanupsInOrder(): Promise<void> {
  const cleanups = [...emergencyCleanups].reverse();
  emergencyCleanups.clear();
  for (const cleanup of cleanups) {
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<void>((r) => {
        timer = setTimeout(r, SIGNAL_CLEANUP_STEP_MS_MAX);
      });
      await Promise.race([Promise.resolve(cleanup()), bound]);
      clearTimeout(timer);
    } catch {
      // Best effort: the process is going away.
    }
  }
}

/**
 * Registers a cleanup to run if the process is interrupted or exits before it is released;
 * returns the release function (call it once the resource was cleaned up normally).
 */
export function onAbnormalExit(cleanup: Cleanup): () => void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.once('exit', runEmergencyCleanupsNow);
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        void runEmergencyCleanupsInOrder().finally(() => process.exit(code));
      });
    }
  }
  emergencyCleanups.add(cleanup);
  return () => emergencyCleanups.delete(cleanup);
}

/** A temp directory removed by remove(), or on an abnormal exit. */
export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `omts-${prefix}-`));
  // On a signal the servers may still be writing while they die: retry a non-empty directory.
  const release = onAbnormalExit(() => rmSync(path, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      release();
    },
  };
}

/** One running process of the bundled program. */
export class ProgramProcess {
  private outputTail = '';
  private readonly release: () => void;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (d: Buffer) => {
      this.outputTail = (this.outputTail + d.toString()).slice(-OUTPUT_KEPT_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    this.release = onAbnormalExit(() => {
      if (this.exited) return;
      child.kill('SIGKILL');
      return exited;
    });
  }

  /** Spawns `node openmldb.mjs <args>` in `cwd`. */
  static start(name: string, args: readonly string[], cwd: string): ProgramProcess {
    const child = spawn(process.execPath, [programPath(), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ProgramProcess(name, child);
  }

  output(): string {
    return this.outputTail;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves once the output contains `marker`; rejects when the process exits or time runs out. */
  waitForOutput(marker: string, timeoutMs: number): Promise<void> {
    const child = this.child;
    return new Promise((resolveStarted, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} did not start within ${timeoutMs} ms; output:\n${this.output()}`));
      }, timeoutMs);
      const onData = () => {
        if (this.output().includes(marker)) {
          cleanup();
          resolveStarted();
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited with ${code} while starting; output:\n${this.output()}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      if (this.exited) onExit(child.exitCode);
      else onData();
    });
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    this.release();
  }

  kill(): void {
    this.child.kill('SIGKILL');
    this.release();
  }
}
