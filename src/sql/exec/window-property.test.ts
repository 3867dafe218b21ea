/**
 * Window aggregates against a naive reference evaluator on random data (GUIDE.md habit 7):
 * random rows (few keys, repeated timestamps, NULLs), a random ROWS or ROWS_RANGE frame (bounds,
 * OPEN, MAXSIZE, EXCLUDE CURRENT_ROW / CURRENT_TIME); sum/count/min/max and lag must equal the
 * naive evaluation of sql.md §4.4, in batch mode and in the request-mode replay (request each row,
 * then insert it; rows arrive in any ts order, so the two differ when they arrive out of order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TableSchema, Value } from '../../protocol/schema.js';
import { prepare } from '../engine.js';
import { MemoryCatalog } from './testing/mem-catalog.js';

interface Row {
  readonly id: number;
  readonly k: string;
  readonly ts: number;
  readonly v: number | null;
}

type Bound = { readonly unbounded: true } | { readonly unbounded: false; readonly n: number; readonly open: boolean };

interface Frame {
  readonly unit: 'rows' | 'range';
  readonly start: Bound;
  readonly end: Bound;
  readonly maxSize?: number;
  readonly excludeCurrentRow: boolean;
  readonly excludeCurrentTime: boolean;
}

const SCHEMA: TableSchema = {
  columns: [
    { name: 'id', type: 'int', notNull: false },
    { name: 'k', type: 'string', notNull: false },
    { name: 'ts', type: 'timestamp', notNull: false },
    { name: 'v', type: 'bigint', notNull: false },
  ],
  indexes: [{ name: 'i', keyColumns: ['k'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

function boundSql(b: Bound, unit: Frame['unit']): string {
  if (b.unbounded) return 'UNBOUNDED PRECEDING';
  if (b.n === 0 && !b.open) return 'CURRENT ROW';
  return `${unit === 'range' ? `${b.n}s` : b.n}${b.open ? ' OPEN' : ''} PRECEDING`;
}

function querySql(f: Frame): string {
  const unit = f.unit === 'rows' ? 'ROWS' : 'ROWS_RANGE';
  const attrs = [
    f.maxSize === undefined ? '' : ` MAXSIZE ${f.maxSize}`,
    f.excludeCurrentRow ? ' EXCLUDE CURRENT_ROW' : '',
    f.excludeCurrentTime ? ' EXCLUDE CURRENT_TIME' : '',
  ].join('');
  return `SELECT id, sum(v) OVER w AS s, count(v) OVER w AS c, min(v) OVER w AS mi, max(v) OVER w AS ma, lag(v, 1) OVER w AS l1
    FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ${unit} BETWEEN ${boundSql(f.start, f.unit)} AND ${boundSql(f.end, f.unit)}${attrs})`;
}

/**
 * sql.md §4.4 evaluated the obvious way: each row's history, filtered, bounded, capped. Batch
 * mode: the history is the partition's rows ordered before the row by (ts, insertion). Request
 * replay: the rows stored before the request (inserted earlier) whose ts is <= its ts.
 */
function naive(rows: readonly Row[], f: Frame, mode: 'batch' | 'replay'): Map<number, Value[]> {
  const out = new Map<number, Value[]>();
  const scale = f.unit === 'range' ? 1000 : 1;
  for (const [i, cur] of rows.entries()) {
    const earlier = (r: Row, j: number) => (mode === 'batch' ? r.ts < cur.ts || (r.ts === cur.ts && j < i) : j < i && r.ts <= cur.ts);
    const before = rows
      .map((r, j) => ({ r, j }))
      .filter(({ r, j }) => r.k === cur.k && earlier(r, j))
      .sort((a, b) => a.r.ts - b.r.ts || a.j - b.j)
      .map(({ r }) => r);
    const history = f.excludeCurrentTime ? before.filter((r) => r.ts !== cur.ts) : before;
    const inStart = (r: Row, dist: number) => {
      if (f.start.unbounded) return true;
      const n = f.start.n * scale;
      if (f.unit === 'rows') return f.start.open ? dist < n : dist <= n;
      return f.start.open ? r.ts > cur.ts - n : r.ts >= cur.ts - n;
    };
    const inEnd = (r: Row, dist: number) => {
      if (f.end.unbounded) return false;
      const m = f.end.n * scale;
      if (f.unit === 'rows') return f.end.open ? dist > m : dist >= m;
      return f.end.open ? r.ts < cur.ts - m : r.ts <= cur.ts - m;
    };
    let frame = history.filter((r, j) => {
      const dist = history.length - j;
      return inStart(r, dist) && inEnd(r, dist);
    });
    const endIsCurrent = !f.end.unbounded && f.end.n === 0 && !f.end.open;
    let withCurrent = endIsCurrent && (f.start.unbounded || !(f.unit === 'rows' && f.start.open && f.start.n === 0));
    if (f.excludeCurrentRow) withCurrent = false;
    if (f.maxSize !== undefined) {
      const keep = Math.max(0, f.maxSize - (withCurrent ? 1 : 0));
      frame = frame.slice(Math.max(0, frame.length - keep));
    }
    const values = [...frame, ...(withCurrent ? [cur] : [])].map((r) => r.v).filter((v): v is number => v !== null);
    const lagRow = history[history.length - 1];
    out.set(cur.id, [
      values.length === 0 ? null : BigInt(values.reduce((a, b) => a + b, 0)),
      BigInt(values.length),
      values.length === 0 ? null : BigInt(Math.min(...values)),
      values.length === 0 ? null : BigInt(Math.max(...values)),
      lagRow === undefined || lagRow.v === null ? null : BigInt(lagRow.v),
    ]);
  }
  return out;
}

