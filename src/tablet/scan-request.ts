/**
 * The Scan request of the tablet, validated on the read hot path: a well-formed body is accepted by
 * direct checks that build one object; anything else goes through the generic validator, which
 * accepts or rejects it exactly as before and names the bad field.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import type { TabletMethods } from '../protocol/messages.js';
import { bool, int, nonNegativeInt, num, object, optional, str } from '../protocol/validate.js';
import { parseRequest } from './parse-request.js';

export type ScanRequest = TabletMethods['Scan']['req'];

/** The generic form: the reference for what is accepted, and the source of every error message. */
export const scanRequestCheck = object({
  tid: nonNegativeInt,
  pid: nonNegativeInt,
  index: str,
  key: str,
  newestTsMs: optional(num),
  oldestTsMs: optional(num),
  limit: optional(int),
  packed: optional(bool),
});

/** Validates an untrusted Scan body (absent optional fields are undefined). */
export function parseScanRequest(body: unknown): Result<ScanRequest> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && !(body instanceof Uint8Array)) {
    const b = body as Record<string, unknown>;
    const { tid, pid, index, key } = b;
    const newestTsMs = b['newestTsMs'] ?? undefined;
    const oldestTsMs = b['oldestTsMs'] ?? undefined;
    const limit = b['limit'] ?? undefined;
    const packed = b['packed'] ?? undefined;
    if (
      isNonNegativeInt(tid) &&
      isNonNegativeInt(pid) &&
      typeof index === 'string' &&
      typeof key === 'string' &&
      (newestTsMs === undefined || isNumber(newestTsMs)) &&
      (oldestTsMs === undefined || isNumber(oldestTsMs)) &&
      (limit === undefined || Number.isSafeInteger(limit)) &&
      (packed === undefined || typeof packed === 'boolean')
    ) {
      return ok({
        tid,
        pid,
        index,
        key,
        newestTsMs: newestTsMs as number | undefined,
        oldestTsMs: oldestTsMs as number | undefined,
        limit: limit as number | undefined,
        packed: packed as boolean | undefined,
      });
    }
  }
  return parseRequest(scanRequestCheck, 'Scan', body);
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}
