import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  dateToTimestamp,
  daysFromCivil,
  formatTimestamp,
  isoWeek,
  packDate,
  parseDateText,
  parseTimestampText,
  timestampToCivil,
  timestampToDate,
  weekdayOfDays,
} from './calendar.js';

describe('calendar (UTC+8)', () => {
  it('formats timestamps in UTC+8 (sql.md §1, test_type id 19)', () => {
    expect(formatTimestamp(1590115420000)).toBe('2020-05-22 10:43:40');
    expect(formatTimestamp(1590738989000)).toBe('2020-05-29 15:56:29');
    expect(formatTimestamp(0)).toBe('1970-01-01 08:00:00');
    expect(formatTimestamp(-1)).toBe('1970-01-01 07:59:59');
    expect(timestampToCivil(1590115420000).hour).toBe(10);
  });

  it('converts between dates and timestamps (test_type ids 20, 21)', () => {
    expect(timestampToDate(1590115420000)).toBe('2020-05-22');
    expect(timestampToDate(1590076799999)).toBe('2020-05-21');
    expect(dateToTimestamp('2020-05-22')).toBe(1590076800000);
    expect(dateToTimestamp('2020-05-01')).toBe(1588262400000);
  });

  it('parses text', () => {
    expect(parseTimestampText('2020-05-22 10:43:40')).toBe(1590115420000);
    expect(parseTimestampText('2021-01-01')).toBe(1609430400000);
    expect(parseTimestampText('2020-05-22 10:43:40.5')).toBe(1590115420500);
    expect(parseTimestampText('1')).toBeUndefined();
    expect(parseTimestampText('2020-02-30 00:00:00')).toBeUndefined();
    expect(parseDateText('2012-8-11')).toBe('2012-08-11');
    expect(parseDateText('20200522')).toBe('2020-05-22');
    expect(parseDateText('2020-05-22 10:43:40')).toBe('2020-05-22');
    expect(parseDateText('1899-12-31')).toBeUndefined();
    expect(parseDateText('2021-02-29')).toBeUndefined();
    expect(parseDateText('1')).toBeUndefined();
  });

  it('weekdays and ISO weeks (test_date id 2)', () => {
    const days = (d: string) => daysFromCivil(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8)));
    expect(weekdayOfDays(days('1970-01-01'))).toBe(4);
    expect(isoWeek(days('1970-01-01'))).toBe(1);
    expect(isoWeek(days('2020-05-29'))).toBe(22);
    expect(isoWeek(days('2020-05-02'))).toBe(18);
    expect(isoWeek(days('2021-01-03'))).toBe(53);
    expect(isoWeek(days('2018-12-31'))).toBe(1);
  });

  it('packs dates like the storage format (hash64 of a date)', () => {
    expect(packDate('2020-07-15')).toBe(((2020 - 1900) << 16) | (6 << 8) | 15);
  });

  it('civil conversion round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 3_000_000 }), (d) => {
        const c = civilFromDays(d);
        return daysFromCivil(c.year, c.month, c.day) === d;
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), (ms) => {
        const wholeSeconds = ms - (((ms % 1000) + 1000) % 1000);
        return parseTimestampText(formatTimestamp(ms)) === wholeSeconds;
      }),
    );
  });
});
