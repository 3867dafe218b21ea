/**
 * Applying index changes to a table that holds data (CREATE INDEX, and what DEPLOY needs, sql.md
 * §5.2), tablets first and metadata last, so the metadata never names an index a replica lacks:
 * 1. TTL changes: SetTtl on every alive replica (the replica persists it in its table meta);
 * 2. each new index, in position order: AddIndex on every alive follower, then on every leader at
 *    once with backfill (a leader's backfill may put rows to another partition's leader, which
 *    must have the index first; see src/tablet/sql-add-index.ts);
 * 3. the table record with the new schema is saved.
 * Every tablet step is idempotent (a replica that has the change already answers ok), so a change
 * that failed half way is completed by running it again. Replicas that are not alive are skipped:
 * they get the schema from the table record when they are loaded again.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Logger } from '../ports/logger.js';
import type { RpcClient } from '../ports/transport.js';
import type { IndexDef, TableInfo, TableSchema } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';

export interface TableChangeHost {
  readonly logger: Logger;
  readonly tabletCallTimeoutMs: number;
  /** How long a leader may take to backfill a new index. */
  readonly backfillTimeoutMs: number;
  tabletClient(endpoint: string): RpcClient;
  isHealthy(endpoint: string): boolean;
  /** Persists a new schema into the table's current record (and its in-memory copy). */
  saveSchema(tid: number, schema: TableSchema): Promise<Result<void>>;
}

export interface TableChangeResult {
  readonly ttlsChanged: readonly string[];
  readonly indexesAdded: readonly string[];
  readonly backfilledRows: number;
}

function sameTtl(a: IndexDef, b: IndexDef): boolean {
  return a.ttl.type === b.ttl.type && a.ttl.absMinutes === b.ttl.absMinutes && a.ttl.latCount === b.ttl.latCount;
}

function replicas(host: TableChangeHost, table: TableInfo, leaders: boolean): { pid: number; endpoint: string }[] {
  const out: { pid: number; endpoint: string }[] = [];
  for (const p of table.partitions) {
    for (const r of p.replicas) {
      if (r.isLeader === leaders && r.isAlive && host.isHealthy(r.endpoint)) out.push({ pid: p.pid, endpoint: r.endpoint });
    }
  }
  return out;
}

async function addIndexEverywhere(host: TableChangeHost, table: TableInfo, position: number, index: IndexDef): Promise<Result<number>> {
  const what = `add index '${index.name}' to table '${table.db}.${table.name}'`;
  const followers = await Promise.all(
    replicas(host, table, false).map(async (r) => ({
      r,
      res: await callTablet(host.tabletClient(r.endpoint), 'AddIndex', { tid: table.tid, pid: r.pid, index, position }, {
        timeoutMs: host.tabletCallTimeoutMs,
      }),
    })),
  );
  for (const { r, res } of followers) {
    if (!res.ok) return fail(res.code, `${what} failed on follower ${r.endpoint} (partition ${r.pid}): ${res.message}`);
  }
  const leaders = replicas(host, table, true);
  const missing = table.partitions.filter((p) => !leaders.some((l) => l.pid === p.pid)).map((p) => p.pid);
  if (missing.length > 0) return fail(Code.unavailable, `${what} failed: partition(s) ${missing.join(', ')} have no alive leader`);
  const done = await Promise.all(
    leaders.map(async (r) => ({
      r,
      res: await callTablet(
        host.tabletClient(r.endpoint),
        'AddIndex',
        { tid: table.tid, pid: r.pid, index, position, backfill: true },
        { timeoutMs: host.backfillTimeoutMs },
      ),
    })),
  );
  let rows = 0;
  for (const { r, res } of done) {
    if (!res.ok) return fail(res.code, `${what} failed on leader ${r.endpoint} (partition ${r.pid}): ${res.message}`);
    rows += res.value.backfilledRows;
  }
  return ok(rows);
}

/**
 * DROP INDEX on every alive replica (leaders and followers at once; each answers ok when it has
 * the index dropped already). The caller saves the table record afterwards.
 */
export async function dropIndexEverywhere(host: TableChangeHost, table: TableInfo, position: number): Promise<Result<void>> {
  const index = table.schema.indexes[position]!;
  const what = `drop index '${index.name}' of table '${table.db}.${table.name}'`;
  const done = await Promise.all(
    [...replicas(host, table, false), ...replicas(host, table, true)].map(async (r) => ({
      r,
      res: await callTablet(host.tabletClient(r.endpoint), 'DeleteIndex', { tid: table.tid, pid: r.pid, index: index.name, position }, {
        timeoutMs: host.tabletCallTimeoutMs,
      }),
    })),
  );
  for (const { r, res } of done) {
    if (!res.ok) return fail(res.code, `${what} failed on ${r.endpoint} (partition ${r.pid}): ${res.message}`);
  }
  return ok(undefined);
}

/** Brings every replica of `before` to the indexes of `after` (same indexes first, new ones appended), then saves `after`. */
export async function applyTableChanges(host: TableChangeHost, before: TableInfo, after: TableInfo): Promise<Result<TableChangeResult>> {
  const old = before.schema.indexes;
  const now = after.schema.indexes;
  const ttlsChanged: string[] = [];
  const indexesAdded: string[] = [];
  let backfilledRows = 0;
  for (let i = 0; i < old.length; i++) {
    const index = now[i]!;
    if (sameTtl(old[i]!, index)) continue;
    for (const r of [...replicas(host, before, false), ...replicas(host, before, true)]) {
      const set = await callTablet(
        host.tabletClient(r.endpoint),
        'SetTtl',
        { tid: before.tid, pid: r.pid, index: index.name, ttl: { ...index.ttl } },
        { timeoutMs: host.tabletCallTimeoutMs },
      );
      if (!set.ok) return fail(set.code, `changing the ttl of index '${index.name}' of '${before.db}.${before.name}' on ${r.endpoint} failed: ${set.message}`);
    }
    ttlsChanged.push(index.name);
  }
  for (let position = old.length; position < now.length; position++) {
    const added = await addIndexEverywhere(host, before, position, now[position]!);
    if (!added.ok) return added;
    backfilledRows += added.value;
    indexesAdded.push(now[position]!.name);
  }
  const saved = await host.saveSchema(after.tid, after.schema);
  if (!saved.ok) return saved;
  host.logger.info('table indexes changed', { table: `${after.db}.${after.name}`, ttlsChanged, indexesAdded, backfilledRows });
  return ok({ ttlsChanged, indexesAdded, backfilledRows });
}
