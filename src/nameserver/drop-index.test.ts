import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { DEPLOYMENT_FORMAT_VERSION, type DeploymentInfo } from '../protocol/messages.js';
import { type IndexDef, TABLE_INFO_FORMAT_VERSION, type TableInfo } from '../protocol/schema.js';
import { indexesUsedBy, planDropIndex } from './drop-index.js';
import { SchemaCatalog } from './schema-catalog.js';

const ttl = { type: 'absolute', absMinutes: 0, latCount: 0 } as const;

function index(name: string, keyColumns: string[], tsColumn?: string): IndexDef {
  return tsColumn === undefined ? { name, keyColumns, ttl } : { name, keyColumns, tsColumn, ttl };
}

function table(name: string, indexes: IndexDef[]): TableInfo {
  return {
    formatVersion: TABLE_INFO_FORMAT_VERSION,
    tid: name.length,
    db: 'db1',
    name,
    partitionNum: 1,
    replicaNum: 1,
    schema: {
      columns: [
        { name: 'c1', type: 'string', notNull: false },
        { name: 'c2', type: 'string', notNull: false },
        { name: 'c3', type: 'int', notNull: false },
        { name: 'c7', type: 'timestamp', notNull: false },
      ],
      indexes,
    },
    partitions: [],
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
}

function deployment(name: string, select: string): DeploymentInfo {
  return {
    formatVersion: DEPLOYMENT_FORMAT_VERSION,
    db: 'db1',
    name,
    sql: `DEPLOY ${name} ${select}`,
    normalizedSql: '',
    mainTable: { db: 'db1', name: 't1' },
    inputSchema: [],
    outputSchema: [],
    tables: [{ db: 'db1', name: 't1' }],
    options: { skipIndexCheck: false, sync: true },
    routingColumns: [],
    createdAtMs: 0,
  };
}

const t1 = table('t1', [index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7'), index('by_c3', ['c3'], 'c7')]);
const none = () => [];

describe('planDropIndex', () => {
  it('marks the index dropped in place; the others keep their positions', () => {
    const plan = planDropIndex(t1, 'BY_C2', none);
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.value.position).toBe(1);
    expect(plan.value.schema.indexes.map((i) => [i.name, i.dropped === true])).toEqual([
      ['by_c1', false],
      ['by_c2', true],
      ['by_c3', false],
    ]);
  });

  it('refuses an unknown or already dropped index, naming it and the live ones', () => {
    const unknown = planDropIndex(t1, 'nope', none);
    expect(unknown).toMatchObject({ ok: false, code: Code.indexNotFound });
    if (!unknown.ok) expect(unknown.message).toBe("drop index failed: table 'db1.t1' has no index 'nope' (indexes: by_c1, by_c2, by_c3)");
    const dropped = planDropIndex({ ...t1, schema: { ...t1.schema, indexes: t1.schema.indexes.map((i, n) => (n === 1 ? { ...i, dropped: true } : i)) } }, 'by_c2', none);
    expect(dropped).toMatchObject({ ok: false, code: Code.indexNotFound });
    if (!dropped.ok) expect(dropped.message).toContain('(indexes: by_c1, by_c3)');
  });

  it('refuses the first index, which is also the last live one', () => {
    const first = planDropIndex(t1, 'by_c1', none);
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.message).toContain("index 'by_c1' is the table's first index");
    const onlyOne = table('t2', [index('by_c1', ['c1']), { ...index('by_c2', ['c2']), dropped: true }]);
    expect(planDropIndex(onlyOne, 'by_c1', none).ok).toBe(false);
  });

  it('refuses an index a deployment uses, naming the deployment', () => {
    const r = planDropIndex(t1, 'by_c2', (position) => (position === 1 ? ['db1.d1', 'db1.d2'] : []));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("drop index failed: table 'db1.t1': index 'by_c2' is used by deployment db1.d1, db1.d2; drop the deployment first");
    expect(planDropIndex(t1, 'by_c3', (position) => (position === 1 ? ['db1.d1'] : [])).ok).toBe(true);
  });

  it('refuses a table that is not in memory', () => {
    expect(planDropIndex({ ...t1, storageMode: 'ssd' }, 'by_c2', none).ok).toBe(false);
  });
});

describe('indexesUsedBy', () => {
  const catalog = (tables: TableInfo[]) => new SchemaCatalog(tables, new Set(['db1']));

  it('lists the index each window reads', () => {
    const d = deployment('d1', 'SELECT c1, sum(c3) OVER w AS s FROM t1 WINDOW w AS (PARTITION BY c2 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(indexesUsedBy(d, catalog([t1]))).toEqual([{ db: 'db1', table: 't1', indexPos: 1 }]);
    const other = deployment('d2', 'SELECT c1, sum(c3) OVER w AS s FROM t1 WINDOW w AS (PARTITION BY c3 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(indexesUsedBy(other, catalog([t1]))).toEqual([{ db: 'db1', table: 't1', indexPos: 2 }]);
  });

  it('a deployment that no longer plans uses nothing', () => {
    const d = deployment('d1', 'SELECT c1, sum(c3) OVER w AS s FROM t1 WINDOW w AS (PARTITION BY c2 ORDER BY c7 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(indexesUsedBy(d, catalog([]))).toEqual([]);
  });
});
