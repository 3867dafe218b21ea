/**
 * The flag file a node runs with after an upgrade: the new release's template, with every flag
 * the node's own file sets kept at the node's value (its identity, its paths and whatever the
 * operator tuned), and the flags only the node sets appended. Flags new in the template are taken
 * as they come. The result lists what was kept, so the upgrade can print it.
 */
import { type ConfDiff, diffConf } from './conf-diff.js';
import { readFlagLines } from './flag-lines.js';

export interface MergedConf {
  readonly text: string;
  /** Node conf → new template. */
  readonly diff: ConfDiff;
  /** Flags whose template value was replaced by the node's value. */
  readonly keptValues: readonly string[];
  /** Flags the template does not have, carried over from the node's file. */
  readonly carriedOver: readonly string[];
}

export function mergeNodeConf(nodeText: string, templateText: string): MergedConf {
  const node = readFlagLines(nodeText);
  const template = readFlagLines(templateText);
  const keptValues: string[] = [];
  const out: string[] = [];
  const emitted = new Set<string>();
  for (const l of template.lines) {
    if (l.name === undefined) {
      out.push(l.text);
      continue;
    }
    // Only the last setting of a name counts; earlier duplicates are dropped.
    if (emitted.has(l.name) || isNotLastSetting(template.lines, l)) continue;
    emitted.add(l.name);
    const mine = node.values.get(l.name);
    if (mine !== undefined && mine !== l.value) {
      keptValues.push(l.name);
      out.push(`--${l.name}=${mine}`);
    } else out.push(l.text.trim());
  }
  const carriedOver = [...node.values.keys()].filter((n) => !template.values.has(n));
  if (carriedOver.length > 0) {
    out.push('# kept from this node\'s previous flag file (not in the new template)');
    for (const n of carriedOver) out.push(`--${n}=${node.values.get(n)}`);
  }
  return { text: `${out.join('\n')}\n`, diff: diffConf(nodeText, templateText), keptValues: keptValues.sort(), carriedOver };
}

function isNotLastSetting(lines: readonly { line: number; name?: string }[], l: { line: number; name?: string }): boolean {
  for (const other of lines) if (other.name === l.name && other.line > l.line) return true;
  return false;
}
