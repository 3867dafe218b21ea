/**
 * The client side of online SQL (sql.md §4.1, §5): the query executor the SQL session hands
 * SELECT, DEPLOY, SHOW DEPLOYMENT(S) and DROP DEPLOYMENT to, plus direct calls for request mode
 * and deployments.
 * - SELECT runs on a tablet (`Query`): one that leads a partition of the query's main table (any
 *   healthy tablet for a query without tables). The session's execute_mode, or the query's own
 *   CONFIG, picks batch ('online') or request mode (rows from CONFIG values).
 * - A batch SELECT over a table whose partitions several tablets lead is split by partition when
 *   its plan allows (sql-split.ts): each leader runs it over its own partitions, the answers are
 *   merged here. Otherwise one tablet runs it, reading the other partitions from their leaders.
 * - Deployments are kept by the nameserver; a call goes to the tablet leading the partition of the
 *   request row's key under the deployment's first window (`routingColumns`).
 * Reads are repeated (after reloading metadata) when the tablet could not be reached; a query
 * that ran and failed is not.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { DeploymentInfo, SqlExecMode, SqlResultMsg } from '../protocol/messages.js';
import { indexKey } from '../protocol/row-key.js';
import { columnIndex, type Value } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import {
  messageResult,
  paramToColumn,
  type ResultSet,
  SUCCEED_MESSAGE,
  statementFail,
} from '../sql/statements/index.js';
import { parseStatement, type Query, type QueryStatement, type Show } from '../sql/syntax/index.js';
import type { DbClient } from './db-client.js';
import { mainTableOf, readConfig } from './sql-config.js';
import { showDeployment, showDeployments } from './sql-deployment-text.js';
import type { QueryExecutor, QueryRequest } from './sql-query-hook.js';
import { mergePieces, piecesByLeader, type QuerySplit, SqlSplitPlanner } from './sql-split.js';

const NO_DATABASE = 'please enter database first';
/** Attempts of a call whose tablet could not be reached (metadata is reloaded in between). */
const ATTEMPTS_MAX = 3;
const UNREACHABLE = new Set<number>([Code.unavailable, Code.rpcConnectionLost]);
/** Answers of a piece of a split query after which the placement it was sent by is not to be trusted. */
const STALE_PIECE = new Set<number>([...UNREACHABLE, Code.tableIsFollower, Code.tableNotFound, Code.termFenced]);
/** Answers of a piece that mean the tablet planned the query otherwise (its metadata differs): run it unsplit. */
const PIECE_PLAN_FAILED = new Set<number>([Code.sqlPlanError, Code.indexNotFound, Code.databaseNotFound]);

type BatchRequest = { db: string; sql: string; mode: 'batch'; params?: Value[] };

/** What the client did with batch queries (for operators and tests). */
export interface SplitStats {
  /** Batch queries run split by partition. */
  split: number;
  /** Piece answers merged (each named the partitions it covered). */
  pieces: number;
  /** Batch queries run on one tablet. */
  gathered: number;
  /** Why the last batch query over a multi-partition table was not split ('' when it was). */
  lastReason: string;
}

function resultSet(r: SqlResultMsg): ResultSet {
  return { columns: r.columns, rows: r.rows };
}

export class SqlQueryClient implements QueryExecutor {
  private readonly deployments = new Map<string, { readonly info: DeploymentInfo; readonly changes: number }>();
  private readonly deploymentsMax = 1000;
  private turn = 0;
  private readonly splitter: SqlSplitPlanner;
  readonly splitStats: SplitStats = { split: 0, pieces: 0, gathered: 0, lastReason: '' };

  constructor(readonly client: DbClient) {
    this.splitter = new SqlSplitPlanner(client);
  }

  async execute(request: QueryRequest): Promise<Result<ResultSet>> {
    const s = request.statement;
    switch (s.kind) {
      case 'queryStatement':
        return this.select(s, request);
      case 'explain':
        return statementFail(Code.cmdError, 'EXPLAIN is not supported yet', s.pos);
      case 'deploy': {
        if (request.db === undefined) return statementFail(Code.cmdError, NO_DATABASE, s.pos);
        const r = await this.client.ns('Deploy', { db: request.db, sql: request.sql });
        this.client.invalidateMetadata();
        return r.ok ? ok(messageResult(SUCCEED_MESSAGE)) : r;
      }
      case 'dropDeployment': {
        const db = s.name.db?.name ?? request.db;
        if (db === undefined) return statementFail(Code.cmdError, NO_DATABASE, s.pos);
        const r = await this.client.ns('DropDeployment', { db, name: s.name.name.name });
        this.deployments.delete(`${db}.${s.name.name.name}`);
        this.client.invalidateMetadata();
        return r.ok ? ok(messageResult(SUCCEED_MESSAGE)) : r;
      }
      case 'show':
        return this.show(s, request.db);
    }
  }

