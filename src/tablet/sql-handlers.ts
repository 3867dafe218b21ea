/**
 * The tablet's SQL methods, merged into its RPC table by the composition root:
 *   Query, CallDeployment (sql-service.ts), AddIndex (sql-add-index.ts),
 * and a wrapper around the tablet's own Put that names the index positions of a put that names
 * none. A put without positions means "every index of the table"; the wrapper spells out the
 * indexes the replica has now (so the binlog, followers and a restart see an index added after
 * the partition was opened) and, on a multi-partition table, only those whose key hashes to this
 * partition (a client whose metadata predates an index cannot know where its key goes).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { PartitionMetaMsg } from '../protocol/messages.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import { columnIndex, type IndexDef, TTL_TYPES, type Value } from '../protocol/schema.js';
import {
  arrayOf,
  bool,
  type Check,
  nonNegativeInt,
  object,
  oneOf,
  optional,
  str,
  withDefault,
} from '../protocol/validate.js';
import { partitionOfKey } from '../sql/functions/murmur-hash.js';
import { parseRequest } from './parse-request.js';
import { type AddIndexDeps, addIndexToReplica } from './sql-add-index.js';
import type { TabletSqlService } from './sql-service.js';
import type { LocalPartitions } from './sql-table.js';

const VALUES_PER_ROW_MAX = 4096;
const PARAMS_MAX = 4096;
const REQUEST_ROWS_MAX = 100_000;
const PIDS_MAX = 10_000;

const sqlValue: Check<Value> = (v, p) => {
  switch (typeof v) {
    case 'boolean':
    case 'number':
    case 'bigint':
    case 'string':
      return { ok: true, value: v };
    default:
      return v === null ? { ok: true, value: null } : { ok: false, message: `field '${p}' must be a SQL value (null, bool, number, bigint or string)` };
  }
};
const sqlRow = arrayOf(sqlValue, VALUES_PER_ROW_MAX);

const queryRequest = object({
  db: withDefault(str, ''),
  sql: str,
  mode: oneOf('batch', 'request'),
  params: optional(arrayOf(sqlValue, PARAMS_MAX)),
  row: optional(sqlRow),
  rows: optional(arrayOf(sqlRow, REQUEST_ROWS_MAX)),
  partitions: optional(object({ tid: nonNegativeInt, pids: arrayOf(nonNegativeInt, PIDS_MAX), index: withDefault(nonNegativeInt, 0) })),
});

const callRequest = object({ db: str, name: str, rows: arrayOf(sqlRow, REQUEST_ROWS_MAX) });

const indexDef = object({
  name: str,
  keyColumns: arrayOf(str, 64),
  tsColumn: optional(str),
  ttl: object({ type: oneOf(...TTL_TYPES), absMinutes: nonNegativeInt, latCount: nonNegativeInt }),
}) as Check<IndexDef>;

const addIndexRequest = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: indexDef,
  position: nonNegativeInt,
  backfill: withDefault(bool, false),
});

/** Index positions of a row on a partition: all of them, or on a multi-partition table those whose key hashes here. */
class PositionsOf {
  private cachedMeta: PartitionMetaMsg | undefined;
  private all: number[] = [];
  private keyColumns: number[][] = [];

  positions(meta: PartitionMetaMsg): readonly number[] {
    if (meta !== this.cachedMeta) {
      this.cachedMeta = meta;
      this.all = meta.schema.indexes.map((_, i) => i);
      this.keyColumns = meta.schema.indexes.map((idx) => idx.keyColumns.map((c) => columnIndex(meta.schema, c)));
    }
    return this.all;
  }

  keyColumnsOf(indexPos: number): number[] {
    return this.keyColumns[indexPos]!;
  }
}

function withIndexPositions(base: MethodHandler | undefined, partitions: LocalPartitions): MethodHandler {
  const cache = new Map<string, PositionsOf>();
  return async (body, context) => {
    if (base === undefined) return fail(Code.rpcUnknownMethod, 'this tablet has no Put method');
    const b = body as { tid?: unknown; pid?: unknown; rows?: unknown; indexPositions?: unknown } | null;
    if (typeof b !== 'object' || b === null || b.indexPositions !== undefined || typeof b.tid !== 'number' || typeof b.pid !== 'number') {
      return base(body, context);
    }
    const p = partitions.partition(b.tid, b.pid);
    if (p === undefined || !Array.isArray(b.rows)) return base(body, context);
    const id = `${b.tid}_${b.pid}`;
    let of = cache.get(id);
    if (of === undefined) {
      if (cache.size > 10_000) cache.clear();
      of = new PositionsOf();
      cache.set(id, of);
    }
    const meta = p.meta;
    const all = of.positions(meta);
    if (meta.partitionNum <= 1) return base({ ...b, indexPositions: all }, context);
    // Group the rows by the indexes whose key lands on this partition.
    const codec = p.table.codec;
    const groups = new Map<string, { positions: number[]; rows: Uint8Array[] }>();
    for (const row of b.rows as unknown[]) {
      if (!(row instanceof Uint8Array) || !codec.validateRow(row).ok) return base(body, context);
      const positions = all.filter((i) => partitionOfKey(codec.readKey(row, of.keyColumnsOf(i)), meta.partitionNum) === meta.pid);
      const key = positions.join(',');
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { positions, rows: [row] });
      else g.rows.push(row);
    }
    let last: Result<unknown> = ok({ offset: p.offset });
    for (const g of groups.values()) {
      if (g.positions.length === 0) continue;
      last = await base({ ...b, rows: g.rows, indexPositions: g.positions }, context);
      if (!last.ok) return last;
    }
    return last;
  };
}

export interface TabletSqlHandlerDeps {
  /** Undefined when this tablet cannot reach the nameserver (queries are then refused). */
  readonly service: TabletSqlService | undefined;
  readonly addIndex: AddIndexDeps;
  readonly partitions: LocalPartitions;
}

const NO_SQL = 'this tablet runs no SQL: it has no connection to the nameserver (give --zk_cluster, or --nameserver in standalone)';

/** The SQL methods plus the Put wrapper; merge over the tablet's handlers (`{...base, ...these}`). */
export function tabletSqlHandlers(deps: TabletSqlHandlerDeps, base: Readonly<Record<string, MethodHandler>>): Record<string, MethodHandler> {
  return {
    Put: withIndexPositions(base.Put, deps.partitions),
    Query: async (body) => {
      const r = parseRequest(queryRequest, 'Query', body);
      if (!r.ok) return r;
      if (deps.service === undefined) return fail(Code.unavailable, NO_SQL);
      const { db, sql, mode, params, row, rows, partitions } = r.value;
      return deps.service.query({
        db: db === '' ? undefined : db,
        sql,
        mode,
        ...(params !== undefined ? { params } : {}),
        rows: rows ?? (row !== undefined ? [row] : []),
        ...(partitions !== undefined ? { partitions: { tid: partitions.tid, pids: partitions.pids, indexPos: partitions.index } } : {}),
      });
    },
    CallDeployment: async (body) => {
      const r = parseRequest(callRequest, 'CallDeployment', body);
      if (!r.ok) return r;
      if (deps.service === undefined) return fail(Code.unavailable, NO_SQL);
      return deps.service.callDeployment(r.value.db, r.value.name, r.value.rows);
    },
    AddIndex: async (body) => {
      const r = parseRequest(addIndexRequest, 'AddIndex', body);
      if (!r.ok) return r;
      return addIndexToReplica(deps.addIndex, r.value);
    },
  };
}
