/**
 * Which rows a window frame holds for one current row (sql.md §4.4). Pure and shared by batch
 * and request mode.
 *
 * The input is the current row's history: the window members ordered before it, ascending (the
 * nearest last), given by their order keys `keys[0..h)`, all <= the current key `kc`. The result
 * is a contiguous range `[lo, hi)` of that history plus whether the current row itself is in the
 * frame. Steps, in order:
 * 1. EXCLUDE CURRENT_TIME drops the history rows whose key equals kc (they are the nearest ones).
 * 2. ROWS bounds count rows back from the current row (distance 0), over the remaining history;
 *    ROWS_RANGE bounds are key deltas: start `N PRECEDING` keeps key >= kc - N (`OPEN`: >),
 *    end `M PRECEDING` keeps key <= kc - M (`OPEN`: <); the current row is in the frame only
 *    when the end is CURRENT ROW (0 PRECEDING, closed).
 * 3. EXCLUDE CURRENT_ROW takes the current row out of the frame.
 * 4. MAXSIZE keeps the rows nearest the current row (the current row counted when it is in).
 */
import type { FrameSpec } from '../plan/plan-types.js';

export interface FrameOptions {
  readonly frame: FrameSpec;
  readonly maxSize?: number;
  readonly excludeCurrentRow: boolean;
  readonly excludeCurrentTime: boolean;
}

export interface FrameRange {
  readonly lo: number;
  readonly hi: number;
  readonly withCurrent: boolean;
  /** End of the history left after EXCLUDE CURRENT_TIME: lag/at count back from here. */
  readonly top: number;
}

/** First index in [from, to) whose key is >= x (keys ascending). */
export function lowerBound(keys: (i: number) => number, x: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [from, to) whose key is > x (keys ascending). */
export function upperBound(keys: (i: number) => number, x: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function computeFrame(o: FrameOptions, keys: (i: number) => number, h: number, kc: number): FrameRange {
  const top = o.excludeCurrentTime ? lowerBound(keys, kc, 0, h) : h;
  const { start, end } = o.frame;
  let lo: number;
  let hi: number;
  let withCurrent: boolean;
  if (o.frame.unit === 'rows') {
    const startDist = start.kind === 'unbounded' ? Number.POSITIVE_INFINITY : start.open ? start.offset - 1 : start.offset;
    const endDist = end.kind === 'unbounded' ? Number.POSITIVE_INFINITY : end.open ? end.offset + 1 : end.offset;
    withCurrent = endDist === 0 && startDist >= 0;
    lo = Math.max(0, top - startDist);
    hi = top - Math.max(1, endDist) + 1;
  } else {
    if (start.kind === 'unbounded') lo = 0;
    else lo = start.open ? upperBound(keys, kc - start.offset, 0, top) : lowerBound(keys, kc - start.offset, 0, top);
    if (end.kind === 'unbounded') {
      hi = 0;
      withCurrent = false;
    } else if (end.offset === 0 && !end.open) {
      hi = top;
      withCurrent = true;
    } else {
      hi = end.open ? lowerBound(keys, kc - end.offset, 0, top) : upperBound(keys, kc - end.offset, 0, top);
      withCurrent = false;
    }
  }
  lo = Math.min(Math.max(0, lo), top);
  hi = Math.min(top, Math.max(lo, hi));
  if (o.excludeCurrentRow) withCurrent = false;
  if (o.maxSize !== undefined) {
    const historyMax = Math.max(0, o.maxSize - (withCurrent ? 1 : 0));
    if (hi - lo > historyMax) lo = hi - historyMax;
  }
  return { lo, hi, withCurrent, top };
}
