/**
 * The entries of one index: for each key, its row references in ascending ts order (readers walk
 * from the end to go newest-first; among equal ts the later insert sits later, so it comes first).
 *
 * No per-key JS objects: a key maps (Map<string, number>) to a slot, and the slot's fields live in
 * typed arrays. A slot's entries are a block of a pooled arena: chunks of u32 refs (plus f64 ts
 * when the index has no ts column and keeps the insert time itself; otherwise a ts is read from the
 * row through `tsOfRef`), starting at 256 entries and doubling up to `chunkSlots`. Blocks have
 * power-of-two capacities; a list that outgrows its block moves to one twice the size and the old
 * block goes to a free list of its size class. A list as large as `chunkSlots` gets a chunk of its
 * own. When free blocks add up to a quarter of the arena, `defrag` repacks every list into fresh
 * chunks, so growth leaves no lasting waste.
 * Entries live at [head, head + len) of the block: dropping the oldest (TTL) is O(1).
 */
import { assert } from '../base/assert.js';

const BLOCK_SLOTS_MIN = 4;
/** Shared chunks start this small (a small table stays small) and double up to chunkSlots. */
const FIRST_CHUNK_SLOTS = 256;
const SLOT_FIELDS_INITIAL = 16;
/**
 * Estimated bytes per key outside the typed arrays: the Map entry (V8's ordered hash table keeps
 * 3 words per entry plus a bucket word per 2 entries, at 1-2x capacity: ~42 B) and the slot's
 * pointer in keyBySlot (8 B). The key string is counted separately from its length.
 */
export const KEY_OVERHEAD_BYTES = 50;
/** V8 string header (map, hash, length) on 64-bit without pointer compression. */
const STRING_HEADER_BYTES = 16;

export interface KeyListsOptions {
  /** The index has no ts column: keep each entry's ts (the insert time) beside its ref. */
  readonly storesTs: boolean;
  /** Arena chunk size in entries, a power of two. */
  readonly chunkSlots: number;
  /** Ts of a row, for indexes whose ts is a column of the row. */
  readonly tsOfRef: (ref: number) => number;
}

export class KeyLists {
  private readonly storesTs: boolean;
  private readonly chunkSlots: number;
  private readonly tsOfRef: (ref: number) => number;
  private readonly slotByKey = new Map<string, number>();
  private keyBySlot: (string | undefined)[] = [];
  private blockChunk: Uint32Array = new Uint32Array(SLOT_FIELDS_INITIAL);
  private blockPos: Uint32Array = new Uint32Array(SLOT_FIELDS_INITIAL);
  private blockCap: Uint32Array = new Uint32Array(SLOT_FIELDS_INITIAL);
  private headOf: Uint32Array = new Uint32Array(SLOT_FIELDS_INITIAL);
  private lenOf: Uint32Array = new Uint32Array(SLOT_FIELDS_INITIAL);
  private readonly freeSlots: number[] = [];
  private slotHighWater = 0;
  private refChunks: (Uint32Array | undefined)[] = [];
  private tsChunks: (Float64Array | undefined)[] = [];
  private freeChunkIds: number[] = [];
  /** Free blocks per size class (log2 of the capacity): chunk * chunkSlots + pos. */
  private freeBlocks: number[][] = [];
  private freeBlockSlots = 0;
  private sharedChunkSlots = 0;
  private bumpChunk = -1;
  private bumpPos = 0;
  private nextChunkSlots: number;
  private keyStringBytes = 0;
  /** Output of allocBlock. */
  private allocChunk = 0;
  private allocPos = 0;
  entryCount = 0;

  constructor(options: KeyListsOptions) {
    const { chunkSlots } = options;
    assert(Number.isInteger(chunkSlots) && chunkSlots >= 16 && chunkSlots <= 1 << 24 && (chunkSlots & (chunkSlots - 1)) === 0, `chunk size ${chunkSlots} is not a power of two in 16..2^24`);
    this.storesTs = options.storesTs;
    this.chunkSlots = chunkSlots;
    this.tsOfRef = options.tsOfRef;
    this.nextChunkSlots = Math.min(chunkSlots, FIRST_CHUNK_SLOTS);
    for (let c = 0; 1 << c < chunkSlots; c++) this.freeBlocks.push([]);
  }

