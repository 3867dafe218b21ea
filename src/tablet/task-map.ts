/**
 * The tablet's record of nameserver tasks (the reference's task_map_, cluster.md §5.5): a task RPC
 * adds its TaskInfo as kDoing and answers at once; the work ends in kDone or kFailed; the
 * nameserver polls `list()` (GetTaskStatus), cancels by op (CancelOP marks unfinished tasks
 * kCanceled; work already done is not undone) and removes finished ops (DeleteOPTask).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TaskInfoMsg } from '../protocol/messages.js';
import { isTaskFinished } from '../protocol/ops-types.js';

export interface TaskRecord {
  readonly info: TaskInfoMsg;
}

interface MutableRecord extends TaskRecord {
  info: TaskInfoMsg;
  readonly seq: number;
}

export class TaskMap {
  readonly #byOp = new Map<number, MutableRecord[]>();
  #count = 0;
  #seq = 0;

  constructor(private readonly tasksMax: number) {}

  get size(): number {
    return this.#count;
  }

  /** Records `task` as kDoing. Refuses a task already recorded (same op, type, tid, pid and task id). */
  add(task: TaskInfoMsg): Result<TaskRecord> {
    const list = this.#byOp.get(task.opId) ?? [];
    const same = list.find(
      (r) => r.info.taskType === task.taskType && r.info.tid === task.tid && r.info.pid === task.pid && r.info.taskId === task.taskId,
    );
    if (same) {
      return fail(
        Code.invalidParameter,
        `add task failed: op ${task.opId} already has task ${task.taskType} for tid ${task.tid} pid ${task.pid} (status ${same.info.status})`,
      );
    }
    if (this.#count >= this.tasksMax && !this.#evictOldestFinished()) {
      return fail(Code.rpcOverloaded, `add task failed: this tablet already holds ${this.tasksMax} unfinished tasks`);
    }
    const { message: _dropped, ...rest } = task;
    const record: MutableRecord = { info: { ...rest, status: 'kDoing' }, seq: this.#seq++ };
    list.push(record);
    this.#byOp.set(task.opId, list);
    this.#count++;
    return ok(record);
  }

  /** Sets kDone or kFailed from the work's result, unless the task was canceled meanwhile. */
  finish(record: TaskRecord, result: Result<unknown>): void {
    const r = record as MutableRecord;
    if (r.info.status !== 'kDoing' && r.info.status !== 'kInited') return;
    r.info = result.ok ? { ...r.info, status: 'kDone' } : { ...r.info, status: 'kFailed', message: result.message };
  }

  isCanceled(record: TaskRecord): boolean {
    return record.info.status === 'kCanceled';
  }

  /** Marks the op's unfinished tasks kCanceled; returns how many. */
  cancel(opId: number): number {
    let n = 0;
    for (const r of this.#byOp.get(opId) ?? []) {
      if (!isTaskFinished(r.info.status)) {
        r.info = { ...r.info, status: 'kCanceled' };
        n++;
      }
    }
    return n;
  }

  /** Forgets every task of these ops. */
  delete(opIds: readonly number[]): void {
    for (const id of opIds) {
      const list = this.#byOp.get(id);
      if (!list) continue;
      this.#count -= list.length;
      this.#byOp.delete(id);
    }
  }

  list(): TaskInfoMsg[] {
    const all: MutableRecord[] = [];
    for (const list of this.#byOp.values()) all.push(...list);
    return all.sort((a, b) => a.seq - b.seq).map((r) => r.info);
  }

  #evictOldestFinished(): boolean {
    let oldest: { opId: number; index: number; seq: number } | undefined;
    for (const [opId, list] of this.#byOp) {
      list.forEach((r, index) => {
        if (isTaskFinished(r.info.status) && (!oldest || r.seq < oldest.seq)) oldest = { opId, index, seq: r.seq };
      });
    }
    if (!oldest) return false;
    const list = this.#byOp.get(oldest.opId)!;
    list.splice(oldest.index, 1);
    if (list.length === 0) this.#byOp.delete(oldest.opId);
    this.#count--;
    return true;
  }
}
