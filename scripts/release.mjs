#!/usr/bin/env node
// npm run release -- --out DIR [--version X]
// Writes a runnable release: DIR/bin (the bundled program, its wrapper and start.sh: everything the
// program needs, so replacing bin upgrades it) and DIR/conf (flag files and zoo.cfg).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) {
    console.error(`release: --${name} needs a value`);
    process.exit(2);
  }
  return v;
}
const out = option('out');
if (!out) {
  console.error('usage: npm run release -- --out DIR [--version X]');
  process.exit(2);
}
const version = option('version') ?? JSON.parse(
  (await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8'),
).version;
if (!/^\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`release: --version must look like 1.2.3, got '${version}'`);
  process.exit(2);
}
const dir = resolve(out);
const binDir = join(dir, 'bin');
const confDir = join(dir, 'conf');
mkdirSync(binDir, { recursive: true });
mkdirSync(confDir, { recursive: true });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', binDir, '--version', version], {
  stdio: 'inherit',
});
for (const f of ['openmldb', 'start.sh']) {
  copyFileSync(join(root, 'bin', f), join(binDir, f));
  chmodSync(join(binDir, f), 0o755);
}
writeFileSync(join(binDir, 'VERSION'), `${version}\n`);
for (const f of readdirSync(join(root, 'conf'))) copyFileSync(join(root, 'conf', f), join(confDir, f));
console.log(`release ${version} written to ${dir}`);
