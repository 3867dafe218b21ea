/**
 * Date and time functions, all in UTC+08:00. The date-part functions take a timestamp, a date
 * or a bigint (read as epoch milliseconds); hour/minute/second take a timestamp or bigint.
 */
import type { Value } from '../../protocol/schema.js';
import {
  type CivilDateTime,
  civilFromDays,
  dateToDays,
  dateToTimestamp,
  dayOfYear,
  daysFromCivil,
  daysInMonth,
  formatCivilDate,
  isoWeek,
  localDays,
  parseDateText,
  parseDateValue,
  parseTimestampText,
  timestampToCivil,
  weekdayOfDays,
} from '../operators/calendar.js';
import { toDouble } from '../operators/numeric.js';
import { isIntegral, type SqlType } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

/** Local date-time fields of a timestamp (number), bigint (ms) or date value. */
function civilOf(v: Value, type: SqlType): CivilDateTime {
  if (type === 'date') return { ...parseDateValue(v as string), hour: 0, minute: 0, second: 0, millisecond: 0 };
  return timestampToCivil(toDouble(v));
}

function datePart(fn: (c: CivilDateTime) => number, acceptDate: boolean) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const [t] = argTypes;
    const valid = argTypes.length === 1 && (t === 'timestamp' || t === 'bigint' || (acceptDate && t === 'date'));
    if (!valid) return noOverload(name, argTypes, acceptDate ? 'a timestamp, date or bigint' : 'a timestamp or bigint');
    return scalar('int', nullIfAnyNull(([v]) => fn(civilOf(v as Value, t!))));
  };
}

const daysOf = (c: CivilDateTime) => daysFromCivil(c.year, c.month, c.day);

const NAMES_OF_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NAMES_OF_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** strftime-style formatting of local date-time fields; unknown conversions are kept as written. */
export function formatDateTime(c: CivilDateTime, format: string): string {
  const days = daysOf(c);
  const weekday = weekdayOfDays(days);
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  const conversions: Readonly<Record<string, () => string>> = {
    Y: () => String(c.year).padStart(4, '0'),
    y: () => two(c.year % 100),
    C: () => two(Math.floor(c.year / 100)),
    m: () => two(c.month),
    d: () => two(c.day),
    e: () => String(c.day).padStart(2, ' '),
    H: () => two(c.hour),
    I: () => two(hour12),
    M: () => two(c.minute),
    S: () => two(c.second),
    p: () => (c.hour < 12 ? 'AM' : 'PM'),
    j: () => String(dayOfYear(c)).padStart(3, '0'),
    a: () => NAMES_OF_DAYS[weekday]!.slice(0, 3),
    A: () => NAMES_OF_DAYS[weekday]!,
    b: () => NAMES_OF_MONTHS[c.month - 1]!.slice(0, 3),
    h: () => NAMES_OF_MONTHS[c.month - 1]!.slice(0, 3),
    B: () => NAMES_OF_MONTHS[c.month - 1]!,
    u: () => String(weekday === 0 ? 7 : weekday),
    w: () => String(weekday),
    V: () => two(isoWeek(days)),
    F: () => `${String(c.year).padStart(4, '0')}-${two(c.month)}-${two(c.day)}`,
    T: () => `${two(c.hour)}:${two(c.minute)}:${two(c.second)}`,
    R: () => `${two(c.hour)}:${two(c.minute)}`,
    D: () => `${two(c.month)}/${two(c.day)}/${two(c.year % 100)}`,
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  let out = '';
  for (let i = 0; i < format.length; i += 1) {
    const ch = format[i]!;
    const next = format[i + 1];
    const conv = ch === '%' && next !== undefined ? conversions[next] : undefined;
    if (conv === undefined) {
      out += ch;
    } else {
      out += conv();
      i += 1;
    }
  }
  return out;
}

function resolveDateFormat(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, f] = argTypes;
  if (argTypes.length !== 2 || (t !== 'timestamp' && t !== 'date') || f !== 'string') {
    return noOverload(name, argTypes, 'a timestamp or date and a format string');
  }
  return scalar('string', nullIfAnyNull(([v, fmt]) => formatDateTime(civilOf(v as Value, t), fmt as string)));
}

