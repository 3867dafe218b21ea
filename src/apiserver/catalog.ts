/**
 * GET /dbs, GET /dbs/{db}/tables, GET /dbs/{db}/tables/{table} and POST /refresh (sql.md §6.6-6.8).
 */
import type { ApiClient } from './api-client.js';
import { type ApiResponse, errorResponse, failureResponse, okResponse } from './api-response.js';
import { tableInfoJson } from './table-json.js';

export async function listDatabases(client: ApiClient): Promise<ApiResponse> {
  const r = await client.listDatabases();
  return r.ok ? okResponse({ dbs: r.value }) : failureResponse(r);
}

export async function listTables(client: ApiClient, db: string): Promise<ApiResponse> {
  const dbs = await client.listDatabases();
  if (!dbs.ok) return failureResponse(dbs);
  if (!dbs.value.includes(db)) return errorResponse('DB not found');
  const tables = await client.listTables(db);
  return tables.ok ? okResponse({ tables: tables.value.map(tableInfoJson) }) : failureResponse(tables);
}

export async function getTable(client: ApiClient, db: string, table: string): Promise<ApiResponse> {
  const dbs = await client.listDatabases();
  if (!dbs.ok) return failureResponse(dbs);
  if (!dbs.value.includes(db)) return errorResponse('DB not found');
  const tables = await client.listTables(db);
  if (!tables.ok) return failureResponse(tables);
  const info = tables.value.find((t) => t.name === table);
  return info === undefined ? errorResponse('Table not found') : okResponse({ table: tableInfoJson(info) });
}

export async function refresh(client: ApiClient): Promise<ApiResponse> {
  const r = await client.refresh();
  return r.ok ? okResponse() : errorResponse('refresh failed');
}
