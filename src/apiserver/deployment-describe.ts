/**
 * GET /dbs/{db}/deployments/{name} and GET /dbs/{db}/procedures/{name} (sql.md §6.4). Every stored
 * object here is a deployment (there is no CREATE PROCEDURE), so the procedure form always answers
 * "procedure not found", as the reference does for a name of the wrong kind.
 */
import { Code } from '../base/status.js';
import type { ApiClient } from './api-client.js';
import { type ApiResponse, errorResponse, failureResponse, okResponse } from './api-response.js';
import { API_TYPE_NAMES } from './column-json.js';

export async function describeDeployment(client: ApiClient, db: string, name: string): Promise<ApiResponse> {
  const r = await client.getDeployment(db, name);
  if (!r.ok) return r.code === Code.cmdError ? errorResponse('deployment not found') : failureResponse(r);
  const d = r.value;
  return okResponse({
    data: {
      name: d.name,
      procedure: d.sql,
      input_schema: d.inputSchema.map((c) => ({ name: c.name, type: API_TYPE_NAMES[c.type] })),
      input_common_cols: [],
      output_schema: d.outputSchema.map((c) => ({ name: c.name, type: API_TYPE_NAMES[c.type] })),
      output_common_cols: [],
      dbs: d.tables.map((t) => t.db),
      tables: d.tables.map((t) => t.name),
    },
  });
}

export async function describeProcedure(client: ApiClient, db: string, name: string): Promise<ApiResponse> {
  const r = await client.getDeployment(db, name);
  if (!r.ok && r.code !== Code.cmdError) return failureResponse(r);
  return errorResponse('procedure not found');
}
