import { describe, expect, it } from 'vitest';
import type { FrameBound, FrameSpec } from '../plan/plan-types.js';
import { computeFrame, type FrameOptions, lowerBound, upperBound } from './frame.js';

const cur: FrameBound = { kind: 'offset', offset: 0, open: false };
const back = (offset: number, open = false): FrameBound => ({ kind: 'offset', offset, open });
const unbounded: FrameBound = { kind: 'unbounded' };

function opts(frame: FrameSpec, extra: Partial<FrameOptions> = {}): FrameOptions {
  return { frame, excludeCurrentRow: false, excludeCurrentTime: false, ...extra };
}

/** The frame as the history keys it holds, plus 'cur' when the current row is in. */
function frameKeys(o: FrameOptions, history: readonly number[], kc: number): (number | 'cur')[] {
  const r = computeFrame(o, (i) => history[i]!, history.length, kc);
  const out: (number | 'cur')[] = history.slice(r.lo, r.hi);
  if (r.withCurrent) out.push('cur');
  return out;
}

describe('binary searches', () => {
  it('find the first key >= x and the first key > x', () => {
    const keys = [1, 3, 3, 5];
    const at = (i: number) => keys[i]!;
    expect(lowerBound(at, 3, 0, 4)).toBe(1);
    expect(upperBound(at, 3, 0, 4)).toBe(3);
    expect(lowerBound(at, 6, 0, 4)).toBe(4);
    expect(upperBound(at, 0, 0, 4)).toBe(0);
  });
});

describe('computeFrame', () => {
  const history = [10, 20, 30, 30, 40];

  it('ROWS N PRECEDING AND CURRENT ROW holds N history rows and the current row', () => {
    expect(frameKeys(opts({ unit: 'rows', start: back(2), end: cur }), history, 40)).toEqual([30, 40, 'cur']);
    expect(frameKeys(opts({ unit: 'rows', start: unbounded, end: cur }), history, 40)).toEqual([...history, 'cur']);
  });

  it('a ROWS pure-history frame and OPEN bounds', () => {
    expect(frameKeys(opts({ unit: 'rows', start: back(3), end: back(1) }), history, 40)).toEqual([30, 30, 40]);
    // 3 OPEN PRECEDING = 2 PRECEDING; 0 OPEN PRECEDING = 1 PRECEDING.
    expect(frameKeys(opts({ unit: 'rows', start: back(3, true), end: back(0, true) }), history, 40)).toEqual([30, 40]);
  });

  it('ROWS_RANGE keeps keys within the deltas; OPEN makes a bound exclusive', () => {
    expect(frameKeys(opts({ unit: 'range', start: back(10), end: cur }), history, 40)).toEqual([30, 30, 40, 'cur']);
    expect(frameKeys(opts({ unit: 'range', start: back(10, true), end: cur }), history, 40)).toEqual([40, 'cur']);
    expect(frameKeys(opts({ unit: 'range', start: back(30), end: back(10) }), history, 40)).toEqual([10, 20, 30, 30]);
    expect(frameKeys(opts({ unit: 'range', start: back(30), end: back(10, true) }), history, 40)).toEqual([10, 20]);
  });

  it('EXCLUDE CURRENT_TIME drops the history rows with the current key, the current row stays', () => {
    expect(frameKeys(opts({ unit: 'range', start: back(100), end: cur }, { excludeCurrentTime: true }), history, 30)).toEqual([10, 20, 'cur']);
    // ROWS bounds then count over what is left.
    expect(frameKeys(opts({ unit: 'rows', start: back(2), end: cur }, { excludeCurrentTime: true }), history.slice(0, 4), 30)).toEqual([10, 20, 'cur']);
  });

  it('MAXSIZE keeps the nearest rows, counting the current row unless it is excluded', () => {
    expect(frameKeys(opts({ unit: 'range', start: back(100), end: cur }, { maxSize: 2 }), history, 40)).toEqual([40, 'cur']);
    expect(frameKeys(opts({ unit: 'range', start: back(100), end: cur }, { maxSize: 2, excludeCurrentRow: true }), history, 40)).toEqual([30, 40]);
  });

  it('EXCLUDE CURRENT_ROW removes only the current row', () => {
    expect(frameKeys(opts({ unit: 'rows', start: back(2), end: cur }, { excludeCurrentRow: true }), history, 40)).toEqual([30, 40]);
  });

  it('reports where lag/at count from (after EXCLUDE CURRENT_TIME)', () => {
    const r = computeFrame(opts({ unit: 'rows', start: back(1), end: cur }, { excludeCurrentTime: true }), (i) => history[i]!, 4, 30);
    expect(r.top).toBe(2);
  });
});
