/**
 * TTL rules of cluster.md §10, for a key whose entries are ordered newest first (position i is
 * 1-based). `absolute`: expired when ts + absMinutes*60000 <= now. `latest`: expired when
 * i > latCount. `absorlat`: either. `absandlat`: both. A part set to 0 is disabled (for absandlat,
 * either part at 0 disables expiry altogether).
 *
 * Expired entries are always the oldest ones, so an expiry is a count of entries to drop from the
 * old end of the key.
 */
import { MINUTE_MS } from '../base/units.js';
import { TTL_TYPES, type Ttl } from '../protocol/schema.js';

export function ttlError(ttl: Ttl): string | undefined {
  if (ttl === null || typeof ttl !== 'object') return `ttl must be an object, got ${typeof ttl}`;
  if (!TTL_TYPES.includes(ttl.type)) return `ttl type '${String(ttl.type)}' is not one of ${TTL_TYPES.join(', ')}`;
  if (!Number.isSafeInteger(ttl.absMinutes) || ttl.absMinutes < 0) return `ttl absMinutes ${ttl.absMinutes} is not a non-negative integer`;
  if (!Number.isSafeInteger(ttl.latCount) || ttl.latCount < 0) return `ttl latCount ${ttl.latCount} is not a non-negative integer`;
  return undefined;
}

/** Whether the absolute part takes part in expiry. */
export function usesAbsolute(ttl: Ttl): boolean {
  if (ttl.absMinutes === 0) return false;
  return ttl.type === 'absolute' || ttl.type === 'absorlat' || (ttl.type === 'absandlat' && ttl.latCount > 0);
}

/** Whether the latest part takes part in expiry. */
export function usesLatest(ttl: Ttl): boolean {
  if (ttl.latCount === 0) return false;
  return ttl.type === 'latest' || ttl.type === 'absorlat' || (ttl.type === 'absandlat' && ttl.absMinutes > 0);
}

export function ttlExpires(ttl: Ttl): boolean {
  return usesAbsolute(ttl) || usesLatest(ttl);
}

/** Entries with ts <= this are past the absolute limit at `nowMs`. */
export function absoluteCutoffMs(ttl: Ttl, nowMs: number): number {
  return nowMs - ttl.absMinutes * MINUTE_MS;
}

/**
 * How many of the oldest entries of a key are expired, given its entry count and how many of them
 * are past the absolute limit (0 when the absolute part is not used).
 */
export function expiredCount(ttl: Ttl, entries: number, pastAbsolute: number): number {
  const beyondLatest = usesLatest(ttl) ? Math.max(0, entries - ttl.latCount) : 0;
  switch (ttl.type) {
    case 'absolute':
      return pastAbsolute;
    case 'latest':
      return beyondLatest;
    case 'absorlat':
      return Math.max(pastAbsolute, beyondLatest);
    case 'absandlat':
      return usesAbsolute(ttl) ? Math.min(pastAbsolute, beyondLatest) : 0;
  }
}
