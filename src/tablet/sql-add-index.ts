/**
 * Adding an index to a table that already holds rows (CREATE INDEX, and DEPLOY's missing
 * indexes), on one replica: the index is appended to the replica's MemTable and table meta
 * (positions of existing indexes never move), and on a leader asked to backfill, every row stored
 * before the index is put again with `indexPositions: [new]` to the leader of the partition its
 * new key hashes to (this one, or another tablet over Put). Backfill puts are binlogged and
 * replicated like any put, so a restart or a follower replays them.
 *
 * Each row is backfilled once: by the partition that holds it under the first index (every row is
 * stored under index 0 in the partition its index-0 key hashes to). The nameserver adds the index
 * to every follower first and then to every leader (with backfill) at once; a backfill put that
 * reaches a leader which does not have the index yet is retried until the deadline.
 *
 * The leader adds the index and collects the rows to backfill in one synchronous step, so a row
 * is either collected (stored before) or indexed by its own put (stored after), never both.
 *
 * Window: a client whose metadata predates the index routes a row of a multi-partition table by
 * the old indexes only; if the row's new key hashes to a partition the row is not sent to, that
 * row is missing from the new index (a single-partition table has no such window: its leader
 * stores every row under every index). Clients reload metadata when the nameserver signals the
 * change, which closes the window within a notification delay.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import type { TabletMethods } from '../protocol/messages.js';
import { partitionOfKey } from '../sql/functions/murmur-hash.js';
import { columnIndex, type IndexDef } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import type { PartitionEnv } from './partition-env.js';
import { type LocalPartitions, localLeader } from './sql-table.js';
import type { TablePartition } from './table-partition.js';

export interface AddIndexDeps {
  readonly partitions: LocalPartitions;
  /** Needed to backfill rows whose new key belongs to a partition led by another tablet. */
  readonly client: DbClient | undefined;
  readonly env: Pick<PartitionEnv, 'clock' | 'logger' | 'limits'>;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long a backfill keeps retrying puts to a leader that is not ready. */
  readonly backfillDeadlineMs: number;
  readonly remoteCallTimeoutMs: number;
}

type AddIndexRequest = TabletMethods['AddIndex']['req'];

/** Codes of a backfill put that may succeed later (the leader lacks the index yet, or moved). */
const RETRY_CODES = new Set<number>([
  Code.indexNotFound,
  Code.tableIsFollower,
  Code.tableNotFound,
  Code.tableIsLoading,
  Code.unavailable,
  Code.rpcConnectionLost,
  Code.rpcOverloaded,
  Code.termFenced,
]);
const RETRY_DELAY_MS = 50;

function sameIndex(a: IndexDef, b: IndexDef): boolean {
  return (
    a.name.toLowerCase() === b.name.toLowerCase() &&
    a.keyColumns.join('|').toLowerCase() === b.keyColumns.join('|').toLowerCase() &&
    (a.tsColumn ?? '').toLowerCase() === (b.tsColumn ?? '').toLowerCase()
  );
}

interface Batch {
  readonly pid: number;
  readonly insertTsMs: number;
  readonly rows: Uint8Array[];
}

export async function addIndexToReplica(deps: AddIndexDeps, req: AddIndexRequest): Promise<Result<{ backfilledRows: number }>> {
  const p = deps.partitions.partition(req.tid, req.pid);
  if (p === undefined) return fail(Code.tableNotFound, `add index failed: table ${req.tid} partition ${req.pid} is not on this tablet`);
  const what = `add index '${req.index.name}' to table ${p.describe()}`;
  const meta = p.meta;
  const indexes = meta.schema.indexes;
  if (req.position < indexes.length) {
    const have = indexes[req.position]!;
    if (sameIndex(have, req.index)) return ok({ backfilledRows: 0 });
    return fail(Code.invalidParameter, `${what} failed: position ${req.position} already holds index '${have.name}'`);
  }
  if (req.position > indexes.length) {
    return fail(Code.invalidParameter, `${what} failed: position ${req.position} is past the ${indexes.length} indexes the replica has`);
  }
  if (p.table.indexCount !== indexes.length) {
    return fail(Code.internal, `${what} failed: the replica's meta lists ${indexes.length} indexes, its table has ${p.table.indexCount}`);
  }
  if (req.backfill && localLeader(deps.partitions, req.tid, req.pid) === undefined) {
    return fail(Code.tableIsFollower, `${what} failed: only the leader backfills, and this replica is not a serving leader`);
  }
  const added = p.table.addIndex(req.index);
  if (!added.ok) return added;
  // In memory at once (puts from now on carry the index), on disk below.
  const written = p.updateMeta({ ...meta, schema: { ...meta.schema, indexes: [...indexes, req.index] } });
  const batches = req.backfill ? collectBatches(p, req.index, deps.env.clock.nowMs()) : undefined;
  await written;
  deps.env.logger.info('index added', { tid: req.tid, pid: req.pid, index: req.index.name, position: added.value });
  if (batches === undefined) return ok({ backfilledRows: 0 });
  return backfill(deps, p, added.value, batches);
}

