/**
 * The README's example, run as written (the import pointed at this checkout's SDK, the port at a
 * fresh standalone database) in its own Node process.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, ROOT, tempDir } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

const run = promisify(execFile);
let db: Standalone;

beforeAll(async () => {
  db = await startStandalone();
});

afterAll(async () => {
  await cleanup();
});

function readmeExample(): string {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- readme-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- readme-example:end -->/.exec(text);
  if (!m) throw new Error('README.md has no readme-example block');
  return m[1]!;
}

describe('README', () => {
  it('runs the tour example against a real database and prints the features it promises', async () => {
    const code = readmeExample()
      .replace(`from 'openmldb-ts'`, `from '${join(ROOT, 'src', 'sdk', 'index.ts')}'`)
      .replace(`port: 6527`, `port: ${db.port}`);
    expect(code).toContain(`port: ${db.port}`);
    const file = join(tempDir('readme'), 'example.mts');
    writeFileSync(file, code);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/spent_1d: 20,\s*n_1d: 2n/);
    expect(stdout).toMatch(/\{ card: 'c1', spent_1d: 50, n_1d: 3n \}/);
  });
});
