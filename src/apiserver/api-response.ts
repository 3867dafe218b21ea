/**
 * The response envelope (sql.md §6): HTTP 200 for every handled request, `{"code": 0, "msg":
 * "ok", ...}` on success; on failure `code` is -1 when the server itself refuses the request, or
 * the forwarded status code of the database (1000-series SQL errors, 2000, ...).
 */
import type { Failure } from '../base/status.js';
import { type JsonOut, writeJson } from './json-write.js';

export interface ApiResponse {
  readonly status: number;
  /** JSON text. */
  readonly body: string;
}

/** Code of failures detected by the API server itself. */
export const API_ERROR_CODE = -1;

export function okResponse(extra: { readonly [name: string]: JsonOut | undefined } = {}): ApiResponse {
  return { status: 200, body: writeJson({ code: 0, msg: 'ok', ...extra }) };
}

export function errorResponse(msg: string, code: number = API_ERROR_CODE): ApiResponse {
  return { status: 200, body: writeJson({ code, msg }) };
}

/** A database failure passed through with its own code. */
export function failureResponse(f: Failure): ApiResponse {
  return errorResponse(f.message, f.code);
}
