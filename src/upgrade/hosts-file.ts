/**
 * The upgrade's hosts file: one node per line, `<component> <release dir>` (blank lines and `#`
 * comments ignored). The component names the flag file the node runs with (`conf/<component>.flags`)
 * and, without its trailing digits, its role: `nameserver`, `tablet` or `apiserver` (`tablet2`
 * is a second tablet sharing a release directory, as start.sh allows).
 */
import { Code, fail, ok, type Result } from '../base/status.js';

export type NodeRole = 'nameserver' | 'tablet' | 'apiserver';

export interface HostEntry {
  readonly component: string;
  readonly role: NodeRole;
  /** As written in the file (the caller resolves relative paths). */
  readonly dir: string;
  readonly line: number;
}

export const HOSTS_LINES_MAX = 1000;
const ROLES: readonly NodeRole[] = ['nameserver', 'tablet', 'apiserver'];

export function roleOfComponent(component: string): NodeRole | undefined {
  const base = component.replace(/\d+$/, '');
  return (ROLES as readonly string[]).includes(base) ? (base as NodeRole) : undefined;
}

export function parseHostsFile(text: string, fileName: string): Result<HostEntry[]> {
  const entries: HostEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  if (lines.length > HOSTS_LINES_MAX) {
    return fail(Code.invalidParameter, `hosts file ${fileName} has ${lines.length} lines; at most ${HOSTS_LINES_MAX} are read`);
  }
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.replace(/#.*$/, '').trim();
    if (t === '') continue;
    const where = `${fileName}:${i + 1}`;
    const parts = t.split(/\s+/);
    if (parts.length !== 2) return fail(Code.invalidParameter, `${where}: expected '<component> <release dir>', got '${t}'`);
    const [component, dir] = parts as [string, string];
    const role = roleOfComponent(component);
    if (!role) {
      return fail(Code.invalidParameter, `${where}: unknown component '${component}' (nameserver, tablet or apiserver, optionally numbered)`);
    }
    const key = `${component}@${dir}`;
    if (seen.has(key)) return fail(Code.invalidParameter, `${where}: ${component} in ${dir} is listed twice`);
    seen.add(key);
    entries.push({ component, role, dir, line: i + 1 });
  }
  if (entries.length === 0) return fail(Code.invalidParameter, `hosts file ${fileName} lists no node`);
  return ok(entries);
}