  private async show(s: Show, currentDb: string | undefined): Promise<Result<ResultSet>> {
    const target = s.target;
    if (target.what === 'deployments') {
      if (currentDb === undefined) return statementFail(Code.cmdError, NO_DATABASE, s.pos);
      const r = await this.client.ns('ShowDeployments', { db: currentDb });
      return r.ok ? ok(showDeployments(r.value.deployments)) : r;
    }
    if (target.what === 'deployment') {
      const db = target.name.db?.name ?? currentDb;
      if (db === undefined) return statementFail(Code.cmdError, NO_DATABASE, s.pos);
      const r = await this.client.ns('GetDeployment', { db, name: target.name.name.name });
      return r.ok ? ok(showDeployment(r.value.deployment)) : r;
    }
    return statementFail(Code.cmdError, `SHOW ${target.what.toUpperCase()} is not handled by the query executor`, s.pos);
  }

  private async select(s: QueryStatement, request: QueryRequest): Promise<Result<ResultSet>> {
    if (s.outfile !== undefined) return statementFail(Code.cmdError, 'SELECT ... INTO OUTFILE is not supported yet', s.outfile.pos);
    const config = readConfig(s.config, request.params);
    if (!config.ok) return config;
    const mode = config.value.executeMode ?? request.executeMode;
    if (mode === 'offline') {
      return statementFail(
        Code.cmdError,
        "offline queries are not supported: this database runs online only; run SET @@execute_mode='online'",
        s.pos,
      );
    }
    const main = mainTableOf(s.query, request.db);
    if (mode === 'request') {
      const rows = config.value.values;
      if (rows === undefined || rows.length === 0) {
        return statementFail(Code.cmdError, "request mode needs request rows: add CONFIG (execute_mode='request', values=(v1, v2, ...))", s.pos);
      }
      const r = await this.runQuery(main, { db: request.db ?? '', sql: request.sql, mode: 'request', rows });
      return r.ok ? ok(resultSet(r.value)) : r;
    }
    const r = await this.runBatch(s.query, request.db, main, {
      db: request.db ?? '',
      sql: request.sql,
      mode: 'batch',
      ...(request.params.length > 0 ? { params: [...request.params] } : {}),
    });
    return r.ok ? ok(resultSet(r.value)) : r;
  }

  /** How to split a batch query, or undefined to run it on one tablet. */
  private async splitFor(
    query: Query,
    db: string | undefined,
    main: { db: string; name: string } | undefined,
    req: BatchRequest,
  ): Promise<QuerySplit | undefined> {
    if (main === undefined) return undefined;
    const t = await this.client.table(main.db, main.name);
    if (!t.ok || t.value.info.partitionNum <= 1) return undefined;
    const pieces = piecesByLeader(t.value);
    // One leader for every partition (standalone): the tablet reads them all locally anyway.
    if (!pieces.ok || pieces.value.length <= 1) return undefined;
    const choice = await this.splitter.choose(query, req.sql, db, req.params ?? []);
    if (!choice.ok) {
      this.splitStats.lastReason = `loading the schemas failed: ${choice.message}`;
      return undefined;
    }
    if ('reason' in choice.value) {
      this.splitStats.lastReason = choice.value.reason;
      return undefined;
    }
    this.splitStats.lastReason = '';
    return choice.value.split;
  }

  /**
   * A batch query: split by partition when it can be (sql-split.ts), else on one tablet. A piece
   * answering that the placement is stale reloads metadata and starts over; a piece whose tablet
   * plans the query otherwise (metadata differs) sends the query unsplit.
   */
  private async runBatch(
    query: Query,
    db: string | undefined,
    main: { db: string; name: string } | undefined,
    req: BatchRequest,
  ): Promise<Result<SqlResultMsg>> {
    for (let attempt = 0; ; attempt++) {
      const split = await this.splitFor(query, db, main, req);
      if (split === undefined) break;
      const r = await this.runPieces(split, req);
      if (r.ok) return r;
      if (PIECE_PLAN_FAILED.has(r.code)) break;
      if (!STALE_PIECE.has(r.code) || attempt + 1 >= ATTEMPTS_MAX) return r;
      this.client.invalidateMetadata();
    }
    this.splitStats.gathered++;
    return this.runQuery(main, req);
  }

