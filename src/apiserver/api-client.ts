/**
 * What the HTTP handlers need from the database: the client operations behind every endpoint.
 * `createApiClient` (db-api-client.ts) implements it over the DbClient and SQL session; the
 * handler tests use an in-memory fake.
 */
import type { Result } from '../base/status.js';
import type { DeploymentInfo } from '../protocol/messages.js';
import type { TableInfo, Value } from '../protocol/schema.js';
import type { ResultSet } from '../sql/statements/index.js';

/** How POST /dbs/{db} runs statements: `offline` refuses writes and deployments (online-only system). */
export type SqlRunMode = 'online' | 'offline';

export interface ApiClient {
  listDatabases(): Promise<Result<string[]>>;
  /** Tables of `db`, fresh from the nameserver (empty for an unknown database). */
  listTables(db: string): Promise<Result<TableInfo[]>>;
  /** One table's metadata as the write path sees it (tableNotFound when it does not exist). */
  tableForWrite(db: string, table: string): Promise<Result<TableInfo>>;
  /** Writes one row (values in schema order, already of the column types). */
  put(db: string, table: string, row: readonly Value[]): Promise<Result<void>>;
  /** The deployment, fresh from the nameserver. */
  getDeployment(db: string, name: string): Promise<Result<DeploymentInfo>>;
  /** The deployment for a call: may come from a cache that a failed call or a refresh empties. */
  deploymentForCall(db: string, name: string): Promise<Result<DeploymentInfo>>;
  /** One output row per request row (rows in the deployment's input schema order). */
  callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>>;
  /** Runs SQL text with `db` as the current database and `params` for its `?`s. */
  executeSql(db: string, sql: string, params: readonly Value[], mode: SqlRunMode): Promise<Result<ResultSet>>;
  /** Drops cached metadata (tables, deployments) and loads the tables again. */
  refresh(): Promise<Result<void>>;
}
