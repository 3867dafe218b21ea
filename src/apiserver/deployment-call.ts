/**
 * POST /dbs/{db}/deployments/{name} and the legacy POST /dbs/{db}/procedures/{name} (sql.md §6.2,
 * §6.3): request rows as arrays (input schema order) or objects (keyed by column name), one output
 * row per request row in the same form. Every failure is code -1.
 *
 * This system has no constant ("common") columns, so `common_cols` must be empty and
 * `common_cols_data` is always empty.
 */
import type { ColumnDesc, Value } from '../protocol/schema.js';
import type { ResultSet } from '../sql/statements/index.js';
import type { ApiClient } from './api-client.js';
import { type ApiResponse, errorResponse, okResponse } from './api-response.js';
import { API_TYPE_NAMES, columnValueFromJson, columnValueToJson, conversionFailed } from './column-json.js';
import { isJsonArray, isJsonObject, type Json, parseJson } from './json-parse.js';
import type { JsonOut } from './json-write.js';

export type CallKind = 'deployment' | 'procedure';

type RowForm = 'array' | 'map';

type Rows = { readonly ok: true; readonly form: RowForm; readonly rows: Value[][] } | { readonly ok: false; readonly msg: string };

function requestRows(input: readonly Json[], columns: readonly ColumnDesc[]): Rows {
  const rows: Value[][] = [];
  let form: RowForm | undefined;
  for (let i = 0; i < input.length; i++) {
    const el = input[i]!;
    const elForm: RowForm | undefined = isJsonArray(el) ? 'array' : isJsonObject(el) ? 'map' : undefined;
    if (elForm === undefined) return { ok: false, msg: `Must be array or map, row ${i}` };
    form ??= elForm;
    if (elForm !== form) return { ok: false, msg: `Must be array or map, row ${i}: every row must be ${form === 'array' ? 'an array' : 'a map'} like row 0` };
    if (isJsonArray(el) && el.length !== columns.length) return { ok: false, msg: `Invalid input data size in row ${i}` };
    const row: Value[] = [];
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      let v: Json | undefined;
      if (isJsonArray(el)) v = el[c];
      else if (isJsonObject(el)) v = el.get(column.name);
      if (v === undefined) return { ok: false, msg: `Translate to request row failed in map row ${i}, can't find col ${column.name}` };
      const converted = columnValueFromJson(v, column);
      if (converted === undefined) {
        return { ok: false, msg: `Translate to request row failed in ${elForm} row ${i}, ${conversionFailed(column, v)}` };
      }
      row.push(converted);
    }
    rows.push(row);
  }
  return { ok: true, form: form!, rows };
}

function outputRows(result: ResultSet, form: RowForm, nanAsNull: boolean): JsonOut[] {
  const columns = result.columns;
  return result.rows.map((row) => {
    if (form === 'array') return columns.map((c, i) => columnValueToJson(row[i] ?? null, c.type, nanAsNull));
    const out: Record<string, JsonOut> = {};
    columns.forEach((c, i) => {
      out[c.name] = columnValueToJson(row[i] ?? null, c.type, nanAsNull);
    });
    return out;
  });
}

export async function callDeployment(client: ApiClient, db: string, name: string, body: Uint8Array, kind: CallKind): Promise<ApiResponse> {
  const parsed = parseJson(body);
  if (!parsed.ok || !isJsonObject(parsed.value)) return errorResponse('Request body json parse failed');
  const doc = parsed.value;
  const input = doc.get('input');
  if (!isJsonArray(input) || input.length === 0) return errorResponse('Field input is invalid');
  const needSchema = doc.get('need_schema') === true;
  const nanAsNull = doc.get('write_nan_and_inf_null') === true;
  if (kind === 'procedure') {
    const common = doc.get('common_cols');
    if (common !== undefined && (!isJsonArray(common) || common.length !== 0)) return errorResponse('Invalid common cols size');
  }
  const info = await client.deploymentForCall(db, name);
  if (!info.ok) return errorResponse(info.message);
  const rows = requestRows(input, info.value.inputSchema);
  if (!rows.ok) return errorResponse(rows.msg);
  const result = await client.callDeployment(db, name, rows.rows);
  if (!result.ok) return errorResponse(result.message);
  const data: Record<string, JsonOut> = { data: outputRows(result.value, rows.form, nanAsNull) };
  if (needSchema) data.schema = result.value.columns.map((c) => ({ name: c.name, type: API_TYPE_NAMES[c.type] }));
  if (kind === 'procedure') data.common_cols_data = [];
  return okResponse({ data });
}
