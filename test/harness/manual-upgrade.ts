/**
 * One node of the documented manual upgrade (upgrade-procedure.md), literally: stop with start.sh,
 * back up bin/ and conf/, copy the new release's bin/ and conf/, compare the flag files with
 * `openmldb conf-diff` and put back the node's own settings it lists (endpoint, zk settings and
 * whatever else the node had set), start with start.sh, and for a tablet run `offlineendpoint` and
 * `recoverendpoint` in ns_client. Shared by the manual-procedure test and bench/upgrade.ts.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { flagFile, type ReleaseCluster, type ReleaseNode, setFlag, startSh } from './release-cluster.js';
import { runTool } from './upgrade-tool.js';
import { waitFor } from './wait.js';

export interface ManualStepOutputs {
  stop: string;
  diff: string;
  diffAfterRestore: string;
  start: string;
  offline?: string;
  recover?: string;
}

/** Flags `openmldb conf-diff` lists as changed or removed, with their old (the node's own) values. */
export function nodeSettingsFromDiff(diffOut: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of diffOut.matchAll(/^~ --(\w+): (.*) -> .*$/gm)) out.set(m[1]!, m[2]!);
  for (const m of diffOut.matchAll(/^- --(\w+)=(.*)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/**
 * Upgrades `node` to `newRelease`. `whileDown` runs after the node is stopped and its files
 * replaced, before it is started again (the test writes rows then).
 */
export async function manualUpgradeNode(
  cluster: ReleaseCluster,
  node: ReleaseNode,
  newRelease: string,
  whileDown: () => Promise<void> = async () => {},
): Promise<ManualStepOutputs> {
  const c = node.component;
  const stop = await startSh(node.dir, 'stop', c);
  if (stop.code !== 0) throw new Error(`stop ${c} failed: ${stop.out}`);
  const backup = join(node.dir, 'backup');
  rmSync(backup, { recursive: true, force: true });
  mkdirSync(backup, { recursive: true });
  cpSync(join(node.dir, 'bin'), join(backup, 'bin'), { recursive: true });
  cpSync(join(node.dir, 'conf'), join(backup, 'conf'), { recursive: true });
  rmSync(join(node.dir, 'bin'), { recursive: true });
  cpSync(join(newRelease, 'bin'), join(node.dir, 'bin'), { recursive: true });
  cpSync(join(newRelease, 'conf'), join(node.dir, 'conf'), { recursive: true });
  const diffArgs = ['conf-diff', `--old=${join(backup, 'conf', `${c}.flags`)}`, `--new=${flagFile(node)}`];
  const diff = await runTool(node.dir, diffArgs, node.dir);
  if (diff.code !== 0) throw new Error(`conf-diff failed: ${diff.out}`);
  for (const [k, v] of nodeSettingsFromDiff(diff.out)) setFlag(flagFile(node), k, v);
  const after = await runTool(node.dir, diffArgs, node.dir);
  await whileDown();
  const start = await startSh(node.dir, 'start', c);
  if (start.code !== 0) throw new Error(`start ${c} failed: ${start.out}`);
  const out: ManualStepOutputs = { stop: stop.out, diff: diff.out, diffAfterRestore: after.out, start: start.out };
  if (c === 'tablet') {
    await waitFor('the tablet to be healthy again', async () =>
      (await cluster.table('showtablet')).some((t) => t.endpoint === node.endpoint && t.state === 'kHealthy'),
    );
    out.offline = (await cluster.nsClient(`offlineendpoint ${node.endpoint}`)).out.trim();
    out.recover = (await cluster.nsClient(`recoverendpoint ${node.endpoint}`)).out.trim();
  } else {
    await waitFor('the nameserver to be back', async () => (await cluster.table('showns')).some((n) => n.endpoint === node.endpoint));
  }
  return out;
}
