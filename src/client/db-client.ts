/**
 * The client core under the SDK, the shells and the API server: nameserver calls (following the
 * leader), a metadata cache refreshed when the cluster signals a change, and the data path, which
 * goes straight to the tablets: writes to each partition's leader (routed by key hash), reads to
 * the leader or, when asked, to any alive replica.
 *
 * Retries: a call that failed in a way that proves it did not take effect (not leader, table moved,
 * connection refused) is retried after refreshing metadata, within the call's deadline. A write
 * whose outcome is unknown (a timeout, a connection lost after sending) is never retried here.
 */
import { Code, DbError, fail, type Failure, ok, okVoid, type Result } from '../base/status.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { RpcClient, Transport } from '../ports/transport.js';
import type { NameServerMethods, TabletMethods } from '../protocol/messages.js';
import type { TableInfo, TableSchema, Value } from '../protocol/schema.js';
import { callNameServer, callTablet } from '../protocol/typed-call.js';
import type { Discovery } from './discovery.js';
import { type RowInput, TableHandle } from './table-handle.js';

export interface ClientOptions {
  /** Deadline of one client operation, retries included. */
  readonly requestTimeoutMs: number;
  /** Pause between retries of a failed attempt. */
  readonly retryDelayMs: number;
  readonly retriesMax: number;
}

export const CLIENT_DEFAULTS: ClientOptions = { requestTimeoutMs: 20_000, retryDelayMs: 100, retriesMax: 20 };

export interface ScanOptions {
  /** Index name (default: the first index). */
  readonly index?: string;
  /** Key value(s) of the index's key columns. */
  readonly key: Value | readonly Value[];
  /** Newest ts to include (inclusive). */
  readonly newestTsMs?: number;
  /** Oldest ts to include (inclusive). */
  readonly oldestTsMs?: number;
  readonly limit?: number;
  /** Read from any alive replica instead of the leader. */
  readonly anyReplica?: boolean;
}

export interface Row {
  readonly tsMs: number;
  readonly values: Value[];
}

/** Failures after which the same request can be sent again without risk of applying it twice. */
const SAFE_TO_RETRY = new Set<number>([
  Code.nameserverIsNotLeader,
  Code.tableIsFollower,
  Code.tableNotFound,
  Code.tableIsLoading,
  Code.unavailable,
  Code.rpcOverloaded,
]);

/** Nameserver failures worth another attempt: a leader change or a connection that never carried the call. */
const NS_RETRY = new Set<number>([Code.nameserverIsNotLeader, Code.unavailable, Code.rpcConnectionLost]);

/** Failures of reads that are worth another attempt (reads are always safe to repeat). */
const READ_RETRY = new Set<number>([...SAFE_TO_RETRY, Code.rpcConnectionLost, Code.rpcTimeout]);

export interface ClientDeps {
  readonly transport: Transport;
  readonly discovery: Discovery;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger?: Logger;
}

