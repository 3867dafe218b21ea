/**
 * Command line of the conformance runner:
 *   --cases DIR        case directory (default: <repo>/../shared/conformance/cases)
 *   --mode M           batch | request | deploy | all (default all)
 *   --filter S         only case files whose relative path contains S
 *   --timeout-ms N     limit for every engine call (default 10000)
 *   --cluster          run against a real cluster (ZooKeeper, 1 nameserver, 3 tablets) instead of
 *                      a standalone database; skips `cluster-unsupport` cases instead of
 *                      `standalone-unsupport` ones, and generated tables get the cluster defaults
 *   --verbose          print every failure with its diff
 *   --json             print the report as one JSON line
 * Text mode prints each file's line as soon as the file is done. The last line printed is always
 * `N passed, N failed`. Exit code: 0 all passed, 1 failures, 2 usage error or no engine.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import { type ConformanceReport, runConformance } from './conformance.js';
import type { EngineFactory } from './engine.js';
import { RUN_MODES, type RunMode, type Target } from './modes.js';
import { invalid } from './raw.js';
import { failureBlock, fileLine, renderJson, renderTotals } from './report.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
const TIMEOUT_MS_MAX = 600_000;

export interface CliOptions {
  readonly casesDir: string;
  readonly modes: readonly RunMode[];
  readonly filter?: string;
  readonly timeoutMs: number;
  readonly target: Target;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export const USAGE =
  'usage: conformance [--cases DIR] [--mode batch|request|deploy|all] [--filter SUBSTRING] ' +
  '[--timeout-ms N] [--cluster] [--verbose] [--json]';

/** The engine factory for each target the composition root can start. */
export type EngineFactories = Partial<Record<Target, EngineFactory>>;

export function parseCliArgs(argv: readonly string[], defaultCasesDir: string): Result<CliOptions> {
  let casesDir = defaultCasesDir;
  let modes: readonly RunMode[] = RUN_MODES;
  let filter: string | undefined;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let target: Target = 'standalone';
  let verbose = false;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--cases': {
        const v = value();
        if (v === undefined) return invalid('--cases needs a directory');
        casesDir = resolve(v);
        break;
      }
      case '--mode': {
        const v = value();
        if (v === 'all') modes = RUN_MODES;
        else if (v !== undefined && (RUN_MODES as readonly string[]).includes(v)) modes = [v as RunMode];
        else return invalid(`--mode must be batch, request, deploy or all, not '${v ?? ''}'`);
        break;
      }
      case '--filter': {
        const v = value();
        if (v === undefined) return invalid('--filter needs a substring');
        filter = v;
        break;
      }
      case '--timeout-ms': {
        const v = value();
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 1 || n > TIMEOUT_MS_MAX) {
          return invalid(`--timeout-ms must be an integer in 1..${TIMEOUT_MS_MAX}, not '${v ?? ''}'`);
        }
        timeoutMs = n;
        break;
      }
      case '--cluster':
        if (inline !== undefined) return invalid(`--cluster takes no value, not '${inline}'`);
        target = 'cluster';
        break;
      case '--verbose':
        verbose = true;
        break;
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        return invalid(`unknown argument '${arg}'`);
    }
  }
  return ok({ casesDir, modes, filter, timeoutMs, target, verbose, json, help });
}

/** `<repo root>/../shared/conformance/cases`, the repo root being the nearest package.json above. */
export function defaultCasesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 10 && !existsSync(resolve(dir, 'package.json')); up++) dir = dirname(dir);
  return resolve(dir, '..', 'shared', 'conformance', 'cases');
}

/** Runs the CLI against the engine of the chosen target; returns the exit code. `print` receives whole lines. */
export async function runCli(
  argv: readonly string[],
  engineFactories: EngineFactories,
  print: (line: string) => void,
  printError: (line: string) => void,
): Promise<number> {
  const parsed = parseCliArgs(argv, defaultCasesDir());
  if (!parsed.ok) {
    printError(parsed.message);
    printError(USAGE);
    return 2;
  }
  const o = parsed.value;
  if (o.help) {
    print(USAGE);
    return 0;
  }
  const engineFactory = engineFactories[o.target];
  if (!engineFactory) {
    printError(
      `conformance: no ${o.target} engine registered. The runner needs an EngineUnderTest factory: call ` +
        'registerEngineFactory() (src/conformance/engine-registry.ts) from the composition root, ' +
        'or call runConformance(options, factory) directly.',
    );
    return 2;
  }
  if (!existsSync(o.casesDir)) {
    printError(`conformance: case directory '${o.casesDir}' does not exist`);
    return 2;
  }
  let report: ConformanceReport;
  try {
    report = await runConformance(
      {
        casesDir: o.casesDir,
        modes: o.modes,
        filter: o.filter,
        timeoutMs: o.timeoutMs,
        target: o.target,
        onResult:
          o.verbose && !o.json ? (r) => r.status === 'failed' && failureBlock(r).split('\n').forEach(print) : undefined,
        onFile: o.json ? undefined : (s) => print(fileLine(s)),
      },
      engineFactory,
    );
  } catch (e) {
    // The engine factory or the case directory failed: no result is trustworthy.
    printError(`conformance: run aborted: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  // File lines (and failures in verbose mode) were streamed in text mode; render the rest.
  for (const line of o.json ? renderJson(report, o.verbose) : renderTotals(report)) print(line);
  return report.failed === 0 ? 0 : 1;
}