  private async runPieces(split: QuerySplit, req: BatchRequest): Promise<Result<SqlResultMsg>> {
    const pieces = piecesByLeader(split.handle);
    if (!pieces.ok) return pieces;
    const tid = split.handle.info.tid;
    const answers = await Promise.all(
      pieces.value.map((p) =>
        callTablet(
          this.client.rpc(p.endpoint),
          'Query',
          { ...req, partitions: { tid, pids: p.pids, index: split.indexPos } },
          { timeoutMs: this.client.options.requestTimeoutMs },
        ),
      ),
    );
    const failed = answers.find((a) => !a.ok && STALE_PIECE.has(a.code)) ?? answers.find((a) => !a.ok);
    if (failed !== undefined && !failed.ok) return failed;
    const values = answers.map((a) => (a.ok ? a.value : undefined)).filter((a) => a !== undefined);
    // A tablet that does not know the field ran the whole query: its answer is the result.
    const whole = values.find((a) => a.pids === undefined);
    if (whole !== undefined) return ok({ columns: whole.columns, rows: whole.rows });
    for (const [i, a] of values.entries()) {
      const asked = pieces.value[i]!;
      if (a.pids!.length !== asked.pids.length || a.pids!.some((pid, k) => pid !== asked.pids[k])) {
        return fail(Code.internal, `query split by partition: ${asked.endpoint} answered for partitions ${a.pids!.join(',')}, asked for ${asked.pids.join(',')}`);
      }
    }
    this.splitStats.split++;
    this.splitStats.pieces += values.length;
    return ok(mergePieces(values, split));
  }

  /** A tablet to run a query on: a leader of the main table, else any healthy tablet. */
  private async queryEndpoint(main: { db: string; name: string } | undefined): Promise<Result<string>> {
    if (main !== undefined) {
      const t = await this.client.table(main.db, main.name);
      if (t.ok) {
        const partitions = t.value.info.partitions;
        for (let i = 0; i < partitions.length; i++) {
          const leader = t.value.leaderOf(partitions[(this.turn + i) % partitions.length]!.pid);
          if (leader.ok) {
            this.turn++;
            return leader;
          }
        }
      }
    }
    const tablets = await this.client.ns('ShowTablet', {});
    if (!tablets.ok) return tablets;
    const healthy = tablets.value.tablets.filter((t) => t.state === 'kHealthy').map((t) => t.endpoint);
    if (healthy.length === 0) return fail(Code.tabletIsNotHealthy, 'no healthy tablet to run the query on');
    return ok(healthy[this.turn++ % healthy.length]!);
  }

