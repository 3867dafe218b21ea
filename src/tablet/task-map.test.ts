import { describe, expect, it } from 'vitest';
import { Code, fail, ok } from '../base/status.js';
import type { TaskInfoMsg } from '../protocol/messages.js';
import { TaskMap } from './task-map.js';

function task(opId: number, taskType: TaskInfoMsg['taskType'], extra: Partial<TaskInfoMsg> = {}): TaskInfoMsg {
  return { opId, opType: 'kAddReplicaOP', taskType, status: 'kInited', tid: 1, pid: 0, ...extra };
}

describe('TaskMap', () => {
  it('records tasks as kDoing, then kDone or kFailed with the reason', () => {
    const m = new TaskMap(10);
    const a = m.add(task(7, 'kPauseSnapshot'));
    const b = m.add(task(7, 'kSendSnapshot', { endpoint: 'e:1' }));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(m.list().map((t) => t.status)).toEqual(['kDoing', 'kDoing']);
    m.finish(a.value, ok(undefined));
    m.finish(b.value, fail(Code.ioError, 'disk full'));
    expect(m.list().map((t) => [t.taskType, t.status, t.message])).toEqual([
      ['kPauseSnapshot', 'kDone', undefined],
      ['kSendSnapshot', 'kFailed', 'disk full'],
    ]);
  });

  it('refuses a duplicate (op, type, tid, pid, task id) but not the same type for another pid', () => {
    const m = new TaskMap(10);
    expect(m.add(task(1, 'kLoadTable')).ok).toBe(true);
    const dup = m.add(task(1, 'kLoadTable'));
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.message).toMatch(/^add task failed: op 1 already has task kLoadTable/);
    expect(m.add(task(1, 'kLoadTable', { pid: 1 })).ok).toBe(true);
    expect(m.add(task(1, 'kLoadTable', { taskId: 2 })).ok).toBe(true);
  });

  it('cancels unfinished tasks of an op; a canceled task stays canceled when its work ends', () => {
    const m = new TaskMap(10);
    const a = m.add(task(3, 'kSendSnapshot'));
    const b = m.add(task(3, 'kPauseSnapshot'));
    if (!a.ok || !b.ok) throw new Error('add failed');
    m.finish(b.value, ok(undefined));
    expect(m.cancel(3)).toBe(1);
    expect(m.isCanceled(a.value)).toBe(true);
    m.finish(a.value, ok(undefined));
    expect(m.list().map((t) => t.status)).toEqual(['kCanceled', 'kDone']);
  });

  it('deletes by op, and when full evicts the oldest finished task or refuses', () => {
    const m = new TaskMap(2);
    const a = m.add(task(1, 'kLoadTable'));
    m.add(task(2, 'kLoadTable'));
    const refused = m.add(task(3, 'kLoadTable'));
    expect(!refused.ok && refused.message).toMatch(/already holds 2 unfinished tasks/);
    if (a.ok) m.finish(a.value, ok(undefined));
    expect(m.add(task(3, 'kLoadTable')).ok).toBe(true);
    expect(m.list().map((t) => t.opId)).toEqual([2, 3]);
    m.delete([2, 3, 99]);
    expect(m.size).toBe(0);
  });
});
