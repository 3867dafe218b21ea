import { describe, expect, it } from 'vitest';
import { Code, fail, ok, type Result } from '../base/status.js';
import { mergePieces } from '../client/sql-split.js';
import { TableHandle } from '../client/table-handle.js';
import type { Clock } from '../ports/clock.js';
import type { RpcClient } from '../ports/transport.js';
import type { TabletMethods } from '../protocol/messages.js';
import { TABLE_INFO_FORMAT_VERSION, type TableInfo, type TableSchema, type Value } from '../protocol/schema.js';
import { prepare } from '../sql/engine.js';
import type { SqlCatalog } from '../sql/plan/catalog.js';
import { splitOf } from '../sql/plan/split-plan.js';
import { MemTable, type TraverseCursor } from '../storage/mem-table.js';
import { TabletSqlCatalog } from './sql-catalog.js';
import { checkPiece } from './sql-service.js';
import type { LocalPartitions, SqlTableDeps } from './sql-table.js';
import type { TablePartition } from './table-partition.js';

const NOW = 1_700_000_000_000;
const clock: Clock = { nowMs: () => NOW, monotonicMs: () => 0 };
const NO_TTL = { type: 'absolute', absMinutes: 0, latCount: 0 } as const;

// Main table t: 4 partitions, index 0 keyed on k, index 1 on s (both ordered by ts).
const T_SCHEMA: TableSchema = {
  columns: [
    { name: 'id', type: 'int', notNull: false },
    { name: 'k', type: 'string', notNull: false },
    { name: 's', type: 'string', notNull: false },
    { name: 'ts', type: 'timestamp', notNull: false },
    { name: 'v', type: 'bigint', notNull: false },
  ],
  indexes: [
    { name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: NO_TTL },
    { name: 'by_s', keyColumns: ['s'], tsColumn: 'ts', ttl: NO_TTL },
  ],
};
// Table r, 2 partitions, both led by tablet B: LAST JOIN partners looked up by key.
const R_SCHEMA: TableSchema = {
  columns: [
    { name: 'rk', type: 'string', notNull: false },
    { name: 'rts', type: 'timestamp', notNull: false },
    { name: 'w', type: 'int', notNull: false },
  ],
  indexes: [{ name: 'by_rk', keyColumns: ['rk'], tsColumn: 'rts', ttl: NO_TTL }],
};

const LEADS: Record<string, { tid: number; pids: number[] }[]> = {
  A: [{ tid: 1, pids: [0, 2] }],
  B: [
    { tid: 1, pids: [1, 3] },
    { tid: 2, pids: [0, 1] },
  ],
};

function leaderOf(tid: number, pid: number): string {
  return Object.entries(LEADS).find(([, leads]) => leads.some((l) => l.tid === tid && l.pids.includes(pid)))![0];
}

