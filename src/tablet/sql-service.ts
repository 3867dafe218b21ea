/**
 * Online SQL on a tablet (sql.md §4.1, §5.3): `Query` runs a SELECT in batch mode (every output
 * row) or request mode (one output row per request row), `CallDeployment` runs a stored
 * deployment for request rows. Queries are planned against a catalog snapshot of the cluster's
 * metadata (sql-catalog.ts) and kept prepared; the caches are dropped whenever the metadata
 * changes. A plan that fails because a table, database or index is missing is tried once more
 * on freshly loaded metadata, since the answer may only mean this tablet's copy is behind.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import type { DeploymentInfo, SqlExecMode, SqlResultMsg } from '../protocol/messages.js';
import type { Value } from '../protocol/schema.js';
import { paramTypeOf, type PreparedQuery, prepare, type QueryResult } from '../sql/engine.js';
import type { SqlTable } from '../sql/plan/catalog.js';
import { splitOf } from '../sql/plan/split-plan.js';
import { paramToColumn } from '../sql/statements/index.js';
import type { PartitionEnv } from './partition-env.js';
import { type PieceCatalog, TabletSqlCatalog } from './sql-catalog.js';
import type { PieceSpec } from './sql-piece-table.js';
import { type LocalPartitions, localLeader, type SqlTableDeps } from './sql-table.js';

export interface TabletSqlLimits {
  /** Prepared queries (and deployments) kept per tablet; the least recently used go first. */
  readonly preparedQueriesMax: number;
  /** Most rows one batch query returns. */
  readonly resultRowsMax: number;
  /** Most request rows in one call. */
  readonly requestRowsMax: number;
  readonly remoteCallTimeoutMs: number;
  /** Rows per page when a whole table is read. */
  readonly pageRows: number;
}

export const TABLET_SQL_DEFAULTS: TabletSqlLimits = {
  preparedQueriesMax: 1000,
  resultRowsMax: 1_000_000,
  requestRowsMax: 10_000,
  remoteCallTimeoutMs: 20_000,
  pageRows: 10_000,
};

export interface TabletSqlDeps {
  readonly partitions: LocalPartitions;
  /** A client of the cluster (metadata cache, nameserver calls, RPC clients to other tablets). */
  readonly client: DbClient;
  readonly env: Pick<PartitionEnv, 'clock' | 'logger' | 'limits'>;
  readonly limits?: Partial<TabletSqlLimits>;
}

export interface QueryRequest {
  readonly db: string | undefined;
  readonly sql: string;
  readonly mode: SqlExecMode;
  readonly params?: readonly Value[];
  /** Request mode: the request rows (main-table schema order). */
  readonly rows?: readonly (readonly Value[])[];
  /**
   * Batch mode, one piece of a query split by partition: read the main table only from these
   * partitions, all led by this tablet (sql-DESIGN.md, "Splitting a query by partition").
   */
  readonly partitions?: PieceSpec;
}

/** A batch answer; `pids` are the partitions it covers when the request named them. */
export type QueryAnswer = SqlResultMsg & { pids?: number[] };

/** A plan failure that may only mean this tablet's metadata is behind. */
const METADATA_CODES = new Set<number>([Code.tableNotFound, Code.databaseNotFound, Code.indexNotFound]);

interface Deployment {
  readonly info: DeploymentInfo;
  readonly query: PreparedQuery;
}

/** A request row converted to the main table's column types (as INSERT parameters are). */
export function requestRow(row: readonly Value[], table: SqlTable): Result<Value[]> {
  const columns = table.schema.columns;
  if (!Array.isArray(row) || row.length !== columns.length) {
    return fail(
      Code.invalidParameter,
      `a request row of table '${table.name}' has ${columns.length} values (${columns.map((c) => c.name).join(', ')}), got ${Array.isArray(row) ? row.length : 'no array'}`,
    );
  }
  const out: Value[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = paramToColumn(row[i] ?? null, columns[i]!);
    if (!c.ok) return fail(Code.invalidParameter, `request row: ${c.problem}`);
    out.push(c.value);
  }
  return ok(out);
}

function resultMsg(r: QueryResult): SqlResultMsg {
  return { columns: r.columns.map((c) => ({ name: c.name, type: c.type })), rows: r.rows };
}

