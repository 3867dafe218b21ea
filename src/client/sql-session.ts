/**
 * A SQL session over the client core: the current database (USE), session variables (SET), and
 * `execute(sql)` for every statement a user types. DDL, INSERT, DELETE, SHOW and DESC run here on
 * top of the nameserver and tablet calls; queries and deployments go to the injected
 * `queryExecutor` (sql-query-hook.ts).
 *
 * A string may hold several statements separated by `;`: they run one after the other and the
 * first failure stops the rest. Failures are values whose message points into the string: a
 * syntax error shows the line with a caret under the fault, other errors end with `[at l:c]`.
 */
import { Code, type Failure, fail, ok, type Result } from '../base/status.js';
import { liveSchema, type ReplicationMode, type TableInfo, type Value } from '../protocol/schema.js';
import {
  bindInsert,
  checkName,
  createIndexTarget,
  deleteTarget,
  describeTable,
  type ExecuteMode,
  GLOBAL_VARIABLE_DEFAULTS,
  insertTarget,
  messageResult,
  planCreateIndex,
  planCreateTable,
  planDelete,
  planInsert,
  planSet,
  type ResultSet,
  relocateFailure,
  SESSION_VARIABLE_DEFAULTS,
  type StatementFailure,
  SUCCEED_MESSAGE,
  shiftPos,
  showCreateTable,
  showDatabases,
  showGlobalVariables,
  showSessionVariables,
  showTables,
  showTableStatus,
  statementFail,
} from '../sql/statements/index.js';
import { likeMatch } from '../sql/operators/like.js';
import {
  formatSyntaxError,
  type Ident,
  type ObjectName,
  parseStatement,
  type SourcePos,
  type SqlSyntaxError,
  type Statement,
  splitStatements,
} from '../sql/syntax/index.js';
import type { DbClient } from './db-client.js';
import { PREPARED_INSERT_DEFAULTS, PreparedInsert, type PreparedInsertLimits, putInBatches } from './sql-prepared-insert.js';
import { isQueryHookStatement, type QueryExecutor, type QueryHookStatement } from './sql-query-hook.js';
import { deleteEveryKey, partitionStatuses } from './sql-tablet-ops.js';

export interface SqlSessionOptions {
  /** Runs SELECT, EXPLAIN, DEPLOY, DROP DEPLOYMENT and SHOW DEPLOYMENT(S). */
  readonly queryExecutor?: QueryExecutor;
  /** The database to start in (as if `USE` had been run; not checked). */
  readonly database?: string;
  /** Batch size and pending-row limit of INSERT and prepared inserts. */
  readonly insertLimits?: PreparedInsertLimits;
}

const NO_DATABASE = 'please enter database first';

/** Databases the system keeps for itself; SHOW TABLE STATUS lists them only for LIKE '%'. */
function isHiddenDatabase(name: string): boolean {
  return name.startsWith('__') || name.toUpperCase() === 'INFORMATION_SCHEMA';
}

/** The running statement's own text (what the query executor gets) and its parameters. */
interface StatementContext {
  readonly text: string;
  readonly params: readonly Value[];
}

function relocateSyntaxError(error: SqlSyntaxError, start: SourcePos): SqlSyntaxError {
  const pos = shiftPos(error, start);
  return {
    ...error,
    ...pos,
    message: error.message.replace(/\[at \d+:\d+\]$/, `[at ${pos.line}:${pos.column}]`),
  };
}

/** A table's metadata as DESC and SHOW CREATE TABLE show it: without dropped indexes. */
function asUsersSeeIt(info: TableInfo): TableInfo {
  const schema = liveSchema(info.schema);
  return schema === info.schema ? info : { ...info, schema };
}

function isStatementFailure(r: { readonly ok: false }): r is StatementFailure {
  return 'problem' in r;
}

export class SqlSession {
  private currentDb: string | undefined;
  private readonly sessionVariables: Record<string, string> = { ...SESSION_VARIABLE_DEFAULTS };
  private readonly insertLimits: PreparedInsertLimits;

  constructor(
    readonly client: DbClient,
    private readonly options: SqlSessionOptions = {},
  ) {
    this.currentDb = options.database;
    this.insertLimits = options.insertLimits ?? PREPARED_INSERT_DEFAULTS;
  }