/**
 * The rows this partition backfills (those it holds under index 0), grouped by the partition their
 * new key hashes to, and for an index without a ts column by insert time too (a put carries one).
 */
function collectBatches(p: TablePartition, index: IndexDef, nowMs: number): Batch[] {
  const schema = p.meta.schema;
  const codec = p.table.codec;
  const keyColumns = index.keyColumns.map((c) => columnIndex(schema, c));
  const byInsertTime = index.tsColumn === undefined;
  const firstTs = schema.indexes.find((i) => i.tsColumn !== undefined)?.tsColumn;
  const firstTsColumn = firstTs === undefined ? -1 : columnIndex(schema, firstTs);
  const partitionNum = p.meta.partitionNum;
  const groups = new Map<string, Batch>();
  const out: Batch[] = [];
  p.table.forEachRow((row, insertTsMs) => {
    const pid = partitionNum <= 1 ? 0 : partitionOfKey(codec.readKey(row, keyColumns), partitionNum);
    // Without a kept insert time, the row's event time is the closest stand-in.
    const ts = insertTsMs ?? (firstTsColumn >= 0 ? (codec.readTsMs(row, firstTsColumn) ?? nowMs) : nowMs);
    const id = byInsertTime ? `${pid}/${ts}` : `${pid}`;
    let batch = groups.get(id);
    if (batch === undefined) {
      batch = { pid, insertTsMs: byInsertTime ? ts : nowMs, rows: [] };
      groups.set(id, batch);
      out.push(batch);
    }
    batch.rows.push(row);
  }, 0);
  return out;
}

async function backfill(deps: AddIndexDeps, p: TablePartition, position: number, batches: readonly Batch[]): Promise<Result<{ backfilledRows: number }>> {
  const deadline = deps.env.clock.monotonicMs() + deps.backfillDeadlineMs;
  const chunkRows = Math.max(1, Math.min(1000, deps.env.limits.putRowsMax));
  let total = 0;
  for (const batch of batches) {
    for (let at = 0; at < batch.rows.length; at += chunkRows) {
      const rows = batch.rows.slice(at, at + chunkRows);
      const put = await putWithRetry(deps, p, batch.pid, rows, batch.insertTsMs, position, deadline);
      if (!put.ok) {
        return fail(put.code, `backfilling index at position ${position} of table ${p.describe()} failed after ${total} rows: ${put.message}`);
      }
      total += rows.length;
    }
  }
  deps.env.logger.info('index backfilled', { tid: p.tid, pid: p.pid, position, rows: total });
  return ok({ backfilledRows: total });
}

async function putWithRetry(
  deps: AddIndexDeps,
  source: TablePartition,
  pid: number,
  rows: Uint8Array[],
  insertTsMs: number,
  position: number,
  deadline: number,
): Promise<Result<void>> {
  for (;;) {
    const r = await putOnce(deps, source, pid, rows, insertTsMs, position);
    if (r.ok || !RETRY_CODES.has(r.code) || deps.env.clock.monotonicMs() + RETRY_DELAY_MS >= deadline) return r;
    if (r.code !== Code.indexNotFound) deps.client?.invalidateMetadata();
    await deps.sleep(RETRY_DELAY_MS);
  }
}

async function putOnce(
  deps: AddIndexDeps,
  source: TablePartition,
  pid: number,
  rows: Uint8Array[],
  insertTsMs: number,
  position: number,
): Promise<Result<void>> {
  const local = localLeader(deps.partitions, source.tid, pid);
  if (local !== undefined) {
    const r = await local.put(rows, insertTsMs, [position]);
    return r.ok ? ok(undefined) : r;
  }
  if (deps.client === undefined) {
    return fail(Code.unavailable, `partition ${pid} is led by another tablet and this tablet has no client to reach it`);
  }
  const table = await deps.client.table(source.meta.db, source.meta.name);
  if (!table.ok) return table;
  if (table.value.info.tid !== source.tid) return fail(Code.tableNotFound, `table '${source.meta.db}.${source.meta.name}' was dropped and created again`);
  const leader = table.value.leaderOf(pid);
  if (!leader.ok) return leader;
  const r = await callTablet(
    deps.client.rpc(leader.value),
    'Put',
    { tid: source.tid, pid, rows, insertTsMs, indexPositions: [position] },
    { timeoutMs: deps.remoteCallTimeoutMs },
  );
  return r.ok ? ok(undefined) : r;
}
