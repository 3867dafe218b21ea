/**
 * Import-direction check (run by `npm test`): every import in src/ must point down the layer
 * order of docs/ARCHITECTURE.md, there are no cycles between files, and nothing outside the I/O
 * shells uses ambient time, randomness, timers or the process.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** module → modules it may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  base: [],
  ports: ['base'],
  coord: ['base', 'ports'],
  protocol: ['base', 'ports'],
  storage: ['base', 'ports', 'protocol'],
  binlog: ['base', 'ports', 'protocol'],
  snapshot: ['base', 'ports', 'protocol', 'binlog'],
  replication: ['base', 'ports', 'protocol', 'binlog'],
  sql: ['base', 'ports', 'protocol'],
  tablet: ['base', 'ports', 'coord', 'protocol', 'storage', 'binlog', 'snapshot', 'replication', 'sql', 'client'],
  nameserver: ['base', 'ports', 'coord', 'protocol', 'sql'],
  client: ['base', 'ports', 'protocol', 'sql'],
  apiserver: ['base', 'ports', 'protocol', 'client', 'sql'],
  cli: ['base', 'ports', 'protocol', 'client', 'sql'],
  upgrade: ['base', 'ports', 'protocol', 'client', 'config'],
  config: ['base', 'protocol'],
  runtime: ['base', 'ports', 'protocol', 'coord'],
  sim: ['base', 'ports', 'coord', 'protocol', 'storage', 'binlog', 'snapshot', 'replication', 'sql', 'tablet', 'nameserver', 'client'],
  sdk: ['base', 'ports', 'protocol', 'client', 'runtime', 'sql'],
  conformance: ['base', 'ports', 'protocol', 'client', 'runtime', 'sql', 'sdk'],
  main: ['*'],
};

/** Modules that may import node:* and I/O packages, and use ambient time/randomness/process. */
const SHELLS = new Set(['runtime', 'main', 'sdk', 'conformance']);
/** Packages that are not I/O and may be imported anywhere. */
const PURE_PACKAGES = new Set(['msgpackr']);
const BANNED: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now() (use the Clock port)'],
  [/\bnew Date\(\s*\)/, 'new Date() without an argument (use the Clock port)'],
  [/\bMath\.random\s*\(/, 'Math.random() (use the Rng port)'],
  [/(?<![.\w])setTimeout\s*\(/, 'setTimeout (use the Timers port)'],
  [/(?<![.\w])setInterval\s*\(/, 'setInterval (use the Timers port)'],
  [/(?<![.\w])setImmediate\s*\(/, 'setImmediate (use the Timers port)'],
  [/\bperformance\.now\s*\(/, 'performance.now() (use the Clock port)'],
  [/(?<![.\w])process\./, 'process.* (only composition roots touch the process)'],
];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const problems: string[] = [];
const files = walk(SRC);
const graph = new Map<string, string[]>();
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of files) {
  const rel = relative(SRC, file);
  const module = rel.split('/')[0]!;
  const isTest = file.endsWith('.test.ts');
  const allowed = ALLOWED[module];
  if (!allowed) {
    problems.push(`${rel}: module '${module}' has no entry in the layer table of scripts/check-imports.ts`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  const code = stripComments(text);
  const edges: string[] = [];
  for (const m of code.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const targetRel = relative(SRC, target);
      const targetModule = targetRel.split('/')[0]!;
      if (targetRel.startsWith('..')) {
        problems.push(`${rel}: imports '${spec}' from outside src/`);
        continue;
      }
      edges.push(target);
      if (targetModule !== module && !allowed.includes('*') && !allowed.includes(targetModule)) {
        problems.push(`${rel}: '${module}' may not import '${targetModule}' ('${spec}')`);
      }
    } else if (!isTest && !SHELLS.has(module)) {
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (spec.startsWith('node:') || !PURE_PACKAGES.has(pkg)) {
        problems.push(`${rel}: only I/O shells (runtime, main, sdk) may import '${spec}'`);
      }
    }
  }
  graph.set(file, edges);
  if (!isTest && !SHELLS.has(module) && module !== 'sim') {
    for (const [re, what] of BANNED) {
      if (re.test(code)) problems.push(`${rel}: uses ${what}`);
    }
  }
}

// Cycle detection over files (type-only imports included: a cycle is a design smell either way).
const state = new Map<string, 1 | 2>();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, 1);
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    const s = state.get(next);
    if (s === 1) {
      const cycle = stack.slice(stack.indexOf(next)).concat(next).map((f) => relative(SRC, f));
      problems.push(`import cycle: ${cycle.join(' → ')}`);
    } else if (s === undefined && graph.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 2);
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(`import check: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`import check: ${files.length} files, layers respected, no cycles`);