  private async runQuery(
    main: { db: string; name: string } | undefined,
    req: { db: string; sql: string; mode: SqlExecMode; params?: Value[]; rows?: Value[][] },
  ): Promise<Result<SqlResultMsg>> {
    let last: Result<SqlResultMsg> = fail(Code.unavailable, 'query not sent');
    for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
      const endpoint = await this.queryEndpoint(main);
      if (!endpoint.ok) return endpoint;
      last = await callTablet(this.client.rpc(endpoint.value), 'Query', req, { timeoutMs: this.client.options.requestTimeoutMs });
      if (last.ok || !UNREACHABLE.has(last.code)) return last;
      this.client.invalidateMetadata();
    }
    return last;
  }

  /** Runs a SELECT in batch mode (every output row). */
  async query(db: string | undefined, sql: string, params: readonly Value[] = []): Promise<Result<ResultSet>> {
    const parsed = this.queryOfText(sql);
    if (!parsed.ok) return parsed;
    const main = mainTableOf(parsed.value, db);
    const r = await this.runBatch(parsed.value, db, main, { db: db ?? '', sql, mode: 'batch', ...(params.length > 0 ? { params: [...params] } : {}) });
    return r.ok ? ok(resultSet(r.value)) : r;
  }

  /** Runs a SELECT in request mode: one output row per request row of its main table (rows are not stored). */
  async requestQuery(db: string | undefined, sql: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    const main = this.mainTableOfText(sql, db);
    if (!main.ok) return main;
    const r = await this.runQuery(main.value, { db: db ?? '', sql, mode: 'request', rows: rows.map((row) => [...row]) });
    return r.ok ? ok(resultSet(r.value)) : r;
  }

  private queryOfText(sql: string): Result<Query> {
    const parsed = parseStatement(sql);
    if (!parsed.ok) return parsed;
    const s = parsed.value;
    if (s.kind !== 'queryStatement') return fail(Code.sqlPlanError, `expected a query (SELECT or WITH), got a ${s.kind} statement`);
    return ok(s.query);
  }

  private mainTableOfText(sql: string, db: string | undefined): Result<{ db: string; name: string } | undefined> {
    const q = this.queryOfText(sql);
    return q.ok ? ok(mainTableOf(q.value, db)) : q;
  }

  private async deploymentInfo(db: string, name: string): Promise<Result<DeploymentInfo>> {
    const key = `${db}.${name}`;
    const cached = this.deployments.get(key);
    if (cached !== undefined && cached.changes === this.client.metadataChanges) return ok(cached.info);
    const changes = this.client.metadataChanges;
    const r = await this.client.ns('GetDeployment', { db, name });
    if (!r.ok) return r;
    this.deployments.delete(key);
    this.deployments.set(key, { info: r.value.deployment, changes });
    while (this.deployments.size > this.deploymentsMax) this.deployments.delete(this.deployments.keys().next().value!);
    return ok(r.value.deployment);
  }

  /** Calls a deployment: one output row per request row (rows in the main table's column order). */
  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    if (rows.length === 0) return fail(Code.invalidParameter, `call of deployment '${db}.${name}' failed: no request rows`);
    let last: Result<ResultSet> = fail(Code.unavailable, 'deployment not called');
    for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
      last = await this.callOnce(db, name, rows);
      if (last.ok || !UNREACHABLE.has(last.code)) return last;
      this.client.invalidateMetadata();
    }
    return last;
  }

  private async callOnce(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    const info = await this.deploymentInfo(db, name);
    if (!info.ok) return info;
    const groups = await this.route(info.value, rows);
    if (!groups.ok) return groups;
    const answers = await Promise.all(
      [...groups.value].map(async ([endpoint, group]) => ({
        group,
        r: await callTablet(
          this.client.rpc(endpoint),
          'CallDeployment',
          { db, name, rows: group.rows },
          { timeoutMs: this.client.options.requestTimeoutMs },
        ),
      })),
    );
    const out: Value[][] = new Array<Value[]>(rows.length);
    let columns: SqlResultMsg['columns'] | undefined;
    for (const { group, r } of answers) {
      if (!r.ok) {
        if (r.code === Code.cmdError) this.deployments.delete(`${db}.${name}`);
        return r;
      }
      if (r.value.rows.length !== group.at.length) {
        return fail(Code.internal, `deployment '${db}.${name}' returned ${r.value.rows.length} rows for ${group.at.length} request rows`);
      }
      columns ??= r.value.columns;
      group.at.forEach((i, k) => {
        out[i] = r.value.rows[k]!;
      });
    }
    return ok({ columns: columns ?? info.value.outputSchema, rows: out });
  }

  /** Request rows grouped by the tablet leading the partition of their routing key. */
  private async route(
    info: DeploymentInfo,
    rows: readonly (readonly Value[])[],
  ): Promise<Result<Map<string, { rows: Value[][]; at: number[] }>>> {
    const table = await this.client.table(info.mainTable.db, info.mainTable.name);
    if (!table.ok) return table;
    const handle = table.value;
    const columns = info.inputSchema;
    const keyColumns = info.routingColumns.map((c) => columnIndex({ columns, indexes: [] }, c)).filter((i) => i >= 0);
    const keyTypes = keyColumns.map((i) => columns[i]!.type);
    const routed = handle.info.partitionNum > 1 && keyColumns.length > 0;
    const groups = new Map<string, { rows: Value[][]; at: number[] }>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let pid = handle.info.partitions[this.turn % handle.info.partitions.length]!.pid;
      if (routed) {
        const key: Value[] = [];
        for (const k of keyColumns) {
          const c = paramToColumn(row[k] ?? null, columns[k]!);
          if (!c.ok) return fail(Code.invalidParameter, `request row ${i + 1}: ${c.problem}`);
          key.push(c.value);
        }
        pid = handle.partitionOf(indexKey(key, keyTypes));
      }
      const leader = handle.leaderOf(pid);
      if (!leader.ok) return leader;
      let g = groups.get(leader.value);
      if (g === undefined) {
        g = { rows: [], at: [] };
        groups.set(leader.value, g);
      }
      g.rows.push([...row]);
      g.at.push(i);
    }
    this.turn++;
    return ok(groups);
  }
}
