/**
 * Row bytes in large slabs. A row reference is a number, `slab * 2^20 + offset` (fits a u32), so
 * indexes hold 4 bytes per row instead of a JS object. Slabs are written only at their bump pointer:
 * bytes handed out as views are never overwritten. A slab whose rows are all dead is dropped (views
 * into it keep its memory alive until they go); compaction copies the live rows of sparse slabs
 * into fresh space and the caller rewrites its references.
 *
 * With `prefixBytes` = 1 (tables with several indexes) each row is preceded by a reference count:
 * the number of indexes that still hold it. With one index the count is implicitly 1.
 */
import { assert } from '../base/assert.js';
import { readU32 } from '../protocol/row-layout.js';

export const SLAB_OFFSET_BITS = 20;
export const SLAB_BYTES_MAX = 1 << SLAB_OFFSET_BITS;
export const SLAB_COUNT_MAX = 1 << (32 - SLAB_OFFSET_BITS);
const OFFSET_MASK = SLAB_BYTES_MAX - 1;
const SLAB_SCALE = 2 ** SLAB_OFFSET_BITS;
const FIRST_SLAB_BYTES = 4096;

export function slabOf(ref: number): number {
  return ref >>> SLAB_OFFSET_BITS;
}

export function offsetOf(ref: number): number {
  return ref & OFFSET_MASK;
}

export interface CompactionResult {
  readonly slabsFreed: number;
  readonly rowsMoved: number;
}

export class SlabStore {
  private readonly slabs: (Uint8Array | undefined)[] = [];
  /** Bytes of live rows (prefix included) per slab. */
  private readonly liveBytes: number[] = [];
  private readonly freeSlabIds: number[] = [];
  private current = -1;
  private bumpPos = 0;
  /** Size of the next shared slab: small tables start small, doubling up to slabBytes. */
  private nextSlabBytes: number;
  /** Set while compacting: slabs that are being emptied, and slabs emptied meanwhile (freed at the end). */
  private compacting: Uint8Array | undefined;
  allocatedBytes = 0;
  liveRows = 0;

  constructor(
    readonly slabBytes: number,
    readonly prefixBytes: 0 | 1,
  ) {
    assert(Number.isInteger(slabBytes) && slabBytes >= 64 && slabBytes <= SLAB_BYTES_MAX, `slab size ${slabBytes} is not in 64..${SLAB_BYTES_MAX}`);
    this.nextSlabBytes = Math.min(slabBytes, FIRST_SLAB_BYTES);
  }

  /** Copies a row in, with `refCount` holders; returns its reference, or -1 when no slab id is left. */
  add(row: Uint8Array, refCount: number): number {
    const need = row.length + this.prefixBytes;
    let slab: Uint8Array;
    let pos: number;
    if (need > this.slabBytes) {
      const id = this.newSlab(need);
      if (id < 0) return -1;
      slab = this.slabs[id]!;
      pos = 0;
      this.liveBytes[id] = need;
      this.writeRow(slab, pos, row, refCount);
      this.liveRows++;
      return id * SLAB_SCALE + this.prefixBytes;
    }
    if (this.current < 0 || this.bumpPos + need > this.slabs[this.current]!.length) {
      while (this.nextSlabBytes < need) this.nextSlabBytes = Math.min(this.slabBytes, this.nextSlabBytes * 2);
      const id = this.newSlab(this.nextSlabBytes);
      if (id < 0) return -1;
      this.nextSlabBytes = Math.min(this.slabBytes, this.nextSlabBytes * 2);
      this.current = id;
      this.bumpPos = 0;
    }
    slab = this.slabs[this.current]!;
    pos = this.bumpPos;
    this.writeRow(slab, pos, row, refCount);
    this.bumpPos += need;
    this.liveBytes[this.current]! += need;
    this.liveRows++;
    return this.current * SLAB_SCALE + pos + this.prefixBytes;
  }

  /** The slab holding `ref` (read rows in place with offsetOf). */
  slab(ref: number): Uint8Array {
    return this.slabs[ref >>> SLAB_OFFSET_BITS]!;
  }

  /** A view of the row's bytes; it stays valid forever (slab bytes are never rewritten). */
  view(ref: number): Uint8Array {
    const slab = this.slabs[ref >>> SLAB_OFFSET_BITS]!;
    const start = ref & OFFSET_MASK;
    return slab.subarray(start, start + readU32(slab, start + 2));
  }

  /** Size of the row's bytes (its header's size field). */
  rowBytes(ref: number): number {
    return readU32(this.slabs[ref >>> SLAB_OFFSET_BITS]!, (ref & OFFSET_MASK) + 2);
  }

  /** Copies the row's bytes into `out` at `pos` (room checked by the caller); returns the position after them. */
  copyRow(ref: number, out: Uint8Array, pos: number): number {
    const slab = this.slabs[ref >>> SLAB_OFFSET_BITS]!;
    const start = ref & OFFSET_MASK;
    const end = start + readU32(slab, start + 2);
    if (pos + (end - start) > out.length) assert(false, `copying a row of ${end - start} bytes to ${pos} of ${out.length}`);
    // set() of a short-lived view: a byte loop is several times slower even for rows of ~100 bytes.
    out.set(slab.subarray(start, end), pos);
    return pos + (end - start);
  }

