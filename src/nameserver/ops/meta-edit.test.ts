import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../protocol/schema.js';
import { applyMetaEdit, applyMetaEdits, type MetaEdit } from './meta-edit.js';
import { tableOf } from './view-builder.js';

const show = (t: TableInfo, pid = 0) =>
  t.partitions[pid]!.replicas.map((r) => `${r.endpoint}${r.isLeader ? '*' : ''}${r.isAlive ? '' : '-'}`).join(' ');
const apply = (t: TableInfo, ...edits: MetaEdit[]) => {
  const r = applyMetaEdits(t, edits);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('applyMetaEdit', () => {
  const t = tableOf(1, 't', [['a*', 'b', 'c']], [{ term: 1, offset: 0 }]);

  it('UpdateLeaderInfo: the old leader keeps is_leader but dies; the term history grows once', () => {
    const once = apply(t, { kind: 'setLeader', tid: 1, pid: 0, leader: 'b', term: 4, offset: 41 });
    expect(show(once)).toBe('a*- b* c');
    expect(once.partitions[0]!.termOffsets).toEqual([
      { term: 1, offset: 0 },
      { term: 4, offset: 42 },
    ]);
    const twice = apply(once, { kind: 'setLeader', tid: 1, pid: 0, leader: 'b', term: 4, offset: 41 });
    expect(twice).toEqual(once);
    expect(applyMetaEdit(t, { kind: 'setLeader', tid: 1, pid: 0, leader: 'z', term: 4, offset: 1 }).ok).toBe(false);
  });

  it('UpdateLeaderInfo marks alive replicas outside the new follower set not alive (the simulator found acked sync writes lost otherwise)', () => {
    const r = apply(t, { kind: 'setLeader', tid: 1, pid: 0, leader: 'b', term: 4, offset: 41, followers: [] });
    expect(show(r)).toBe('a*- b* c-');
    const kept = apply(t, { kind: 'setLeader', tid: 1, pid: 0, leader: 'b', term: 4, offset: 41, followers: ['c'] });
    expect(show(kept)).toBe('a*- b* c');
  });

  it('AddTableInfo appends a dead follower and is idempotent for a follower', () => {
    const added = apply(t, { kind: 'addReplicaMeta', tid: 1, pid: 0, endpoint: 'd' });
    expect(show(added)).toBe('a* b c d-');
    expect(apply(added, { kind: 'addReplicaMeta', tid: 1, pid: 0, endpoint: 'd' })).toEqual(added);
    expect(applyMetaEdit(t, { kind: 'addReplicaMeta', tid: 1, pid: 0, endpoint: 'a' }).ok).toBe(false);
  });

  it('UpdateTableInfo moves S to D (D alive follower), or renames S when D has no meta', () => {
    const withD = apply(t, { kind: 'addReplicaMeta', tid: 1, pid: 0, endpoint: 'd' }, { kind: 'moveReplicaMeta', tid: 1, pid: 0, srcEndpoint: 'c', desEndpoint: 'd' });
    expect(show(withD)).toBe('a* b d');
    expect(show(apply(t, { kind: 'moveReplicaMeta', tid: 1, pid: 0, srcEndpoint: 'c', desEndpoint: 'e' }))).toBe('a* b e');
  });

  it('UpdatePartitionStatus, DelTableInfo, alive flips', () => {
    expect(show(apply(t, { kind: 'setReplicaStatus', tid: 1, pid: 0, endpoint: 'c', isLeader: false, isAlive: false }))).toBe('a* b c-');
    expect(show(apply(t, { kind: 'removeReplicaMeta', tid: 1, pid: 0, endpoint: 'b' }))).toBe('a* c');
    expect(show(apply(t, { kind: 'removeReplicaMeta', tid: 1, pid: 0, endpoint: 'zz' }))).toBe('a* b c');
    expect(show(apply(t, { kind: 'setReplicaAlive', tid: 1, pid: 0, endpoint: 'a', isAlive: false }))).toBe('a*- b c');
    expect(applyMetaEdit(t, { kind: 'setReplicaStatus', tid: 1, pid: 0, endpoint: 'z', isLeader: false, isAlive: false }).ok).toBe(false);
    expect(applyMetaEdit(t, { kind: 'setReplicaAlive', tid: 1, pid: 7, endpoint: 'a', isAlive: false }).ok).toBe(false);
    expect(applyMetaEdit(t, { kind: 'setReplicaAlive', tid: 2, pid: 0, endpoint: 'a', isAlive: false }).ok).toBe(false);
  });

  it('never mutates its input', () => {
    const before = JSON.stringify(t);
    apply(t, { kind: 'setLeader', tid: 1, pid: 0, leader: 'c', term: 3, offset: 5 }, { kind: 'removeReplicaMeta', tid: 1, pid: 0, endpoint: 'b' });
    expect(JSON.stringify(t)).toBe(before);
  });
});
