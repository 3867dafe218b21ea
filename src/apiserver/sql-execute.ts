/**
 * POST /dbs/{db} (sql.md §6.5): `{"mode": "online"|"onsync"|"offsync"|"offasync", "sql": "...",
 * "input": {"schema": [...], "data": [...]}, "write_nan_and_inf_null": bool}`. Rows come back
 * with capitalised type names and no column names; statements without rows answer only the
 * envelope. SQL failures carry the database's status code.
 *
 * `timeout` applies to offline jobs only; this system runs online only, so it is ignored.
 */
import type { Value } from '../protocol/schema.js';
import type { ApiClient, SqlRunMode } from './api-client.js';
import { type ApiResponse, errorResponse, failureResponse, okResponse } from './api-response.js';
import { columnValueToJson, jsonText, paramType, paramValueFromJson, RESULT_TYPE_NAMES, SDK_TYPE_NUMBERS } from './column-json.js';
import { describeJsonError, isJsonArray, isJsonObject, type Json, type JsonObject, parseJson } from './json-parse.js';

const MODES: ReadonlyMap<string, SqlRunMode> = new Map<string, SqlRunMode>([
  ['online', 'online'],
  ['onsync', 'online'],
  ['offsync', 'offline'],
  ['offasync', 'offline'],
]);

type Params = { readonly ok: true; readonly values: Value[] } | { readonly ok: false; readonly msg: string };

function inputParams(input: Json | undefined): Params {
  if (input === undefined || input === null) return { ok: true, values: [] };
  if (!isJsonObject(input)) return { ok: false, msg: 'Invalid input: input must be an object with schema and data' };
  const schema = input.get('schema');
  const data = input.get('data');
  if (!isJsonArray(schema) || !isJsonArray(data)) return { ok: false, msg: 'Invalid input: input.schema and input.data must be arrays' };
  if (schema.length !== data.length) {
    return { ok: false, msg: `Invalid input: input.schema has ${schema.length} types and input.data ${data.length} values` };
  }
  const values: Value[] = [];
  for (let i = 0; i < schema.length; i++) {
    const name = schema[i]!;
    const type = typeof name === 'string' ? paramType(name) : undefined;
    if (type === undefined) return { ok: false, msg: `Invalid input: unknown type ${jsonText(name)} of parameter ${i}` };
    const v = paramValueFromJson(data[i]!, type);
    if (v === undefined) {
      return { ok: false, msg: `Invalid input: conversion failed on parameter ${i}[${SDK_TYPE_NUMBERS[type]}] with value ${jsonText(data[i]!)}` };
    }
    values.push(v);
  }
  return { ok: true, values };
}

function stringField(doc: JsonObject, name: string): string | undefined {
  const v = doc.get(name);
  return typeof v === 'string' ? v : undefined;
}

export async function executeSql(client: ApiClient, db: string, body: Uint8Array): Promise<ApiResponse> {
  const parsed = parseJson(body);
  if (!parsed.ok) return errorResponse(`Json parse failed, ${describeJsonError(parsed)}`);
  const doc = parsed.value;
  if (!isJsonObject(doc)) return errorResponse('Json parse failed, the body must be a JSON object');
  const modeText = stringField(doc, 'mode');
  if (modeText === undefined) return errorResponse("Json parse failed, the field 'mode' (a string) is missing");
  const sql = stringField(doc, 'sql');
  if (sql === undefined) return errorResponse("Json parse failed, the field 'sql' (a string) is missing");
  const mode = MODES.get(modeText.toLowerCase());
  if (mode === undefined) return errorResponse(`Invalid mode ${modeText}`);
  const params = inputParams(doc.get('input'));
  if (!params.ok) return errorResponse(params.msg);
  const nanAsNull = doc.get('write_nan_and_inf_null') === true;
  const r = await client.executeSql(db, sql, params.values, mode);
  if (!r.ok) return failureResponse(r);
  const columns = r.value.columns;
  if (columns.length === 0) return okResponse();
  return okResponse({
    data: {
      schema: columns.map((c) => RESULT_TYPE_NAMES[c.type]),
      data: r.value.rows.map((row) => columns.map((c, i) => columnValueToJson(row[i] ?? null, c.type, nanAsNull))),
    },
  });
}
