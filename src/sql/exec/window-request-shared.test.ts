/**
 * Request-mode windows that share one history scan (window-request-shared.ts) against a naive
 * evaluation of sql.md §4.4: several random ROWS_RANGE frames over the same partition, plus one
 * over another key and one that cannot share (lag), in a request replay (request each row, then
 * insert it; rows arrive in any ts order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TableSchema, Value } from '../../protocol/schema.js';
import { prepare } from '../engine.js';
import { MemoryCatalog } from './testing/mem-catalog.js';

interface Row {
  readonly id: number;
  readonly k: string;
  readonly g: string;
  readonly ts: number;
  readonly v: number | null;
}

interface RangeFrame {
  /** Start bound in seconds PRECEDING, or undefined for UNBOUNDED. */
  readonly start?: number;
  readonly startOpen: boolean;
  readonly end: number;
  readonly endOpen: boolean;
  readonly excludeCurrentRow: boolean;
  readonly excludeCurrentTime: boolean;
}

const SCHEMA: TableSchema = {
  columns: [
    { name: 'id', type: 'int', notNull: false },
    { name: 'k', type: 'string', notNull: false },
    { name: 'g', type: 'string', notNull: false },
    { name: 'ts', type: 'timestamp', notNull: false },
    { name: 'v', type: 'bigint', notNull: false },
  ],
  indexes: [
    { name: 'ik', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } },
    { name: 'ig', keyColumns: ['g'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } },
  ],
};

function bound(n: number | undefined, open: boolean): string {
  if (n === undefined) return 'UNBOUNDED PRECEDING';
  if (n === 0 && !open) return 'CURRENT ROW';
  return `${n}s${open ? ' OPEN' : ''} PRECEDING`;
}

function windowSql(name: string, key: string, f: RangeFrame): string {
  const attrs = `${f.excludeCurrentRow ? ' EXCLUDE CURRENT_ROW' : ''}${f.excludeCurrentTime ? ' EXCLUDE CURRENT_TIME' : ''}`;
  return `${name} AS (PARTITION BY ${key} ORDER BY ts ROWS_RANGE BETWEEN ${bound(f.start, f.startOpen)} AND ${bound(f.end, f.endOpen)}${attrs})`;
}

/** Frames `frames` over k, `other` over g, and frame 0 again over k with lag (not shared). */
function querySql(frames: readonly RangeFrame[], other: RangeFrame): string {
  const items = frames.flatMap((_, i) => [`sum(v) OVER w${i} AS s${i}`, `count(v) OVER w${i} AS c${i}`, `max(v + id) OVER w${i} AS m${i}`]);
  items.push('sum(v) OVER wg AS sg', 'sum(v) OVER wl AS sl', 'lag(v, 1) OVER wl AS l1');
  const windows = [...frames.map((f, i) => windowSql(`w${i}`, 'k', f)), windowSql('wg', 'g', other), windowSql('wl', 'k', frames[0]!)];
  return `SELECT id, ${items.join(', ')} FROM t WINDOW ${windows.join(', ')}`;
}

/** The frame of `cur` over `stored` (rows inserted before it), by sql.md §4.4. */
function frameRows(stored: readonly Row[], cur: Row, key: 'k' | 'g', f: RangeFrame): Row[] {
  const history = stored.filter((r) => r[key] === cur[key] && r.ts <= cur.ts && !(f.excludeCurrentTime && r.ts === cur.ts));
  const inFrame = history.filter((r) => {
    const startOk = f.start === undefined || (f.startOpen ? r.ts > cur.ts - f.start * 1000 : r.ts >= cur.ts - f.start * 1000);
    const endOk = f.endOpen ? r.ts < cur.ts - f.end * 1000 : r.ts <= cur.ts - f.end * 1000;
    return startOk && endOk;
  });
  const withCurrent = f.end === 0 && !f.endOpen && !f.excludeCurrentRow;
  return withCurrent ? [...inFrame, cur] : inFrame;
}

function aggregates(rows: readonly Row[], withMax: boolean): Value[] {
  const vs = rows.filter((r) => r.v !== null);
  const sum = vs.length === 0 ? null : BigInt(vs.reduce((a, r) => a + r.v!, 0));
  if (!withMax) return [sum];
  const max = vs.length === 0 ? null : BigInt(Math.max(...vs.map((r) => r.v! + r.id)));
  return [sum, BigInt(vs.length), max];
}

