/**
 * The HTTP API server's request handling, independent of any HTTP library: a parsed request in,
 * `{status, body}` out (sql.md §6). The runtime shell (src/runtime/http-api.ts) feeds it every
 * request except /status and /metrics.
 */
import type { ApiClient } from './api-client.js';
import { type ApiResponse, errorResponse } from './api-response.js';
import { matchRoute } from './api-router.js';
import { getTable, listDatabases, listTables, refresh } from './catalog.js';
import { callDeployment } from './deployment-call.js';
import { describeDeployment, describeProcedure } from './deployment-describe.js';
import { putRow } from './put-row.js';
import { executeSql } from './sql-execute.js';

export interface ApiRequest {
  readonly method: string;
  /** Path and query string, as received. */
  readonly url: string;
  /** Raw body bytes (empty when there is none). */
  readonly body: Uint8Array;
}

export async function handleApiRequest(client: ApiClient, request: ApiRequest): Promise<ApiResponse> {
  const m = matchRoute(request.method, request.url);
  if (!m.ok) return errorResponse(m.msg);
  const p = m.params;
  const body = request.body;
  switch (m.route) {
    case 'put':
      return putRow(client, p.db!, p.table!, body);
    case 'callDeployment':
      return callDeployment(client, p.db!, p.name!, body, 'deployment');
    case 'callProcedure':
      return callDeployment(client, p.db!, p.name!, body, 'procedure');
    case 'getDeployment':
      return describeDeployment(client, p.db!, p.name!);
    case 'getProcedure':
      return describeProcedure(client, p.db!, p.name!);
    case 'executeSql':
      return executeSql(client, p.db!, body);
    case 'listDatabases':
      return listDatabases(client);
    case 'listTables':
      return listTables(client, p.db!);
    case 'getTable':
      return getTable(client, p.db!, p.table!);
    case 'refresh':
      return refresh(client);
  }
}
