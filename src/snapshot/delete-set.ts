import { type DeleteSpec, deleteMatches } from '../binlog/log-entry.js';
import type { RowInspector } from './row-inspector.js';

const NONE: readonly number[] = [];

interface LoggedDelete {
  /** Binlog offset of the delete: it removes only rows written before it. */
  readonly offset: number;
  readonly spec: DeleteSpec;
}

/**
 * The deletes of a binlog range, indexed for filtering rows while a snapshot is built. A delete
 * at offset d removes a row written at offset r < d when the row matches it under the index it
 * names; the whole row goes, from every index (rows of the previous snapshot count as written at
 * offset 0).
 */
export class DeleteSet {
  readonly #byKey = new Map<string, LoggedDelete[]>();
  /** Deletes without a key (every key of an index), by index position. */
  readonly #keyless = new Map<number, LoggedDelete[]>();
  /** Index positions that have keyed deletes (skip keyOf for the others). */
  readonly #keyedPositions = new Set<number>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(offset: number, spec: DeleteSpec): void {
    const logged = { offset, spec };
    if (spec.key === undefined) {
      const list = this.#keyless.get(spec.indexPos);
      if (list) list.push(logged);
      else this.#keyless.set(spec.indexPos, [logged]);
    } else {
      const k = `${spec.indexPos}\u0000${spec.key}`;
      const list = this.#byKey.get(k);
      if (list) list.push(logged);
      else this.#byKey.set(k, [logged]);
      this.#keyedPositions.add(spec.indexPos);
    }
    this.#size++;
  }

  /**
   * The index positions the row keeps: `indexPositions` itself when no delete touches it, else an
   * empty array. A delete that matches the row under the index it names removes the whole row
   * (from every index), as the in-memory table does.
   */
  survivingPositions(
    row: Uint8Array,
    insertTsMs: number,
    indexPositions: readonly number[],
    writtenAtOffset: number,
    inspector: RowInspector,
  ): readonly number[] {
    if (this.#size === 0) return indexPositions;
    for (const pos of indexPositions) {
      if (this.#deletes(row, insertTsMs, pos, writtenAtOffset, inspector)) return NONE;
    }
    return indexPositions;
  }

  #deletes(row: Uint8Array, insertTsMs: number, pos: number, writtenAtOffset: number, inspector: RowInspector): boolean {
    const keyless = this.#keyless.get(pos);
    const keyed = this.#keyedPositions.has(pos) ? this.#byKey.get(`${pos}\u0000${inspector.keyOf(row, pos)}`) : undefined;
    let ts: number | undefined;
    for (const list of [keyless, keyed]) {
      if (!list) continue;
      for (const { offset, spec } of list) {
        if (offset <= writtenAtOffset) continue;
        if (spec.fromTsMs === undefined && spec.toTsMs === undefined) return true;
        ts ??= inspector.tsOf(row, pos, insertTsMs);
        // Lists are per key already, so only the time range is left to check.
        if (deleteMatches(spec, spec.key ?? '', ts)) return true;
      }
    }
    return false;
  }
}