  /** The current database (set by USE), if any. */
  get database(): string | undefined {
    return this.currentDb;
  }

  get variables(): Readonly<Record<string, string>> {
    return { ...this.sessionVariables };
  }

  get executeMode(): ExecuteMode {
    return this.sessionVariables.execute_mode as ExecuteMode;
  }

  /** Runs every statement of `sql`; the result is the last statement's. */
  async execute(sql: string, params: readonly Value[] = []): Promise<Result<ResultSet>> {
    const all = await this.executeScript(sql, params);
    if (!all.ok) return all;
    return ok(all.value[all.value.length - 1]!);
  }

  /** Runs every statement of `sql` in order, stopping at the first failure; one result per statement. */
  async executeScript(sql: string, params: readonly Value[] = []): Promise<Result<ResultSet[]>> {
    const slices = splitStatements(sql).statements;
    if (slices.length === 0) return fail(Code.sqlSyntaxError, 'nothing to execute: the SQL text holds no statement');
    if (slices.length > 1 && params.length > 0) {
      return fail(Code.invalidParameter, `parameters need a single statement, the SQL text holds ${slices.length}`);
    }
    const results: ResultSet[] = [];
    for (const slice of slices) {
      const start: SourcePos = { offset: slice.offset, line: slice.line, column: slice.column };
      const parsed = parseStatement(slice.text);
      if (!parsed.ok) {
        const error = relocateSyntaxError(parsed, start);
        return fail(error.code, formatSyntaxError(sql, error));
      }
      const r = await this.run(parsed.value, { text: slice.text, params });
      if (!r.ok) return isStatementFailure(r) ? relocateFailure(r, start) : r;
      results.push(r.value);
    }
    return ok(results);
  }

  /** Calls a deployment with request rows (of its main table); one output row per request row. */
  async callDeployment(db: string | undefined, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    const database = this.databaseFor(db);
    if (!database.ok) return database;
    const executor = this.options.queryExecutor;
    if (executor?.callDeployment === undefined) return fail(Code.cmdError, 'this SQL session has no query executor: deployments cannot be called here');
    return executor.callDeployment(database.value, name, rows);
  }

  /** Runs a SELECT in request mode: one output row per request row (the rows are not stored). */
  async requestQuery(sql: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
    const executor = this.options.queryExecutor;
    if (executor?.requestQuery === undefined) return fail(Code.cmdError, 'this SQL session has no query executor: request mode is not available');
    return executor.requestQuery(this.currentDb, sql, rows);
  }

  /** Plans an `INSERT ... VALUES (?, ...)` once; rows are then added and written in batches. */
  async prepareInsert(sql: string): Promise<Result<PreparedInsert>> {
    const parsed = parseStatement(sql);
    if (!parsed.ok) return fail(parsed.code, formatSyntaxError(sql, parsed));
    if (parsed.value.kind !== 'insert') {
      return statementFail(Code.sqlPlanError, `prepareInsert needs an INSERT statement, got ${parsed.value.kind}`, parsed.value.pos);
    }
    const node = parsed.value;
    const target = insertTarget(node);
    if (!target.ok) return target;
    const db = this.databaseFor(target.value.db);
    if (!db.ok) return db;
    const table = await this.client.table(db.value, target.value.table);
    if (!table.ok) return table;
    const plan = planInsert(node, table.value.info.schema);
    if (!plan.ok) return plan;
    const refused = this.insertRefused(plan.value.orIgnore, node.pos);
    if (refused) return refused;
    return ok(new PreparedInsert(this.client, db.value, target.value.table, plan.value, this.insertLimits));
  }

  private databaseFor(explicit: string | undefined): Result<string> {
    const db = explicit ?? this.currentDb;
    return db === undefined ? fail(Code.cmdError, NO_DATABASE) : ok(db);
  }

  private tableName(name: ObjectName): Result<{ db: string; table: string }> {
    const db = name.db === undefined ? undefined : checkName(name.db, 'database name');
    if (db !== undefined && !db.ok) return db;
    const table = checkName(name.name, 'table name');
    if (!table.ok) return table;
    const database = this.databaseFor(db?.value);
    if (!database.ok) return database;
    return ok({ db: database.value, table: table.value });
  }

