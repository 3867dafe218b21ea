/**
 * The entries of one AppendEntries as a single binary field: one buffer instead of an object per
 * entry on the wire. Each entry uses the binlog's own entry codec (which carries its version):
 *
 *   0  u8   batch format version (ENTRY_BATCH_VERSION)
 *   1  u8   0
 *   2  u16  0
 *   4  u32  entry count
 *   8  per entry: u32 length, then `length` bytes of an encoded entry
 */
import { type Result, Code, fail, ok } from '../base/status.js';
import { decodeEntry, encodeEntry, encodedEntryBytes, viewOf } from '../binlog/entry-codec.js';
import type { LogEntry } from '../binlog/log-entry.js';
import { PositionsInterner } from '../binlog/positions-interner.js';

export const ENTRY_BATCH_VERSION = 1;
const HEADER_BYTES = 8;
const LENGTH_BYTES = 4;

export function encodeEntryBatch(entries: readonly LogEntry[]): Uint8Array {
  let total = HEADER_BYTES;
  for (const entry of entries) total += LENGTH_BYTES + encodedEntryBytes(entry);
  const out = new Uint8Array(total);
  const view = viewOf(out);
  out[0] = ENTRY_BATCH_VERSION;
  view.setUint32(4, entries.length, true);
  let at = HEADER_BYTES;
  for (const entry of entries) {
    const end = encodeEntry(entry, entry.offset, out, view, at + LENGTH_BYTES);
    view.setUint32(at, end - at - LENGTH_BYTES, true);
    at = end;
  }
  return out;
}

/**
 * Decodes a batch into entries whose rows are views into `bytes`. `entriesMax` bounds what a peer
 * can make this allocate; a malformed batch fails with a message naming the problem and where.
 */
export class EntryBatchDecoder {
  readonly #interner = new PositionsInterner();

  decode(bytes: Uint8Array, entriesMax: number): Result<LogEntry[]> {
    const bad = (what: string) => fail(Code.rpcBadRequest, `entry batch of ${bytes.length} bytes is malformed: ${what}`);
    if (bytes.length < HEADER_BYTES) return bad(`shorter than its ${HEADER_BYTES}-byte header`);
    if (bytes[0] !== ENTRY_BATCH_VERSION) {
      return bad(`format version ${bytes[0]} is not supported (this build reads version ${ENTRY_BATCH_VERSION})`);
    }
    const view = viewOf(bytes);
    const count = view.getUint32(4, true);
    if (count > entriesMax) return bad(`it declares ${count} entries, the limit is ${entriesMax}`);
    const entries: LogEntry[] = [];
    let at = HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      if (at + LENGTH_BYTES > bytes.length) return bad(`entry ${i + 1} of ${count} is missing at byte ${at}`);
      const length = view.getUint32(at, true);
      const start = at + LENGTH_BYTES;
      if (start + length > bytes.length) return bad(`entry ${i + 1} of ${count} at byte ${at} runs past the end`);
      const decoded = decodeEntry(bytes, view, start, start + length, this.#interner);
      if (typeof decoded === 'string') return bad(`entry ${i + 1} of ${count} at byte ${at}: ${decoded}`);
      entries.push(decoded);
      at = start + length;
    }
    if (at !== bytes.length) return bad(`${bytes.length - at} bytes follow the last entry`);
    return ok(entries);
  }
}
