/**
 * The API server's client: the DbClient (metadata, writes), one shared query executor and a fresh
 * SQL session per POST /dbs/{db} request, so a USE or SET in one request never leaks into another.
 *
 * Deployment calls need the input schema before the call; it is cached (bounded, keyed by
 * db.name) and valid while the client's metadata-change count is unchanged. A failed call drops
 * the entry, so a deployment dropped and created again elsewhere is read afresh on the next call.
 */
import { ok, okVoid, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import type { SqlQueryClient } from '../client/sql-query-client.js';
import { SqlSession } from '../client/sql-session.js';
import type { DeploymentInfo } from '../protocol/messages.js';
import type { TableInfo, Value } from '../protocol/schema.js';
import type { ResultSet } from '../sql/statements/index.js';
import { parseStatement } from '../sql/syntax/index.js';
import type { ApiClient, SqlRunMode } from './api-client.js';

/** Deployments whose input schema is kept for calls. */
export const DEPLOYMENT_CACHE_MAX = 1000;

export function createApiClient(client: DbClient, queries: SqlQueryClient): ApiClient {
  const deployments = new Map<string, { readonly info: DeploymentInfo; readonly changes: number }>();

  async function getDeployment(db: string, name: string): Promise<Result<DeploymentInfo>> {
    const r = await client.ns('GetDeployment', { db, name });
    return r.ok ? ok(r.value.deployment) : r;
  }

  return {
    listDatabases: () => client.listDatabases(),

    async listTables(db: string): Promise<Result<TableInfo[]>> {
      const r = await client.ns('ShowTable', { db });
      return r.ok ? ok(r.value.tables) : r;
    },

    async tableForWrite(db: string, table: string): Promise<Result<TableInfo>> {
      const r = await client.table(db, table);
      return r.ok ? ok(r.value.info) : r;
    },

    put: (db, table, row) => client.put(db, table, [row]),

    getDeployment,

    async deploymentForCall(db: string, name: string): Promise<Result<DeploymentInfo>> {
      const key = `${db}.${name}`;
      const cached = deployments.get(key);
      if (cached !== undefined && cached.changes === client.metadataChanges) return ok(cached.info);
      const changes = client.metadataChanges;
      const r = await getDeployment(db, name);
      deployments.delete(key);
      if (!r.ok) return r;
      deployments.set(key, { info: r.value, changes });
      while (deployments.size > DEPLOYMENT_CACHE_MAX) deployments.delete(deployments.keys().next().value!);
      return r;
    },

    async callDeployment(db: string, name: string, rows: readonly (readonly Value[])[]): Promise<Result<ResultSet>> {
      const r = await queries.callDeployment(db, name, rows);
      if (!r.ok) deployments.delete(`${db}.${name}`);
      return r;
    },

    async executeSql(db: string, sql: string, params: readonly Value[], mode: SqlRunMode): Promise<Result<ResultSet>> {
      const session = new SqlSession(client, { queryExecutor: queries, database: db });
      // The reference picks the engine mode of a SELECT from the session (online), not from `mode`.
      if (mode === 'offline' && !isSingleQuery(sql)) {
        const set = await session.execute("SET @@execute_mode='offline'");
        if (!set.ok) return set;
      }
      return session.execute(sql, params);
    },

    async refresh(): Promise<Result<void>> {
      deployments.clear();
      client.invalidateMetadata();
      const r = await client.tablesSnapshot();
      return r.ok ? okVoid : r;
    },
  };
}

function isSingleQuery(sql: string): boolean {
  const parsed = parseStatement(sql);
  return parsed.ok && parsed.value.kind === 'queryStatement';
}
