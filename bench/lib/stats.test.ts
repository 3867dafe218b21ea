import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, quantileOfSorted, spreadOf } from './stats.js';

describe('stats', () => {
  it('takes the nearest-rank quantile', () => {
    const s = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileOfSorted(s, 0.5)).toBe(50);
    expect(quantileOfSorted(s, 0.99)).toBe(99);
    expect(quantileOfSorted(s, 1)).toBe(100);
    expect(quantileOfSorted(s, 0)).toBe(1);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });

  it('medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('a spread is ordered and bounded by its values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), (values) => {
        const s = spreadOf(values);
        expect(s.count).toBe(values.length);
        expect(s.p50).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
        expect(s.max).toBe(Math.max(...values));
        expect(s.mean).toBeLessThanOrEqual(s.max + 1e-6);
        expect(values).toContain(s.p50);
      }),
    );
  });
});
