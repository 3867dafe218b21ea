/**
 * MemTable against a naive model (arrays of objects, sorted on every read) over random sequences of
 * puts, deletes, TTL changes and gc with compaction (tiny slabs and arena chunks so those paths run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../base/status.js';
import { indexKey } from '../protocol/row-key.js';
import { type ColumnDesc, type IndexDef, TTL_TYPES, type Ttl, type Value } from '../protocol/schema.js';
import { MemTable, type TraverseCursor } from './mem-table.js';

const columns: ColumnDesc[] = [
  { name: 'id', type: 'int', notNull: true },
  { name: 'c1', type: 'string', notNull: false },
  { name: 'c2', type: 'smallint', notNull: false },
  { name: 'c4', type: 'bigint', notNull: false },
  { name: 'c7', type: 'timestamp', notNull: false },
];
const C1 = [null, '', 'a', 'b', 'a|b'] as const;
const C2 = [0, 1, 2] as const;

interface IndexSpec {
  readonly keyCols: number[];
  /** -1: insert time. */
  readonly tsCol: number;
}
const INDEX_SPECS: IndexSpec[] = [
  { keyCols: [1], tsCol: 4 },
  { keyCols: [2], tsCol: -1 },
  { keyCols: [1, 2], tsCol: 3 },
  { keyCols: [1], tsCol: 3 },
];

interface ModelRow {
  readonly id: number;
  readonly values: Value[];
  readonly insertTs: number;
}
interface ModelEntry {
  readonly row: ModelRow;
  readonly ts: number;
  readonly seq: number;
}

class Model {
  readonly entries: ModelEntry[][];
  readonly ttls: Ttl[];
  constructor(
    readonly specs: IndexSpec[],
    ttls: Ttl[],
  ) {
    this.entries = specs.map(() => []);
    this.ttls = [...ttls];
  }

  keyOf(i: number, values: readonly Value[]): string {
    const cols = this.specs[i]!.keyCols;
    return indexKey(
      cols.map((c) => values[c]!),
      cols.map((c) => columns[c]!.type),
    );
  }

  /** Entries of a key, newest first, later insert first among equal ts. */
  list(i: number, key: string): ModelEntry[] {
    return this.entries[i]!.filter((e) => this.keyOf(i, e.row.values) === key).sort((x, y) => y.ts - x.ts || y.seq - x.seq);
  }

  isExpired(i: number, position: number, ts: number, nowMs: number): boolean {
    const ttl = this.ttls[i]!;
    const abs = ttl.absMinutes > 0 && ts + ttl.absMinutes * 60_000 <= nowMs;
    const lat = ttl.latCount > 0 && position > ttl.latCount;
    switch (ttl.type) {
      case 'absolute':
        return abs;
      case 'latest':
        return lat;
      case 'absorlat':
        return abs || lat;
      case 'absandlat':
        return ttl.absMinutes > 0 && ttl.latCount > 0 && abs && lat;
    }
  }

  live(i: number, key: string, nowMs: number): ModelEntry[] {
    return this.list(i, key).filter((e, p) => !this.isExpired(i, p + 1, e.ts, nowMs));
  }

  keys(i: number): Set<string> {
    return new Set(this.entries[i]!.map((e) => this.keyOf(i, e.row.values)));
  }

  rows(): Set<ModelRow> {
    return new Set(this.entries.flatMap((list) => list.map((e) => e.row)));
  }

  removeRows(rows: Set<ModelRow>): void {
    for (let i = 0; i < this.entries.length; i++) this.entries[i] = this.entries[i]!.filter((e) => !rows.has(e.row));
  }

  gc(nowMs: number): void {
    for (let i = 0; i < this.entries.length; i++) {
      const expired = new Set<ModelEntry>();
      for (const key of this.keys(i)) {
        this.list(i, key).forEach((e, p) => {
          if (this.isExpired(i, p + 1, e.ts, nowMs)) expired.add(e);
        });
      }
      this.entries[i] = this.entries[i]!.filter((e) => !expired.has(e));
    }
  }
}

