/**
 * FarmHash Fingerprint64 (farmhashna::Hash64), the hash behind the SQL functions hash64 and
 * farm_fingerprint. 64-bit arithmetic in BigInt, masked after every operation.
 */

const MASK = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const mul = (a: bigint, b: bigint) => (a * b) & MASK;
const add = (a: bigint, b: bigint) => (a + b) & MASK;

function rotate(v: bigint, shift: number): bigint {
  if (shift === 0) return v;
  return ((v >> BigInt(shift)) | (v << BigInt(64 - shift))) & MASK;
}

function shiftMix(v: bigint): bigint {
  return v ^ (v >> 47n);
}

function fetch64(s: Uint8Array, i: number): bigint {
  let lo = 0;
  let hi = 0;
  for (let j = 3; j >= 0; j -= 1) {
    lo = lo * 256 + s[i + j]!;
    hi = hi * 256 + s[i + 4 + j]!;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function fetch32(s: Uint8Array, i: number): bigint {
  return BigInt((s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) >>> 0);
}

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array, len: number): bigint {
  if (len >= 8) {
    const m = add(K2, BigInt(len * 2));
    const a = add(fetch64(s, 0), K2);
    const b = fetch64(s, len - 8);
    const c = add(mul(rotate(b, 37), m), a);
    const d = mul(add(rotate(a, 25), b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) {
    const m = add(K2, BigInt(len * 2));
    const a = fetch32(s, 0);
    return hashLen16(add(BigInt(len), (a << 3n) & MASK), fetch32(s, len - 4), m);
  }
  if (len > 0) {
    const a = s[0]!;
    const b = s[len >> 1]!;
    const c = s[len - 1]!;
    const y = BigInt((a + (b << 8)) >>> 0);
    const z = BigInt((len + (c << 2)) >>> 0);
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array, len: number): bigint {
  const m = add(K2, BigInt(len * 2));
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  return hashLen16(add(add(rotate(add(a, b), 43), rotate(c, 30)), d), add(add(a, rotate(add(b, K2), 18)), c), m);
}

function hashLen33to64(s: Uint8Array, len: number): bigint {
  const m = add(K2, BigInt(len * 2));
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  const y = add(add(rotate(add(a, b), 43), rotate(c, 30)), d);
  const z = hashLen16(y, add(add(a, rotate(add(b, K2), 18)), c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(add(y, fetch64(s, len - 32)), m);
  const h = mul(add(z, fetch64(s, len - 24)), m);
  return hashLen16(add(add(rotate(add(e, f), 43), rotate(g, 30)), h), add(add(e, rotate(add(f, a), 18)), g), m);
}

function weakHashLen32WithSeeds(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = fetch64(s, i);
  const x = fetch64(s, i + 8);
  const y = fetch64(s, i + 16);
  const z = fetch64(s, i + 24);
  let a = add(a0, w);
  let b = rotate(add(add(b0, a), z), 21);
  const c = a;
  a = add(a, x);
  a = add(a, y);
  b = add(b, rotate(a, 44));
  return [add(a, z), add(b, c)];
}

function hashLongerThan64(s: Uint8Array, len: number): bigint {
  const seed = 81n;
  let x = seed;
  let y = add(mul(seed, K1), 113n);
  let z = mul(shiftMix(add(mul(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add(mul(x, K2), fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  let p = 0;
  do {
    x = mul(rotate(add(add(add(x, y), v[0]), fetch64(s, p + 8)), 37), K1);
    y = mul(rotate(add(add(y, v[1]), fetch64(s, p + 48)), 42), K1);
    x ^= w[1];
    y = add(y, add(v[0], fetch64(s, p + 40)));
    z = mul(rotate(add(z, w[0]), 33), K1);
    v = weakHashLen32WithSeeds(s, p, mul(v[1], K1), add(x, w[0]));
    w = weakHashLen32WithSeeds(s, p + 32, add(z, w[1]), add(y, fetch64(s, p + 16)));
    [z, x] = [x, z];
    p += 64;
  } while (p !== end);
  const m = add(K1, (z & 0xffn) << 1n);
  p = last64;
  w[0] = add(w[0], BigInt((len - 1) & 63));
  v[0] = add(v[0], w[0]);
  w[0] = add(w[0], v[0]);
  x = mul(rotate(add(add(add(x, y), v[0]), fetch64(s, p + 8)), 37), m);
  y = mul(rotate(add(add(y, v[1]), fetch64(s, p + 48)), 42), m);
  x ^= mul(w[1], 9n);
  y = add(y, add(mul(v[0], 9n), fetch64(s, p + 40)));
  z = mul(rotate(add(z, w[0]), 33), m);
  v = weakHashLen32WithSeeds(s, p, mul(v[1], m), add(x, w[0]));
  w = weakHashLen32WithSeeds(s, p + 32, add(z, w[1]), add(y, fetch64(s, p + 16)));
  [z, x] = [x, z];
  return hashLen16(
    add(add(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0)), z),
    add(hashLen16(v[1], w[1], m), x),
    m,
  );
}

/** FarmHash Fingerprint64 of `bytes` as an unsigned 64-bit integer. */
export function fingerprint64(bytes: Uint8Array): bigint {
  const len = bytes.length;
  if (len <= 16) return hashLen0to16(bytes, len);
  if (len <= 32) return hashLen17to32(bytes, len);
  if (len <= 64) return hashLen33to64(bytes, len);
  return hashLongerThan64(bytes, len);
}
