/**
 * The TypeScript SDK: `connect({ host, port })` for a standalone database or
 * `connect({ zkCluster, zkPath })` for a cluster, then DDL, writes and reads. Writes go straight to
 * each partition's leader tablet; metadata is cached and refreshed when the cluster changes.
 * Every failure is a `DbError` carrying the server's status code and a message naming the problem.
 */
import { randomBytes } from 'node:crypto';
import { DbError, type Result } from '../base/status.js';
import { CLIENT_DEFAULTS, type ClientOptions, DbClient, type Row, type ScanOptions } from '../client/db-client.js';
import { coordinatorDiscovery, type Discovery, staticDiscovery } from '../client/discovery.js';
import type { PreparedInsert } from '../client/sql-prepared-insert.js';
import { SqlQueryClient } from '../client/sql-query-client.js';
import { SqlSession } from '../client/sql-session.js';
import type { RowInput } from '../client/table-handle.js';
import type { ResultColumn, ResultSet } from '../sql/statements/index.js';
import { type ColumnType, type IndexDef, liveSchema, type ReplicationMode, type TableInfo, type TableSchema, type Ttl, type Value } from '../protocol/schema.js';
import { systemClock } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { ZkCoordinator } from '../runtime/zk-coordinator.js';

export type { ColumnType, IndexDef, PreparedInsert, ReplicationMode, ResultColumn, ResultSet, Row, RowInput, ScanOptions, TableInfo, TableSchema, Ttl, Value };

/** A query result: typed columns, rows in column order, and the same rows as objects keyed by column name. */
export interface QueryRows {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly Value[])[];
  /** One object per row; when two columns share a name, the later one wins. */
  readonly objects: readonly Readonly<Record<string, Value>>[];
}

function queryRows(r: ResultSet): QueryRows {
  const names = r.columns.map((c) => c.name);
  return {
    columns: r.columns,
    rows: r.rows,
    objects: r.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i] ?? null]))),
  };
}
export { DbError };

export interface ConnectOptions {
  /** Standalone: the nameserver's host and port. */
  readonly host?: string;
  readonly port?: number;
  /** Cluster: ZooKeeper `host:port[,host:port]` and the cluster's root path. */
  readonly zkCluster?: string;
  readonly zkPath?: string;
  /** ZooKeeper session timeout (cluster). Default 10 s. */
  readonly sessionTimeoutMs?: number;
  /** Deadline of one operation, retries included. Default 20 s. */
  readonly requestTimeoutMs?: number;
  /**
   * @internal The SDK version to behave as (default: this package's). Tests run SDKs of several
   * versions against servers of several versions with it (handshake identity and features).
   */
  readonly softwareVersion?: string;
}

export interface CreateTableOptions {
  readonly partitionNum?: number;
  readonly replicaNum?: number;
  /** 'sync': a write is acknowledged only when every alive follower has it. */
  readonly replicationMode?: ReplicationMode;
  readonly ifNotExists?: boolean;
}

function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new DbError(r.code, r.message);
}

export class Connection {
  /** Runs SELECT, DEPLOY and deployments on the tablets and the nameserver. */
  readonly queries: SqlQueryClient;
  /** The connection's SQL session: its current database (`use`) and variables (`SET`). */
  readonly session: SqlSession;

  /** @internal */
  constructor(readonly client: DbClient) {
    this.queries = new SqlQueryClient(client);
    this.session = new SqlSession(client, { queryExecutor: this.queries });
  }

  /** Runs SQL (one or more statements separated by ';'); the result is the last statement's. */
  async execute(sql: string, params: readonly Value[] = []): Promise<ResultSet> {
    return unwrap(await this.session.execute(sql, params));
  }

  /** Runs a statement that returns rows (SELECT, SHOW, ...) and returns them typed, also as objects. */
  async query(sql: string, params: readonly Value[] = []): Promise<QueryRows> {
    return queryRows(unwrap(await this.session.execute(sql, params)));
  }

