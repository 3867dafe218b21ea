/**
 * The recent idempotent put requests of one partition (feature idempotentPut,
 * src/protocol/DESIGN-versions.md): for each request id (clientId, seq), how many of its rows the
 * log holds and the offset of the last one. Filled from the binlog entries that carry a request
 * id, so a leader (at append), a follower (applying replicated entries) and a restarted replica
 * (replaying its binlog) all know the same requests.
 *
 * Bounded: a ring of `capacity` slots; recording a new request evicts the oldest one. No object
 * per request: slots are columns of typed arrays, and a client's seqs map to slot numbers.
 */
import { assert } from '../base/assert.js';

export class PutDedupWindow {
  private readonly byClient = new Map<string, Map<number, number>>();
  /** The client map holding each slot's seq (undefined: slot free). */
  private readonly slotClient: (Map<number, number> | undefined)[];
  private readonly slotClientId: (string | undefined)[];
  private readonly slotSeq: Float64Array;
  private readonly slotLastOffset: Float64Array;
  private readonly slotRowsInLog: Uint32Array;
  private readonly slotRowCount: Uint32Array;
  private next = 0;
  private used = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, `dedup window capacity must be a positive integer, got ${capacity}`);
    this.slotClient = new Array(capacity).fill(undefined);
    this.slotClientId = new Array(capacity).fill(undefined);
    this.slotSeq = new Float64Array(capacity);
    this.slotLastOffset = new Float64Array(capacity);
    this.slotRowsInLog = new Uint32Array(capacity);
    this.slotRowCount = new Uint32Array(capacity);
  }

  /** Request ids remembered now. */
  get size(): number {
    return this.used;
  }

  /** The slot of a remembered request, or -1. */
  find(clientId: string, seq: number): number {
    return this.byClient.get(clientId)?.get(seq) ?? -1;
  }

  rowsInLog(slot: number): number {
    return this.slotRowsInLog[slot]!;
  }

  rowCount(slot: number): number {
    return this.slotRowCount[slot]!;
  }

  lastOffset(slot: number): number {
    return this.slotLastOffset[slot]!;
  }

  /** Row `rowIndex` of `rowCount` of request (clientId, seq) is in the log at `offset`. */
  record(clientId: string, seq: number, rowIndex: number, rowCount: number, offset: number): void {
    let slot = this.byClient.get(clientId)?.get(seq) ?? -1;
    if (slot < 0) {
      // Evict first: the evicted request may have been this client's last one.
      slot = this.takeSlot();
      let seqs = this.byClient.get(clientId);
      if (seqs === undefined) {
        seqs = new Map();
        this.byClient.set(clientId, seqs);
      }
      seqs.set(seq, slot);
      this.slotClient[slot] = seqs;
      this.slotClientId[slot] = clientId;
      this.slotSeq[slot] = seq;
      this.slotRowsInLog[slot] = 0;
      this.slotRowCount[slot] = rowCount;
      this.slotLastOffset[slot] = 0;
    }
    if (rowIndex + 1 > this.slotRowsInLog[slot]!) this.slotRowsInLog[slot] = rowIndex + 1;
    if (offset > this.slotLastOffset[slot]!) this.slotLastOffset[slot] = offset;
  }

  private takeSlot(): number {
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    const owner = this.slotClient[slot];
    if (owner === undefined) {
      this.used++;
      return slot;
    }
    owner.delete(this.slotSeq[slot]!);
    if (owner.size === 0) this.byClient.delete(this.slotClientId[slot]!);
    return slot;
  }
}
