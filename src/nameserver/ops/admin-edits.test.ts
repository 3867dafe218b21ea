import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { parseConfSet, planSetTablePartition, planSetTtl, planUpdateTableAlive } from './admin-edits.js';
import { replicasOf, tableOf, viewOf } from './view-builder.js';

const t = tableOf(1, 't', [['a*', 'b'], ['b*', 'c']]);
const view = viewOf({ tables: [t], healthy: ['a', 'b', 'c'] });
const auto = viewOf({ tables: [t], healthy: ['a', 'b', 'c'], autoFailover: true });

describe('admin edits', () => {
  it('confset accepts only auto_failover true|false, case-insensitively', () => {
    expect(parseConfSet('AUTO_FAILOVER', 'True')).toEqual({ ok: true, value: { autoFailover: true } });
    expect(parseConfSet('auto_failover', 'false')).toEqual({ ok: true, value: { autoFailover: false } });
    expect(parseConfSet('auto_failover', 'yes').ok).toBe(false);
    expect(parseConfSet('other', 'true').ok).toBe(false);
  });

  it('setttl validates type, bounds and index', () => {
    expect(planSetTtl(view, { db: 'db', name: 't', ttl: { type: 'latest', absMinutes: 5, latCount: 3 } })).toEqual({
      ok: true,
      value: { tid: 1, indexes: ['idx0'], ttl: { type: 'latest', absMinutes: 0, latCount: 3 } },
    });
    const tooMany = planSetTtl(view, { db: 'db', name: 't', ttl: { type: 'latest', absMinutes: 0, latCount: 1001 } });
    expect(tooMany.ok ? 0 : tooMany.code).toBe(Code.invalidParameter);
    const noIndex = planSetTtl(view, { db: 'db', name: 't', index: 'nope', ttl: { type: 'absolute', absMinutes: 1, latCount: 0 } });
    expect(noIndex.ok ? 0 : noIndex.code).toBe(Code.indexNotFound);
  });

  it('updatetablealive flips one pid or all, refused under auto_failover', () => {
    expect(planUpdateTableAlive(view, { db: 'db', name: 't', pid: '*', endpoint: 'b', isAlive: false })).toEqual({
      ok: true,
      value: [
        { kind: 'setReplicaAlive', tid: 1, pid: 0, endpoint: 'b', isAlive: false },
        { kind: 'setReplicaAlive', tid: 1, pid: 1, endpoint: 'b', isAlive: false },
      ],
    });
    const refused = planUpdateTableAlive(auto, { db: 'db', name: 't', pid: 0, endpoint: 'b', isAlive: false });
    expect(refused.ok ? 0 : refused.code).toBe(Code.autoFailoverIsEnabled);
    const notThere = planUpdateTableAlive(view, { db: 'db', name: 't', pid: 1, endpoint: 'a', isAlive: false });
    expect(notThere.ok ? 0 : notThere.code).toBe(Code.endpointIsNotExist);
  });

  it('settablepartition checks duplicates and a leader', () => {
    const good = planSetTablePartition(view, 'db', 't', { pid: 0, replicas: replicasOf(['b*', 'a-']), termOffsets: [] });
    expect(good.ok).toBe(true);
    expect(planSetTablePartition(view, 'db', 't', { pid: 0, replicas: replicasOf(['b', 'a']), termOffsets: [] }).ok).toBe(false);
    expect(planSetTablePartition(view, 'db', 't', { pid: 0, replicas: replicasOf(['b*', 'b']), termOffsets: [] }).ok).toBe(false);
    const refused = planSetTablePartition(auto, 'db', 't', { pid: 0, replicas: replicasOf(['b*']), termOffsets: [] });
    expect(refused.ok ? 0 : refused.code).toBe(Code.autoFailoverIsEnabled);
  });
});