  private insertRefused(orIgnore: boolean, pos: SourcePos): StatementFailure | undefined {
    if (this.executeMode === 'offline') {
      return statementFail(
        Code.cmdError,
        "insert failed: offline mode is not supported; run SET @@execute_mode='online' first",
        pos,
      );
    }
    if (orIgnore) return statementFail(Code.cmdError, 'insert failed: INSERT OR IGNORE is not supported yet', pos);
    return undefined;
  }

  private notSupported(what: string, pos: SourcePos): StatementFailure {
    return statementFail(Code.cmdError, `${what} is not supported yet`, pos);
  }

  private async run(statement: Statement, ctx: StatementContext): Promise<Result<ResultSet>> {
    if (isQueryHookStatement(statement)) {
      const executor = this.options.queryExecutor;
      if (executor === undefined) {
        return statementFail(
          Code.cmdError,
          'this SQL session has no query executor: SELECT, EXPLAIN and deployments cannot run here',
          statement.pos,
        );
      }
      if (statement.kind === 'deploy' && this.executeMode === 'offline') {
        return statementFail(Code.cmdError, "deploy failed: cannot deploy in offline mode; run SET @@execute_mode='online' first", statement.pos);
      }
      return executor.execute({
        statement: statement as QueryHookStatement,
        sql: ctx.text,
        db: this.currentDb,
        executeMode: this.executeMode,
        params: ctx.params,
        variables: this.variables,
      });
    }
    switch (statement.kind) {
      case 'createDatabase': {
        const name = checkName(statement.name, 'database name');
        if (!name.ok) return name;
        const r = await this.client.createDatabase(name.value, statement.ifNotExists);
        return r.ok ? ok(messageResult(SUCCEED_MESSAGE)) : r;
      }
      case 'dropDatabase': {
        const r = await this.client.dropDatabase(statement.name.name, statement.ifExists);
        if (!r.ok) return r;
        if (this.currentDb === statement.name.name) this.currentDb = undefined;
        return ok(messageResult(SUCCEED_MESSAGE));
      }
      case 'useDatabase':
        return this.use(statement.name);
      case 'createTable':
        return this.createTable(statement);
      case 'createIndex':
        return this.createIndex(statement);
      case 'dropIndex': {
        const name = this.tableName(statement.table);
        if (!name.ok) return name;
        const table = await this.client.table(name.value.db, name.value.table);
        if (!table.ok) return table;
        const dropped = await this.client.ns('DeleteTableIndex', { db: name.value.db, name: name.value.table, index: statement.index.name });
        this.client.invalidateMetadata();
        if (!dropped.ok) {
          return dropped.code === Code.indexNotFound ? statementFail(dropped.code, dropped.message, statement.index.pos) : dropped;
        }
        return ok(messageResult(SUCCEED_MESSAGE));
      }
      case 'dropTable': {
        const name = this.tableName(statement.table);
        if (!name.ok) return name;
        // Looked up first: the cached metadata answers "no such table" at once, where the
        // nameserver call would retry it as a possibly stale answer until its deadline.
        const table = await this.client.table(name.value.db, name.value.table);
        if (!table.ok) return table.code === Code.tableNotFound && statement.ifExists ? ok(messageResult(SUCCEED_MESSAGE)) : table;
        const r = await this.client.dropTable(name.value.db, name.value.table, statement.ifExists);
        return r.ok ? ok(messageResult(SUCCEED_MESSAGE)) : r;
      }
      case 'truncateTable': {
        const name = this.tableName(statement.table);
        if (!name.ok) return name;
        const table = await this.client.table(name.value.db, name.value.table);
        if (!table.ok) return table;
        const indexes = liveSchema(table.value.info.schema).indexes.map((i) => i.name);
        const r = await deleteEveryKey(this.client, name.value.db, name.value.table, { indexes });
        return r.ok ? ok(messageResult(SUCCEED_MESSAGE, r.value)) : r;
      }
      case 'describe': {
        const name = this.tableName(statement.table);
        if (!name.ok) return name;
        const table = await this.client.table(name.value.db, name.value.table);
        return table.ok ? ok(describeTable(asUsersSeeIt(table.value.info))) : table;
      }
      case 'show':
        return this.show(statement);
      case 'setVariable': {
        const set = planSet(statement);
        if (!set.ok) return set;
        if (set.value.scope === 'global') {
          return this.notSupported('SET GLOBAL (no cluster-wide variable table)', statement.pos);
        }
        if (set.value.known) this.sessionVariables[set.value.name] = set.value.value;
        return ok(messageResult(SUCCEED_MESSAGE));
      }
      case 'insert':
        return this.insert(statement, ctx.params);
      case 'delete':
        return this.delete(statement, ctx.params);
      case 'loadData':
        return this.notSupported('LOAD DATA', statement.pos);
      default:
        return this.notSupported(`the ${statement.kind} statement`, statement.pos);
    }
  }

