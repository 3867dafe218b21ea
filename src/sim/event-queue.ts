import { assert } from '../base/assert.js';

/**
 * The simulator's agenda: a binary min-heap of events ordered by (time, sequence). The sequence
 * number is assigned at insertion, so events due at the same time run in the order they were
 * scheduled: the order never depends on heap internals.
 */
export interface QueuedEvent<T> {
  readonly atMs: number;
  readonly seq: number;
  readonly item: T;
}

export class EventQueue<T> {
  readonly #heap: QueuedEvent<T>[] = [];
  #seq = 0;

  constructor(private readonly sizeMax: number) {}

  get size(): number {
    return this.#heap.length;
  }

  push(atMs: number, item: T): QueuedEvent<T> {
    assert(Number.isFinite(atMs), `event time must be finite, got ${atMs}`);
    assert(this.#heap.length < this.sizeMax, `the simulator's event queue is full (${this.sizeMax} events): a runaway timer or message loop`);
    const event = { atMs, seq: this.#seq++, item };
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return event;
  }

  peek(): QueuedEvent<T> | undefined {
    return this.#heap[0];
  }

  pop(): QueuedEvent<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before<T>(a: QueuedEvent<T>, b: QueuedEvent<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
