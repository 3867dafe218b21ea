#!/usr/bin/env node
// Builds the program bundle (build/bin/openmldb.mjs) with esbuild: one file holding everything the
// program needs, so a release's `bin` is self-contained. `--out DIR` writes the bundle elsewhere.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? resolve(args[outIdx + 1]) : join(root, 'build', 'bin');
const versionIdx = args.indexOf('--version');
const version = versionIdx >= 0 ? args[versionIdx + 1] : undefined;
mkdirSync(outDir, { recursive: true });

const define = version ? { __OPENMLDB_VERSION__: JSON.stringify(version) } : { __OPENMLDB_VERSION__: 'undefined' };
await build({
  entryPoints: [join(root, 'src', 'main', 'openmldb.ts')],
  outfile: join(outDir, 'openmldb.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define,
  // Native accelerators are optional; their pure-JS fallbacks are bundled.
  external: ['msgpackr-extract', '@duckdb/*'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
