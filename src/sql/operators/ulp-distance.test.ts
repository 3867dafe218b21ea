import { describe, expect, it } from 'vitest';
import { ulpDistance } from './ulp-distance.js';

describe('ulpDistance', () => {
  it('counts representable doubles between two values', () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(1, 1 + Number.EPSILON)).toBe(1);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(-Number.MIN_VALUE, Number.MIN_VALUE)).toBe(2);
    expect(ulpDistance(0.1 + 0.2, 0.3)).toBe(1);
  });

  it('counts in single precision on request', () => {
    const one = Math.fround(1);
    const next = one + 2 ** -23;
    expect(ulpDistance(one, next, true)).toBe(1);
    expect(ulpDistance(7.8, Math.fround(30 % Math.fround(11.1)), true)).toBe(2);
  });

  it('treats NaN as far from everything but NaN', () => {
    expect(ulpDistance(Number.NaN, 1)).toBe(Infinity);
    expect(ulpDistance(Number.NaN, Number.NaN)).toBe(0);
  });
});
