/**
 * Shares one frozen array per distinct list of index positions, so decoding millions of rows that
 * are stored under the same indexes allocates no array per row. The positions are read as
 * little-endian u16 values straight from an encoded buffer.
 */
const DISTINCT_LISTS_MAX = 4096;

export class PositionsInterner {
  #last: readonly number[] = Object.freeze([]);
  readonly #byKey = new Map<string, readonly number[]>();

  /** The list of `count` u16 LE positions starting at `bytes[at]`. */
  intern(bytes: Uint8Array, at: number, count: number): readonly number[] {
    const last = this.#last;
    if (last.length === count) {
      let same = true;
      for (let i = 0; i < count; i++) {
        if (last[i] !== (bytes[at + 2 * i]! | (bytes[at + 2 * i + 1]! << 8))) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const fresh: number[] = new Array(count);
    for (let i = 0; i < count; i++) fresh[i] = bytes[at + 2 * i]! | (bytes[at + 2 * i + 1]! << 8);
    return (this.#last = this.#share(fresh));
  }

  /** The shared copy of `positions` (for callers that already hold an array). */
  internArray(positions: readonly number[]): readonly number[] {
    const last = this.#last;
    if (last.length === positions.length && last.every((p, i) => p === positions[i])) return last;
    return (this.#last = this.#share(positions.slice()));
  }

  #share(fresh: number[]): readonly number[] {
    const key = fresh.join(',');
    const known = this.#byKey.get(key);
    if (known) return known;
    const frozen = Object.freeze(fresh);
    if (this.#byKey.size < DISTINCT_LISTS_MAX) this.#byKey.set(key, frozen);
    return frozen;
  }
}
