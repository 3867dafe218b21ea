/**
 * A window in batch mode = the replay of request mode (sql.md §4.4): within a partition, rows are
 * ordered by (order key, insertion), and each row sees the rows before it. Rows of UNION sources
 * only feed the window; on equal keys they come before the main rows (earlier UNION sources
 * nearer), and with INSTANCE_NOT_IN_WINDOW the main rows other than the current one are left out.
 *
 * Insertion order is the tuples' order as the FROM clause produced them (each table key oldest
 * first, see relation.ts), or the order of the window's own index when the caller gives it, so
 * sorting by (key, source rank, insertion) replays the inserts.
 */
import type { ColumnType } from '../../protocol/schema.js';
import type { RowAccess } from '../plan/catalog.js';
import type { SqlValue } from '../types.js';
import type { EvalCtx, Evaluator, Tuple } from './eval-context.js';
import { keyOf } from './relation.js';
import type { Member, WindowEvaluator } from './window-eval.js';

export interface UnionRows {
  readonly tuples: readonly Tuple[];
  /** Codec of slot 0 when the rows are encoded rows of another table. */
  readonly codec?: RowAccess;
}

interface Ranked {
  readonly member: Member;
  readonly rank: number;
  readonly seq: number;
  /** Index of the main tuple, or -1 for a UNION row. */
  readonly main: number;
}

function orderOf(v: SqlValue): number {
  return v === null ? Number.MIN_SAFE_INTEGER : Number(v);
}

export interface BatchWindowInput {
  readonly evaluator: WindowEvaluator;
  readonly partition: readonly Evaluator[];
  readonly partitionTypes: readonly ColumnType[];
  readonly orderKey: Evaluator | undefined;
  readonly baseCodec: RowAccess | undefined;
  /**
   * Insertion rank of each main tuple when it differs from the tuple order (the window reads
   * another index than the FROM scan did); undefined: the tuple order.
   */
  readonly insertion?: Int32Array;
}

/**
 * Computes the window's slots for every main tuple; `store(i)` is called with ctx.slots holding
 * them for tuple i.
 */
export function runWindowBatch(
  input: BatchWindowInput,
  ctx: EvalCtx,
  tuples: readonly Tuple[],
  unions: readonly UnionRows[],
  store: (i: number) => void,
): void {
  const w = input.evaluator.plan;
  const u = unions.length;
  const partitions = new Map<string, Ranked[]>();
  const add = (tuple: Tuple, codec: RowAccess | undefined, rank: number, seq: number, main: number) => {
    ctx.rows = tuple;
    ctx.codecs[0] = codec ?? input.baseCodec;
    const key = keyOf(
      input.partition.map((p) => p(ctx)),
      input.partitionTypes,
    );
    const order = input.orderKey === undefined ? seq : orderOf(input.orderKey(ctx));
    let list = partitions.get(key);
    if (list === undefined) {
      list = [];
      partitions.set(key, list);
    }
    list.push({ member: { tuple, key: order, ...(codec === undefined ? {} : { codec }) }, rank, seq, main });
  };
  const insertion = input.insertion;
  for (const [i, t] of tuples.entries()) add(t, undefined, u, insertion === undefined ? i : insertion[i]!, i);
  for (const [j, rows] of unions.entries()) {
    for (const [i, t] of rows.tuples.entries()) add(t, rows.codec, u - 1 - j, i, -1);
  }
  ctx.codecs[0] = input.baseCodec;

  for (const list of partitions.values()) {
    list.sort((a, b) => a.member.key - b.member.key || a.rank - b.rank || a.seq - b.seq);
    const state = input.evaluator.newPartitionState();
    if (!w.instanceNotInWindow) {
      const members = list.map((r) => r.member);
      list.forEach((r, h) => {
        if (r.main < 0) return;
        input.evaluator.evaluateInPartition(ctx, state, members, r.member, h, true);
        store(r.main);
      });
      continue;
    }
    const members: Member[] = [];
    for (const r of list) {
      if (r.main < 0) {
        members.push(r.member);
        continue;
      }
      input.evaluator.evaluateInPartition(ctx, state, members, r.member, members.length, false);
      store(r.main);
    }
  }
}