function naive(stored: readonly Row[], cur: Row, frames: readonly RangeFrame[], other: RangeFrame): Value[] {
  const out: Value[] = [];
  for (const f of frames) out.push(...aggregates(frameRows(stored, cur, 'k', f), true));
  out.push(...aggregates(frameRows(stored, cur, 'g', other), false));
  out.push(...aggregates(frameRows(stored, cur, 'k', frames[0]!), false));
  const before = stored.filter((r) => r.k === cur.k && r.ts <= cur.ts && !(frames[0]!.excludeCurrentTime && r.ts === cur.ts));
  // lag: the nearest earlier row (by ts, then insertion).
  const sorted = before.map((r, j) => ({ r, j })).sort((a, b) => a.r.ts - b.r.ts || a.j - b.j);
  const lag = sorted[sorted.length - 1]?.r;
  out.push(lag === undefined || lag.v === null ? null : BigInt(lag.v));
  return out;
}

function valuesOf(r: Row): Value[] {
  return [r.id, r.k, r.g, r.ts, r.v === null ? null : BigInt(r.v)];
}

function newTable() {
  const catalog = new MemoryCatalog();
  catalog.createDatabase('d');
  const t = catalog.createTable('d', 't', SCHEMA);
  if (!t.ok) throw new Error(t.message);
  return { catalog, table: t.value };
}

const rowsArb = fc
  .array(
    fc.record({
      k: fc.constantFrom('a', 'b'),
      g: fc.constantFrom('x', 'y'),
      ts: fc.integer({ min: 0, max: 8 }).map((s) => s * 1000),
      v: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((rs) => rs.map((r, id) => ({ id, ...r })));

const frameArb: fc.Arbitrary<RangeFrame> = fc.record({
  start: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  startOpen: fc.boolean(),
  end: fc.integer({ min: 0, max: 3 }),
  endOpen: fc.boolean(),
  excludeCurrentRow: fc.boolean(),
  excludeCurrentTime: fc.boolean(),
});

describe('request-mode windows sharing one history scan', () => {
  it('match a naive evaluation, whatever the frames', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.array(frameArb, { minLength: 1, maxLength: 3 }), frameArb, async (rows, frames, other) => {
        const { catalog, table } = newTable();
        const q = prepare(querySql(frames, other), catalog, { mode: 'request', db: 'd' });
        if (!q.ok) throw new Error(q.message);
        for (const [i, row] of rows.entries()) {
          const r = await q.value.runRequest(valuesOf(row));
          if (!r.ok) throw new Error(r.message);
          expect(r.value.rows[0]!.slice(1)).toEqual(naive(rows.slice(0, i), row, frames, other));
          expect(table.insert(valuesOf(row)).ok).toBe(true);
        }
      }),
      { numRuns: 200, seed: 20261125 },
    );
  });

  it('read the history of one key once, over the widest frame', async () => {
    const { catalog, table } = newTable();
    for (let id = 0; id < 50; id++) table.insert(valuesOf({ id, k: 'a', g: 'x', ts: id * 1000, v: id }));
    const scans: { newestTsMs?: number; oldestTsMs?: number; limit?: number }[] = [];
    const scanKey = table.scanKey.bind(table);
    table.scanKey = (indexPos, key, range) => {
      scans.push({ ...range });
      return scanKey(indexPos, key, range);
    };
    const frame = (start: number): RangeFrame => ({ start, startOpen: false, end: 0, endOpen: false, excludeCurrentRow: false, excludeCurrentTime: false });
    const sql = `SELECT id, ${[2, 10, 5].map((_, i) => `sum(v) OVER w${i} AS s${i}, count(v) OVER w${i} AS c${i}`).join(', ')} FROM t WINDOW ${[2, 10, 5]
      .map((s, i) => windowSql(`w${i}`, 'k', frame(s)))
      .join(', ')}`;
    const q = prepare(sql, catalog, { mode: 'request', db: 'd' });
    if (!q.ok) throw new Error(q.message);
    const r = await q.value.runRequest(valuesOf({ id: 99, k: 'a', g: 'x', ts: 49_500, v: 1 }));
    // Rows 48..49, 40..49, 45..49 plus the request row.
    expect(r.ok && r.value.rows[0]).toEqual([99, 98n, 3n, 446n, 11n, 236n, 6n]);
    expect(scans).toEqual([{ newestTsMs: 49_500, oldestTsMs: 39_500 }]);
  });
});
