/**
 * The client core under the SDK, the shells and the API server: nameserver calls (following the
 * leader), a metadata cache refreshed when the cluster signals a change, and the data path, which
 * goes straight to the tablets: writes to each partition's leader (routed by key hash), reads to
 * the leader or, when asked, to any alive replica.
 *
 * Retries: a call that failed in a way that proves it did not take effect (not leader, table moved,
 * connection refused) is retried after refreshing metadata, within the call's deadline. A write
 * whose outcome is unknown (a timeout, a connection lost after sending) is retried only when it
 * carries a request id the tablet deduplicates (feature idempotentPut: this client's version
 * knows it, the cluster version is finalized to it, and the connection's peer knows it); never
 * otherwise. Reads retry on every failure of one attempt; once the partition leader's tablet
 * cannot be reached, they go to the other alive replicas (which may miss the newest writes of an
 * asynchronously replicated table). See src/protocol/DESIGN-versions.md.
 */
import { Code, DbError, fail, type Failure, ok, okVoid, type Result } from '../base/status.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { RpcClient, Transport } from '../ports/transport.js';
import { featureActive, peerSupports, softwareSupports } from '../protocol/features.js';
import type { NameServerMethods, RequestIdMsg, TabletMethods } from '../protocol/messages.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import type { TableInfo, TableSchema, Value } from '../protocol/schema.js';
import { callNameServer, callTablet } from '../protocol/typed-call.js';
import { RowCodec } from '../protocol/row-codec.js';
import { ROW_HEADER_BYTES } from '../protocol/row-layout.js';
import type { Discovery } from './discovery.js';
import { type RowInput, TableHandle } from './table-handle.js';

export interface ClientOptions {
  /** Deadline of one client operation, retries included. */
  readonly requestTimeoutMs: number;
  /** Pause between retries of a failed attempt. */
  readonly retryDelayMs: number;
  readonly retriesMax: number;
  /**
   * The software version this client behaves as (default SOFTWARE_VERSION): decides which
   * features it uses. Tests run SDKs of several versions side by side with it.
   */
  readonly softwareVersion?: string;
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

/**
 * Puts with a request id the cluster deduplicates: also retried after an unknown outcome (the
 * attempt checks that the connection's peer knows the feature, else the failure is final).
 */
const IDEMPOTENT_PUT_RETRY = new Set<number>([...SAFE_TO_RETRY, Code.rpcConnectionLost, Code.rpcTimeout]);

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
  /** A random id unique to this client instance (for request ids); without it puts carry none. */
  readonly clientId?: string;
}

export class DbClient {
  private readonly clients = new Map<string, RpcClient>();
  /** Replaced (not changed) on each reload: a snapshot handed out stays consistent. */
  private tables = new Map<string, TableHandle>();
  private tablesLoaded = false;
  private metaStale = true;
  private nsEndpoint: string | undefined;
  private changeCount = 0;
  /** The last table found by cachedTable (most calls repeat the previous one's table). */
  private lastLookup: { tables: Map<string, TableHandle>; db: string; name: string; handle: TableHandle } | undefined;
  private readonly unsubscribe: () => void;
  /** The software version this client behaves as. */
  readonly version: string;
  /** The cluster version as last read with the metadata ('' when unknown or not read). */
  private clusterVersionValue = '';
  /** Puts carry request ids (and unknown outcomes may be retried). */
  private idempotentPuts = false;
  private nextRequestSeq = 1;

  constructor(
    private readonly deps: ClientDeps,
    readonly options: ClientOptions = CLIENT_DEFAULTS,
  ) {
    this.version = options.softwareVersion ?? SOFTWARE_VERSION;
    this.unsubscribe = deps.discovery.onMetadataChange(() => this.markStale());
  }

