/**
 * Which queue an op goes to and where in it (cluster.md §5.3, §5.6). Only the head op of a queue
 * runs, so the queue choice is what serializes ops: `pid % concurrency` (or `pid % queueCount`
 * when the concurrency does not restrict it), and a child op goes right behind its parent.
 */
export function queueIndex(pid: number, concurrency: number, queueCount: number): number {
  const n = concurrency > 0 && concurrency < queueCount ? concurrency : queueCount;
  return pid % n;
}

export interface Queued {
  readonly opId: number;
  readonly parentId: number | null;
}

/** Index at which a new op is inserted: after its parent and the parent's earlier children, else at the end. */
export function insertionIndex(queue: readonly Queued[], parentId: number | null): number {
  if (parentId === null) return queue.length;
  const at = queue.findIndex((q) => q.opId === parentId);
  if (at < 0) return queue.length;
  let i = at + 1;
  while (i < queue.length && queue[i]!.parentId === parentId) i++;
  return i;
}

/**
 * Order of a queue rebuilt from ZooKeeper after a nameserver failover: by op id, except that a
 * child follows its parent (an op runs before ops queued behind it; a child was inserted right
 * after its parent, ahead of ops appended earlier). A child whose parent has finished keeps the
 * parent's place, which was the head.
 */
export function recoveredOrder<T extends Queued>(ops: readonly T[]): T[] {
  const key = (op: T): [number, number, number] => (op.parentId === null ? [op.opId, 0, 0] : [op.parentId, 1, op.opId]);
  return [...ops].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
}
