import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_HASH_SEED, keyHash64, murmurHash64A, partitionOfKey } from './murmur-hash.js';

/** Straightforward BigInt transcription of MurmurHash64A, the reference for the fast version. */
function slowMurmur64A(bytes: Uint8Array, seed: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (seed ^ (BigInt(bytes.length) * m)) & mask;
  const blocks = Math.floor(bytes.length / 8);
  for (let b = 0; b < blocks; b += 1) {
    let k = 0n;
    for (let j = 7; j >= 0; j -= 1) k = (k << 8n) | BigInt(bytes[b * 8 + j]!);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = bytes.length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j -= 1) h ^= BigInt(bytes[blocks * 8 + j]!) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

describe('MurmurHash64A key hash', () => {
  // Values from a C build of MurmurHash64A with seed 0xe17a1465, cast to int64.
  it.each([
    ['', -7207201254813729732n],
    ['a', 584566915021039271n],
    ['key1', -4010863117771081158n],
    ['card_123', 5466970180726489162n],
    ['abcdefgh', -1152242316416648093n],
    ['abcdefghi', -217062998717366650n],
    ['1|2|3', 7577709956646968840n],
    ['hello world, this is a longer key', 2225584286168962982n],
    ['中文键', 7257248101027595583n],
  ])('hash64(%j)', (key, expected) => {
    expect(keyHash64(key)).toBe(expected);
  });

  it('agrees with a BigInt transcription on random bytes and seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bytes, seed) => {
        return murmurHash64A(bytes, seed) === slowMurmur64A(bytes, seed);
      }),
      { numRuns: 500 },
    );
  });

  it('places keys in partitions by |hash| % count', () => {
    expect(partitionOfKey('key1', 8)).toBe(Number(4010863117771081158n % 8n));
    expect(partitionOfKey('a', 1)).toBe(0);
    const bigintPartition = (k: string, n: number) => {
      const h = keyHash64(k);
      return Number((h < 0n ? -h : h) % BigInt(n));
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.integer({ min: 1, max: 5000 }), (k, n) => {
        return partitionOfKey(k, n) === bigintPartition(k, n);
      }),
      { numRuns: 500 },
    );
    expect(partitionOfKey('key1', 3_000_000)).toBe(bigintPartition('key1', 3_000_000));
    const long = 'é'.repeat(400);
    expect(keyHash64(long)).toBe(BigInt.asIntN(64, murmurHash64A(new TextEncoder().encode(long), KEY_HASH_SEED)));
    expect(partitionOfKey(long, 7)).toBe(bigintPartition(long, 7));
    expect(KEY_HASH_SEED).toBe(0xe17a1465n);
  });
});
