/**
 * conf-diff: what changes between a node's flag file and the flag file of a new release
 * (upgrade-procedure.md: "compare the configuration file diff and modify the necessary
 * configuration, such as endpoint, zk_cluster"). Pure: texts in, a diff out.
 */
import { readFlagLines } from './flag-lines.js';

/** Flags that name this node or its cluster: a new template's value is never right for a node. */
export const IDENTITY_FLAGS: readonly string[] = ['endpoint', 'zk_cluster', 'zk_root_path'];

export interface FlagValueChange {
  readonly name: string;
  readonly oldValue: string;
  readonly newValue: string;
}

export interface ConfDiff {
  /** In the new file only. */
  readonly added: readonly { name: string; value: string }[];
  /** In the old file only. */
  readonly removed: readonly { name: string; value: string }[];
  readonly changed: readonly FlagValueChange[];
  /** One line per identity flag (endpoint, zk_cluster, zk_root_path) whose value differs. */
  readonly warnings: readonly string[];
}

export function diffConf(oldText: string, newText: string): ConfDiff {
  const before = readFlagLines(oldText).values;
  const after = readFlagLines(newText).values;
  const added: { name: string; value: string }[] = [];
  const removed: { name: string; value: string }[] = [];
  const changed: FlagValueChange[] = [];
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === undefined) added.push({ name, value });
    else if (old !== value) changed.push({ name, oldValue: old, newValue: value });
  }
  for (const [name, value] of before) if (!after.has(name)) removed.push({ name, value });
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  added.sort(byName);
  removed.sort(byName);
  changed.sort(byName);
  const warnings: string[] = [];
  for (const name of IDENTITY_FLAGS) {
    const o = before.get(name);
    const n = after.get(name);
    if (o === n) continue;
    warnings.push(
      `warning: --${name} differs (old ${o === undefined ? 'unset' : `'${o}'`}, new ${n === undefined ? 'unset' : `'${n}'`}): ` +
        `keep this node's value`,
    );
  }
  return { added, removed, changed, warnings };
}

export function isEmptyDiff(d: ConfDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** The diff as the conf-diff command prints it: one flag per line, `+` added, `-` removed, `~` changed. */
export function formatConfDiff(d: ConfDiff): string {
  const lines: string[] = [];
  for (const a of d.added) lines.push(`+ --${a.name}=${a.value}`);
  for (const r of d.removed) lines.push(`- --${r.name}=${r.value}`);
  for (const c of d.changed) lines.push(`~ --${c.name}: ${c.oldValue} -> ${c.newValue}`);
  lines.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  lines.push(...d.warnings);
  return lines.join('\n');
}