  /** The cluster version as of the last metadata refresh ('' when unknown). */
  get clusterVersion(): string {
    return this.clusterVersionValue;
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

  /** Whole milliseconds left (rounded up): calls with equal timeouts share one deadline timer. */
  private remaining(deadline: number): number {
    return Math.max(1, Math.ceil(deadline - this.deps.clock.monotonicMs()));
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline passes. `what` names the
   * operation in the final failure (a function: the name is only built when it is needed).
   */
  private async withRetries<T>(
    what: string | (() => string),
    retryable: ReadonlySet<number>,
    attempt: (deadline: number) => Promise<Result<T>>,
    deadline: number = this.deadline(),
    firstFailure?: Failure,
  ): Promise<Result<T>> {
    // With `firstFailure` the caller made attempt 0 itself and it failed in a retryable way.
    let last: Failure | undefined = firstFailure;
    for (let i = firstFailure === undefined ? 0 : 1; ; i++) {
      if (last !== undefined) {
        this.markStale();
        this.nsEndpoint = undefined;
        if (this.deps.clock.monotonicMs() + this.options.retryDelayMs >= deadline) break;
        await this.deps.sleep(this.options.retryDelayMs * Math.min(8, i));
        if (i > this.options.retriesMax) break;
      }
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
    }
    return fail(last!.code, `${typeof what === 'string' ? what : what()}: ${last!.message} (gave up after retries)`);
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
    const [r] = await Promise.all([this.ns('ShowTable', {}), this.refreshClusterVersion()]);
    if (!r.ok) return r;
    const tables = new Map<string, TableHandle>();
    for (const t of r.value.tables) tables.set(`${t.db}.${t.name}`, new TableHandle(t));
    this.tables = tables;
    this.tablesLoaded = true;
    // A change signalled while the answer was on its way may not be in it.
    this.metaStale = this.changeCount !== changesBefore;
    return okVoid;
  }

  /** Reads the cluster version (only a client that knows a feature needing it asks). */
  private async refreshClusterVersion(): Promise<void> {
    if (this.deps.clientId === undefined || !softwareSupports('idempotentPut', this.version)) return;
    const r = await this.ns('GetClusterVersion', {});
    // A nameserver that does not know the method predates cluster versions: no feature needs it yet.
    this.clusterVersionValue = r.ok && typeof r.value.version === 'string' ? r.value.version : '';
    this.idempotentPuts = featureActive('idempotentPut', this.version, this.clusterVersionValue || undefined);
  }

  /**
   * The cached table when metadata is loaded and current, else undefined (then `table` reloads).
   * Synchronous: the data path does not wait for a promise when nothing has changed.
   */
  private cachedTable(db: string, name: string): TableHandle | undefined {
    if (!this.tablesLoaded || this.metaStale) return undefined;
    const last = this.lastLookup;
    if (last !== undefined && last.tables === this.tables && last.db === db && last.name === name) return last.handle;
    const handle = this.tables.get(`${db}.${name}`);
    if (handle !== undefined) this.lastLookup = { tables: this.tables, db, name, handle };
    return handle;
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
    const cached = this.cachedTable(db, name);
    if (cached !== undefined) return ok(cached);
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
    let table = this.cachedTable(db, name);
    if (table === undefined) {
      const t = await this.table(db, name);
      if (!t.ok) return t;
      table = t.value;
    }
    if (table.info.partitionNum === 1) {
      // One partition: every row goes whole to partition 0, in one request.
      const encoded = new Array<Uint8Array>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = table.encodeRow(rows[i]!);
        if (!row.ok) return row;
        encoded[i] = row.value;
      }
      const r = await this.putGroup(db, name, 0, undefined, encoded, insertTsMs ?? this.deps.clock.nowMs());
      return r.ok ? okVoid : r;
    }
    // Group by partition and index subset so each tablet gets one request.
    const groups = new Map<string, { pid: number; positions: readonly number[] | undefined; rows: Uint8Array[] }>();
    for (const input of rows) {
      const routed = table.route(input);
      if (!routed.ok) return routed;
      for (const r of routed.value) {
        const k = `${r.pid}/${r.indexPositions?.join(',') ?? '*'}`;
        const g = groups.get(k);
        if (g) g.rows.push(r.row);
        else groups.set(k, { pid: r.pid, positions: r.indexPositions, rows: [r.row] });
      }
    }
    const ts = insertTsMs ?? this.deps.clock.nowMs();
    const results = await Promise.all([...groups.values()].map((g) => this.putGroup(db, name, g.pid, g.positions, g.rows, ts)));
    const failed = results.find((r) => !r.ok);
    return failed && !failed.ok ? failed : okVoid;
  }

  /** One Put request to a partition's leader, retried while that is safe. */
  private putGroup(
    db: string,
    name: string,
    pid: number,
    positions: readonly number[] | undefined,
    rows: Uint8Array[],
    insertTsMs: number,
  ): Promise<Result<TabletMethods['Put']['res']>> {
    // One id for every attempt of this request: a retry is recognized as the same request.
    const requestId: RequestIdMsg | undefined = this.idempotentPuts
      ? { clientId: this.deps.clientId!, seq: this.nextRequestSeq++ }
      : undefined;
    return this.withRetries(
      () => `put into '${db}.${name}'`,
      requestId === undefined ? SAFE_TO_RETRY : IDEMPOTENT_PUT_RETRY,
      async (deadline) => {
        let table = this.cachedTable(db, name);
        if (table === undefined) {
          const t = await this.tableForAttempt(db, name);
          if (!t.ok) return t;
          table = t.value;
        }
        const leader = table.leaderOf(pid);
        if (!leader.ok) return leader;
        const request: TabletMethods['Put']['req'] = { tid: table.info.tid, pid, rows, insertTsMs };
        if (positions) request.indexPositions = [...positions];
        if (requestId === undefined) return this.tabletCall(leader.value, 'Put', request, deadline);
        request.requestId = requestId;
        const r = await this.tabletCall(leader.value, 'Put', request, deadline);
        if (!r.ok && (r.code === Code.rpcConnectionLost || r.code === Code.rpcTimeout) && !peerSupports('idempotentPut', this.rpc(leader.value).peer())) {
          // The tablet would not recognize a retry: the outcome stays unknown.
          throw new DbError(r.code, `put into '${db}.${name}' has an unknown outcome: ${r.message}`);
        }
        return r;
      },
    );
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
    let replicas = anyReplica;
    return this.withRetries(what, READ_RETRY, async (deadline) => {
      const t = await this.tableForAttempt(db, name);
      if (!t.ok) return t;
      const pid = pidOf(t.value);
      if (!pid.ok) return pid;
      const ep = readEndpoint(t.value, pid.value, replicas, attempt++);
      if (!ep.ok) return ep;
      const req = request(t.value, pid.value);
      if (!req.ok) return req;
      const r = await this.tabletCall(ep.value, method, req.value, deadline);
      // The tablet cannot be reached (stopped, failing over): let the other replicas answer.
      if (!r.ok && r.code === Code.unavailable) replicas = true;
      return r.ok ? ok({ table: t.value, res: r.value }) : r;
    });
  }

  /** Rows of one key of an index, newest first. */
  async scan(db: string, name: string, options: ScanOptions): Promise<Result<Row[]>> {
    // The first attempt runs without the retry loop's closures (the common case: it succeeds).
    const state: ScanState = { anyReplica: options.anyReplica ?? false, attempt: 0 };
    const deadline = this.deadline();
    let first: Result<Row[]>;
    try {
      first = await this.scanAttempt(db, name, options, state, deadline);
    } catch (err) {
      if (err instanceof DbError) return fail(err.code, err.message);
      throw err;
    }
    if (first.ok || !READ_RETRY.has(first.code)) return first;
    return this.withRetries(
      () => `scan '${db}.${name}'`,
      READ_RETRY,
      (d) => this.scanAttempt(db, name, options, state, d),
      deadline,
      first,
    );
  }

  private async scanAttempt(db: string, name: string, options: ScanOptions, state: ScanState, deadline: number): Promise<Result<Row[]>> {
    let table = this.cachedTable(db, name);
    if (table === undefined) {
      const t = await this.tableForAttempt(db, name);
      if (!t.ok) return t;
      table = t.value;
    }
    const idx = table.indexPosition(options.index);
    if (!idx.ok) return idx;
    const key = table.keyOf(idx.value, options.key);
    if (!key.ok) return key;
    const pid = table.partitionOf(key.value);
    const ep = readEndpoint(table, pid, state.anyReplica, state.attempt++);
    if (!ep.ok) return ep;
    // `packed`: one binary for all rows; a tablet that does not know the flag answers `rows`.
    const request: TabletMethods['Scan']['req'] = {
      tid: table.info.tid,
      pid,
      index: table.indexName(idx.value),
      key: key.value,
      packed: true,
    };
    if (options.newestTsMs !== undefined) request.newestTsMs = options.newestTsMs;
    if (options.oldestTsMs !== undefined) request.oldestTsMs = options.oldestTsMs;
    if (options.limit !== undefined) request.limit = options.limit;
    const r = await this.tabletCall(ep.value, 'Scan', request, deadline);
    if (!r.ok) {
      // The tablet cannot be reached (stopped, failing over): let the other replicas answer.
      if (r.code === Code.unavailable) state.anyReplica = true;
      return r;
    }
    return decodeScanAnswer(table, r.value);
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

/** What the attempts of one scan share. */
interface ScanState {
  /** Read from any alive replica (asked for, or the leader's tablet could not be reached). */
  anyReplica: boolean;
  attempt: number;
}

/**
 * Rows of a Scan answer: from `packedRows` (rows back to back) when the tablet sent it, else from
 * `rows` (a tablet that predates the `packed` flag). A malformed answer is a failure, not a throw.
 */
function decodeScanAnswer(table: TableHandle, res: TabletMethods['Scan']['res']): Result<Row[]> {
  const { tss, packedRows } = res;
  const codec = table.codec;
  if (!Array.isArray(tss)) return badAnswer(table, `'tss' is not a list`);
  const out = new Array<Row>(tss.length);
  if (packedRows === undefined || packedRows === null) {
    const rows = res.rows;
    if (!Array.isArray(rows) || rows.length !== tss.length) return badAnswer(table, `${describeRows(rows)} for ${tss.length} ts`);
    for (let i = 0; i < rows.length; i++) out[i] = { tsMs: tss[i]!, values: codec.decode(rows[i]!) };
    return ok(out);
  }
  if (!(packedRows instanceof Uint8Array)) return badAnswer(table, `'packedRows' is not binary`);
  const end = packedRows.length;
  let pos = 0;
  for (let i = 0; i < out.length; i++) {
    const size = end - pos >= ROW_HEADER_BYTES ? RowCodec.rowBytes(packedRows, pos) : 0;
    if (size < ROW_HEADER_BYTES || size > end - pos) {
      return badAnswer(table, `row ${i} of ${out.length} does not fit in 'packedRows' (${end - pos} bytes left at ${pos})`);
    }
    out[i] = { tsMs: tss[i]!, values: codec.decodeAt(packedRows, pos) };
    pos += size;
  }
  if (pos !== end) return badAnswer(table, `'packedRows' holds ${end - pos} bytes after its ${out.length} rows`);
  return ok(out);
}

function describeRows(rows: unknown): string {
  return Array.isArray(rows) ? `${rows.length} rows` : `'rows' is not a list`;
}

function badAnswer(table: TableHandle, what: string): Failure {
  return fail(Code.rpcMalformedFrame, `scan '${table.qualifiedName}' failed: malformed answer from the tablet: ${what}`);
}

/** Where a read goes: the partition's leader, or with `anyReplica` the alive replicas in turn (by attempt). */
function readEndpoint(table: TableHandle, pid: number, anyReplica: boolean, attempt: number): Result<string> {
  if (!anyReplica) return table.leaderOf(pid);
  const replicas = table.replicasOf(pid);
  const endpoint = replicas[attempt % Math.max(1, replicas.length)];
  return endpoint === undefined ? fail(Code.unavailable, `no alive replica of partition ${pid}`) : ok(endpoint);
}
