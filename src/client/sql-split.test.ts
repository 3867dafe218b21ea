import { describe, expect, it } from 'vitest';
import { ok } from '../base/status.js';
import { TABLE_INFO_FORMAT_VERSION, type TableInfo } from '../protocol/schema.js';
import { queryOf } from '../sql/engine.js';
import type { DbClient } from './db-client.js';
import { mergePieces, piecesByLeader, SqlSplitPlanner } from './sql-split.js';
import { TableHandle } from './table-handle.js';

const NO_TTL = { type: 'absolute', absMinutes: 0, latCount: 0 } as const;

function handle(leaders: (string | undefined)[]): TableHandle {
  const info: TableInfo = {
    formatVersion: TABLE_INFO_FORMAT_VERSION,
    tid: 7,
    db: 'd',
    name: 't',
    partitionNum: leaders.length,
    replicaNum: 1,
    schema: {
      columns: [
        { name: 'id', type: 'int', notNull: false },
        { name: 'k', type: 'string', notNull: false },
        { name: 'ts', type: 'timestamp', notNull: false },
      ],
      indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: NO_TTL }],
    },
    // Listed out of pid order on purpose.
    partitions: leaders
      .map((endpoint, pid) => ({
        pid,
        replicas: endpoint === undefined ? [] : [{ endpoint, isLeader: true, isAlive: true }, { endpoint: 'F:1', isLeader: false, isAlive: true }],
        termOffsets: [],
      }))
      .reverse(),
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
  return new TableHandle(info);
}

describe('dealing partitions to their leaders', () => {
  it('groups the partitions by leader, in order of each group’s first partition', () => {
    expect(piecesByLeader(handle(['B:1', 'A:1', 'B:1', 'C:1', 'A:1']))).toEqual(
      ok([
        { endpoint: 'B:1', pids: [0, 2] },
        { endpoint: 'A:1', pids: [1, 4] },
        { endpoint: 'C:1', pids: [3] },
      ]),
    );
  });

  it('fails when a partition has no alive leader', () => {
    const r = piecesByLeader(handle(['A:1', undefined]));
    expect(r.ok ? 'ok' : r.message).toBe("table 'd.t' partition 1 has no alive leader");
  });
});

describe('merging the answers of the pieces', () => {
  const columns = [{ name: 'k', type: 'string' as const }];
  const a = { columns, rows: [['x'], ['y'], [null]] };
  const b = { columns, rows: [['y'], ['z'], [null]] };

  it('concatenates in piece order', () => {
    expect(mergePieces([a, b], { distinct: false })).toEqual({ columns, rows: [['x'], ['y'], [null], ['y'], ['z'], [null]] });
  });

  it('drops rows another piece already gave for DISTINCT, then cuts to the LIMIT', () => {
    expect(mergePieces([a, b], { distinct: true })).toEqual({ columns, rows: [['x'], ['y'], [null], ['z']] });
    expect(mergePieces([a, b], { distinct: true, limit: 2 }).rows).toEqual([['x'], ['y']]);
    expect(mergePieces([a, b], { distinct: false, limit: 4 }).rows).toEqual([['x'], ['y'], [null], ['y']]);
    expect(mergePieces([a, b], { distinct: false, limit: 0 }).rows).toEqual([]);
  });

  it('tells values of different types apart when removing duplicates', () => {
    const mixed = [{ name: 'c', type: 'string' as const }];
    expect(mergePieces([{ columns: mixed, rows: [[1], ['1'], [1n]] }, { columns: mixed, rows: [[1n]] }], { distinct: true }).rows).toEqual([[1], ['1'], [1n]]);
  });
});

describe('deciding on the client whether a query splits', () => {
  function planner(changes: { n: number }, loads: { n: number }) {
    const h = handle(['A:1', 'B:1']);
    const client = {
      get metadataChanges() {
        return changes.n;
      },
      tablesSnapshot: async () => {
        loads.n++;
        return ok(new Map([['d.t', h]]));
      },
    } as unknown as DbClient;
    return { h, p: new SqlSplitPlanner(client, 2) };
  }

  async function choose(p: SqlSplitPlanner, sql: string) {
    const q = queryOf(sql);
    if (!q.ok) throw new Error(q.message);
    const r = await p.choose(q.value, sql, 'd', []);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  }

  it('plans on the cached schemas and names the table handle and index to split by', async () => {
    const { h, p } = planner({ n: 0 }, { n: 0 });
    const choice = await choose(p, 'SELECT id, count(id) OVER w AS n FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) LIMIT 3');
    expect(choice).toEqual({ split: { handle: h, indexPos: 0, distinct: false, limit: 3 } });
    expect(await choose(p, 'SELECT k, count(id) AS n FROM t GROUP BY k')).toEqual({ reason: 'GROUP BY: a group may hold rows of every partition' });
    expect(await choose(p, 'SELECT id FROM nope')).toEqual({ reason: "planning on the client failed: table 'nope' does not exist in database 'd' [at 1:16]" });
  });

  it('keeps a decision until the metadata changes', async () => {
    const changes = { n: 0 };
    const loads = { n: 0 };
    const { p } = planner(changes, loads);
    await choose(p, 'SELECT id FROM t');
    await choose(p, 'SELECT id FROM t');
    expect(loads.n).toBe(1);
    changes.n++;
    await choose(p, 'SELECT id FROM t');
    expect(loads.n).toBe(2);
  });
});