function valuesOf(r: Row): Value[] {
  return [r.id, r.k, r.ts * 1000, r.v === null ? null : BigInt(r.v)];
}

function scaled(rows: readonly Row[]): Row[] {
  return rows.map((r) => ({ ...r, ts: r.ts * 1000 }));
}

const rowsArb = fc
  .array(fc.record({ k: fc.constantFrom('a', 'b'), ts: fc.integer({ min: 0, max: 6 }), v: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }) }), {
    minLength: 1,
    maxLength: 25,
  })
  .map((rs) => rs.map((r, id) => ({ id, ...r })));

const boundArb = (max: number) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<Bound>({ unbounded: true }) },
    { weight: 4, arbitrary: fc.record({ unbounded: fc.constant(false as const), n: fc.integer({ min: 0, max }), open: fc.boolean() }) },
  );

const frameArb: fc.Arbitrary<Frame> = fc
  .record({
    unit: fc.constantFrom<'rows' | 'range'>('rows', 'range'),
    start: boundArb(5),
    end: boundArb(3).filter((b): b is Bound => !b.unbounded),
    maxSize: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    excludeCurrentRow: fc.boolean(),
    excludeCurrentTime: fc.boolean(),
  })
  .map((f) => (f.unit === 'rows' ? { ...f, maxSize: undefined } : f));

async function batchResult(rows: readonly Row[], f: Frame): Promise<Map<number, Value[]>> {
  const catalog = new MemoryCatalog();
  catalog.createDatabase('d');
  const t = catalog.createTable('d', 't', SCHEMA);
  if (!t.ok) throw new Error(t.message);
  for (const r of rows) expect(t.value.insert(valuesOf(r)).ok).toBe(true);
  const q = prepare(querySql(f), catalog, { mode: 'batch', db: 'd' });
  if (!q.ok) throw new Error(q.message);
  const r = await q.value.run();
  if (!r.ok) throw new Error(r.message);
  return new Map(r.value.rows.map((row) => [row[0] as number, row.slice(1)]));
}

async function requestReplay(rows: readonly Row[], f: Frame): Promise<Map<number, Value[]>> {
  const catalog = new MemoryCatalog();
  catalog.createDatabase('d');
  const t = catalog.createTable('d', 't', SCHEMA);
  if (!t.ok) throw new Error(t.message);
  const q = prepare(querySql(f), catalog, { mode: 'request', db: 'd' });
  if (!q.ok) throw new Error(q.message);
  const out = new Map<number, Value[]>();
  for (const row of rows) {
    const r = await q.value.runRequest(valuesOf(row));
    if (!r.ok) throw new Error(r.message);
    out.set(row.id, r.value.rows[0]!.slice(1));
    expect(t.value.insert(valuesOf(row)).ok).toBe(true);
  }
  return out;
}

describe('window aggregates match a naive evaluator', () => {
  it('in batch mode and in the request-mode replay', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, frameArb, async (rows, frame) => {
        expect(await batchResult(rows, frame)).toEqual(naive(scaled(rows), frame, 'batch'));
        expect(await requestReplay(rows, frame)).toEqual(naive(scaled(rows), frame, 'replay'));
      }),
      { numRuns: 300, seed: 20240611 },
    );
  });

  it('the request-mode replay reads only the frame through the index (bounded scans)', async () => {
    const rows: Row[] = Array.from({ length: 50 }, (_, id) => ({ id, k: 'a', ts: id, v: id }));
    const frame: Frame = { unit: 'rows', start: { unbounded: false, n: 2, open: false }, end: { unbounded: false, n: 0, open: false }, excludeCurrentRow: false, excludeCurrentTime: false };
    const catalog = new MemoryCatalog();
    catalog.createDatabase('d');
    const t = catalog.createTable('d', 't', SCHEMA);
    if (!t.ok) throw new Error(t.message);
    for (const r of rows) t.value.insert(valuesOf(r));
    const scans: { limit?: number }[] = [];
    const scanKey = t.value.scanKey.bind(t.value);
    t.value.scanKey = (indexPos, key, range) => {
      scans.push({ ...(range.limit === undefined ? {} : { limit: range.limit }) });
      return scanKey(indexPos, key, range);
    };
    t.value.scanAll = () => {
      throw new Error('request mode must not scan the whole table');
    };
    const q = prepare(querySql(frame), catalog, { mode: 'request', db: 'd' });
    if (!q.ok) throw new Error(q.message);
    const r = await q.value.runRequest(valuesOf({ id: 99, k: 'a', ts: 60, v: 1 }));
    expect(r.ok && r.value.rows[0]).toEqual([99, 98n, 3n, 1n, 49n, 49n]);
    // One scan: the frame's 2 rows back also serve lag(v, 1).
    expect(scans).toEqual([{ limit: 2 }]);
  });
});