export class DbClient {
  private readonly clients = new Map<string, RpcClient>();
  /** Replaced (not changed) on each reload: a snapshot handed out stays consistent. */
  private tables = new Map<string, TableHandle>();
  private tablesLoaded = false;
  private metaStale = true;
  private nsEndpoint: string | undefined;
  private changeCount = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: ClientDeps,
    readonly options: ClientOptions = CLIENT_DEFAULTS,
  ) {
    this.unsubscribe = deps.discovery.onMetadataChange(() => this.markStale());
  }

  /** Counts the signals that metadata may have changed; caches built on metadata compare it. */
  get metadataChanges(): number {
    return this.changeCount;
  }

  private markStale(): void {
    this.metaStale = true;
    this.changeCount++;
  }

  rpc(endpoint: string): RpcClient {
    let c = this.clients.get(endpoint);
    if (!c) {
      c = this.deps.transport.connect(endpoint);
      this.clients.set(endpoint, c);
    }
    return c;
  }

  private deadline(): number {
    return this.deps.clock.monotonicMs() + this.options.requestTimeoutMs;
  }

  private remaining(deadline: number): number {
    return Math.max(1, deadline - this.deps.clock.monotonicMs());
  }

  /** Runs `attempt` until it succeeds, fails for good, or the deadline passes. */
  private async withRetries<T>(
    what: string,
    retryable: ReadonlySet<number>,
    attempt: (deadline: number) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    const deadline = this.deadline();
    let last: Failure | undefined;
    for (let i = 0; i <= this.options.retriesMax; i++) {
      let r: Result<T>;
      try {
        r = await attempt(deadline);
      } catch (err) {
        // An attempt throws a DbError for an answer that no retry can change.
        if (err instanceof DbError) return fail(err.code, err.message);
        throw err;
      }
      if (r.ok || !retryable.has(r.code)) return r;
      last = r;
      this.markStale();
      this.nsEndpoint = undefined;
      if (this.deps.clock.monotonicMs() + this.options.retryDelayMs >= deadline) break;
      await this.deps.sleep(this.options.retryDelayMs * Math.min(8, 1 + i));
    }
    return fail(last!.code, `${what}: ${last!.message} (gave up after retries)`);
  }

  /** A nameserver call, following the leader. Nameserver requests are idempotent or checked. */
  async ns<M extends keyof NameServerMethods>(method: M, request: NameServerMethods[M]['req']): Promise<Result<NameServerMethods[M]['res']>> {
    return this.withRetries(method, NS_RETRY, async (deadline) => {
      if (!this.nsEndpoint) {
        const leader = await this.deps.discovery.leader();
        if (!leader.ok) return leader;
        this.nsEndpoint = leader.value;
      }
      return callNameServer(this.rpc(this.nsEndpoint), method, request, { timeoutMs: this.remaining(deadline) });
    });
  }

  /** A nameserver call by method name (admin commands whose shapes live with the nameserver). */
  async nsRaw(method: string, request: unknown): Promise<Result<unknown>> {
    return this.withRetries(method, NS_RETRY, async (deadline) => {
      if (!this.nsEndpoint) {
        const leader = await this.deps.discovery.leader();
        if (!leader.ok) return leader;
        this.nsEndpoint = leader.value;
      }
      return this.rpc(this.nsEndpoint).call(method, request, { timeoutMs: this.remaining(deadline) });
    });
  }

  private async refreshTables(): Promise<Result<void>> {
    const changesBefore = this.changeCount;
    const r = await this.ns('ShowTable', {});
    if (!r.ok) return r;
    const tables = new Map<string, TableHandle>();
    for (const t of r.value.tables) tables.set(`${t.db}.${t.name}`, new TableHandle(t));
    this.tables = tables;
    this.tablesLoaded = true;
    // A change signalled while the answer was on its way may not be in it.
    this.metaStale = this.changeCount !== changesBefore;
    return okVoid;
  }

  /** The cached table, reloading metadata when it changed or the table is unknown. */
  async table(db: string, name: string): Promise<Result<TableHandle>> {
    if (!this.tablesLoaded || this.metaStale) {
      const r = await this.refreshTables();
      if (!r.ok) return r;
    }
    let t = this.tables.get(`${db}.${name}`);
    if (!t) {
      const r = await this.refreshTables();
      if (!r.ok) return r;
      t = this.tables.get(`${db}.${name}`);
    }
    return t ? ok(t) : fail(Code.tableNotFound, `table '${db}.${name}' does not exist`);
  }

  /** Inside a retried attempt: the table, or a final failure when metadata says it does not exist. */
  private async tableForAttempt(db: string, name: string): Promise<Result<TableHandle>> {
    const t = await this.table(db, name);
    if (!t.ok && t.code === Code.tableNotFound) throw new DbError(t.code, t.message);
    return t;
  }

  invalidateMetadata(): void {
    this.markStale();
  }

  /** Every table, from the cache (reloaded first when metadata changed), by `db.name`. */
  async tablesSnapshot(): Promise<Result<ReadonlyMap<string, TableHandle>>> {
    if (!this.tablesLoaded || this.metaStale) {
      const r = await this.refreshTables();
      if (!r.ok) return r;
    }
    return ok(this.tables);
  }

  // ---- DDL -----------------------------------------------------------------------------------

  createDatabase(name: string, ifNotExists = false): Promise<Result<NameServerMethods['CreateDatabase']['res']>> {
    return this.ns('CreateDatabase', { name, ifNotExists });
  }

  dropDatabase(name: string, ifExists = false): Promise<Result<NameServerMethods['DropDatabase']['res']>> {
    return this.ns('DropDatabase', { name, ifExists });
  }

  async listDatabases(): Promise<Result<string[]>> {
    const r = await this.ns('ShowDatabases', {});
    return r.ok ? ok(r.value.names) : r;
  }

  async createTable(
    db: string,
    name: string,
    schema: TableSchema,
    options: { partitionNum?: number; replicaNum?: number; replicationMode?: 'async' | 'sync'; ifNotExists?: boolean } = {},
  ): Promise<Result<number>> {
    const r = await this.ns('CreateTable', { db, name, schema, ...options });
    this.markStale();
    return r.ok ? ok(r.value.tid) : r;
  }

  async dropTable(db: string, name: string, ifExists = false): Promise<Result<void>> {
    const r = await this.ns('DropTable', { db, name, ifExists });
    this.markStale();
    return r.ok ? okVoid : r;
  }

  async listTables(db?: string): Promise<Result<TableInfo[]>> {
    const r = await this.ns('ShowTable', db === undefined ? {} : { db });
    return r.ok ? ok(r.value.tables) : r;
  }

  // ---- data path -----------------------------------------------------------------------------

  private tabletCall<M extends keyof TabletMethods>(
    endpoint: string,
    method: M,
    request: TabletMethods[M]['req'],
    deadline: number,
  ): Promise<Result<TabletMethods[M]['res']>> {
    return callTablet(this.rpc(endpoint), method, request, { timeoutMs: this.remaining(deadline) });
  }

  /** Writes rows to a table; each row goes to the leader of every partition its index keys map to. */
  async put(db: string, name: string, rows: readonly RowInput[], insertTsMs?: number): Promise<Result<void>> {
    const table = await this.table(db, name);
    if (!table.ok) return table;
    // Group by partition and index subset so each tablet gets one request.
    const groups = new Map<string, { pid: number; positions: readonly number[] | undefined; rows: Uint8Array[] }>();
    for (const input of rows) {
      const routed = table.value.route(input);
      if (!routed.ok) return routed;
      for (const r of routed.value) {
        const k = `${r.pid}/${r.indexPositions?.join(',') ?? '*'}`;
        const g = groups.get(k);
        if (g) g.rows.push(r.row);
        else groups.set(k, { pid: r.pid, positions: r.indexPositions, rows: [r.row] });
      }
    }
    const ts = insertTsMs ?? this.deps.clock.nowMs();
    const results = await Promise.all(
      [...groups.values()].map((g) =>
        this.withRetries(`put into '${db}.${name}'`, SAFE_TO_RETRY, async (deadline) => {
          const t = await this.tableForAttempt(db, name);
          if (!t.ok) return t;
          const leader = t.value.leaderOf(g.pid);
          if (!leader.ok) return leader;
          return this.tabletCall(
            leader.value,
            'Put',
            {
              tid: t.value.info.tid,
              pid: g.pid,
              rows: g.rows,
              insertTsMs: ts,
              ...(g.positions ? { indexPositions: [...g.positions] } : {}),
            },
            deadline,
          );
        }),
      ),
    );
    const failed = results.find((r) => !r.ok);
    return failed && !failed.ok ? failed : okVoid;
  }

  private async readFrom<M extends keyof TabletMethods>(
    db: string,
    name: string,
    what: string,
    pidOf: (t: TableHandle) => Result<number>,
    anyReplica: boolean,
    method: M,
    request: (t: TableHandle, pid: number) => Result<TabletMethods[M]['req']>,
  ): Promise<Result<{ table: TableHandle; res: TabletMethods[M]['res'] }>> {
    let attempt = 0;
    return this.withRetries(what, READ_RETRY, async (deadline) => {
      const t = await this.tableForAttempt(db, name);
      if (!t.ok) return t;
      const pid = pidOf(t.value);
      if (!pid.ok) return pid;
      const replicas = t.value.replicasOf(pid.value);
      const endpoint = anyReplica ? replicas[attempt++ % Math.max(1, replicas.length)] : t.value.leaderOf(pid.value);
      const ep = typeof endpoint === 'string' ? endpoint : endpoint?.ok ? endpoint.value : undefined;
      if (!ep) return endpoint && typeof endpoint !== 'string' && !endpoint.ok ? endpoint : fail(Code.unavailable, `no alive replica of partition ${pid.value}`);
      const req = request(t.value, pid.value);
      if (!req.ok) return req;
      const r = await this.tabletCall(ep, method, req.value, deadline);
      return r.ok ? ok({ table: t.value, res: r.value }) : r;
    });
  }

  /** Rows of one key of an index, newest first. */
  async scan(db: string, name: string, options: ScanOptions): Promise<Result<Row[]>> {
    let keyString = '';
    let indexPos = 0;
    const r = await this.readFrom(
      db,
      name,
      `scan '${db}.${name}'`,
      (t) => {
        const idx = t.indexPosition(options.index);
        if (!idx.ok) return idx;
        indexPos = idx.value;
        const key = t.keyOf(idx.value, options.key);
        if (!key.ok) return key;
        keyString = key.value;
        return ok(t.partitionOf(key.value));
      },
      options.anyReplica ?? false,
      'Scan',
      (t, pid) =>
        ok({
          tid: t.info.tid,
          pid,
          index: t.indexName(indexPos),
          key: keyString,
          ...(options.newestTsMs !== undefined ? { newestTsMs: options.newestTsMs } : {}),
          ...(options.oldestTsMs !== undefined ? { oldestTsMs: options.oldestTsMs } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        }),
    );
    if (!r.ok) return r;
    const { table, res } = r.value;
    return ok(res.rows.map((row, i) => ({ tsMs: res.tss[i]!, values: table.codec.decode(row) })));
  }

  /** Number of rows of one key of an index. */
  async count(db: string, name: string, options: Pick<ScanOptions, 'index' | 'key' | 'anyReplica'>): Promise<Result<number>> {
    let keyString = '';
    let indexPos = 0;
    const r = await this.readFrom(
      db,
      name,
      `count '${db}.${name}'`,
      (t) => {
        const idx = t.indexPosition(options.index);
        if (!idx.ok) return idx;
        indexPos = idx.value;
        const key = t.keyOf(idx.value, options.key);
        if (!key.ok) return key;
        keyString = key.value;
        return ok(t.partitionOf(key.value));
      },
      options.anyReplica ?? false,
      'Count',
      (t, pid) => ok({ tid: t.info.tid, pid, index: t.indexName(indexPos), key: keyString }),
    );
    return r.ok ? ok(r.value.res.count) : r;
  }

  /** Up to `limit` rows of the table (all partitions, the first index), for preview. */
  async preview(db: string, name: string, limit: number): Promise<Result<Row[]>> {
    const t = await this.table(db, name);
    if (!t.ok) return t;
    const out: Row[] = [];
    for (const p of t.value.info.partitions) {
      let cursor: string | undefined;
      while (out.length < limit) {
        const r = await this.readFrom(db, name, `preview '${db}.${name}'`, () => ok(p.pid), false, 'Traverse', (tt, pid) =>
          ok({ tid: tt.info.tid, pid, limit: Math.min(1000, limit - out.length), ...(cursor ? { cursor } : {}) }),
        );
        if (!r.ok) return r;
        const { table, res } = r.value;
        for (let i = 0; i < res.rows.length; i++) out.push({ tsMs: res.tss[i]!, values: table.codec.decode(res.rows[i]!) });
        cursor = res.cursor;
        if (!cursor) break;
      }
      if (out.length >= limit) break;
    }
    return ok(out);
  }

  /** Deletes the rows of one key (optionally a ts range [fromTsMs, toTsMs)). */
  async deleteKey(
    db: string,
    name: string,
    options: { index?: string; key: Value | readonly Value[]; fromTsMs?: number; toTsMs?: number },
  ): Promise<Result<number>> {
    const t = await this.table(db, name);
    if (!t.ok) return t;
    const idx = t.value.indexPosition(options.index);
    if (!idx.ok) return idx;
    const key = t.value.keyOf(idx.value, options.key);
    if (!key.ok) return key;
    const pid = t.value.partitionOf(key.value);
    const r = await this.withRetries(`delete from '${db}.${name}'`, SAFE_TO_RETRY, async (deadline) => {
      const tt = await this.tableForAttempt(db, name);
      if (!tt.ok) return tt;
      const leader = tt.value.leaderOf(pid);
      if (!leader.ok) return leader;
      return this.tabletCall(
        leader.value,
        'Delete',
        {
          tid: tt.value.info.tid,
          pid,
          index: tt.value.indexName(idx.value),
          key: key.value,
          ...(options.fromTsMs !== undefined ? { fromTsMs: options.fromTsMs } : {}),
          ...(options.toTsMs !== undefined ? { toTsMs: options.toTsMs } : {}),
        },
        deadline,
      );
    });
    return r.ok ? ok(r.value.deleted) : r;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    await this.deps.discovery.close();
  }
}
