/**
 * The program a benchmark runs. By default the bundle in build/bin. Other engineers rebuild that
 * bundle while a run goes on, which breaks the mapping of a CPU profile to src/ (the profile names
 * the bundle's path; its source map is replaced), so a profiled run pins a copy: bundle and map
 * in build/bench-pinned/<name>/ (inside the repository, so the bundle's externals still resolve
 * from node_modules), kept after the run for bench/cpu-profile-summary.ts.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './standalone-server.js';

export const BUNDLE = join(ROOT, 'build', 'bin', 'openmldb.mjs');

/** A copy of the current bundle and its source map; returns the copy's path. */
export function pinProgram(name: string): string {
  const dir = join(ROOT, 'build', 'bench-pinned', name);
  mkdirSync(dir, { recursive: true });
  const program = join(dir, 'openmldb.mjs');
  copyFileSync(`${BUNDLE}.map`, `${program}.map`);
  copyFileSync(BUNDLE, program);
  return program;
}
