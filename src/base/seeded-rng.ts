/** A small deterministic PRNG (xorshift32) for the simulator and tests; shaped like the Rng port. */
export interface SeededRng {
  next(): number;
  int(n: number): number;
  readonly seed: number;
}

export function seededRng(seed: number): SeededRng {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  return { next, int: (n) => Math.floor(next() * n), seed };
}
