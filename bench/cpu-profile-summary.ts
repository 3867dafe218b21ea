/**
 * Summarizes a V8 CPU profile (`node --cpu-prof` output): the functions with the most self time
 * and the most inclusive time (time with them on the stack, counted once per sample).
 *
 *   npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top=25]
 *
 * Frames in the bundle (build/bin/openmldb.mjs) are mapped back to src/ through its source map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

const file = process.argv[2];
if (file === undefined || file.startsWith('--')) throw new Error('usage: cpu-profile-summary.ts FILE.cpuprofile [--top=25]');
const topArg = process.argv.find((a) => a.startsWith('--top='));
const top = topArg === undefined ? 25 : Number(topArg.slice(6));

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map<number, ProfileNode>();
const parentOf = new Map<number, number>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parentOf.set(child, node.id);
}

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    let map: SourceMap | undefined;
    if (url.startsWith('file://')) {
      const mapFile = `${fileURLToPath(url)}.map`;
      if (existsSync(mapFile)) map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  let where = url === '' ? '' : ` ${basename(url)}:${lineNumber + 1}`;
  const entry = sourceMapOf(url)?.findEntry(lineNumber, (node.callFrame as { columnNumber?: number }).columnNumber ?? 0);
  if (entry !== undefined && 'originalSource' in entry && entry.originalSource) {
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource;
    where = ` ${relative(process.cwd(), source).replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}`;
  }
  return `${functionName || '(anonymous)'}${where}`;
}

const selfUs = new Map<string, number>();
const totalUs = new Map<string, number>();
let allUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  allUs += delta;
  let node = byId.get(profile.samples[i]!);
  if (node === undefined) continue;
  const self = label(node);
  selfUs.set(self, (selfUs.get(self) ?? 0) + delta);
  const seen = new Set<string>();
  while (node !== undefined) {
    const name = label(node);
    if (!seen.has(name)) {
      seen.add(name);
      totalUs.set(name, (totalUs.get(name) ?? 0) + delta);
    }
    const parent = parentOf.get(node.id);
    node = parent === undefined ? undefined : byId.get(parent);
  }
}

function print(title: string, table: Map<string, number>): void {
  console.log(`\n${title}`);
  console.log('     ms      %   function');
  const rows = [...table.entries()].filter(([name]) => name !== '(root)').sort((a, b) => b[1] - a[1]);
  for (const [name, us] of rows.slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(7)}  ${((100 * us) / allUs).toFixed(1).padStart(5)}   ${name}`);
  }
}

console.log(`${file}: ${(allUs / 1000).toFixed(0)} ms sampled, ${profile.samples.length} samples`);
print('self time', selfUs);
print('inclusive time', totalUs);
