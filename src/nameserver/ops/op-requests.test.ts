import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { type OpRequest, planOpRequest } from './op-requests.js';
import { tableOf, viewOf } from './view-builder.js';

const config = { concurrencyDefault: 2, concurrencyMax: 8, checkBinlogSyncProgressDelta: 100 };
const t = tableOf(1, 't', [['a*', 'b', 'c'], ['b*', 'c'], ['a*-', 'b', 'c'], ['a*', 'b-']]);
const view = (extra: { autoFailover?: boolean; healthy?: string[]; offline?: Record<string, number> } = {}) =>
  viewOf({ tables: [t], healthy: extra.healthy ?? ['a', 'b', 'c', 'd'], offline: extra.offline, autoFailover: extra.autoFailover });

const code = (req: OpRequest, v = view()) => {
  const r = planOpRequest(req, v, config);
  return r.ok ? 0 : r.code;
};
const ops = (req: OpRequest, v = view()) => {
  const r = planOpRequest(req, v, config);
  if (!r.ok) throw new Error(r.message);
  return r.value.ops.map((o) => `${o.target.pid}:${o.spec.opType}:c${o.concurrency}`);
};

describe('admin command validation (§6.4, §8)', () => {
  it('refuses the listed commands while auto_failover is on, and allows the others', () => {
    const on = view({ autoFailover: true });
    expect(code({ kind: 'changeLeader', db: 'db', name: 't', pid: 2 }, on)).toBe(Code.autoFailoverIsEnabled);
    expect(code({ kind: 'offlineEndpoint', endpoint: 'a' }, on)).toBe(Code.autoFailoverIsEnabled);
    expect(code({ kind: 'recoverEndpoint', endpoint: 'a' }, on)).toBe(Code.autoFailoverIsEnabled);
    expect(code({ kind: 'recoverTable', db: 'db', name: 't', pid: 3, endpoint: 'b' }, on)).toBe(Code.autoFailoverIsEnabled);
    expect(code({ kind: 'migrate', srcEndpoint: 'c', db: 'db', name: 't', pids: [0], desEndpoint: 'd' }, on)).toBe(Code.autoFailoverIsEnabled);
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [1], endpoint: 'd' }, on)).toBe(0);
    expect(code({ kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'c' }, on)).toBe(0);
    expect(code({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 }, on)).toBe(0);
    // The failover path itself is not refused.
    expect(planOpRequest({ kind: 'offlineEndpoint', endpoint: 'a' }, on, config, 'autoFailover').ok).toBe(true);
  });

  it('changeleader: needs followers, refuses an alive leader without auto/candidate', () => {
    expect(code({ kind: 'changeLeader', db: 'db', name: 't', pid: 0 })).toBe(Code.leaderIsAlive);
    expect(ops({ kind: 'changeLeader', db: 'db', name: 't', pid: 0, candidate: 'auto' })).toEqual(['0:kChangeLeaderOP:c2']);
    expect(ops({ kind: 'changeLeader', db: 'db', name: 't', pid: 2 })).toEqual(['2:kChangeLeaderOP:c2']);
    expect(code({ kind: 'changeLeader', db: 'db', name: 't', pid: 3, candidate: 'auto' })).toBe(Code.noAliveFollower);
    expect(code({ kind: 'changeLeader', db: 'db', name: 't', pid: 0, candidate: 'd' })).toBe(Code.invalidParameter);
    expect(code({ kind: 'changeLeader', db: 'db', name: 'nope', pid: 0 })).toBe(Code.tableNotFound);
    expect(code({ kind: 'changeLeader', db: 'db', name: 't', pid: 9 })).toBe(Code.pidIsNotExist);
    const single = tableOf(2, 's', [['a*']]);
    expect(code({ kind: 'changeLeader', db: 'db', name: 's', pid: 0, candidate: 'auto' }, viewOf({ tables: [single], healthy: ['a'] }))).toBe(
      Code.noFollower,
    );
  });

  it('addreplica: healthy endpoint, not already a replica, concurrency 1', () => {
    expect(ops({ kind: 'addReplica', db: 'db', name: 't', pids: [0, 1], endpoint: 'd' })).toEqual(['0:kAddReplicaOP:c1', '1:kAddReplicaOP:c1']);
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [1], endpoint: 'a' })).toBe(0);
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'b' })).toBe(Code.pidAlreadyExists);
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' }, view({ healthy: ['a'], offline: { d: 0 } }))).toBe(
      Code.tabletIsNotHealthy,
    );
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'zz' })).toBe(Code.endpointIsNotExist);
    expect(code({ kind: 'addReplica', db: 'db', name: 't', pids: [], endpoint: 'd' })).toBe(Code.invalidParameter);
  });

  it('delreplica: the endpoint must hold the pid and not lead it', () => {
    expect(ops({ kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'c' })).toEqual(['0:kDelReplicaOP:c2']);
    expect(code({ kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'a' })).toBe(Code.tableIsLeader);
    expect(code({ kind: 'delReplica', db: 'db', name: 't', pids: [1], endpoint: 'a' })).toBe(Code.invalidParameter);
  });

  it('migrate: healthy ends, alive leader that is not the source, source holds, destination does not', () => {
    expect(ops({ kind: 'migrate', srcEndpoint: 'c', db: 'db', name: 't', pids: [0, 1], desEndpoint: 'd' })).toEqual([
      '0:kMigrateOP:c2',
      '1:kMigrateOP:c2',
    ]);
    expect(code({ kind: 'migrate', srcEndpoint: 'a', db: 'db', name: 't', pids: [0], desEndpoint: 'd' })).toBe(Code.migrateFailed);
    expect(code({ kind: 'migrate', srcEndpoint: 'b', db: 'db', name: 't', pids: [2], desEndpoint: 'd' })).toBe(Code.migrateFailed);
    expect(code({ kind: 'migrate', srcEndpoint: 'c', db: 'db', name: 't', pids: [0], desEndpoint: 'b' })).toBe(Code.migrateFailed);
    expect(code({ kind: 'migrate', srcEndpoint: 'd', db: 'db', name: 't', pids: [0], desEndpoint: 'd' })).toBe(Code.invalidParameter);
  });

  it('recovertable: the replica must be dead', () => {
    expect(ops({ kind: 'recoverTable', db: 'db', name: 't', pid: 3, endpoint: 'b' })).toEqual(['3:kRecoverTableOP:c2']);
    expect(code({ kind: 'recoverTable', db: 'db', name: 't', pid: 0, endpoint: 'b' })).toBe(Code.partitionIsAlive);
    expect(code({ kind: 'recoverTable', db: 'db', name: 't', pid: 1, endpoint: 'a' })).toBe(Code.endpointIsNotExist);
  });

  it('endpoint commands: known endpoint, concurrency within the bound', () => {
    expect(code({ kind: 'offlineEndpoint', endpoint: 'zz' })).toBe(Code.endpointIsNotExist);
    expect(code({ kind: 'offlineEndpoint', endpoint: 'a', concurrency: 9 })).toBe(Code.invalidParameter);
    expect(ops({ kind: 'offlineEndpoint', endpoint: 'a', concurrency: 8 })).toEqual(['0:kChangeLeaderOP:c8', '2:kChangeLeaderOP:c8']);
    expect(code({ kind: 'recoverEndpoint', endpoint: 'd' }, view({ healthy: ['a'], offline: { d: 0 } }))).toBe(Code.tabletIsNotHealthy);
  });
});
