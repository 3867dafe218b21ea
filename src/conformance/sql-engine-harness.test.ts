/**
 * The SQL engine (src/sql) replayed against the Tier-1 conformance cases in batch, request and
 * deploy mode, over the in-memory storage double of src/sql/exec/testing (no tablet involved).
 * Prints pass/fail counts per file, positive and negative cases apart, and fails on any failure
 * that is not in KNOWN_FAILURES (each entry says why it fails). Lives here because the layer
 * table lets conformance import sql, not the other way round.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScriptEngine } from '../sql/exec/testing/script-engine.js';
import { listCaseFiles, loadCaseFile } from './cases.js';
import { type CaseResult, runConformance } from './conformance.js';
import type { EngineUnderTest } from './engine.js';
import type { RunMode } from './modes.js';

const CASES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'conformance', 'cases');

const TIER1 = [
  'function/window/',
  'function/join/',
  'function/select/',
  'function/expression/',
  'function/function/',
  'function/cluster/',
  'function/multiple_databases/',
  'function/test_batch_request.yaml',
  'function/test_feature_zero_function.yaml',
  'function/test_fz_sql.yaml',
  'function/test_index_optimized.yaml',
  'function/v040/test_groupby.yaml',
];

const ALL_MODES: readonly RunMode[] = ['batch', 'request', 'deploy'];

/** `file#id` (modes: all unless listed) → why it fails. */
const KNOWN_FAILURES: Readonly<Record<string, { readonly modes?: readonly RunMode[]; readonly why: string }>> = {
  'function/window/test_window.yaml#31': {
    why: 'expects sum() = 0 over an empty pure-history frame of a UNION window; empty frames give NULL elsewhere (test_current_row 4, 12)',
  },
  'function/expression/test_like.yaml#8_0': { why: "the lexer reads '\\a' as BEL and keeps '\\\\' doubled in the inserted text (syntax module)" },
  'function/expression/test_like.yaml#8_1': { why: 'same as #8_0' },
  'function/expression/test_like.yaml#8_2': { why: 'same as #8_0' },
  'function/expression/test_like.yaml#8_3': { why: 'same as #8_0' },
  'function/function/test_like_match.yaml#8_0': { why: 'same as expression/test_like.yaml #8_0' },
  'function/function/test_like_match.yaml#8_1': { why: 'same as expression/test_like.yaml #8_0' },
  'function/expression/test_predicate.yaml#8': { why: "the case's `order: id` names no output column (runner rejects it)" },
  'function/function/test_udf_function.yaml#7': { why: "the case's `order: id` names no output column (runner rejects it)" },
  'function/v040/test_groupby.yaml#13': { modes: ['batch'], why: "expects the reference's hash order of groups (no `order:`)" },
  'function/v040/test_groupby.yaml#15': { modes: ['batch'], why: 'expects avg 3.333333 (printed with 6 digits) in a double column' },
};
/** GROUP BY cases replayed in request/deploy mode expect the batch (grouped) output. */
const GROUP_BY_REQUEST = new Set(['0', '2', '3', '4', '5', '8', '9', '10', '11', '12', '13', '15', '17', '21', '24', '25']);

function known(r: CaseResult): boolean {
  if (r.file === 'function/v040/test_groupby.yaml' && r.mode !== 'batch' && GROUP_BY_REQUEST.has(r.id)) return true;
  const k = KNOWN_FAILURES[`${r.file}#${r.id}`];
  return k !== undefined && (k.modes ?? ALL_MODES).includes(r.mode as RunMode);
}

async function expectations(filter: string): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (const file of (await listCaseFiles(CASES)).filter((f) => f.includes(filter))) {
    const loaded = await loadCaseFile(CASES, file);
    for (const c of loaded.cases) if (c.parsed.ok) out.set(`${file}#${c.id}`, c.parsed.value.expect.success);
  }
  return out;
}

interface Tally {
  posPassed: number;
  posFailed: number;
  negPassed: number;
  negFailed: number;
}

describe.skipIf(!existsSync(CASES))('SQL engine against the Tier-1 conformance cases', () => {
  for (const filter of TIER1) {
    it(`${filter}: batch, request and deploy`, async () => {
      const success = await expectations(filter);
      const report = await runConformance(
        { casesDir: CASES, modes: ALL_MODES, filter, timeoutMs: 10_000 },
        async () => new ScriptEngine() as EngineUnderTest,
      );
      const tallies = new Map<string, Tally>();
      const unexpected: string[] = [];
      for (const r of report.results) {
        if (r.status === 'skipped') continue;
        const key = `${r.file} [${r.mode}]`;
        const t = tallies.get(key) ?? { posPassed: 0, posFailed: 0, negPassed: 0, negFailed: 0 };
        tallies.set(key, t);
        const positive = success.get(`${r.file}#${r.id}`) ?? true;
        const passed = r.status === 'passed';
        if (positive) passed ? t.posPassed++ : t.posFailed++;
        else passed ? t.negPassed++ : t.negFailed++;
        if (!passed && !known(r)) unexpected.push(`[${r.mode}] ${r.file} #${r.id} ${r.desc}\n${r.message ?? ''}`);
      }
      const lines = [...tallies].map(
        ([k, t]) => `${k}: positive ${t.posPassed}/${t.posPassed + t.posFailed}, negative ${t.negPassed}/${t.negPassed + t.negFailed}`,
      );
      console.log(lines.join('\n'));
      expect(unexpected).toEqual([]);
    });
  }
});
