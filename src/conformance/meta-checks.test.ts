import { describe, expect, it } from 'vitest';
import type { ExpectSpec } from './case-model.js';
import type { DeploymentMeta, TableMeta } from './engine.js';
import { checkDeploymentMeta, checkTableMeta, formatTtl } from './meta-checks.js';

describe('formatTtl', () => {
  it('prints TTLs as the reference does', () => {
    expect(formatTtl({ type: 'absolute', absMinutes: 100, latCount: 0 })).toBe('100min');
    expect(formatTtl({ type: 'latest', absMinutes: 0, latCount: 2 })).toBe('2');
    expect(formatTtl({ type: 'absandlat', absMinutes: 10, latCount: 10 })).toBe('10min&&10');
    expect(formatTtl({ type: 'absorlat', absMinutes: 10, latCount: 10 })).toBe('10min||10');
  });
});

describe('checkTableMeta', () => {
  const meta: TableMeta = {
    partitionNum: 8,
    replicaNum: 1,
    indexes: [
      { name: 'INDEX_0_1', keyColumns: ['id'], ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } },
      { name: 'index1', keyColumns: ['c1', 'c2'], tsColumn: 'c4', ttl: { type: 'absorlat', absMinutes: 10, latCount: 10 } },
    ],
  };

  it('compares keys, ts ("-" for none), TTL and TTL type in order', () => {
    const expect_: ExpectSpec = {
      success: true,
      idxs: [
        { keys: ['id'], ts: '-', ttl: '0min', ttlType: 'kAbsoluteTime' },
        { keys: ['c1', 'c2'], ts: 'c4', ttl: '10min||10', ttlType: 'kAbsOrLat' },
      ],
      options: { partitionNum: 8, replicaNum: 1 },
    };
    expect(checkTableMeta(expect_, meta).ok).toBe(true);
    const wrong = checkTableMeta({ success: true, idxs: [expect_.idxs![1]!, expect_.idxs![0]!] }, meta);
    expect(!wrong.ok && wrong.message).toBe(
      'indexes differ:\n' +
        '  expected: keys=c1|c2 ts=c4 ttl=10min||10 ttlType=kAbsOrLat; keys=id ts=- ttl=0min ttlType=kAbsoluteTime\n' +
        '  actual:   keys=id ts=- ttl=0min ttlType=kAbsoluteTime; keys=c1|c2 ts=c4 ttl=10min||10 ttlType=kAbsOrLat',
    );
  });

  it('checks partition and replica numbers', () => {
    const r = checkTableMeta({ success: true, options: { partitionNum: 1 } }, meta);
    expect(!r.ok && r.message).toBe('expected partitionNum 1, table has 8');
  });
});

describe('checkDeploymentMeta', () => {
  const meta: DeploymentMeta = {
    db: 'test_zw',
    name: 'deploy_t1',
    sql: 'DEPLOY deploy_t1 SELECT\n*\nFROM\nt1\n;',
    inputColumns: [
      { name: 'c1', type: 'string', isConstant: false },
      { name: 'c2', type: 'smallint', isConstant: false },
    ],
    outputColumns: [{ name: 'c1', type: 'string', isConstant: false }],
  };

  it('compares name, database, SQL (ignoring layout) and the column tables', () => {
    const r = checkDeploymentMeta(
      {
        name: 'deploy_t1',
        dbName: 'test_zw',
        sql: 'DEPLOY deploy_t1 SELECT\n  *\n  FROM\n  t1\n  ;\n',
        inColumns: ['1,c1,kVarchar,NO', '2,c2,kInt16,NO'],
        outColumns: ['1,c1,kVarchar,NO'],
      },
      meta,
    );
    expect(r.ok).toBe(true);
    const wrong = checkDeploymentMeta({ outColumns: ['1,c1,kInt32,NO'] }, meta);
    expect(!wrong.ok && wrong.message).toBe('deployment output columns differ:\n  expected: 1,c1,kInt32,NO\n  actual:   1,c1,kVarchar,NO');
    expect(checkDeploymentMeta({ sql: 'DEPLOY deploy_t1 SELECT c1 FROM t1;' }, meta).ok).toBe(false);
    expect(checkDeploymentMeta({ dbName: 'other' }, meta).ok).toBe(false);
  });
});