/**
 * A piece of a split query is run only when this tablet's own plan agrees that the query splits
 * by the asked index (the client planned on its copy of the metadata, which may differ).
 */
export function checkPiece(q: PreparedQuery, catalog: PieceCatalog): Result<void> {
  const cut = catalog.cut;
  const split = splitOf(q.plan);
  if (!split.splittable) return fail(Code.sqlPlanError, `query split by partition refused: ${split.reason}`);
  if (split.table !== cut) {
    return fail(Code.sqlPlanError, `query split by partition refused: its main table is '${split.table.name}', not '${cut.name}'`);
  }
  if (split.indexPos !== cut.piece.indexPos) {
    return fail(
      Code.sqlPlanError,
      `query split by partition refused: it splits by index ${split.indexPos} of '${cut.name}' here, not by index ${cut.piece.indexPos}`,
    );
  }
  return okVoid;
}

export class TabletSqlService {
  private readonly limits: TabletSqlLimits;
  private readonly tableDeps: SqlTableDeps;
  private snapshot: { readonly catalog: TabletSqlCatalog; readonly changes: number } | undefined;
  private readonly prepared = new Map<string, PreparedQuery>();
  private readonly deployments = new Map<string, Deployment>();
  /** Result columns per prepared query (weakly held: dropped with the query). */
  private readonly columnMsgs = new WeakMap<PreparedQuery, SqlResultMsg['columns']>();

  constructor(private readonly deps: TabletSqlDeps) {
    this.limits = { ...TABLET_SQL_DEFAULTS, ...deps.limits };
    this.tableDeps = {
      partitions: deps.partitions,
      rpc: (endpoint) => deps.client.rpc(endpoint),
      clock: deps.env.clock,
      onStale: () => deps.client.invalidateMetadata(),
      remoteCallTimeoutMs: this.limits.remoteCallTimeoutMs,
      pageRows: Math.max(1, Math.min(this.limits.pageRows, deps.env.limits.scanRowsMax)),
      scanRowsMax: deps.env.limits.scanRowsMax,
    };
  }

  /** The catalog of the current metadata (reloaded, and the caches dropped, when it changed). */
  private async catalog(): Promise<Result<TabletSqlCatalog>> {
    const changes = this.deps.client.metadataChanges;
    if (this.snapshot !== undefined && this.snapshot.changes === changes) return ok(this.snapshot.catalog);
    const tables = await this.deps.client.tablesSnapshot();
    if (!tables.ok) return fail(tables.code, `loading table metadata failed: ${tables.message}`);
    const databases = await this.deps.client.listDatabases();
    if (!databases.ok) return fail(databases.code, `loading the database list failed: ${databases.message}`);
    const catalog = new TabletSqlCatalog(tables.value, new Set(databases.value), this.tableDeps);
    this.snapshot = { catalog, changes };
    this.prepared.clear();
    this.deployments.clear();
    return ok(catalog);
  }

