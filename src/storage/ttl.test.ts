import { describe, expect, it } from 'vitest';
import { TTL_TYPES, type Ttl } from '../protocol/schema.js';
import { absoluteCutoffMs, expiredCount, ttlError, ttlExpires, usesAbsolute } from './ttl.js';

/** The rule of cluster.md §10, row by row: position i (1-based, newest first) with its ts. */
function expiredByDefinition(ttl: Ttl, i: number, tsMs: number, nowMs: number): boolean {
  const absExpired = ttl.absMinutes > 0 && tsMs + ttl.absMinutes * 60_000 <= nowMs;
  const latExpired = ttl.latCount > 0 && i > ttl.latCount;
  switch (ttl.type) {
    case 'absolute':
      return absExpired;
    case 'latest':
      return latExpired;
    case 'absorlat':
      return absExpired || latExpired;
    case 'absandlat':
      return ttl.absMinutes > 0 && ttl.latCount > 0 && absExpired && latExpired;
  }
}

describe('ttl', () => {
  it('expiredCount matches the per-row definition for every type and part', () => {
    const nowMs = 100 * 60_000;
    // ts ascending (oldest first), one row per minute
    const ts = Array.from({ length: 8 }, (_, j) => (90 + j) * 60_000);
    for (const type of TTL_TYPES) {
      for (const absMinutes of [0, 1, 5, 9, 50]) {
        for (const latCount of [0, 1, 3, 8, 20]) {
          const ttl: Ttl = { type, absMinutes, latCount };
          const cutoff = absoluteCutoffMs(ttl, nowMs);
          const pastAbsolute = usesAbsolute(ttl) ? ts.filter((t) => t <= cutoff).length : 0;
          const expected = ts.filter((t, j) => expiredByDefinition(ttl, ts.length - j, t, nowMs)).length;
          expect(expiredCount(ttl, ts.length, pastAbsolute), JSON.stringify(ttl)).toBe(expected);
          // expired rows are always the oldest ones
          const flags = ts.map((t, j) => expiredByDefinition(ttl, ts.length - j, t, nowMs));
          expect(flags.slice(0, expected).every(Boolean) && !flags.slice(expected).some(Boolean)).toBe(true);
          expect(ttlExpires(ttl)).toBe(ts.some((_, j) => expiredByDefinition(ttl, 100 + j, 0, nowMs)));
        }
      }
    }
  });

  it('an absolute ttl expires a row exactly when ts + abs <= now', () => {
    const ttl: Ttl = { type: 'absolute', absMinutes: 1, latCount: 0 };
    expect(absoluteCutoffMs(ttl, 160_000)).toBe(100_000);
  });

  it('ttlError explains bad values', () => {
    expect(ttlError({ type: 'absolute', absMinutes: -1, latCount: 0 })).toMatch(/absMinutes -1/);
    expect(ttlError({ type: 'latest', absMinutes: 0, latCount: 1.5 })).toMatch(/latCount 1.5/);
    expect(ttlError({ type: 'forever' as never, absMinutes: 0, latCount: 0 })).toMatch(/ttl type 'forever'/);
    expect(ttlError({ type: 'absandlat', absMinutes: 3, latCount: 4 })).toBeUndefined();
  });
});
