/**
 * pre-upgrade's statfile (cluster.md §9): one line per partition whose leadership was moved off
 * a tablet, `ep,db,name,tid,pid,added_ep` (added_ep empty when no temporary replica was added).
 * post-upgrade reads it to move leaders back and remove the temporary replicas.
 */
import { Code, fail, ok, type Result } from '../base/status.js';

export interface StatRecord {
  /** The tablet being upgraded. */
  readonly endpoint: string;
  readonly db: string;
  readonly name: string;
  readonly tid: number;
  readonly pid: number;
  /** Temporary replica added for a single-replica partition; '' when none. */
  readonly addedEndpoint: string;
}

export const STAT_RECORDS_MAX = 1_000_000;

export function formatStatRecords(records: readonly StatRecord[]): string {
  return records.map((r) => `${r.endpoint},${r.db},${r.name},${r.tid},${r.pid},${r.addedEndpoint}\n`).join('');
}

export function parseStatRecords(text: string, fileName: string): Result<StatRecord[]> {
  const out: StatRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('#')) continue;
    const f = t.split(',');
    if (f.length !== 6 || !/^\d+$/.test(f[3]!) || !/^\d+$/.test(f[4]!) || f[0] === '') {
      return fail(Code.invalidParameter, `${fileName}:${i + 1}: expected 'ep,db,name,tid,pid,added_ep', got '${t}'`);
    }
    if (out.length >= STAT_RECORDS_MAX) return fail(Code.invalidParameter, `${fileName}: more than ${STAT_RECORDS_MAX} records`);
    out.push({ endpoint: f[0]!, db: f[1]!, name: f[2]!, tid: Number(f[3]), pid: Number(f[4]), addedEndpoint: f[5]! });
  }
  return ok(out);
}

/** Records of other endpoints plus `mine`, without duplicates (the newest record of a partition wins). */
export function mergeStatRecords(existing: readonly StatRecord[], mine: readonly StatRecord[]): StatRecord[] {
  const key = (r: StatRecord) => `${r.endpoint}/${r.tid}/${r.pid}`;
  const byKey = new Map<string, StatRecord>();
  for (const r of [...existing, ...mine]) {
    const prior = byKey.get(key(r));
    // A record that names a temporary replica is never replaced by one that does not.
    byKey.set(key(r), prior && prior.addedEndpoint !== '' && r.addedEndpoint === '' ? prior : r);
  }
  return [...byKey.values()];
}