  get keyCount(): number {
    return this.slotByKey.size;
  }

  /** Slot of `key`, or -1. */
  slotOf(key: string): number {
    return this.slotByKey.get(key) ?? -1;
  }

  keyOf(slot: number): string | undefined {
    return this.keyBySlot[slot];
  }

  length(slot: number): number {
    return this.lenOf[slot]!;
  }

  /** First used slot at or after `from`, or -1. */
  nextSlot(from: number): number {
    for (let s = Math.max(0, from); s < this.slotHighWater; s++) if (this.keyBySlot[s] !== undefined) return s;
    return -1;
  }

  /** Ref of the i-th entry (ascending ts) of a slot. */
  refAt(slot: number, i: number): number {
    return this.refChunks[this.blockChunk[slot]!]![this.blockPos[slot]! + this.headOf[slot]! + i]!;
  }

  tsAt(slot: number, i: number): number {
    if (this.storesTs) return this.tsChunks[this.blockChunk[slot]!]![this.blockPos[slot]! + this.headOf[slot]! + i]!;
    return this.tsOfRef(this.refAt(slot, i));
  }

  /** Number of entries with ts < `ts` (first index whose ts >= ts). */
  lowerBound(slot: number, ts: number): number {
    let lo = 0;
    let hi = this.lenOf[slot]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(slot, mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of entries with ts <= `ts`. */
  upperBound(slot: number, ts: number): number {
    let lo = 0;
    let hi = this.lenOf[slot]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(slot, mid) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of `ref` in the slot (searching among entries with ts `ts` when given), or -1. */
  indexOfRef(slot: number, ref: number, ts: number | undefined): number {
    let from = 0;
    let to = this.lenOf[slot]!;
    if (ts !== undefined) {
      from = this.lowerBound(slot, ts);
      to = this.upperBound(slot, ts);
    }
    const refs = this.refChunks[this.blockChunk[slot]!]!;
    const base = this.blockPos[slot]! + this.headOf[slot]!;
    for (let i = from; i < to; i++) if (refs[base + i] === ref) return i;
    return -1;
  }

  /** Adds an entry after every entry with ts <= `ts`. */
  insert(key: string, ref: number, ts: number): void {
    let slot = this.slotByKey.get(key);
    if (slot === undefined) slot = this.newSlot(key);
    const n = this.lenOf[slot]!;
    const at = n === 0 || this.tsAt(slot, n - 1) <= ts ? n : this.upperBound(slot, ts);
    if (this.headOf[slot]! + n === this.blockCap[slot]!) this.makeRoom(slot);
    const chunk = this.blockChunk[slot]!;
    const base = this.blockPos[slot]! + this.headOf[slot]!;
    const refs = this.refChunks[chunk]!;
    if (at < n) refs.copyWithin(base + at + 1, base + at, base + n);
    refs[base + at] = ref;
    if (this.storesTs) {
      const tss = this.tsChunks[chunk]!;
      if (at < n) tss.copyWithin(base + at + 1, base + at, base + n);
      tss[base + at] = ts;
    }
    this.lenOf[slot] = n + 1;
    this.entryCount++;
    this.maybeDefrag();
  }

  /** Removes entries [from, to) of a slot; an emptied key disappears. */
  removeRange(slot: number, from: number, to: number): void {
    const n = this.lenOf[slot]!;
    assert(from >= 0 && from <= to && to <= n, `remove [${from}, ${to}) of ${n} entries`);
    const count = to - from;
    if (count === 0) return;
    this.entryCount -= count;
    if (count === n) {
      this.deleteSlot(slot);
      return;
    }
    if (from === 0) {
      this.headOf[slot]! += count;
    } else {
      const chunk = this.blockChunk[slot]!;
      const base = this.blockPos[slot]! + this.headOf[slot]!;
      this.refChunks[chunk]!.copyWithin(base + from, base + to, base + n);
      if (this.storesTs) this.tsChunks[chunk]!.copyWithin(base + from, base + to, base + n);
    }
    this.lenOf[slot] = n - count;
    const cap = this.blockCap[slot]!;
    if (cap > BLOCK_SLOTS_MIN && (n - count) * 4 <= cap) this.moveBlock(slot, Math.max(BLOCK_SLOTS_MIN, cap >>> 1));
    this.maybeDefrag();
  }

  /** Passes every stored ref through `move` and stores the result (slab compaction). */
  rewriteRefs(move: (ref: number) => number): void {
    for (let s = 0; s < this.slotHighWater; s++) {
      if (this.keyBySlot[s] === undefined) continue;
      const refs = this.refChunks[this.blockChunk[s]!]!;
      const base = this.blockPos[s]! + this.headOf[s]!;
      const end = base + this.lenOf[s]!;
      for (let i = base; i < end; i++) refs[i] = move(refs[i]!);
    }
  }

  /** Bytes held: arena chunks, slot fields, and an estimate for the Map and key strings. */
  memBytes(): number {
    let bytes = 0;
    for (const c of this.refChunks) if (c !== undefined) bytes += c.byteLength;
    for (const c of this.tsChunks) if (c !== undefined) bytes += c.byteLength;
    bytes += this.blockChunk.length * 4 * 5 + this.keyBySlot.length * 8 + this.freeSlots.length * 8;
    bytes += this.slotByKey.size * KEY_OVERHEAD_BYTES + this.keyStringBytes;
    bytes += this.freeBlockSlots > 0 ? this.freeListEntries() * 8 : 0;
    return bytes;
  }

  /** Repacks every list into fresh chunks (drops the free blocks). */
  defrag(): void {
    const oldRefs = this.refChunks;
    const oldTs = this.tsChunks;
    this.refChunks = [];
    this.tsChunks = [];
    this.freeChunkIds = [];
    for (const list of this.freeBlocks) list.length = 0;
    this.freeBlockSlots = 0;
    this.sharedChunkSlots = 0;
    this.bumpChunk = -1;
    this.bumpPos = 0;
    let sharedNeed = 0;
    for (let s = 0; s < this.slotHighWater; s++) {
      const cap = Math.max(BLOCK_SLOTS_MIN, nextPowerOfTwo(this.lenOf[s]!));
      if (this.keyBySlot[s] !== undefined && cap < this.chunkSlots) sharedNeed += cap;
    }
    this.nextChunkSlots = Math.min(this.chunkSlots, Math.max(FIRST_CHUNK_SLOTS, nextPowerOfTwo(sharedNeed)));
    for (let s = 0; s < this.slotHighWater; s++) {
      if (this.keyBySlot[s] === undefined) continue;
      const n = this.lenOf[s]!;
      const chunk = this.blockChunk[s]!;
      const from = this.blockPos[s]! + this.headOf[s]!;
      const cap = Math.max(BLOCK_SLOTS_MIN, nextPowerOfTwo(n));
      this.allocBlock(cap);
      const base = this.allocPos;
      this.refChunks[this.allocChunk]!.set(oldRefs[chunk]!.subarray(from, from + n), base);
      if (this.storesTs) this.tsChunks[this.allocChunk]!.set(oldTs[chunk]!.subarray(from, from + n), base);
      this.blockChunk[s] = this.allocChunk;
      this.blockPos[s] = base;
      this.blockCap[s] = cap;
      this.headOf[s] = 0;
    }
  }

  /** Checks the internal invariants (tests). */
  checkInvariants(): void {
    let entries = 0;
    let keys = 0;
    for (let s = 0; s < this.slotHighWater; s++) {
      const key = this.keyBySlot[s];
      if (key === undefined) continue;
      keys++;
      assert(this.slotByKey.get(key) === s, `key ${key} maps to slot ${this.slotByKey.get(key)}, not ${s}`);
      const n = this.lenOf[s]!;
      assert(n > 0, `slot ${s} is empty but still holds key ${key}`);
      assert(this.headOf[s]! + n <= this.blockCap[s]!, `slot ${s} overflows its block`);
      for (let i = 1; i < n; i++) assert(this.tsAt(s, i - 1) <= this.tsAt(s, i), `slot ${s} is out of ts order at ${i}`);
      entries += n;
    }
    assert(keys === this.slotByKey.size, `${keys} used slots for ${this.slotByKey.size} keys`);
    assert(entries === this.entryCount, `${entries} entries counted as ${this.entryCount}`);
  }

  /** Back to the state of a new instance (the last key went). */
  private reset(): void {
    this.keyBySlot = [];
    this.blockChunk = new Uint32Array(SLOT_FIELDS_INITIAL);
    this.blockPos = new Uint32Array(SLOT_FIELDS_INITIAL);
    this.blockCap = new Uint32Array(SLOT_FIELDS_INITIAL);
    this.headOf = new Uint32Array(SLOT_FIELDS_INITIAL);
    this.lenOf = new Uint32Array(SLOT_FIELDS_INITIAL);
    this.freeSlots.length = 0;
    this.slotHighWater = 0;
    this.refChunks = [];
    this.tsChunks = [];
    this.freeChunkIds = [];
    for (const list of this.freeBlocks) list.length = 0;
    this.freeBlockSlots = 0;
    this.sharedChunkSlots = 0;
    this.bumpChunk = -1;
    this.bumpPos = 0;
    this.nextChunkSlots = Math.min(this.chunkSlots, FIRST_CHUNK_SLOTS);
    this.keyStringBytes = 0;
  }

  private freeListEntries(): number {
    let n = 0;
    for (const list of this.freeBlocks) n += list.length;
    return n;
  }

  private newSlot(key: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotHighWater++;
      if (slot >= this.blockChunk.length) this.growSlotFields();
    }
    this.allocBlock(BLOCK_SLOTS_MIN);
    this.blockChunk[slot] = this.allocChunk;
    this.blockPos[slot] = this.allocPos;
    this.blockCap[slot] = BLOCK_SLOTS_MIN;
    this.headOf[slot] = 0;
    this.lenOf[slot] = 0;
    this.keyBySlot[slot] = key;
    this.slotByKey.set(key, slot);
    this.keyStringBytes += stringBytes(key);
    return slot;
  }

  private deleteSlot(slot: number): void {
    const key = this.keyBySlot[slot]!;
    this.freeBlock(this.blockChunk[slot]!, this.blockPos[slot]!, this.blockCap[slot]!);
    this.slotByKey.delete(key);
    this.keyBySlot[slot] = undefined;
    this.lenOf[slot] = 0;
    this.keyStringBytes -= stringBytes(key);
    this.freeSlots.push(slot);
    if (this.slotByKey.size === 0) this.reset();
    else this.maybeDefrag();
  }

  /** Called when the block is full at its end: slide the entries to its start, or grow it. */
  private makeRoom(slot: number): void {
    const head = this.headOf[slot]!;
    const cap = this.blockCap[slot]!;
    if (head > 0 && this.lenOf[slot]! <= (cap * 3) >>> 2) {
      const chunk = this.blockChunk[slot]!;
      const base = this.blockPos[slot]!;
      const n = this.lenOf[slot]!;
      this.refChunks[chunk]!.copyWithin(base, base + head, base + head + n);
      if (this.storesTs) this.tsChunks[chunk]!.copyWithin(base, base + head, base + head + n);
      this.headOf[slot] = 0;
      return;
    }
    this.moveBlock(slot, cap * 2);
  }

  private moveBlock(slot: number, cap: number): void {
    const n = this.lenOf[slot]!;
    assert(n <= cap, `${n} entries do not fit a block of ${cap}`);
    const chunk = this.blockChunk[slot]!;
    const pos = this.blockPos[slot]!;
    const from = pos + this.headOf[slot]!;
    this.allocBlock(cap);
    this.refChunks[this.allocChunk]!.set(this.refChunks[chunk]!.subarray(from, from + n), this.allocPos);
    if (this.storesTs) this.tsChunks[this.allocChunk]!.set(this.tsChunks[chunk]!.subarray(from, from + n), this.allocPos);
    this.freeBlock(chunk, pos, this.blockCap[slot]!);
    this.blockChunk[slot] = this.allocChunk;
    this.blockPos[slot] = this.allocPos;
    this.blockCap[slot] = cap;
    this.headOf[slot] = 0;
  }

  private allocBlock(cap: number): void {
    if (cap >= this.chunkSlots) {
      this.allocChunk = this.newChunk(cap);
      this.allocPos = 0;
      return;
    }
    const cls = 31 - Math.clz32(cap);
    const free = this.freeBlocks[cls]!;
    if (free.length > 0) {
      const addr = free.pop()!;
      this.freeBlockSlots -= cap;
      this.allocChunk = Math.floor(addr / this.chunkSlots);
      this.allocPos = addr - this.allocChunk * this.chunkSlots;
      return;
    }
    if (this.bumpChunk < 0 || this.bumpPos + cap > this.refChunks[this.bumpChunk]!.length) {
      if (this.bumpChunk >= 0) this.freeTail();
      const slots = Math.max(this.nextChunkSlots, cap);
      this.nextChunkSlots = Math.min(this.chunkSlots, slots * 2);
      this.bumpChunk = this.newChunk(slots);
      this.bumpPos = 0;
      this.sharedChunkSlots += slots;
    }
    this.allocChunk = this.bumpChunk;
    this.allocPos = this.bumpPos;
    this.bumpPos += cap;
  }

  /** Splits the unused end of the bump chunk into free blocks. */
  private freeTail(): void {
    const end = this.refChunks[this.bumpChunk]!.length;
    let pos = this.bumpPos;
    while (end - pos >= BLOCK_SLOTS_MIN) {
      const size = 1 << (31 - Math.clz32(end - pos));
      this.freeBlock(this.bumpChunk, pos, size);
      pos += size;
    }
    this.bumpPos = end;
  }

  private freeBlock(chunk: number, pos: number, cap: number): void {
    if (cap >= this.chunkSlots) {
      this.refChunks[chunk] = undefined;
      this.tsChunks[chunk] = undefined;
      this.freeChunkIds.push(chunk);
      return;
    }
    this.freeBlocks[31 - Math.clz32(cap)]!.push(chunk * this.chunkSlots + pos);
    this.freeBlockSlots += cap;
  }

  private maybeDefrag(): void {
    if (this.freeBlockSlots >= FIRST_CHUNK_SLOTS && this.freeBlockSlots * 4 > this.sharedChunkSlots) this.defrag();
  }

  private newChunk(slots: number): number {
    const id = this.freeChunkIds.pop() ?? this.refChunks.length;
    this.refChunks[id] = new Uint32Array(slots);
    if (this.storesTs) this.tsChunks[id] = new Float64Array(slots);
    return id;
  }

  private growSlotFields(): void {
    const grow = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.blockChunk = grow(this.blockChunk);
    this.blockPos = grow(this.blockPos);
    this.blockCap = grow(this.blockCap);
    this.headOf = grow(this.headOf);
    this.lenOf = grow(this.lenOf);
  }
}

function nextPowerOfTwo(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}

function stringBytes(s: string): number {
  // one byte per char when every char fits Latin-1, two otherwise
  let wide = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  return STRING_HEADER_BYTES + (((wide ? 2 : 1) * s.length + 7) & ~7);
}
