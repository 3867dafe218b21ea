import { describe, expect, it } from 'vitest';
import type { ReplicaStatusRow, TabletInfoMsg } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import type { OpRow } from './admin-api.js';
import { assessHealth, CatchUpTracker, summarizeProblems } from './cluster-health.js';

const table = (replicas: { endpoint: string; isLeader: boolean; isAlive: boolean }[]): TableInfo => ({
  formatVersion: 1,
  tid: 7,
  db: 'd',
  name: 't',
  partitionNum: 1,
  replicaNum: replicas.length,
  schema: { columns: [], indexes: [] },
  partitions: [{ pid: 0, replicas, termOffsets: [{ term: 1, offset: 0 }] }],
  storageMode: 'memory',
  replicationMode: 'async',
  compress: 'none',
  createdAtMs: 0,
});
const status = (endpoint: string, offset: number | undefined): ReplicaStatusRow => ({
  db: 'd',
  name: 't',
  tid: 7,
  pid: 0,
  endpoint,
  isLeader: false,
  isAlive: true,
  ...(offset === undefined ? {} : { offset }),
});
const tablet = (endpoint: string, state: TabletInfoMsg['state'] = 'kHealthy'): TabletInfoMsg => ({ endpoint, state, ageMs: 0, version: '0.1.0' });
const op = (opId: number, status: string): OpRow => ({ opId, opType: 'kRecoverTableOP', db: 'd', name: 't', pid: 0, status, curTask: '-' });
const healthyTable = table([
  { endpoint: 'a', isLeader: true, isAlive: true },
  { endpoint: 'b', isLeader: false, isAlive: true },
]);

describe('assessHealth', () => {
  it('is healthy when ops are done, replicas alive and offsets equal', () => {
    const r = assessHealth({ tables: [healthyTable], replicas: [status('a', 10), status('b', 10)], tablets: [tablet('a'), tablet('b')], ops: [op(1, 'kDone')], opIdBaseline: 0 });
    expect(r).toMatchObject({ healthy: true, problems: [] });
    expect(r.leaderOffsets.get('7_0')).toBe(10);
  });

  it('reports running ops, dead replicas, lag, unreported offsets and offline tablets', () => {
    const t = table([
      { endpoint: 'a', isLeader: true, isAlive: true },
      { endpoint: 'b', isLeader: false, isAlive: true },
      { endpoint: 'c', isLeader: false, isAlive: false },
    ]);
    const r = assessHealth({ tables: [t], replicas: [status('a', 10), status('b', 7)], tablets: [tablet('a'), tablet('b'), tablet('c', 'kOffline')], ops: [op(4, 'kDoing')], opIdBaseline: 0 });
    expect(r.healthy).toBe(false);
    expect(r.problems).toEqual([
      'op 4 kRecoverTableOP d.t pid 0 is kDoing (task -)',
      'd.t pid 0: replica on c is not alive',
      'd.t pid 0: follower b at offset 7, leader at 10',
      'tablet c is kOffline',
    ]);
  });

  it('ignores failed ops from before the upgrade and reports later ones', () => {
    const base = { tables: [healthyTable], replicas: [status('a', 1), status('b', 1)], tablets: [tablet('a'), tablet('b')], opIdBaseline: 5 };
    expect(assessHealth({ ...base, ops: [op(5, 'kFailed')] }).healthy).toBe(true);
    expect(assessHealth({ ...base, ops: [op(6, 'kFailed')] }).failedOps.map((o) => o.opId)).toEqual([6]);
  });

  it('accepts a follower that reached an earlier leader offset (continuous writes)', () => {
    const input = { tables: [healthyTable], replicas: [status('a', 20), status('b', 15)], tablets: [tablet('a'), tablet('b')], ops: [], opIdBaseline: 0 };
    expect(assessHealth(input).healthy).toBe(false);
    expect(assessHealth({ ...input, targets: new Map([['7_0', 15]]) }).healthy).toBe(true);
    expect(assessHealth({ ...input, targets: new Map([['7_0', 16]]) }).healthy).toBe(false);
  });

  it('requires exactly one alive leader', () => {
    const t = table([
      { endpoint: 'a', isLeader: true, isAlive: false },
      { endpoint: 'b', isLeader: false, isAlive: true },
    ]);
    const r = assessHealth({ tables: [t], replicas: [status('b', 1)], tablets: [tablet('a'), tablet('b')], ops: [], opIdBaseline: 0 });
    expect(r.problems).toContain('d.t pid 0: 0 alive leaders');
  });
});

describe('CatchUpTracker', () => {
  it('offers the newest look at least the window old', () => {
    const t = new CatchUpTracker(1000);
    expect(t.targets(0)).toBeUndefined();
    t.observe(0, new Map([['k', 1]]));
    t.observe(600, new Map([['k', 2]]));
    t.observe(1200, new Map([['k', 3]]));
    expect(t.targets(900)).toBeUndefined();
    expect(t.targets(1000)?.get('k')).toBe(1);
    expect(t.targets(1700)?.get('k')).toBe(2);
  });
});

describe('summarizeProblems', () => {
  it('shows the first few and counts the rest', () => {
    expect(summarizeProblems(['a', 'b', 'c', 'd', 'e'])).toBe('a; b; c; and 2 more');
    expect(summarizeProblems([])).toBe('none');
  });
});