type Op =
  | { kind: 'put'; c1: number; c2: number; c4: number; c7: number; insertTs: number; subset: number }
  | { kind: 'deleteKey'; index: number; c1: number; c2: number }
  | { kind: 'deleteRange'; index: number; c1: number; c2: number; from: number; to: number | undefined }
  | { kind: 'gc'; nowMs: number }
  | { kind: 'setTtl'; index: number; ttl: Ttl };

const ttlArb: fc.Arbitrary<Ttl> = fc.record({
  type: fc.constantFrom(...TTL_TYPES),
  absMinutes: fc.constantFrom(0, 1, 2),
  latCount: fc.constantFrom(0, 1, 3),
});
const tsArb = fc.integer({ min: 0, max: 200_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('put' as const),
      c1: fc.nat(C1.length - 1),
      c2: fc.nat(C2.length - 1),
      // mostly valid ts values; -1 makes the put fail
      c4: fc.oneof({ weight: 20, arbitrary: tsArb }, { weight: 1, arbitrary: fc.constant(-1) }),
      c7: fc.oneof({ weight: 20, arbitrary: tsArb }, { weight: 1, arbitrary: fc.constant(-1) }),
      insertTs: tsArb,
      subset: fc.nat(15),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteKey' as const), index: fc.nat(3), c1: fc.nat(C1.length - 1), c2: fc.nat(C2.length - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRange' as const),
      index: fc.nat(3),
      c1: fc.nat(C1.length - 1),
      c2: fc.nat(C2.length - 1),
      from: tsArb,
      to: fc.option(tsArb, { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('gc' as const), nowMs: fc.integer({ min: 0, max: 400_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setTtl' as const), index: fc.nat(3), ttl: ttlArb }) },
);

function expectOk<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function compare(t: MemTable, model: Model, nowMs: number): void {
  t.checkInvariants();
  const stats = t.stats();
  expect(stats.rowCount).toBe(model.rows().size);
  for (let i = 0; i < model.specs.length; i++) {
    expect(stats.entryCount[i]).toBe(model.entries[i]!.length);
    expect(new Set(expectOk(t.keys(i)))).toEqual(model.keys(i));
    for (const c1 of C1) {
      for (const c2 of C2) {
        const values: Value[] = [0, c1, c2, 0n, 0];
        const key = model.keyOf(i, values);
        const live = model.live(i, key, nowMs);
        const scanned = expectOk(t.scan(i, key, nowMs));
        expect(scanned.map((r) => [t.codec.decodeColumn(r.row, 0), r.tsMs])).toEqual(live.map((e) => [e.row.id, e.ts]));
        expect(expectOk(t.count(i, key, nowMs, false))).toBe(model.list(i, key).length);
        const newest = expectOk(t.get(i, key, nowMs));
        expect(newest === undefined ? undefined : t.codec.decodeColumn(newest.row, 0)).toBe(live[0]?.row.id);
      }
    }
    // traverse: every live row once, each key's rows together and newest first
    const seen = new Map<string, number[]>();
    let cursor: TraverseCursor | undefined;
    let lastKey: string | undefined;
    do {
      const page = expectOk(t.traverse(i, nowMs, 2, cursor));
      for (const r of page.rows) {
        if (r.key !== lastKey) expect(seen.has(r.key)).toBe(false);
        lastKey = r.key;
        seen.set(r.key, [...(seen.get(r.key) ?? []), t.codec.decodeColumn(r.row, 0) as number]);
      }
      cursor = page.next;
    } while (cursor !== undefined);
    const expected = new Map<string, number[]>();
    for (const key of model.keys(i)) {
      const ids = model.live(i, key, nowMs).map((e) => e.row.id);
      if (ids.length > 0) expected.set(key, ids);
    }
    expect(seen).toEqual(expected);
  }
}

describe('MemTable vs a naive model', () => {
  it('agrees over random operation sequences', () => {
    const setupArb = fc.record({
      indexes: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
      ttls: fc.array(ttlArb, { minLength: 4, maxLength: 4 }),
      ops: fc.array(opArb, { minLength: 5, maxLength: 80, size: 'large' }),
      readNowMs: fc.integer({ min: 0, max: 400_000 }),
    });
    fc.assert(
      fc.property(setupArb, ({ indexes, ttls, ops, readNowMs }) => {
        const specs = indexes.map((n) => INDEX_SPECS[n]!);
        const defs: IndexDef[] = specs.map((spec, i) => ({
          name: `i${i}`,
          keyColumns: spec.keyCols.map((c) => columns[c]!.name),
          ...(spec.tsCol >= 0 ? { tsColumn: columns[spec.tsCol]!.name } : {}),
          ttl: ttls[i]!,
        }));
        const t = expectOk(
          MemTable.create({ columns, indexes: defs }, { slabBytes: 128, keyListChunkSlots: 16, compactLiveFractionMax: 0.8 }),
        );
        const model = new Model(specs, ttls.slice(0, specs.length));
        let nextId = 0;
        let seq = 0;
        for (const [step, op] of ops.entries()) {
          const index = 'index' in op ? op.index % specs.length : 0;
          switch (op.kind) {
            case 'put': {
              const values: Value[] = [nextId, C1[op.c1]!, C2[op.c2]!, BigInt(op.c4), op.c7];
              const positions = specs.map((_, i) => i).filter((i) => (op.subset >> i) & 1);
              const usePositions = op.subset % 3 === 0 ? positions : undefined;
              const targets = usePositions ?? specs.map((_, i) => i);
              const valid = targets.every((i) => {
                const tsCol = specs[i]!.tsCol;
                return tsCol < 0 || Number(values[tsCol]) >= 0;
              });
              const r = t.put(expectOk(t.codec.encode(values)), op.insertTs, usePositions);
              expect(r.ok).toBe(valid);
              if (!valid) break;
              const row: ModelRow = { id: nextId++, values, insertTs: op.insertTs };
              for (const i of targets) {
                const tsCol = specs[i]!.tsCol;
                model.entries[i]!.push({ row, ts: tsCol < 0 ? op.insertTs : Number(values[tsCol]), seq: seq++ });
              }
              break;
            }
            case 'deleteKey': {
              const key = model.keyOf(index, [0, C1[op.c1]!, C2[op.c2]!, 0n, 0]);
              const rows = new Set(model.list(index, key).map((e) => e.row));
              expect(expectOk(t.deleteKey(index, key))).toBe(rows.size);
              model.removeRows(rows);
              break;
            }
            case 'deleteRange': {
              const key = model.keyOf(index, [0, C1[op.c1]!, C2[op.c2]!, 0n, 0]);
              const r = t.deleteRange(index, key, op.from, op.to);
              if (op.to !== undefined && op.to > op.from) {
                expect(r.ok).toBe(false);
                break;
              }
              const lower = op.to ?? Number.NEGATIVE_INFINITY;
              const rows = new Set(
                model
                  .list(index, key)
                  .filter((e) => e.ts <= op.from && e.ts > lower)
                  .map((e) => e.row),
              );
              expect(expectOk(r)).toBe(rows.size);
              model.removeRows(rows);
              break;
            }
            case 'gc':
              t.gc(op.nowMs);
              model.gc(op.nowMs);
              break;
            case 'setTtl':
              expectOk(t.setTtl(index, op.ttl));
              model.ttls[index] = op.ttl;
              break;
          }
          if (step % 8 === 7) compare(t, model, readNowMs);
        }
        compare(t, model, readNowMs);
      }),
      { numRuns: 120 },
    );
  });
});