/** Epoch ms of a timestamp, date or date/time text (UTC+8); undefined for unparsable text. */
function instantOf(v: Value, type: SqlType): number | undefined {
  if (type === 'timestamp') return v as number;
  if (type === 'date') return dateToTimestamp(v as string);
  return parseTimestampText(v as string);
}

/** Day number of a timestamp, date or date text; undefined for unparsable text. */
function dayNumberOf(v: Value, type: SqlType): number | undefined {
  if (type === 'timestamp') return localDays(v as number);
  if (type === 'date') return dateToDays(v as string);
  const d = parseDateText(v as string);
  return d === undefined ? undefined : dateToDays(d);
}

const isInstantType = (t: SqlType | undefined) => t === 'timestamp' || t === 'date' || t === 'string';

function resolveUnixTimestamp(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || !isInstantType(t)) return noOverload(name, argTypes, 'a timestamp, date or string');
  return scalar(
    'bigint',
    nullIfAnyNull(([v]) => {
      const ms = instantOf(v as Value, t!);
      return ms === undefined ? null : BigInt(Math.floor(ms / 1000));
    }),
  );
}

function resolveDatediff(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [a, b] = argTypes;
  if (argTypes.length !== 2 || !isInstantType(a) || !isInstantType(b)) {
    return noOverload(name, argTypes, 'two timestamps, dates or strings');
  }
  return scalar(
    'int',
    nullIfAnyNull(([x, y]) => {
      const dx = dayNumberOf(x as Value, a!);
      const dy = dayNumberOf(y as Value, b!);
      return dx === undefined || dy === undefined ? null : dx - dy;
    }),
  );
}

function resolveLastDay(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || !isInstantType(t)) return noOverload(name, argTypes, 'a timestamp, date or string');
  return scalar(
    'date',
    nullIfAnyNull(([v]) => {
      const days = dayNumberOf(v as Value, t!);
      if (days === undefined) return null;
      const c = civilFromDays(days);
      return formatCivilDate({ ...c, day: daysInMonth(c.year, c.month) });
    }),
  );
}

function resolveAddMonths(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, n] = argTypes;
  if (argTypes.length !== 2 || !isInstantType(t) || n === undefined || !isIntegral(n)) {
    return noOverload(name, argTypes, 'a timestamp, date or string and an integer');
  }
  return scalar(
    'date',
    nullIfAnyNull(([v, k]) => {
      const days = dayNumberOf(v as Value, t!);
      if (days === undefined) return null;
      const c = civilFromDays(days);
      const total = c.year * 12 + (c.month - 1) + toDouble(k as Value);
      const year = Math.floor(total / 12);
      const month = total - year * 12 + 1;
      return formatCivilDate({ year, month, day: Math.min(c.day, daysInMonth(year, month)) });
    }),
  );
}

export const DATETIME_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['year'], resolve: datePart((c) => c.year, true) },
  { names: ['month'], resolve: datePart((c) => c.month, true) },
  { names: ['day', 'dayofmonth'], resolve: datePart((c) => c.day, true) },
  { names: ['dayofweek'], resolve: datePart((c) => weekdayOfDays(daysOf(c)) + 1, true) },
  { names: ['dayofyear'], resolve: datePart(dayOfYear, true) },
  { names: ['week', 'weekofyear'], resolve: datePart((c) => isoWeek(daysOf(c)), true) },
  { names: ['hour'], resolve: datePart((c) => c.hour, false) },
  { names: ['minute'], resolve: datePart((c) => c.minute, false) },
  { names: ['second'], resolve: datePart((c) => c.second, false) },
  { names: ['date_format'], resolve: resolveDateFormat },
  { names: ['unix_timestamp'], resolve: resolveUnixTimestamp },
  { names: ['datediff'], resolve: resolveDatediff },
  { names: ['last_day'], resolve: resolveLastDay },
  { names: ['add_months'], resolve: resolveAddMonths },
];

