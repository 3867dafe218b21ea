/**
 * A fixed subset of the reference's YAML SQL cases replayed against a real standalone database
 * (src/conformance/standalone-engine.ts: its own process, driven through the SDK) in batch,
 * request and deploy mode. Every case must pass; the subset has no known failures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/conformance/conformance.js';
import { startStandaloneEngine } from '../src/conformance/standalone-engine.js';
import { ROOT } from './harness/program.js';

const CASES = join(ROOT, '..', 'shared', 'conformance', 'cases');
const FILES = ['function/window/test_window_row.yaml', 'function/join/test_lastjoin_simple.yaml'];

describe.skipIf(!existsSync(CASES))('conformance cases against a standalone database', () => {
  for (const file of FILES) {
    it(`${file}: batch, request and deploy`, async () => {
      const report = await runConformance({ casesDir: CASES, modes: ['batch', 'request', 'deploy'], filter: file, timeoutMs: 20_000 }, startStandaloneEngine);
      const failures = report.results.filter((r) => r.status === 'failed').map((r) => `[${r.mode}] ${r.file} #${r.id} ${r.desc}\n${r.message ?? ''}`);
      expect(failures).toEqual([]);
      const ran = report.results.filter((r) => r.status === 'passed');
      for (const mode of ['batch', 'request', 'deploy']) expect(ran.filter((r) => r.mode === mode).length).toBeGreaterThan(10);
    });
  }
});