function info(tid: number, name: string, schema: TableSchema, partitionNum: number): TableInfo {
  return {
    formatVersion: TABLE_INFO_FORMAT_VERSION,
    tid,
    db: 'd',
    name,
    partitionNum,
    replicaNum: 1,
    schema,
    partitions: Array.from({ length: partitionNum }, (_, pid) => ({
      pid,
      replicas: [{ endpoint: leaderOf(tid, pid), isLeader: true, isAlive: true }],
      termOffsets: [],
    })),
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

interface World {
  readonly handles: Map<string, TableHandle>;
  /** MemTables by `tid/pid`. */
  readonly tables: Map<string, MemTable>;
  /** RPCs each endpoint received, by method. */
  readonly calls: Map<string, Map<string, number>>;
}

/** Rows of t (ties on ts within a key, NULL keys) and r, put where a client's routing sends them. */
function world(): World {
  const handles = new Map([
    ['d.t', new TableHandle(info(1, 't', T_SCHEMA, 4))],
    ['d.r', new TableHandle(info(2, 'r', R_SCHEMA, 2))],
  ]);
  const tables = new Map<string, MemTable>();
  for (const h of handles.values()) {
    for (const p of h.info.partitions) tables.set(`${h.info.tid}/${p.pid}`, value(MemTable.create(h.info.schema)));
  }
  const put = (h: TableHandle, row: Value[]) => {
    for (const routed of value(h.route(row))) {
      value(tables.get(`${h.info.tid}/${routed.pid}`)!.put(routed.row, NOW, routed.indexPositions));
    }
  };
  const ks = ['a', 'b', 'c', 'd', 'e', 'f', 'g', null];
  for (let i = 0; i < 80; i++) {
    put(handles.get('d.t')!, [i, ks[i % ks.length]!, `s${i % 5}`, NOW - 100_000 + Math.floor(i / 3) * 1000, BigInt(i * 7)]);
  }
  for (let i = 0; i < 12; i++) put(handles.get('d.r')!, [ks[i % 6]!, NOW - 50_000 + i * 1000, i]);
  return { handles, tables, calls: new Map() };
}

/** A tablet's view: its own leader partitions locally, the others over a fake RPC answering from the MemTables. */
function tablet(w: World, endpoint: string): TabletSqlCatalog {
  const partitions: LocalPartitions = {
    partition(tid, pid) {
      if (!LEADS[endpoint]!.some((l) => l.tid === tid && l.pids.includes(pid))) return undefined;
      const table = w.tables.get(`${tid}/${pid}`)!;
      return {
        meta: { mode: 'leader' },
        steppedDownReason: undefined,
        tableState: 'normal',
        table,
        scan: (indexPos: number, key: string, range: object) => table.scan(indexPos, key, NOW, range),
      } as unknown as TablePartition;
    },
  };
  const rpc = (to: string): RpcClient => ({
    endpoint: to,
    peer: () => undefined,
    close: () => undefined,
    call: async (method, request) => {
      const perMethod = w.calls.get(to) ?? new Map<string, number>();
      w.calls.set(to, perMethod);
      perMethod.set(method, (perMethod.get(method) ?? 0) + 1);
      if (method === 'Traverse') {
        const req = request as TabletMethods['Traverse']['req'];
        const table = w.tables.get(`${req.tid}/${req.pid}`)!;
        const cursor = req.cursor === undefined ? undefined : (JSON.parse(req.cursor) as TraverseCursor);
        const page = table.traverse(value(table.indexPosition(req.index!)), NOW, req.limit, cursor);
        if (!page.ok) return page;
        return ok({
          rows: page.value.rows.map((r) => r.row),
          tss: page.value.rows.map((r) => r.tsMs),
          ...(page.value.next === undefined ? {} : { cursor: JSON.stringify(page.value.next) }),
        });
      }
      if (method === 'Scan') {
        const req = request as TabletMethods['Scan']['req'];
        const table = w.tables.get(`${req.tid}/${req.pid}`)!;
        const rows = table.scan(value(table.indexPosition(req.index)), req.key, NOW, req);
        if (!rows.ok) return rows;
        return ok({ rows: rows.value.map((r) => r.row), tss: rows.value.map((r) => r.tsMs) });
      }
      return fail(Code.rpcUnknownMethod, `fake tablet has no ${method}`);
    },
  });
  const deps: SqlTableDeps = { partitions, rpc, clock, onStale: () => undefined, remoteCallTimeoutMs: 1000, pageRows: 7, scanRowsMax: 100_000 };
  return new TabletSqlCatalog(w.handles, new Set(['d']), deps);
}

async function run(sql: string, catalog: SqlCatalog): Promise<{ columns: { name: string; type: string }[]; rows: Value[][] }> {
  const q = value(prepare(sql, catalog, { mode: 'batch', db: 'd' }));
  const r = value(await q.run());
  return { columns: r.columns.map((c) => ({ ...c })), rows: r.rows };
}

async function allRows(pages: AsyncIterable<Result<readonly { row: Uint8Array }[]>> | Iterable<Result<readonly { row: Uint8Array }[]>>): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of pages) for (const r of value(page)) ids.push(T_CODEC.decodeColumn(r.row, 0) as number);
  return ids;
}

