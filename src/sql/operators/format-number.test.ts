import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatGeneral } from './format-number.js';

describe('formatGeneral (ostream default, %g with 6 digits)', () => {
  it.each([
    [Math.fround(1.1), '1.1'],
    [Math.fround(11.1), '11.1'],
    [30, '30'],
    [-1, '-1'],
    [12.1, '12.1'],
    [0.1 + 0.2, '0.3'],
    [1590115420000, '1.59012e+12'],
    [123456, '123456'],
    [1234567, '1.23457e+06'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [0, '0'],
    [-0, '-0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [Number.NaN, 'nan'],
    [2.5, '2.5'],
    [1e100, '1e+100'],
  ])('%d → %s', (x, text) => {
    expect(formatGeneral(x)).toBe(text);
  });

  it('keeps at most 6 significant digits and parses back close', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), (x) => {
        const s = formatGeneral(x);
        const digits = s.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
        const back = Number(s);
        return digits.length <= 6 && (x === 0 || Math.abs(back - x) <= Math.abs(x) * 5e-6);
      }),
    );
  });
});

describe('formatFixed (%f)', () => {
  it.each([
    [Math.fround(1.1), '1.100000'],
    [2.5, '2.500000'],
    [30, '30.000000'],
    [-0.5, '-0.500000'],
    [1e22, '10000000000000000000000.000000'],
    [Infinity, 'inf'],
  ])('%d → %s', (x, text) => {
    expect(formatFixed(x)).toBe(text);
  });
});
