/**
 * Civil calendar arithmetic for timestamps (epoch ms) and dates ('YYYY-MM-DD'), in the fixed
 * UTC+08:00 zone the reference uses for every conversion between timestamps and text or dates.
 * Pure integer arithmetic (days-from-civil), no Date objects, so results never depend on the
 * host's zone.
 */

export const ZONE_OFFSET_MS = 8 * 3_600_000;
export const MS_PER_DAY = 86_400_000;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface CivilDateTime extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Local (UTC+8) day number of a timestamp. */
export function localDays(ms: number): number {
  return Math.floor((ms + ZONE_OFFSET_MS) / MS_PER_DAY);
}

export function timestampToCivil(ms: number): CivilDateTime {
  const local = ms + ZONE_OFFSET_MS;
  const days = Math.floor(local / MS_PER_DAY);
  let rest = local - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millisecond = rest - second * 1000;
  return { ...civilFromDays(days), hour, minute, second, millisecond };
}

/** Epoch ms of a local (UTC+8) date and time. */
export function civilToTimestamp(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    millisecond -
    ZONE_OFFSET_MS
  );
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

export function formatCivilDate(d: CivilDate): string {
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC+8 (milliseconds are not printed, as in the reference). */
export function formatTimestamp(ms: number): string {
  const t = timestampToCivil(ms);
  return `${formatCivilDate(t)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
}

/** Date value ('YYYY-MM-DD') of a timestamp, in UTC+8. */
export function timestampToDate(ms: number): string {
  return formatCivilDate(civilFromDays(localDays(ms)));
}

/** Fields of a date value; the caller guarantees the 'YYYY-MM-DD' representation. */
export function parseDateValue(date: string): CivilDate {
  return {
    year: Number(date.slice(0, date.length - 6)),
    month: Number(date.slice(-5, -3)),
    day: Number(date.slice(-2)),
  };
}

export function dateToDays(date: string): number {
  const d = parseDateValue(date);
  return daysFromCivil(d.year, d.month, d.day);
}

/** Midnight (UTC+8) of a date value, as epoch ms. */
export function dateToTimestamp(date: string): number {
  return dateToDays(date) * MS_PER_DAY - ZONE_OFFSET_MS;
}

/** Date values start at 1900-01-01 (the storage format packs year - 1900). */
export const MIN_DATE_YEAR = 1900;
export const MAX_DATE_YEAR = 9999;

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,3})\d*)?$/;

/**
 * Date value of text in one of the accepted forms: 'yyyy-mm-dd', 'yyyymmdd' or
 * 'yyyy-mm-dd hh:mm:ss'; undefined when it is not a valid date in range.
 */
export function parseDateText(text: string): string | undefined {
  const s = text.trim();
  const m = DATE_RE.exec(s) ?? COMPACT_DATE_RE.exec(s) ?? DATE_TIME_RE.exec(s);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidCivilDate(year, month, day) || year < MIN_DATE_YEAR || year > MAX_DATE_YEAR) return undefined;
  if (m.length > 4 && !isValidTime(Number(m[4]), Number(m[5]), Number(m[6]))) return undefined;
  return formatCivilDate({ year, month, day });
}

function isValidTime(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * Timestamp (epoch ms) of text 'yyyy-mm-dd hh:mm:ss[.fff]' or 'yyyy-mm-dd', read in UTC+8;
 * undefined when it is not a valid date and time.
 */
export function parseTimestampText(text: string): number | undefined {
  const s = text.trim();
  const dt = DATE_TIME_RE.exec(s);
  if (dt !== null) {
    const [year, month, day, hour, minute, second] = dt.slice(1, 7).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!isValidCivilDate(year, month, day) || !isValidTime(hour, minute, second)) return undefined;
    const ms = dt[7] === undefined ? 0 : Number(dt[7].padEnd(3, '0'));
    return civilToTimestamp(year, month, day, hour, minute, second, ms);
  }
  const d = DATE_RE.exec(s);
  if (d === null) return undefined;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (!isValidCivilDate(year, month, day)) return undefined;
  return civilToTimestamp(year, month, day);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOfDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function dayOfYear(d: CivilDate): number {
  return daysFromCivil(d.year, d.month, d.day) - daysFromCivil(d.year, 1, 1) + 1;
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(days: number): number {
  const isoWeekday = ((weekdayOfDays(days) + 6) % 7) + 1;
  const thursday = days - isoWeekday + 4;
  const year = civilFromDays(thursday).year;
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** Packed int32 of a date as stored by the reference: ((y-1900)<<16) | ((m-1)<<8) | d. */
export function packDate(date: string): number {
  const d = parseDateValue(date);
  return ((d.year - 1900) << 16) | ((d.month - 1) << 8) | d.day;
}
