import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { parseRequest } from './parse-request.js';
import { parseScanRequest, scanRequestCheck } from './scan-request.js';

/** The generic validator's answer, with absent optional fields as undefined (as the fast path gives them). */
function generic(body: unknown) {
  const r = parseRequest(scanRequestCheck, 'Scan', body);
  if (!r.ok) return r;
  const { tid, pid, index, key, newestTsMs, oldestTsMs, limit, packed } = r.value;
  return { ok: true, value: { tid, pid, index, key, newestTsMs, oldestTsMs, limit, packed } };
}

const anyField = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -3, max: 3 }),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(new Uint8Array(2)),
  fc.constant([1]),
  fc.constant(2 ** 60),
);

describe('parseScanRequest', () => {
  it('accepts a well-formed body with every field', () => {
    const body = { tid: 3, pid: 0, index: 'by_k', key: 'k1', newestTsMs: 9, oldestTsMs: 1, limit: 10, packed: true, unknownField: 1 };
    expect(parseScanRequest(body)).toEqual({ ok: true, value: { tid: 3, pid: 0, index: 'by_k', key: 'k1', newestTsMs: 9, oldestTsMs: 1, limit: 10, packed: true } });
  });

  it('names the bad field as the generic validator does', () => {
    expect(parseScanRequest({ tid: 1, pid: 0, index: 'by_k' })).toEqual({
      ok: false,
      code: Code.rpcBadRequest,
      message: "Scan: field 'key' must be a string, got nothing",
    });
    expect(parseScanRequest({ tid: 1, pid: 0, index: 'i', key: 'k', packed: 'yes' })).toMatchObject({
      ok: false,
      message: "Scan: field 'packed' must be true or false, got string \"yes\"",
    });
    expect(parseScanRequest(undefined)).toMatchObject({ ok: false, message: "Scan: field 'tid' must be an integer >= 0, got nothing" });
    expect(parseScanRequest([1])).toMatchObject({ ok: false, message: 'Scan: field \'body\' must be an object, got an array' });
  });

  it('agrees with the generic validator on any body', () => {
    fc.assert(
      fc.property(
        fc.record(
          { tid: anyField, pid: anyField, index: anyField, key: anyField, newestTsMs: anyField, oldestTsMs: anyField, limit: anyField, packed: anyField },
          { requiredKeys: [] },
        ),
        (body) => {
          expect(parseScanRequest(body)).toEqual(generic(body));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
