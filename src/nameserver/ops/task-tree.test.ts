import { describe, expect, it } from 'vitest';
import { leaf, rollUp, setLeafStatus, startable, type GroupTask, type LeafTask } from './task-tree.js';

const mk = (id: number): LeafTask => leaf(id, { type: 'kDropTable', endpoint: `e${id}` });
const group = (mode: 'sub' | 'seq', children: LeafTask[]): GroupTask => ({ kind: 'group', type: 'kFenceOldLeader', mode, children });

describe('task tree roll-up', () => {
  it('an empty group is done', () => {
    expect(rollUp(group('sub', []))).toBe('kDone');
    expect(startable(group('seq', []))).toEqual([]);
  });

  it('sub tasks start together; the group is done when all are', () => {
    const kids = [mk(0), mk(1), mk(2)];
    const g = group('sub', kids);
    expect(rollUp(g)).toBe('kInited');
    expect(startable(g).map((l) => l.taskId)).toEqual([0, 1, 2]);
    for (const k of kids) setLeafStatus(k, 'kDoing');
    expect(rollUp(g)).toBe('kDoing');
    expect(startable(g)).toEqual([]);
    setLeafStatus(kids[0]!, 'kDone');
    setLeafStatus(kids[1]!, 'kDone');
    expect(rollUp(g)).toBe('kDoing');
    setLeafStatus(kids[2]!, 'kDone');
    expect(rollUp(g)).toBe('kDone');
  });

  it('a failed or canceled child decides the group at once', () => {
    const kids = [mk(0), mk(1)];
    const g = group('sub', kids);
    setLeafStatus(kids[0]!, 'kDoing');
    setLeafStatus(kids[1]!, 'kFailed');
    expect(rollUp(g)).toBe('kFailed');
    expect(startable(g)).toEqual([]);
    const c = [mk(0), mk(1)];
    setLeafStatus(c[1]!, 'kCanceled');
    expect(rollUp(group('seq', c))).toBe('kCanceled');
  });

  it('seq tasks run one after another', () => {
    const kids = [mk(0), mk(1), mk(2)];
    const g = group('seq', kids);
    expect(startable(g).map((l) => l.taskId)).toEqual([0]);
    setLeafStatus(kids[0]!, 'kDoing');
    expect(startable(g)).toEqual([]);
    setLeafStatus(kids[0]!, 'kDone');
    expect(startable(g).map((l) => l.taskId)).toEqual([1]);
    expect(rollUp(g)).toBe('kDoing');
  });

  it('a finished leaf cannot change again', () => {
    const l = mk(0);
    setLeafStatus(l, 'kDone');
    expect(() => setLeafStatus(l, 'kFailed')).toThrow(/cannot become/);
  });
});