const T_CODEC = new TableHandle(info(1, 't', T_SCHEMA, 4)).codec;

function sorted(rows: readonly Value[][]): string[] {
  return rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

describe('a piece of a query split by partition', () => {
  it("reads the piece's index from its own MemTables only, every row once across pieces", async () => {
    const w = world();
    const a = value(tablet(w, 'A').piece({ tid: 1, pids: [0, 2], indexPos: 0 })).cut;
    const b = value(tablet(w, 'B').piece({ tid: 1, pids: [1, 3], indexPos: 0 })).cut;
    const fromA = await allRows(a.scanAll(0));
    const fromB = await allRows(b.scanAll(0));
    expect(w.calls.size).toBe(0);
    // Rows of A are exactly those whose k hashes to partition 0 or 2.
    const handle = w.handles.get('d.t')!;
    const kOf = (id: number) => (id % 8 === 7 ? null : 'abcdefg'[id % 8]!);
    for (const id of fromA) expect([0, 2]).toContain(handle.partitionOf(value(handle.keyOf(0, kOf(id)))));
    expect([...fromA, ...fromB].sort((x, y) => x - y)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
  });

  it("reads another index of the table whole and keeps the piece's rows", async () => {
    const w = world();
    const a = value(tablet(w, 'A').piece({ tid: 1, pids: [0, 2], indexPos: 0 })).cut;
    const ownIds = await allRows(a.scanAll(0));
    const byS = await allRows(a.scanAll(1));
    expect([...byS].sort((x, y) => x - y)).toEqual([...ownIds].sort((x, y) => x - y));
    // Partitions 1 and 3 of index 1 live on B: read over Traverse.
    expect(w.calls.get('B')?.get('Traverse')).toBeGreaterThan(0);
  });

  it('answers that the placement is stale for a partition this tablet does not lead', async () => {
    const w = world();
    const cut = value(tablet(w, 'A').piece({ tid: 1, pids: [0, 1], indexPos: 0 })).cut;
    const pages: Result<unknown>[] = [];
    for await (const page of cut.scanAll(0)) pages.push(page);
    const last = pages.at(-1)!;
    expect(last.ok ? 'ok' : [last.code, last.message]).toEqual([Code.tableIsFollower, "reading 'd.t' partition 1: this tablet no longer leads it"]);
  });

  it('refuses pieces of unknown tables, partitions out of range or named twice', () => {
    const c = tablet(world(), 'A');
    const problem = (r: Result<unknown>) => (r.ok ? 'ok' : `${r.code}: ${r.message}`);
    expect(problem(c.piece({ tid: 9, pids: [0], indexPos: 0 }))).toBe(`${Code.tableNotFound}: query over partitions of table id 9: no such table`);
    expect(problem(c.piece({ tid: 1, pids: [4], indexPos: 0 }))).toBe(`${Code.invalidParameter}: query over partitions of 'd.t': no partition 4 (it has 4)`);
    expect(problem(c.piece({ tid: 1, pids: [0, 0], indexPos: 0 }))).toBe(
      `${Code.invalidParameter}: query over partitions of 'd.t': partitions 0, 0 name one twice`,
    );
    expect(problem(c.piece({ tid: 1, pids: [0], indexPos: 2 }))).toBe(`${Code.indexNotFound}: query over partitions of 'd.t': no index at position 2`);
  });

  const SPLITTABLE = [
    'SELECT id, k, v FROM t',
    'SELECT id, v FROM t WHERE v > 100',
    'SELECT id, sum(v) OVER w AS x, lag(id, 1) OVER w AS prev FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
    'SELECT id, count(id) OVER w AS n FROM t WINDOW w AS (PARTITION BY s ORDER BY ts ROWS_RANGE BETWEEN 5s PRECEDING AND CURRENT ROW)',
    // Two windows: the first reads index by_k; the second, by (k, s), is read through by_k too.
    `SELECT id, sum(v) OVER w1 AS a, max(v) OVER w2 AS b FROM t WINDOW
       w1 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW),
       w2 AS (PARTITION BY k, s ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
    // The first window reads by_s, the second by_k: by_k is read whole and filtered to the piece.
    `SELECT id, sum(v) OVER w1 AS a, min(id) OVER w2 AS b FROM t WINDOW
       w1 AS (PARTITION BY s ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
       w2 AS (PARTITION BY s, k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`,
    'SELECT t.id, r.w FROM t LAST JOIN r ORDER BY r.rts ON t.k = r.rk',
    'SELECT DISTINCT k, s FROM t',
  ];

  for (const sql of SPLITTABLE) {
    it(`gives the whole result when the pieces are merged: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`, async () => {
      const w = world();
      const whole = await run(sql, tablet(w, 'A'));
      const q = value(prepare(sql, tablet(w, 'A'), { mode: 'batch', db: 'd' }));
      const split = splitOf(q.plan);
      if (!split.splittable) throw new Error(split.reason);
      const pieces = [];
      for (const [endpoint, pids] of [
        ['A', [0, 2]],
        ['B', [1, 3]],
      ] as const) {
        const catalog = value(tablet(w, endpoint).piece({ tid: 1, pids: [...pids], indexPos: split.indexPos }));
        const piece = value(prepare(sql, catalog, { mode: 'batch', db: 'd' }));
        expect(checkPiece(piece, catalog)).toEqual({ ok: true, value: undefined });
        pieces.push(await run(sql, catalog));
      }
      const merged = mergePieces(pieces as never, split);
      expect(merged.columns).toEqual(whole.columns);
      expect(sorted(merged.rows)).toEqual(sorted(whole.rows));
      expect(whole.rows.length).toBeGreaterThan(0);
    });
  }

  it('cuts the merged result to the LIMIT, each row from the whole result', async () => {
    const w = world();
    const sql = 'SELECT id, sum(v) OVER w AS x FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) LIMIT 30';
    const whole = sorted((await run(sql.replace(' LIMIT 30', ''), tablet(w, 'A'))).rows);
    const split = splitOf(value(prepare(sql, tablet(w, 'A'), { mode: 'batch', db: 'd' })).plan);
    if (!split.splittable) throw new Error(split.reason);
    expect(split.limit).toBe(30);
    const pieces = [
      await run(sql, value(tablet(w, 'A').piece({ tid: 1, pids: [0, 2], indexPos: 0 }))),
      await run(sql, value(tablet(w, 'B').piece({ tid: 1, pids: [1, 3], indexPos: 0 }))),
    ];
    const merged = mergePieces(pieces as never, split);
    expect(merged.rows).toHaveLength(30);
    for (const row of sorted(merged.rows)) expect(whole).toContain(row);
  });

  it("refuses a piece when this tablet's plan does not split the query by the asked index", () => {
    const c = tablet(world(), 'A');
    const refusal = (sql: string, indexPos: number) => {
      const catalog = value(c.piece({ tid: 1, pids: [0, 2], indexPos }));
      const r = checkPiece(value(prepare(sql, catalog, { mode: 'batch', db: 'd' })), catalog);
      return r.ok ? 'ok' : `${r.code}: ${r.message}`;
    };
    expect(refusal('SELECT k, count(id) AS n FROM t GROUP BY k', 0)).toBe(
      `${Code.sqlPlanError}: query split by partition refused: GROUP BY: a group may hold rows of every partition`,
    );
    expect(refusal('SELECT id FROM t', 1)).toBe(`${Code.sqlPlanError}: query split by partition refused: it splits by index 0 of 't' here, not by index 1`);
    expect(refusal('SELECT rk FROM r', 0)).toBe(`${Code.sqlPlanError}: query split by partition refused: its main table is 'r', not 't'`);
  });
});