  private async use(ident: Ident): Promise<Result<ResultSet>> {
    const names = await this.client.listDatabases();
    if (!names.ok) return names;
    if (!names.value.includes(ident.name)) {
      return statementFail(Code.databaseNotFound, `database '${ident.name}' does not exist`, ident.pos);
    }
    this.currentDb = ident.name;
    return ok(messageResult('Database changed'));
  }

  private async createTable(statement: Extract<Statement, { kind: 'createTable' }>): Promise<Result<ResultSet>> {
    const plan = planCreateTable(statement);
    if (!plan.ok) return plan;
    const db = this.databaseFor(plan.value.db);
    if (!db.ok) return db;
    const options = plan.value.options;
    const optionPos = (kind: string): SourcePos => statement.options.find((o) => o.kind === kind)?.pos ?? statement.pos;
    if (options.storageMode !== 'memory') {
      return this.notSupported(`STORAGE_MODE '${options.storageMode}' (tables are kept in memory)`, optionPos('storageMode'));
    }
    if (options.compress !== 'none') return this.notSupported("COMPRESS_TYPE 'snappy'", optionPos('compressType'));
    if (options.distribution !== undefined) {
      const placed = await this.distributionRefused(options.distribution, optionPos('distribution'));
      if (placed) return placed;
    }
    const request: { partitionNum?: number; replicaNum?: number; replicationMode?: ReplicationMode; ifNotExists: boolean } = {
      ifNotExists: options.ifNotExists,
    };
    if (options.partitionNum !== undefined) request.partitionNum = options.partitionNum;
    if (options.replicaNum !== undefined) request.replicaNum = options.replicaNum;
    if (options.replicationMode !== undefined) request.replicationMode = options.replicationMode;
    const r = await this.client.createTable(db.value, plan.value.name, plan.value.schema, request);
    return r.ok ? ok(messageResult(SUCCEED_MESSAGE)) : r;
  }

  /**
   * The nameserver places partitions itself. An explicit DISTRIBUTION is honoured only where it is
   * the one placement possible: every endpoint it names is a healthy tablet and there is one tablet.
   */
  private async distributionRefused(
    distribution: readonly { readonly leader: string; readonly followers: readonly string[] }[],
    pos: SourcePos,
  ): Promise<Failure | undefined> {
    const tablets = await this.client.ns('ShowTablet', {});
    if (!tablets.ok) return tablets;
    const healthy = new Set(tablets.value.tablets.filter((t) => t.state === 'kHealthy').map((t) => t.endpoint));
    for (const entry of distribution) {
      for (const ep of [entry.leader, ...entry.followers]) {
        if (!healthy.has(ep)) {
          return statementFail(Code.endpointIsNotExist, `create table failed: DISTRIBUTION names '${ep}', which is not a healthy tablet`, pos);
        }
      }
    }
    if (healthy.size > 1) return this.notSupported('DISTRIBUTION with an explicit placement on a cluster of several tablets', pos);
    return undefined;
  }

  private async createIndex(statement: Extract<Statement, { kind: 'createIndex' }>): Promise<Result<ResultSet>> {
    const target = createIndexTarget(statement);
    if (!target.ok) return target;
    const db = this.databaseFor(target.value.db);
    if (!db.ok) return db;
    const table = await this.client.table(db.value, target.value.table);
    if (!table.ok) return table;
    const plan = planCreateIndex(statement, liveSchema(table.value.info.schema));
    if (!plan.ok) return plan;
    const added = await this.client.ns('AddTableIndex', { db: db.value, name: target.value.table, index: plan.value.index });
    this.client.invalidateMetadata();
    return added.ok ? ok(messageResult(SUCCEED_MESSAGE)) : added;
  }