  /** Drops one holder of the row; returns true when that was the last one (the row is dead). */
  release(ref: number): boolean {
    const id = ref >>> SLAB_OFFSET_BITS;
    const slab = this.slabs[id];
    assert(slab !== undefined, `row ${ref} released after its slab was freed`);
    const start = ref & OFFSET_MASK;
    if (this.prefixBytes === 1) {
      const count = slab[start - 1]!;
      assert(count > 0, `row ${ref} released more often than held`);
      slab[start - 1] = count - 1;
      if (count > 1) return false;
    }
    this.liveRows--;
    this.liveBytes[id]! -= readU32(slab, start + 2) + this.prefixBytes;
    if (this.liveBytes[id] === 0) {
      if (id !== this.current) this.dropSlab(id);
      else if (this.liveRows === 0 && this.compacting === undefined) {
        // an empty table keeps no slab, and starts small again
        this.dropSlab(id);
        this.current = -1;
        this.nextSlabBytes = Math.min(this.slabBytes, FIRST_SLAB_BYTES);
      }
    }
    return true;
  }

  /**
   * Copies the live rows of slabs less than `liveFractionMax` full into fresh space, when that
   * frees at least `reclaimBytesMin`. `visitRefs` must pass every held reference through `move`
   * and store what it returns.
   */
  compact(liveFractionMax: number, reclaimBytesMin: number, visitRefs: (move: (ref: number) => number) => void): CompactionResult {
    const flags = new Uint8Array(this.slabs.length);
    let reclaim = 0;
    let candidates = 0;
    for (let id = 0; id < this.slabs.length; id++) {
      const slab = this.slabs[id];
      if (slab === undefined || id === this.current) continue;
      if (this.liveBytes[id]! < slab.length * liveFractionMax) {
        flags[id] = 1;
        reclaim += slab.length - this.liveBytes[id]!;
        candidates++;
      }
    }
    if (candidates === 0 || reclaim < reclaimBytesMin) return { slabsFreed: 0, rowsMoved: 0 };
    this.compacting = flags;
    const moved = new Map<number, number>();
    const move = (ref: number): number => {
      const id = ref >>> SLAB_OFFSET_BITS;
      if (id >= flags.length || flags[id] !== 1) return ref;
      let to = moved.get(ref);
      if (to === undefined) {
        to = this.relocate(ref);
        moved.set(ref, to);
      }
      return to;
    };
    visitRefs(move);
    this.compacting = undefined;
    let slabsFreed = 0;
    for (let id = 0; id < flags.length; id++) {
      if (flags[id] === 0) continue;
      assert(this.liveBytes[id] === 0, `slab ${id} still holds ${this.liveBytes[id]} live bytes after compaction`);
      if (this.slabs[id] !== undefined) this.dropSlab(id);
      slabsFreed++;
    }
    return { slabsFreed, rowsMoved: moved.size };
  }

  get slabCount(): number {
    return this.slabs.length - this.freeSlabIds.length;
  }

  get liveBytesTotal(): number {
    let sum = 0;
    for (let id = 0; id < this.slabs.length; id++) if (this.slabs[id] !== undefined) sum += this.liveBytes[id]!;
    return sum;
  }

  private relocate(ref: number): number {
    const id = ref >>> SLAB_OFFSET_BITS;
    const slab = this.slabs[id]!;
    const start = ref & OFFSET_MASK;
    const size = readU32(slab, start + 2);
    const refCount = this.prefixBytes === 1 ? slab[start - 1]! : 1;
    const to = this.add(slab.subarray(start, start + size), refCount);
    assert(to >= 0, 'compaction ran out of slab ids');
    this.liveRows--;
    this.liveBytes[id]! -= size + this.prefixBytes;
    return to;
  }

  private writeRow(slab: Uint8Array, pos: number, row: Uint8Array, refCount: number): void {
    if (this.prefixBytes === 1) {
      assert(refCount >= 1 && refCount <= 255, `reference count ${refCount} does not fit a byte`);
      slab[pos] = refCount;
      slab.set(row, pos + 1);
    } else {
      slab.set(row, pos);
    }
  }

  private newSlab(bytes: number): number {
    let id: number;
    if (this.freeSlabIds.length > 0 && this.compacting === undefined) {
      id = this.freeSlabIds.pop()!;
    } else {
      if (this.slabs.length >= SLAB_COUNT_MAX) return -1;
      id = this.slabs.length;
      this.slabs.push(undefined);
      this.liveBytes.push(0);
    }
    this.slabs[id] = new Uint8Array(bytes);
    this.liveBytes[id] = 0;
    this.allocatedBytes += bytes;
    return id;
  }

  private dropSlab(id: number): void {
    if (this.compacting !== undefined && id < this.compacting.length && this.compacting[id] === 1) return;
    this.allocatedBytes -= this.slabs[id]!.length;
    this.slabs[id] = undefined;
    this.freeSlabIds.push(id);
  }
}
