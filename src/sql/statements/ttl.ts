/**
 * TTL clauses of INDEX(...) and CREATE INDEX ... OPTIONS(...) (sql.md §2.2):
 *
 *   ABSOLUTE (default)  one time interval, kept in minutes rounded up (1s → 1min; 0m = forever)
 *   LATEST              one row count (0 = no limit); an interval is refused
 *   ABSORLAT/ABSANDLAT  (interval, count) in that order
 *
 * A bare integer is refused for ABSOLUTE (it has no unit). Also the DESC spelling of a TTL.
 */
import { Code } from '../../base/status.js';
import { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from '../../protocol/schema-rules.js';
import type { Ttl, TtlType } from '../../protocol/schema.js';
import type { IntegerLiteral, Interval, SourcePos, TtlSpec } from '../syntax/index.js';
import { type StatementFailure, statementFail } from './statement-error.js';

const SECONDS_PER_UNIT: Readonly<Record<Interval['unit'], number>> = { s: 1, m: 60, h: 3600, d: 86400 };

const TYPE_NAMES: Readonly<Record<TtlType, string>> = {
  absolute: 'kAbsoluteTime',
  latest: 'kLatestTime',
  absorlat: 'kAbsOrLat',
  absandlat: 'kAbsAndLat',
};

export type TtlResult = { readonly ok: true; readonly value: Ttl } | StatementFailure;

/** Minutes of an interval, rounded up: `90s` → 2, `0s` → 0. */
export function intervalMinutes(interval: Interval): number {
  return Math.ceil((interval.value * SECONDS_PER_UNIT[interval.unit]) / 60);
}

/**
 * The TTL of an index from its TTL and TTL_TYPE clauses. `what` names the index in messages
 * (`index 'idx1'`), `pos` is where the index is written (used when there is no TTL clause).
 */
export function ttlFromSpec(
  spec: TtlSpec | undefined,
  type: TtlType | undefined,
  what: string,
  pos: SourcePos,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): TtlResult {
  const ttlType = type ?? 'absolute';
  const kind = `${ttlType === 'latest' ? 'a' : 'an'} ${ttlType.toUpperCase()} TTL`;
  const failAt = (problem: string, at: SourcePos = spec?.pos ?? pos): StatementFailure =>
    statementFail(Code.sqlPlanError, `${what}: ${problem}`, at);
  if (spec === undefined) return { ok: true, value: { type: ttlType, absMinutes: 0, latCount: 0 } };
  const values = spec.values;
  const absolute = (v: IntegerLiteral | Interval): number | StatementFailure => {
    if (v.kind !== 'interval') {
      return failAt(`TTL ${v.image} has no unit; ${kind} needs a time interval such as 30d, 12h or 100m`, v.pos);
    }
    const minutes = intervalMinutes(v);
    if (minutes > limits.absoluteTtlMaxMinutes) {
      return failAt(`TTL ${v.image} is ${minutes} minutes, over the limit of ${limits.absoluteTtlMaxMinutes}`, v.pos);
    }
    return minutes;
  };
  const latest = (v: IntegerLiteral | Interval): number | StatementFailure => {
    if (v.kind === 'interval') {
      return failAt(`TTL ${v.image} is a time interval; the row count of ${kind} is a plain integer`, v.pos);
    }
    if (v.type === 'bigint' || v.value > limits.latestTtlMax) {
      return failAt(`TTL ${v.image} rows is over the limit of ${limits.latestTtlMax}`, v.pos);
    }
    return v.value;
  };
  const expectCount = (count: number, shape: string): StatementFailure | undefined =>
    values.length === count
      ? undefined
      : failAt(`${kind} is ${shape}, got ${values.length} value${values.length === 1 ? '' : 's'}`);
  switch (ttlType) {
    case 'absolute': {
      const wrong = expectCount(1, 'one time interval');
      if (wrong) return wrong;
      const minutes = absolute(values[0]!);
      return typeof minutes === 'number' ? { ok: true, value: { type: ttlType, absMinutes: minutes, latCount: 0 } } : minutes;
    }
    case 'latest': {
      const wrong = expectCount(1, 'one row count');
      if (wrong) return wrong;
      const count = latest(values[0]!);
      return typeof count === 'number' ? { ok: true, value: { type: ttlType, absMinutes: 0, latCount: count } } : count;
    }
    case 'absorlat':
    case 'absandlat': {
      const wrong = expectCount(2, '(time interval, row count)');
      if (wrong) return wrong;
      const minutes = absolute(values[0]!);
      if (typeof minutes !== 'number') return minutes;
      const count = latest(values[1]!);
      if (typeof count !== 'number') return count;
      return { ok: true, value: { type: ttlType, absMinutes: minutes, latCount: count } };
    }
  }
}

/** The reference's name of a TTL type: kAbsoluteTime, kLatestTime, kAbsOrLat, kAbsAndLat. */
export function ttlTypeName(type: TtlType): string {
  return TYPE_NAMES[type];
}

/** The TTL as DESC prints it: `43200min`, `10` (latest), `43200min&&10`, `43200min||10`. */
export function ttlText(ttl: Ttl): string {
  switch (ttl.type) {
    case 'absolute':
      return `${ttl.absMinutes}min`;
    case 'latest':
      return `${ttl.latCount}`;
    case 'absandlat':
      return `${ttl.absMinutes}min&&${ttl.latCount}`;
    case 'absorlat':
      return `${ttl.absMinutes}min||${ttl.latCount}`;
  }
}
