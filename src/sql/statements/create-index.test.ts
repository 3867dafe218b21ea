import { describe, expect, it } from 'vitest';
import type { TableSchema } from '../../protocol/schema.js';
import { planCreateIndex } from './create-index.js';
import { parsed } from './test-helpers.js';

const schema: TableSchema = {
  columns: [
    { name: 'c1', type: 'string', notNull: false },
    { name: 'c2', type: 'int', notNull: false },
    { name: 'c3', type: 'timestamp', notNull: false },
    { name: 'c4', type: 'timestamp', notNull: false },
    { name: 'c5', type: 'double', notNull: false },
  ],
  indexes: [{ name: 'INDEX_0_1', keyColumns: ['c1'], tsColumn: 'c4', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

function index(sql: string) {
  const r = planCreateIndex(parsed(sql, 'createIndex'), schema);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function failure(sql: string): string {
  const r = planCreateIndex(parsed(sql, 'createIndex'), schema);
  if (r.ok) throw new Error(`expected a failure: ${sql}`);
  return r.message;
}

describe('CREATE INDEX (ddl/test_create_index.yaml)', () => {
  it('converts keys, ts and TTL', () => {
    expect(index('CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute)')).toEqual({
      table: 't',
      index: { name: 'index1', keyColumns: ['c2'], tsColumn: 'c4', ttl: { type: 'absolute', absMinutes: 100, latCount: 0 } },
    });
    expect(index('CREATE INDEX index1 ON db.t (c1,C2) OPTIONS (ts=c4, ttl=1d)')).toEqual({
      db: 'db',
      table: 't',
      index: { name: 'index1', keyColumns: ['c1', 'c2'], tsColumn: 'c4', ttl: { type: 'absolute', absMinutes: 1440, latCount: 0 } },
    });
    expect(index('CREATE INDEX i ON t (c2) OPTIONS (ts=c4, ttl=1s)').index.ttl.absMinutes).toBe(1);
    expect(index('CREATE INDEX i ON t (c2) OPTIONS (ts=c4, ttl=0, ttl_type=latest)').index.ttl).toEqual({ type: 'latest', absMinutes: 0, latCount: 0 });
    expect(index('CREATE INDEX i ON t (c2) OPTIONS (ts=c4, ttl=(10m,10), ttl_type=absorlat)').index.ttl).toEqual({
      type: 'absorlat',
      absMinutes: 10,
      latCount: 10,
    });
    expect(index('CREATE INDEX i ON t (c2) OPTIONS (ttl=100m, ttl_type=absolute)').index).toEqual({
      name: 'i',
      keyColumns: ['c2'],
      ttl: { type: 'absolute', absMinutes: 100, latCount: 0 },
    });
    expect(index('CREATE INDEX i ON t (c2)').index.ttl).toEqual({ type: 'absolute', absMinutes: 0, latCount: 0 });
  });

  it.each([
    ['2 ttl without unit', 'CREATE INDEX index1 ON t (c1,c2) OPTIONS (ttl=100, ttl_type=absolute)'],
    ['5 latest with a unit', 'CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=1d, ttl_type=latest)'],
    ['10 absolute ttl=1', 'CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=1, ttl_type=absolute)'],
    ['11 absolute ttl=0', 'CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=0, ttl_type=absolute)'],
    ['16 absandlat reversed', 'CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=(10,10m), ttl_type=absandlat)'],
    ['17 absorlat reversed', 'CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=(10,10m), ttl_type=absorlat)'],
    ['33 same key and ts as an existing index', 'CREATE INDEX index1 ON t (c1) OPTIONS (ts=c4, ttl=100m, ttl_type=absolute)'],
    ['a missing column', 'CREATE INDEX index1 ON t (c9)'],
    ['a double key', 'CREATE INDEX index1 ON t (c5)'],
    ['an int ts', 'CREATE INDEX index1 ON t (c1) OPTIONS (ts=c2)'],
    ['an existing name', 'CREATE INDEX INDEX_0_1 ON t (c2)'],
  ])('refuses case %s', (_, sql) => {
    expect(failure(sql)).toMatch(/^create index failed: /);
  });

  it('names the problem', () => {
    expect(failure('CREATE INDEX index1 ON t (c9)')).toBe("create index failed: index 'index1': key column 'c9' does not exist [at 1:26]");
    expect(failure('CREATE INDEX index1 ON t (c2) OPTIONS (ts=c4, ttl=1, ttl_type=absolute)')).toMatch(
      /^create index failed: index 'index1': TTL 1 has no unit/,
    );
  });
});
