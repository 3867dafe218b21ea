import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import { decideRecoverTable, planRecoverTable, recoverTableChildSpec } from './recover-table-decision.js';
import { tableOf, viewOf } from './view-builder.js';

const history = [
  { term: 1, offset: 0 },
  { term: 3, offset: 11 },
];

describe('planRecoverTable', () => {
  const t = tableOf(1, 't', [['a*', 'b-', 'c'], ['x*-', 'b*', 'c']]);
  const view = viewOf({ tables: [t], healthy: ['a', 'b', 'c', 'x'] });

  it('runs for a dead replica with an alive leader', () => {
    expect(planRecoverTable(view, t, 0, 'b')).toEqual({ ok: true, value: { kind: 'run', endpoint: 'b', leader: 'a', singleReplica: false } });
  });

  it('does nothing for a replica that is alive again', () => {
    expect(planRecoverTable(view, t, 0, 'c')).toEqual({ ok: true, value: { kind: 'alreadyAlive', endpoint: 'c' } });
  });

  it('resolves OFFLINE_LEADER_ENDPOINT to the replica marked leader and not alive', () => {
    expect(planRecoverTable(view, t, 1, OFFLINE_LEADER_ENDPOINT)).toEqual({
      ok: true,
      value: { kind: 'run', endpoint: 'x', leader: 'b', singleReplica: false },
    });
    const none = planRecoverTable(view, t, 0, OFFLINE_LEADER_ENDPOINT);
    expect(none.ok).toBe(false);
  });

  it('fails on an unhealthy endpoint or a partition without an alive leader', () => {
    const down = planRecoverTable(viewOf({ tables: [t], healthy: ['a', 'c'], offline: { b: 0 } }), t, 0, 'b');
    expect(down.ok ? 0 : down.code).toBe(Code.tabletIsNotHealthy);
    const headless = tableOf(2, 'h', [['a*-', 'b-', 'c']]);
    expect(planRecoverTable(viewOf({ tables: [headless], healthy: ['a', 'b', 'c'] }), headless, 0, 'b').ok).toBe(false);
  });

  it('a single-replica partition needs no leader', () => {
    const single = tableOf(3, 's', [['a*-']]);
    expect(planRecoverTable(viewOf({ tables: [single], healthy: ['a'] }), single, 0, 'a')).toEqual({
      ok: true,
      value: { kind: 'run', endpoint: 'a', leader: null, singleReplica: true },
    });
  });
});

describe('decideRecoverTable (§6.3 step 8)', () => {
  const decide = (hasTable: boolean, term: number, offset: number, leaderSnapshotOffset: number, singleReplica = false) => {
    const r = decideRecoverTable({ singleReplica, facts: { hasTable, isLeader: false, term, offset }, termOffsets: history, leaderSnapshotOffset });
    return r.ok ? r.value : r.message;
  };

  it('re-attaches a loaded replica that matches and is past the leader snapshot', () => {
    expect(decide(true, 1, 10, 5)).toBe('kReAddReplicaSimplifyOP');
  });
  it('drops and rebuilds a loaded replica that diverged or fell behind the snapshot', () => {
    expect(decide(true, 1, 12, 5)).toBe('kReAddReplicaWithDropOP');
    expect(decide(true, 3, 12, 13)).toBe('kReAddReplicaWithDropOP');
  });
  it('loads an unloaded replica from its own snapshot when that still fits', () => {
    expect(decide(false, 3, 15, 12)).toBe('kReAddReplicaNoSendOP');
  });
  it('sends a full snapshot otherwise', () => {
    expect(decide(false, 3, 15, 16)).toBe('kReAddReplicaOP');
    expect(decide(false, 1, 0, 0)).toBe('kReAddReplicaOP');
    expect(decide(false, 2, 5, 0)).toBe('kReAddReplicaOP');
  });
  it('single replica: update status if loaded, reload as leader if not', () => {
    expect(decide(true, 9, 9, 0, true)).toBe('kUpdatePartitionStatusOP');
    expect(decide(false, 9, 9, 0, true)).toBe('kReLoadTableOP');
  });

  it('child specs inherit the parent data with the resolved endpoint', () => {
    const parent = { endpoint: OFFLINE_LEADER_ENDPOINT, offsetDelta: 0, isLeader: true, concurrency: 3 };
    expect(recoverTableChildSpec('kReAddReplicaOP', parent, 'x')).toEqual({ opType: 'kReAddReplicaOP', data: { ...parent, endpoint: 'x' } });
    expect(recoverTableChildSpec('kUpdatePartitionStatusOP', parent, 'x')).toEqual({
      opType: 'kUpdatePartitionStatusOP',
      data: { endpoint: 'x', isLeader: true, isAlive: true },
    });
    expect(recoverTableChildSpec('kReLoadTableOP', parent, 'x')).toEqual({ opType: 'kReLoadTableOP', data: { endpoint: 'x' } });
  });
});
