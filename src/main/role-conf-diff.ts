/**
 * `openmldb conf-diff --old=<flag file in use> --new=<new release's flag file>` (also
 * `--role=conf-diff`): lists flags added (`+`), removed (`-`) and changed (`~`), then a warning for
 * each of endpoint, zk_cluster and zk_root_path whose value differs (keep the node's own value).
 * Exit status 0 when both files were read, 1 when one could not be, 2 on bad usage.
 */
import { readFile } from 'node:fs/promises';
import type { Flags } from '../config/flags.js';
import { diffConf, formatConfDiff } from '../upgrade/conf-diff.js';

export async function runConfDiff(flags: Flags, positional: string[]): Promise<number> {
  const oldPath = flags.string('old') || positional[0] || '';
  const newPath = flags.string('new') || positional[1] || '';
  if (!oldPath || !newPath) {
    process.stderr.write('usage: openmldb conf-diff --old=<flag file in use> --new=<flag file of the new release>\n');
    return 2;
  }
  const texts: string[] = [];
  for (const p of [oldPath, newPath]) {
    try {
      texts.push(await readFile(p, 'utf8'));
    } catch (err) {
      process.stderr.write(`conf-diff: cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      return 1;
    }
  }
  process.stdout.write(`--- ${oldPath}\n+++ ${newPath}\n${formatConfDiff(diffConf(texts[0]!, texts[1]!))}\n`);
  return 0;
}
