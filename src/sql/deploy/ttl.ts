/**
 * TTL arithmetic for DEPLOY (sql.md §5.2): merging what a query needs into what an index keeps.
 *
 * A TTL is read as a retention: a row stays while it is within the absolute time OR within the
 * latest count (absandlat), within the time (absolute), within the count (latest); 0 means no
 * limit. Merging keeps the union of both retentions, so a merged TTL never drops a row either
 * one kept (absorlat, an intersection, is widened to absandlat when merged). Biases widen the
 * time part (RANGE_BIAS, milliseconds) or the count part (ROWS_BIAS); 'inf' removes the limit.
 */
import type { Ttl } from '../../protocol/schema.js';

/** Retention bounds: Infinity = keeps everything by that measure, 0 = keeps nothing by it. */
interface Retention {
  readonly minutes: number;
  readonly rows: number;
}

function retentionOf(t: Ttl): Retention {
  const abs = t.absMinutes === 0 ? Number.POSITIVE_INFINITY : t.absMinutes;
  const lat = t.latCount === 0 ? Number.POSITIVE_INFINITY : t.latCount;
  switch (t.type) {
    case 'absolute':
      return { minutes: abs, rows: 0 };
    case 'latest':
      return { minutes: 0, rows: lat };
    case 'absandlat':
      // A 0 part disables expiry altogether.
      return t.absMinutes === 0 || t.latCount === 0
        ? { minutes: Number.POSITIVE_INFINITY, rows: Number.POSITIVE_INFINITY }
        : { minutes: abs, rows: lat };
    case 'absorlat':
      return { minutes: abs, rows: lat };
  }
}

function ttlOf(r: Retention): Ttl {
  if (r.minutes === Number.POSITIVE_INFINITY || r.rows === Number.POSITIVE_INFINITY) return { type: 'absolute', absMinutes: 0, latCount: 0 };
  if (r.rows === 0) return { type: 'absolute', absMinutes: r.minutes, latCount: 0 };
  if (r.minutes === 0) return { type: 'latest', absMinutes: 0, latCount: r.rows };
  return { type: 'absandlat', absMinutes: r.minutes, latCount: r.rows };
}

/** The narrowest TTL keeping every row that `a` or `b` keeps. */
export function mergeTtl(a: Ttl, b: Ttl): Ttl {
  const x = retentionOf(a);
  const y = retentionOf(b);
  return ttlOf({ minutes: Math.max(x.minutes, y.minutes), rows: Math.max(x.rows, y.rows) });
}

export function sameTtl(a: Ttl, b: Ttl): boolean {
  return a.type === b.type && a.absMinutes === b.absMinutes && a.latCount === b.latCount;
}

export type Bias = number | 'inf';

/** Widens the parts of `t` that are limited: RANGE_BIAS on the time part, ROWS_BIAS on the count part. */
export function applyBias(t: Ttl, rangeBiasMs: Bias | undefined, rowsBias: Bias | undefined): Ttl {
  const r = retentionOf(t);
  let minutes = r.minutes;
  let rows = r.rows;
  if (rangeBiasMs !== undefined && minutes > 0 && minutes !== Number.POSITIVE_INFINITY) {
    minutes = rangeBiasMs === 'inf' ? Number.POSITIVE_INFINITY : minutes + Math.ceil(rangeBiasMs / 60_000);
  }
  if (rowsBias !== undefined && rows > 0 && rows !== Number.POSITIVE_INFINITY) {
    rows = rowsBias === 'inf' ? Number.POSITIVE_INFINITY : rows + rowsBias;
  }
  return ttlOf({ minutes, rows });
}
