/**
 * Which cases run in which mode, following the OpenMLDB C++ SDK runner (sql.md §8.3). Skip flags
 * in `mode` are matched as SUBSTRINGS, as the reference does: `non-performance-sensitive-unsupport`
 * also skips like `performance-sensitive-unsupport`, `batch-request-unsupport` also skips request
 * mode, `rtidb-batch-unsupport` also skips batch mode. A case tagged `todo`/`TODO` is skipped
 * everywhere. Nothing else is a reason to skip: a feature the engine lacks is a failure.
 *
 * The target decides the one flag that depends on the deployment: a standalone run skips
 * `standalone-unsupport` (the C++ SDK runner's list), a cluster run skips `cluster-unsupport`
 * instead (what the reference's cluster runs skip, sql.md §8.3: the toydb cluster variants and the
 * Java framework's cluster executors). `standalone-unsupport` cases (replicanum=3, distribution
 * over three tablets, ...) are exactly the ones a cluster must run.
 */
import type { RawMap } from './raw.js';

export const RUN_MODES = ['batch', 'request', 'deploy'] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** What the cases run against: one standalone process, or a cluster of nameserver + tablets. */
export const TARGETS = ['standalone', 'cluster'] as const;
export type Target = (typeof TARGETS)[number];

const TARGET_SKIP_FLAG: Record<Target, string> = {
  standalone: 'standalone-unsupport',
  cluster: 'cluster-unsupport',
};
const BATCH_SKIP_FLAGS = ['hybridse-only', 'rtidb-unsupport', 'batch-unsupport', 'performance-sensitive-unsupport'];
const REQUEST_SKIP_FLAGS = ['hybridse-only', 'rtidb-unsupport', 'performance-sensitive-unsupport', 'request-unsupport'];
const DEPLOY_SKIP_FLAGS = [...REQUEST_SKIP_FLAGS, 'procedure-unsupport'];

/** The flags that skip a case in `mode` when running against `target`. */
export function skipFlags(mode: RunMode, target: Target): readonly string[] {
  const flags = mode === 'batch' ? BATCH_SKIP_FLAGS : mode === 'request' ? REQUEST_SKIP_FLAGS : DEPLOY_SKIP_FLAGS;
  return [...flags, TARGET_SKIP_FLAG[target]];
}

/** The few facts mode selection needs, read tolerantly so that a malformed case still gets one. */
export interface CaseTraits {
  readonly mode: string;
  readonly tags: readonly string[];
  /** A single `sql` that is a query (SELECT/WITH), with no `sqls` script. */
  readonly isQuery: boolean;
  /**
   * Has request rows: a batch_request, or inputs[0] loaded from rows (not from INSERT statements
   * without rows, which cannot be replayed one row at a time).
   */
  readonly hasRequestSource: boolean;
  readonly hasBatchRequest: boolean;
}

export type ModeDecision = { readonly run: true } | { readonly run: false; readonly reason: string };

export function decideMode(traits: CaseTraits, mode: RunMode, target: Target): ModeDecision {
  if (traits.tags.some((t) => t.trim().toLowerCase() === 'todo')) return skip('tagged todo');
  const hit = skipFlags(mode, target).find((f) => traits.mode.includes(f));
  if (hit) return skip(`mode '${traits.mode}' contains '${hit}'`);
  if (mode === 'batch') {
    return traits.hasBatchRequest ? skip('batch_request case: replayed in request and deploy modes') : RUN;
  }
  if (!traits.isQuery) return skip(`not a query: ${mode} mode replays SELECT cases only`);
  if (!traits.hasRequestSource) return skip(`no request rows: inputs[0] is missing or loaded by INSERT statements`);
  return RUN;
}

const RUN: ModeDecision = { run: true };

function skip(reason: string): ModeDecision {
  return { run: false, reason };
}

export function traitsOf(raw: RawMap): CaseTraits {
  const tagsRaw = raw['tags'];
  const tags = Array.isArray(tagsRaw)
    ? tagsRaw.filter((t): t is string => typeof t === 'string')
    : typeof tagsRaw === 'string'
      ? [tagsRaw]
      : [];
  const sqls = raw['sqls'];
  const hasScript = Array.isArray(sqls) ? sqls.length > 0 : typeof sqls === 'string';
  const sql = raw['sql'];
  const inputs = raw['inputs'];
  const hasBatchRequest = raw['batch_request'] !== undefined && raw['batch_request'] !== null;
  const main: unknown = Array.isArray(inputs) ? inputs[0] : undefined;
  const mainIsMap = typeof main === 'object' && main !== null && !Array.isArray(main);
  const mainMap = (mainIsMap ? main : {}) as RawMap;
  const mainHasRows = mainMap['rows'] !== undefined || mainMap['data'] !== undefined;
  const mainInsertsBySql = mainMap['insert'] !== undefined || mainMap['inserts'] !== undefined;
  return {
    mode: typeof raw['mode'] === 'string' ? raw['mode'] : '',
    tags,
    isQuery: !hasScript && typeof sql === 'string' && isQuerySql(sql),
    hasRequestSource: hasBatchRequest || (mainIsMap && !(mainInsertsBySql && !mainHasRows)),
    hasBatchRequest,
  };
}

/** True when the statement starts with SELECT or WITH (after comments and opening parentheses). */
export function isQuerySql(sql: string): boolean {
  const head = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/^[\s(]+/, '');
  return /^(select|with)\b/i.test(head);
}