  /** Makes `db` the current database (as `USE db`). */
  async use(db: string): Promise<void> {
    unwrap(await this.session.execute(`USE \`${db.replace(/`/g, '``')}\``));
  }

  /** The current database, if one was chosen. */
  get database(): string | undefined {
    return this.session.database;
  }

  /** Calls a deployment with request rows (its main table's columns, in order); one output row per request row. */
  async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<QueryRows> {
    return queryRows(unwrap(await this.queries.callDeployment(db, name, rows)));
  }

  /** Runs a SELECT in request mode for one request row of its main table (the row is not stored). */
  async requestQuery(db: string, sql: string, row: readonly Value[]): Promise<QueryRows> {
    return queryRows(unwrap(await this.queries.requestQuery(db, sql, [row])));
  }

  /** Plans `INSERT INTO t (...) VALUES (?, ...)` once; `add` rows, then `execute` writes them in batches. */
  async prepareInsert(db: string, sql: string): Promise<PreparedInsert> {
    const session = new SqlSession(this.client, { database: db });
    return unwrap(await session.prepareInsert(sql));
  }

  async createDatabase(name: string, options: { ifNotExists?: boolean } = {}): Promise<void> {
    unwrap(await this.client.createDatabase(name, options.ifNotExists ?? false));
  }

  async dropDatabase(name: string, options: { ifExists?: boolean } = {}): Promise<void> {
    unwrap(await this.client.dropDatabase(name, options.ifExists ?? false));
  }

  async listDatabases(): Promise<string[]> {
    return unwrap(await this.client.listDatabases());
  }

  /** Creates a table; returns its table id. */
  async createTable(db: string, name: string, schema: TableSchema, options: CreateTableOptions = {}): Promise<number> {
    return unwrap(await this.client.createTable(db, name, schema, options));
  }

  async dropTable(db: string, name: string, options: { ifExists?: boolean } = {}): Promise<void> {
    unwrap(await this.client.dropTable(db, name, options.ifExists ?? false));
  }

  /** Tables with their schemas as users see them (dropped indexes left out). */
  async listTables(db?: string): Promise<TableInfo[]> {
    return unwrap(await this.client.listTables(db)).map((t) => ({ ...t, schema: liveSchema(t.schema) }));
  }

  /** Writes one row (values in schema order, or an object keyed by column name). */
  async put(db: string, table: string, row: RowInput): Promise<void> {
    unwrap(await this.client.put(db, table, [row]));
  }

  /** Writes several rows; each tablet gets one request for its share. */
  async putMany(db: string, table: string, rows: readonly RowInput[]): Promise<void> {
    unwrap(await this.client.put(db, table, rows));
  }

  /** Rows of one key of an index, newest first. */
  async scan(db: string, table: string, options: ScanOptions): Promise<Row[]> {
    return unwrap(await this.client.scan(db, table, options));
  }

  async count(db: string, table: string, options: Pick<ScanOptions, 'index' | 'key' | 'anyReplica'>): Promise<number> {
    return unwrap(await this.client.count(db, table, options));
  }

  /** Up to `limit` rows of a table. */
  async preview(db: string, table: string, limit = 100): Promise<Row[]> {
    return unwrap(await this.client.preview(db, table, limit));
  }

  /** Deletes the rows of one key, optionally only those with fromTsMs <= ts < toTsMs. */
  async deleteKey(
    db: string,
    table: string,
    options: { index?: string; key: Value | readonly Value[]; fromTsMs?: number; toTsMs?: number },
  ): Promise<number> {
    return unwrap(await this.client.deleteKey(db, table, options));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const clientOptions: ClientOptions = {
    ...CLIENT_DEFAULTS,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.softwareVersion !== undefined ? { softwareVersion: options.softwareVersion } : {}),
  };
  let discovery: Discovery;
  if (options.zkCluster) {
    const coord = await ZkCoordinator.connect({
      connectString: options.zkCluster,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    });
    discovery = coordinatorDiscovery(coord, options.zkPath ?? '/openmldb', true);
  } else if (options.host && options.port) {
    discovery = staticDiscovery(`${options.host}:${options.port}`);
  } else {
    throw new DbError(307, 'connect needs { host, port } (standalone) or { zkCluster, zkPath } (cluster)');
  }
  const transport = new TcpTransport({
    role: 'client',
    callTimeoutMsDefault: clientOptions.requestTimeoutMs,
    ...(options.softwareVersion !== undefined ? { softwareVersion: options.softwareVersion } : {}),
  });
  const client = new DbClient(
    {
      transport,
      discovery,
      clock: systemClock,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      clientId: randomBytes(12).toString('base64url'),
    },
    clientOptions,
  );
  return new Connection(client);
}
