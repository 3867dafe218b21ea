/**
 * MatchTermOffset (cluster.md §6.3 step 6): does a recovering replica's (term, offset) lie on the
 * partition's history of leader terms? `termOffsets[i].offset` is the first offset written under
 * `termOffsets[i].term`. A replica that holds entries past the point where a later term began has
 * diverged and must be rebuilt.
 */
import type { TermOffset } from '../../protocol/schema.js';

export function matchTermOffset(termOffsets: readonly TermOffset[], hasTable: boolean, term: number, offset: number): boolean {
  if (!hasTable && offset === 0) return false;
  const i = termOffsets.findIndex((t) => t.term === term);
  if (i < 0) return false;
  const start = termOffsets[i]!.offset;
  if (start > offset) {
    // The replica adopted this term but wrote nothing under it: fine only if no later term began.
    return termOffsets.at(-1)!.offset === offset + 1;
  }
  const next = termOffsets[i + 1];
  if (next !== undefined && next.offset <= offset) return false;
  return true;
}
