/**
 * MurmurHash64A, the hash the reference uses to place a row's index key in a partition:
 * pid = |int64(MurmurHash64A(key, 0xe17a1465))| % partitionNum (cluster.md §4.4). Exported for
 * the client router and the tablets. 64-bit words are kept as two uint32 halves (hot path: no
 * BigInt until the result).
 */

/** Seed of the reference's key hash. */
export const KEY_HASH_SEED = 0xe17a1465n;

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** (hi, lo) of a 64-bit product mod 2^64, written into `out`. */
function mul64(ah: number, al: number, bh: number, bl: number, out: Uint32Array): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = Math.floor(low / 4294967296);
  const high = a1 * b1 + Math.floor(mid / 65536) + carry;
  out[1] = low >>> 0;
  out[0] = (high + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

const word = new Uint32Array(2);
/** (hi, lo) of the last hash computed by `hashInto`. */
const result = new Uint32Array(2);

/** MurmurHash64A of bytes[0, len) with the seed given as uint32 halves, into `result`. */
function hashInto(bytes: Uint8Array, len: number, seedHi: number, seedLo: number): void {
  mul64(Math.floor(len / 4294967296) >>> 0, len >>> 0, M_HI, M_LO, word);
  let hh = (seedHi ^ word[0]!) >>> 0;
  let hl = (seedLo ^ word[1]!) >>> 0;
  const blocks = len >>> 3;
  for (let b = 0; b < blocks; b += 1) {
    const i = b * 8;
    const kl = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    const kh = (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)) >>> 0;
    mul64(kh, kl, M_HI, M_LO, word);
    let h = word[0]!;
    let l = (word[1]! ^ (h >>> 15)) >>> 0;
    mul64(h, l, M_HI, M_LO, word);
    h = word[0]!;
    l = word[1]!;
    hh = (hh ^ h) >>> 0;
    hl = (hl ^ l) >>> 0;
    mul64(hh, hl, M_HI, M_LO, word);
    hh = word[0]!;
    hl = word[1]!;
  }
  const tail = blocks * 8;
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j -= 1) {
      const byte = bytes[tail + j]!;
      if (j >= 4) hh = (hh ^ (byte << (8 * (j - 4)))) >>> 0;
      else hl = (hl ^ (byte << (8 * j))) >>> 0;
    }
    mul64(hh, hl, M_HI, M_LO, word);
    hh = word[0]!;
    hl = word[1]!;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  mul64(hh, hl, M_HI, M_LO, word);
  result[0] = word[0]!;
  result[1] = (word[1]! ^ (word[0]! >>> 15)) >>> 0;
}

/** MurmurHash64A of `bytes` with `seed`, as an unsigned 64-bit integer. */
export function murmurHash64A(bytes: Uint8Array, seed: bigint): bigint {
  hashInto(bytes, bytes.length, Number((seed >> 32n) & 0xffffffffn), Number(seed & 0xffffffffn));
  return (BigInt(result[0]!) << 32n) | BigInt(result[1]!);
}

const SEED_HI = Number(KEY_HASH_SEED >> 32n);
const SEED_LO = Number(KEY_HASH_SEED & 0xffffffffn);
/** Reused UTF-8 buffer for keys (grown when a longer key comes). */
let keyBuffer = new Uint8Array(256);
const encoder = new TextEncoder();

/** UTF-8 of `key` into `keyBuffer` (which it may replace: read it after the call); returns the byte length. */
function encodeKey(key: string): number {
  if (key.length * 3 > keyBuffer.length) keyBuffer = new Uint8Array(key.length * 3);
  let ascii = true;
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    keyBuffer[i] = c;
  }
  if (ascii) return key.length;
  return encoder.encodeInto(key, keyBuffer).written;
}

/** The reference's hash64(key): MurmurHash64A of the UTF-8 key with KEY_HASH_SEED, as int64. */
export function keyHash64(key: string): bigint {
  const len = encodeKey(key);
  hashInto(keyBuffer, len, SEED_HI, SEED_LO);
  return BigInt.asIntN(64, (BigInt(result[0]!) << 32n) | BigInt(result[1]!));
}

const TWO_32 = 4294967296;
/** Partition counts below this are computed without BigInt (products stay below 2^53). */
const SMALL_MODULUS = 1 << 20;

/** Partition of an index key: |hash64(key)| % partitionCount. */
export function partitionOfKey(key: string, partitionCount: number): number {
  if (partitionCount >= SMALL_MODULUS) {
    const h = keyHash64(key);
    return Number((h < 0n ? -h : h) % BigInt(partitionCount));
  }
  const len = encodeKey(key);
  hashInto(keyBuffer, len, SEED_HI, SEED_LO);
  let hi = result[0]!;
  let lo = result[1]!;
  if (hi >= 0x80000000) {
    // |int64| of a negative value: two's complement negation of the 64-bit word.
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  return ((hi % partitionCount) * (TWO_32 % partitionCount) + (lo % partitionCount)) % partitionCount;
}
