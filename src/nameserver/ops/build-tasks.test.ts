import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { buildTasks } from './build-tasks.js';
import type { ClusterView } from './cluster-view.js';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import { OP_INFO_FORMAT_VERSION, type OpInfo, type OpSpec } from './op-info.js';
import { type TaskNode, nodeType } from './task-tree.js';
import { tableOf, viewOf } from './view-builder.js';

const op = (spec: OpSpec, pid = 0): OpInfo => ({
  formatVersion: OP_INFO_FORMAT_VERSION,
  opId: 1,
  ...spec,
  tid: 1,
  db: 'db',
  name: 't',
  pid,
  taskIndex: 0,
  taskStatus: 'kInited',
  startTimeS: 0,
  endTimeS: 0,
  parentId: null,
  vecIdx: 0,
  forReplicaCluster: false,
});

const describeNodes = (nodes: TaskNode[]) =>
  nodes.map((n) =>
    n.kind === 'leaf' ? `${n.taskId}:${n.def.type}${'endpoint' in n.def ? `@${n.def.endpoint}` : ''}` : `${nodeType(n)}[${n.children.map((c) => (c.kind === 'leaf' && 'endpoint' in c.def ? c.def.endpoint : '?')).join(',')}]`,
  );

const build = (spec: OpSpec, view: ClusterView, pid = 0) => {
  const r = buildTasks(op(spec, pid), view, { checkBinlogSyncProgressDelta: 100 });
  return r.ok ? describeNodes(r.value) : `${r.code}`;
};

describe('buildTasks', () => {
  const t = tableOf(1, 't', [['a*', 'b', 'c'], ['a*-', 'b*', 'c'], ['a*-', 'b', 'c']]);
  const all = viewOf({ tables: [t], healthy: ['a', 'b', 'c', 'd'] });

  it('needs every tablet task target healthy', () => {
    const noD = viewOf({ tables: [t], healthy: ['a', 'b', 'c'], offline: { d: 0 } });
    expect(build({ opType: 'kAddReplicaOP', data: { endpoint: 'd' } }, noD)).toBe(`${Code.tabletIsNotHealthy}`);
    expect(build({ opType: 'kAddReplicaOP', data: { endpoint: 'd' } }, all)).toHaveLength(8);
  });

  it('needs an alive leader where tasks run on it', () => {
    expect(build({ opType: 'kMakeSnapshotOP', data: { endOffset: 0 } }, all, 2)).toBe(`${Code.createOpFailed}`);
    expect(build({ opType: 'kMakeSnapshotOP', data: { endOffset: 0 } }, all, 0)).toEqual(['0:kMakeSnapshot@a']);
  });

  it('fences every replica flagged leader on a healthy tablet except the candidate', () => {
    const data = { followers: ['c'], candidate: null, leader: null, offset: null, term: null, fencedOffset: null };
    expect(build({ opType: 'kChangeLeaderOP', data }, all, 1)).toEqual(['kFenceOldLeader[a,b]', '2:kSelectLeader', '3:kChangeLeader', '4:kUpdateLeaderInfo']);
    const aDown = viewOf({ tables: [t], healthy: ['b', 'c'], offline: { a: 0 } });
    expect(build({ opType: 'kChangeLeaderOP', data }, aDown, 1)).toEqual(['kFenceOldLeader[b]', '1:kSelectLeader', '2:kChangeLeader', '3:kUpdateLeaderInfo']);
    expect(build({ opType: 'kChangeLeaderOP', data: { ...data, candidate: 'b' } }, all, 1)).toEqual([
      'kFenceOldLeader[a]',
      '1:kSelectLeader',
      '2:kChangeLeader',
      '3:kUpdateLeaderInfo',
    ]);
  });

  it('RecoverTable detaches a dead follower from the leader first, not an alive one, a leader or the placeholder', () => {
    const data = { endpoint: 'b', offsetDelta: 100, isLeader: false, concurrency: 2 };
    const bDead = viewOf({ tables: [tableOf(1, 't', [['a*', 'b-', 'c']])], healthy: ['a', 'b', 'c'] });
    expect(build({ opType: 'kRecoverTableOP', data }, bDead, 0)).toEqual(['0:kDelReplica@a', '1:kRecoverTable@b']);
    expect(build({ opType: 'kRecoverTableOP', data }, all, 0)).toEqual(['0:kRecoverTable@b']);
    expect(build({ opType: 'kRecoverTableOP', data: { ...data, endpoint: 'a' } }, all, 1)).toEqual(['0:kRecoverTable@a']);
    expect(build({ opType: 'kRecoverTableOP', data: { ...data, endpoint: OFFLINE_LEADER_ENDPOINT } }, all, 1)).toEqual([
      `0:kRecoverTable@${OFFLINE_LEADER_ENDPOINT}`,
    ]);
  });

  it('fails for a table that is gone or was recreated under another tid', () => {
    const other = viewOf({ tables: [tableOf(2, 't', [['a*']])], healthy: ['a'] });
    expect(build({ opType: 'kMakeSnapshotOP', data: { endOffset: 0 } }, other)).toBe(`${Code.tableNotFound}`);
  });
});
