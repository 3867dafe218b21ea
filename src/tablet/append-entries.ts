/**
 * The follower side of AppendEntries (cluster.md §7.5, §6.2): term fencing, then the entries in
 * offset order. Entries at or below the local offset are skipped (a resent batch); an entry past
 * the next offset stops the batch (the leader learns the real offset from the reply and resends
 * from there). The reply always carries the local offset and term.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TabletMethods } from '../protocol/messages.js';
import type { EntryBatchDecoder } from '../replication/entry-batch.js';
import { decideTerm } from '../replication/term-fence.js';
import type { TablePartition } from './table-partition.js';

type Request = TabletMethods['AppendEntries']['req'];
type Response = TabletMethods['AppendEntries']['res'];

export async function applyAppendEntries(
  p: TablePartition,
  request: Request,
  decoder: EntryBatchDecoder,
  entriesMax: number,
  syncEveryWrite: boolean,
): Promise<Result<Response>> {
  if (p.meta.mode === 'leader') {
    return fail(Code.tableIsLeader, `append entries refused: table ${p.describe()} is the leader on this tablet`);
  }
  const decision = decideTerm(p.term, request.term);
  if (decision.kind === 'refuse') return ok({ offset: p.offset, term: decision.localTerm, fenced: true });
  if (decision.adoptTerm !== undefined) p.adoptTerm(decision.adoptTerm);
  if (request.entries === undefined || request.entries.length === 0) return ok({ offset: p.offset, term: p.term });
  const decoded = decoder.decode(request.entries, entriesMax);
  if (!decoded.ok) return fail(decoded.code, `append entries to table ${p.describe()} refused: ${decoded.message}`);
  const before = p.offset;
  for (const entry of decoded.value) {
    if (entry.offset <= p.offset) continue;
    if (entry.offset !== p.offset + 1) break;
    const applied = p.applyReplicated(entry);
    if (!applied.ok) {
      if (p.offset > before) break;
      return fail(applied.code, `append entries to table ${p.describe()} failed at offset ${entry.offset}: ${applied.message}`);
    }
  }
  if (syncEveryWrite && p.offset > before) {
    const durable = await p.whenDurable(p.offset);
    if (!durable.ok) return durable;
  }
  return ok({ offset: p.offset, term: p.term });
}
