import { describe, expect, it } from 'vitest';
import { checkAckedWrites, checkAll, checkConvergence, checkOps, checkRows } from './checker.js';
import type { ClusterSnapshot, OpSnapshot, PartitionSnapshot, ReplicaSnapshot } from './cluster-snapshot.js';
import type { WriteRecord } from './workload.js';

const row = (v: string) => `${v}|00${v}`;

function replica(endpoint: string, isLeader: boolean, values: string[], extra: Partial<ReplicaSnapshot> = {}): ReplicaSnapshot {
  return {
    endpoint,
    isLeader,
    isAlive: true,
    held: { mode: isLeader ? 'leader' : 'follower', term: 3, offset: values.length, state: 'normal', followers: [], rows: values.map(row).sort() },
    ...extra,
  };
}

function partition(table: string, replicas: ReplicaSnapshot[], mode: 'sync' | 'async' = 'sync', pid = 0): PartitionSnapshot {
  return { table, tid: 2, pid, replicationMode: mode, replicas };
}

function write(value: string, table: string, status: WriteRecord['status'] = 'acked'): WriteRecord {
  return { value, table, key: 'k1', client: 'client-1', startedAtMs: 10, status, probe: false };
}

const healthy: ClusterSnapshot = {
  partitions: [
    partition('t_sync', [replica('a', true, ['v1', 'v2']), replica('b', false, ['v1', 'v2']), replica('c', false, ['v2', 'v1'])]),
    partition('t_async', [replica('a', true, ['v3']), replica('b', false, ['v3'])], 'async'),
  ],
  ops: [],
};
const records = [write('v1', 't_sync'), write('v2', 't_sync'), write('v3', 't_async'), write('v4', 't_sync', 'failed')];

describe('checker', () => {
  it('passes a converged cluster that kept every acknowledged write', () => {
    expect(checkAll(healthy, records)).toEqual({ violations: [], lostSync: 0, lostAsync: 0 });
  });

  it('catches a follower that lost a row, and one with a row its leader lacks', () => {
    const s: ClusterSnapshot = {
      partitions: [partition('t_sync', [replica('a', true, ['v1', 'v2']), replica('b', false, ['v1']), replica('c', false, ['v1', 'v2', 'v9'])])],
      ops: [],
    };
    const v = checkConvergence(s).map((x) => x.message);
    expect(v).toHaveLength(2);
    expect(v[0]).toMatch(/follower b .* missing \[v2\], extra \[\]/);
    expect(v[1]).toMatch(/follower c .* missing \[\], extra \[v9\]/);
  });

  it('catches a partition with no serving leader, or an alive replica its tablet does not hold', () => {
    const noLeader = partition('t_sync', [replica('a', true, ['v1'], { isAlive: false }), replica('b', false, ['v1'])]);
    const notHeld = partition('t_sync', [replica('a', true, ['v1']), { endpoint: 'b', isLeader: false, isAlive: true }], 'sync', 1);
    const v = checkConvergence({ partitions: [noLeader, notHeld], ops: [] }).map((x) => x.message);
    expect(v[0]).toMatch(/has 0 alive leaders/);
    expect(v[1]).toMatch(/replica b is alive in the metadata but its tablet does not hold it/);
  });

  it('reports an acknowledged write missing from a sync table as a violation, from an async table as a count', () => {
    const s: ClusterSnapshot = {
      partitions: [partition('t_sync', [replica('a', true, ['v1'])]), partition('t_async', [replica('a', true, [])], 'async')],
      ops: [],
    };
    const r = checkAckedWrites(s, records);
    expect(r.lostSync).toBe(1);
    expect(r.lostAsync).toBe(1);
    expect(r.violations.map((x) => x.message)).toEqual([
      '1 acknowledged write(s) to sync tables are not on the final leader: v2 (t_sync, key k1, by client-1 at 10 ms)',
    ]);
  });

  it('catches rows nobody wrote and rows stored twice', () => {
    const s: ClusterSnapshot = {
      partitions: [partition('t_sync', [replica('a', true, ['v1', 'v1', 'v3', 'vX'])])],
      ops: [],
    };
    const v = checkRows(s, records).map((x) => x.message);
    expect(v).toEqual([
      't_sync (tid 2) pid 0 on a holds rows no client wrote to this table: v3, vX',
      't_sync (tid 2) pid 0 on a holds rows twice: v1',
    ]);
  });

  it('catches ops that did not end, in the engine or in ZooKeeper', () => {
    const op = (status: string, source: OpSnapshot['source']): OpSnapshot => ({ source, opId: 7, opType: 'kAddReplicaOP', status, table: 'sim.t', pid: 0, curTask: '-' });
    const s: ClusterSnapshot = { partitions: [], ops: [op('kDone', 'engine'), op('kFailed', 'zk'), op('kCanceled', 'engine'), op('kDoing', 'engine'), op('kInited', 'zk')] };
    expect(checkOps(s).map((x) => x.message)).toEqual([
      'op 7 kAddReplicaOP on sim.t pid 0 is kDoing (-) in the leader',
      'op 7 kAddReplicaOP on sim.t pid 0 is kInited (-) in its ZooKeeper record',
    ]);
  });
});
