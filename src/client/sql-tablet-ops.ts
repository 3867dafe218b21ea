/**
 * Calls the SQL session makes straight to tablets where the client core has no operation: the
 * status of a table's partitions (SHOW TABLE STATUS) and deletes that are not one key's (a time
 * range under every key, TRUNCATE). Each goes to the leader of every partition, once, without
 * retries: a partition that fails is reported, the others still count.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TablePartitionStatus } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import type { DbClient } from './db-client.js';

function leaders(info: TableInfo): { pid: number; endpoint: string | undefined }[] {
  return info.partitions.map((p) => ({ pid: p.pid, endpoint: p.replicas.find((r) => r.isLeader && r.isAlive)?.endpoint }));
}

/** What the leaders of these tables' partitions report; partitions that do not answer are missing. */
export async function partitionStatuses(client: DbClient, tables: readonly TableInfo[]): Promise<TablePartitionStatus[]> {
  const endpoints = new Set<string>();
  for (const t of tables) for (const l of leaders(t)) if (l.endpoint !== undefined) endpoints.add(l.endpoint);
  const answers = await Promise.all(
    [...endpoints].map((ep) => callTablet(client.rpc(ep), 'GetTableStatus', {}, { timeoutMs: client.options.requestTimeoutMs })),
  );
  const out: TablePartitionStatus[] = [];
  for (const a of answers) if (a.ok) out.push(...a.value.partitions);
  return out;
}

export interface RangeDelete {
  /** Names of the indexes whose keys are walked (every key of each). */
  readonly indexes: readonly string[];
  readonly fromTsMs?: number;
  readonly toTsMs?: number;
}

/**
 * Deletes, on every partition's leader, the rows of every key of each index in `indexes` (within
 * the time range when one is given). Returns the rows deleted.
 */
export async function deleteEveryKey(client: DbClient, db: string, name: string, what: RangeDelete): Promise<Result<number>> {
  const table = await client.table(db, name);
  if (!table.ok) return table;
  const info = table.value.info;
  let deleted = 0;
  const failures: string[] = [];
  for (const { pid, endpoint } of leaders(info)) {
    if (endpoint === undefined) {
      failures.push(`partition ${pid} has no alive leader`);
      continue;
    }
    for (const index of what.indexes) {
      const r = await callTablet(
        client.rpc(endpoint),
        'Delete',
        {
          tid: info.tid,
          pid,
          index,
          ...(what.fromTsMs !== undefined ? { fromTsMs: what.fromTsMs } : {}),
          ...(what.toTsMs !== undefined ? { toTsMs: what.toTsMs } : {}),
        },
        { timeoutMs: client.options.requestTimeoutMs },
      );
      if (r.ok) deleted += r.value.deleted;
      else failures.push(`partition ${pid} on ${endpoint}: ${r.message}`);
    }
  }
  if (failures.length > 0) {
    return fail(Code.unavailable, `delete from '${db}.${name}' failed on ${failures.length} call(s) after deleting ${deleted} row(s): ${failures.join('; ')}`);
  }
  return ok(deleted);
}
