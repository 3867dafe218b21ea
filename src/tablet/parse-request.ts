import { Code, fail, ok, type Result } from '../base/status.js';
import type { Check } from '../protocol/validate.js';

/** Validates an untrusted request body; the failure names the method and the field. */
export function parseRequest<T>(check: Check<T>, method: string, body: unknown): Result<T> {
  const r = check(body ?? {}, '');
  return r.ok ? ok(r.value) : fail(Code.rpcBadRequest, `${method}: ${r.message}`);
}