  private async insert(statement: Extract<Statement, { kind: 'insert' }>, params: readonly Value[]): Promise<Result<ResultSet>> {
    const target = insertTarget(statement);
    if (!target.ok) return target;
    const db = this.databaseFor(target.value.db);
    if (!db.ok) return db;
    const table = await this.client.table(db.value, target.value.table);
    if (!table.ok) return table;
    const plan = planInsert(statement, table.value.info.schema);
    if (!plan.ok) return plan;
    const refused = this.insertRefused(plan.value.orIgnore, statement.pos);
    if (refused) return refused;
    const rows = bindInsert(plan.value, params);
    if (!rows.ok) return rows;
    const written = await putInBatches(this.client, db.value, target.value.table, rows.value, this.insertLimits.batchRowsMax);
    return written.ok ? ok(messageResult(SUCCEED_MESSAGE, written.value)) : written;
  }

  private async delete(statement: Extract<Statement, { kind: 'delete' }>, params: readonly Value[]): Promise<Result<ResultSet>> {
    const target = deleteTarget(statement);
    if (!target.ok) return target;
    const db = this.databaseFor(target.value.db);
    if (!db.ok) return db;
    const table = await this.client.table(db.value, target.value.table);
    if (!table.ok) return table;
    // Names, not positions, come back: the live indexes are enough.
    const plan = planDelete(statement, liveSchema(table.value.info.schema), params);
    if (!plan.ok) return plan;
    const { index, key, fromTsMs, toTsMs, empty } = plan.value;
    if (empty) return ok(messageResult(SUCCEED_MESSAGE, 0));
    const range = { ...(fromTsMs !== undefined ? { fromTsMs } : {}), ...(toTsMs !== undefined ? { toTsMs } : {}) };
    const deleted =
      key === undefined
        ? await deleteEveryKey(this.client, db.value, target.value.table, { indexes: [index], ...range })
        : await this.client.deleteKey(db.value, target.value.table, { index, key, ...range });
    return deleted.ok ? ok(messageResult(SUCCEED_MESSAGE, deleted.value)) : deleted;
  }

  private async show(statement: Extract<Statement, { kind: 'show' }>): Promise<Result<ResultSet>> {
    const target = statement.target;
    switch (target.what) {
      case 'databases': {
        const names = await this.client.listDatabases();
        return names.ok ? ok(showDatabases(names.value.filter((n) => !isHiddenDatabase(n)))) : names;
      }
      case 'tables': {
        const db = this.databaseFor(undefined);
        if (!db.ok) return db;
        const tables = await this.client.listTables(db.value);
        return tables.ok ? ok(showTables(tables.value.map((t) => t.name))) : tables;
      }
      case 'tableStatus': {
        const tables = await this.tablesForStatus(target.like);
        if (!tables.ok) return tables;
        const statuses = await partitionStatuses(this.client, tables.value);
        return ok(showTableStatus(tables.value.map((info) => ({ info, partitions: statuses.filter((s) => s.tid === info.tid) }))));
      }
      case 'variables':
        return ok(target.scope === 'global' ? showGlobalVariables(GLOBAL_VARIABLE_DEFAULTS) : showSessionVariables(this.sessionVariables));
      case 'createTable': {
        const name = this.tableName(target.table);
        if (!name.ok) return name;
        const table = await this.client.table(name.value.db, name.value.table);
        return table.ok ? ok(showCreateTable(asUsersSeeIt(table.value.info))) : table;
      }
      default:
        return this.notSupported(`SHOW ${target.what.toUpperCase()}`, statement.pos);
    }
  }

  /**
   * SHOW TABLE STATUS: with LIKE, the tables of the databases whose names match (hidden ones only
   * when the pattern is '%'); else those of the current database; else of every visible database.
   */
  private async tablesForStatus(like: string | undefined): Promise<Result<TableInfo[]>> {
    const all = await this.client.listTables();
    if (!all.ok) return all;
    let keep: (t: TableInfo) => boolean;
    if (like !== undefined) keep = (t) => likeMatch(t.db, like, '\\', false) && (like === '%' || !isHiddenDatabase(t.db));
    else if (this.currentDb !== undefined) keep = (t) => t.db === this.currentDb;
    else keep = (t) => !isHiddenDatabase(t.db);
    return ok(all.value.filter(keep).sort((a, b) => a.db.localeCompare(b.db) || a.name.localeCompare(b.name)));
  }
}