  /** Plans with the current catalog; a missing table/index is retried once on reloaded metadata. */
  private async withCatalog<T>(plan: (catalog: TabletSqlCatalog) => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    for (let attempt = 0; ; attempt++) {
      const catalog = await this.catalog();
      if (!catalog.ok) return catalog;
      const r = await plan(catalog.value);
      if (r.ok || attempt > 0 || !METADATA_CODES.has(r.code)) return r;
      this.deps.client.invalidateMetadata();
    }
  }

  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    cache.delete(key);
    cache.set(key, value);
    while (cache.size > this.limits.preparedQueriesMax) cache.delete(cache.keys().next().value!);
  }

  private preparedQuery(
    db: string | undefined,
    sql: string,
    mode: SqlExecMode,
    params: readonly Value[],
    piece?: PieceSpec,
  ): Promise<Result<PreparedQuery>> {
    const paramTypes = params.map(paramTypeOf);
    const pieceKey = piece === undefined ? '' : `${piece.tid}/${piece.indexPos}/${piece.pids.join(',')}`;
    const key = `${mode}\u0000${db ?? ''}\u0000${paramTypes.join(',')}\u0000${pieceKey}\u0000${sql}`;
    return this.withCatalog((catalog) => {
      const cached = this.prepared.get(key);
      if (cached !== undefined) {
        this.remember(this.prepared, key, cached);
        return ok(cached);
      }
      let pieceCatalog: PieceCatalog | undefined;
      if (piece !== undefined) {
        const cut = catalog.piece(piece);
        if (!cut.ok) return cut;
        pieceCatalog = cut.value;
      }
      const q = prepare(sql, pieceCatalog ?? catalog, { mode, ...(db === undefined || db === '' ? {} : { db }), paramTypes });
      if (!q.ok) return q;
      if (pieceCatalog !== undefined) {
        const refused = checkPiece(q.value, pieceCatalog);
        if (!refused.ok) return refused;
      }
      this.remember(this.prepared, key, q.value);
      return q;
    });
  }

  async query(req: QueryRequest): Promise<Result<QueryAnswer>> {
    const params = req.params ?? [];
    const piece = req.partitions;
    if (piece !== undefined) {
      if (req.mode !== 'batch') return fail(Code.invalidParameter, 'a query over some partitions runs in batch mode only');
      const notLed = piece.pids.find((pid) => localLeader(this.deps.partitions, piece.tid, pid) === undefined);
      if (notLed !== undefined) {
        return fail(Code.tableIsFollower, `query over partitions of table id ${piece.tid}: this tablet does not lead partition ${notLed}`);
      }
    }
    const q = await this.preparedQuery(req.db, req.sql, req.mode, params, piece);
    if (!q.ok) return q;
    if (req.mode === 'batch') {
      const r = await q.value.run(params);
      if (!r.ok) return r;
      if (r.value.rows.length > this.limits.resultRowsMax) {
        return fail(Code.tooManyRows, `query returned ${r.value.rows.length} rows, more than the ${this.limits.resultRowsMax} one query may return; add a LIMIT or a WHERE`);
      }
      return ok(piece === undefined ? resultMsg(r.value) : { ...resultMsg(r.value), pids: [...piece.pids] });
    }
    return this.runRequests(q.value, req.rows ?? [], params, 'request mode');
  }

  private async runRequests(
    q: PreparedQuery,
    rows: readonly (readonly Value[])[],
    params: readonly Value[],
    what: string,
  ): Promise<Result<SqlResultMsg>> {
    const table = q.mainTable;
    if (table === undefined) return fail(Code.sqlPlanError, `${what} needs a query over a table`);
    if (rows.length === 0) return fail(Code.invalidParameter, `${what} needs at least one request row of table '${table.name}'`);
    if (rows.length > this.limits.requestRowsMax) {
      return fail(Code.invalidParameter, `${what}: ${rows.length} request rows in one call, limit ${this.limits.requestRowsMax}`);
    }
    const out: Value[][] = [];
    for (const input of rows) {
      const row = requestRow(input, table);
      if (!row.ok) return row;
      const r = await q.runRequest(row.value, params);
      if (!r.ok) return r;
      out.push(...r.value.rows);
    }
    return ok({ columns: this.columnsMsg(q), rows: out });
  }

  /** The result columns of a prepared query as sent (made once per query, not per call). */
  private columnsMsg(q: PreparedQuery): SqlResultMsg['columns'] {
    let columns = this.columnMsgs.get(q);
    if (columns === undefined) {
      columns = q.columns.map((c) => ({ name: c.name, type: c.type }));
      this.columnMsgs.set(q, columns);
    }
    return columns;
  }

  private async deployment(db: string, name: string): Promise<Result<Deployment>> {
    const key = `${db}.${name}`;
    const cached = this.deployments.get(key);
    if (cached !== undefined && this.snapshot?.changes === this.deps.client.metadataChanges) return ok(cached);
    const got = await this.deps.client.ns('GetDeployment', { db, name });
    if (!got.ok) return got;
    const info = got.value.deployment;
    return this.withCatalog((catalog) => {
      const q = prepare(info.sql, catalog, { mode: 'request', db: info.db });
      if (!q.ok) return fail(q.code, `deployment '${db}.${name}' cannot run: ${q.message}`);
      const d = { info, query: q.value };
      this.remember(this.deployments, key, d);
      return ok(d);
    });
  }

  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<SqlResultMsg>> {
    const d = await this.deployment(db, name);
    if (!d.ok) return d;
    return this.runRequests(d.value.query, rows, [], `deployment '${db}.${name}'`);
  }
}
