/**
 * Runs a directory of case files against an engine: loads each file, decides per case and mode
 * whether it runs, resets the engine before every run, replays, and tallies. One engine serves the
 * whole run; it is replaced (via the factory) after a call timed out or when reset() fails.
 */
import type { EngineFactory, EngineUnderTest } from './engine.js';
import { listCaseFiles, loadCaseFile, type LoadedCase } from './cases.js';
import { decideMode, type RunMode, type Target } from './modes.js';
import { autoNameGenerator } from './placeholders.js';
import { prepareCase } from './prepare.js';
import { replayCase } from './runner.js';
import { EngineCallError, withTimeout } from './timeout.js';

export interface ConformanceOptions {
  readonly casesDir: string;
  readonly modes: readonly RunMode[];
  /** Only files whose relative path contains this substring. */
  readonly filter?: string;
  /** Limit for every engine call. */
  readonly timeoutMs: number;
  /** What the engine is: decides skip flags and generated table options. Default standalone. */
  readonly target?: Target;
  /** Called after each case × mode (progress, verbose output). */
  readonly onResult?: (result: CaseResult) => void;
  /** Called when a file is done (long runs show progress, and an interrupted run what it did). */
  readonly onFile?: (summary: FileSummary) => void;
}

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly file: string;
  readonly id: string;
  readonly desc: string;
  /** 'load' for a file that could not be loaded. */
  readonly mode: RunMode | 'load';
  readonly status: CaseStatus;
  /** Failure message with diff, or skip reason. */
  readonly message?: string;
}

export interface FileSummary {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly error?: string;
}

export interface ConformanceReport {
  readonly files: readonly FileSummary[];
  readonly results: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export async function runConformance(options: ConformanceOptions, engineFactory: EngineFactory): Promise<ConformanceReport> {
  const files = (await listCaseFiles(options.casesDir)).filter((f) => options.filter === undefined || f.includes(options.filter));
  const results: CaseResult[] = [];
  const summaries: FileSummary[] = [];
  const nextAutoName = autoNameGenerator();
  const engines = new EngineHolder(engineFactory, options.timeoutMs);
  const record = (r: CaseResult) => {
    results.push(r);
    options.onResult?.(r);
    return r.status;
  };
  try {
    for (const file of files) {
      const loaded = await loadCaseFile(options.casesDir, file);
      const tally = { passed: 0, failed: 0, skipped: 0 };
      if (loaded.error !== undefined) {
        tally[record({ file, id: '', desc: '', mode: 'load', status: 'failed', message: loaded.error })]++;
      }
      for (const c of loaded.cases) {
        for (const mode of options.modes) {
          tally[record(await runOne(c, mode, options.target ?? 'standalone', engines, nextAutoName, options.timeoutMs))]++;
        }
      }
      const summary: FileSummary = { file, ...tally, ...(loaded.error === undefined ? {} : { error: loaded.error }) };
      summaries.push(summary);
      options.onFile?.(summary);
    }
  } finally {
    await engines.close();
  }
  const total = (key: CaseStatus) => summaries.reduce((n, s) => n + s[key], 0);
  return { files: summaries, results, passed: total('passed'), failed: total('failed'), skipped: total('skipped') };
}

async function runOne(
  c: LoadedCase,
  mode: RunMode,
  target: Target,
  engines: EngineHolder,
  nextAutoName: () => string,
  timeoutMs: number,
): Promise<CaseResult> {
  const base = { file: c.file, id: c.id, desc: c.desc, mode };
  if (!c.selectedByDebugs) return { ...base, status: 'skipped', message: "not listed in the file's debugs" };
  const decision = decideMode(c.traits, mode, target);
  if (!decision.run) return { ...base, status: 'skipped', message: decision.reason };
  if (!c.parsed.ok) return { ...base, status: 'failed', message: `case error: ${c.parsed.message}` };

  const engine = await engines.fresh();
  if (!engine.ok) return { ...base, status: 'failed', message: engine.message };
  const prepared = prepareCase(
    c.parsed.value,
    { autoName: nextAutoName(), endpoints: engine.engine.tabletEndpoints ?? [], nowMs: Date.now() },
    nextAutoName,
    target,
  );
  if (!prepared.ok) return { ...base, status: 'failed', message: `case error: ${prepared.message}` };
  const outcome = await replayCase(prepared.value, mode, engine.engine, { timeoutMs });
  if (outcome.engineSuspect) engines.markSuspect();
  return outcome.passed ? { ...base, status: 'passed' } : { ...base, status: 'failed', message: outcome.message };
}

/** Owns the engine: creates it lazily, resets it per case, replaces it when it misbehaves. */
class EngineHolder {
  private engine: EngineUnderTest | undefined;
  private suspect = false;

  constructor(
    private readonly factory: EngineFactory,
    private readonly timeoutMs: number,
  ) {}

  markSuspect(): void {
    this.suspect = true;
  }

  /** A reset engine, or the reason none could be had; replaces the engine once if reset fails. */
  async fresh(): Promise<{ ok: true; engine: EngineUnderTest } | { ok: false; message: string }> {
    if (this.suspect) await this.replace();
    let problem = await this.reset();
    if (problem !== undefined) {
      await this.replace();
      problem = await this.reset();
    }
    return problem === undefined ? { ok: true, engine: this.engine! } : { ok: false, message: problem };
  }

  private async reset(): Promise<string | undefined> {
    this.engine ??= await this.factory();
    const engine = this.engine;
    try {
      const r = await withTimeout('reset', () => engine.reset(), this.timeoutMs);
      return r.ok ? undefined : `reset failed: ${r.message}`;
    } catch (e) {
      if (e instanceof EngineCallError) return e.message;
      throw e;
    }
  }

  private async replace(): Promise<void> {
    await this.close();
    this.engine = await this.factory();
    this.suspect = false;
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (!engine) return;
    try {
      await withTimeout('close', () => engine.close(), this.timeoutMs);
    } catch {
      // An engine that will not close is abandoned; the run goes on with a new one.
    }
  }
}
