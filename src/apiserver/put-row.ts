/**
 * PUT /dbs/{db}/tables/{table} (sql.md §6.1): `{"value": [[v1, v2, ...]]}`, exactly one row with a
 * value for every column in schema order. Checks run in the reference's order: the JSON, the one
 * row, the table, the column count, string columns, then each value's conversion.
 */
import { isJsonArray, isJsonObject, parseJson } from './json-parse.js';
import type { ApiClient } from './api-client.js';
import { type ApiResponse, errorResponse, failureResponse, okResponse } from './api-response.js';
import { columnValueFromJson, conversionFailed } from './column-json.js';
import type { Value } from '../protocol/schema.js';

export async function putRow(client: ApiClient, db: string, table: string, body: Uint8Array): Promise<ApiResponse> {
  const parsed = parseJson(body);
  if (!parsed.ok) return errorResponse(`Json parse failed, error code: ${parsed.code}`);
  const doc = parsed.value;
  const value = isJsonObject(doc) ? doc.get('value') : undefined;
  if (!isJsonArray(value) || value.length !== 1 || !isJsonArray(value[0])) {
    return errorResponse('Invalid value in body, only support to put one row');
  }
  const row = value[0];
  const info = await client.tableForWrite(db, table);
  if (!info.ok) return failureResponse(info);
  const columns = info.value.schema.columns;
  if (row.length !== columns.length) return errorResponse('column size != schema size');
  for (let i = 0; i < columns.length; i++) {
    const v = row[i]!;
    if (columns[i]!.type === 'string' && v !== null && typeof v !== 'string') {
      return errorResponse(`value is not string for col ${columns[i]!.name}`);
    }
  }
  const values: Value[] = [];
  for (let i = 0; i < columns.length; i++) {
    const converted = columnValueFromJson(row[i]!, columns[i]!);
    if (converted === undefined) return errorResponse(conversionFailed(columns[i]!, row[i]!));
    values.push(converted);
  }
  const written = await client.put(db, table, values);
  return written.ok ? okResponse() : failureResponse(written);
}
