import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../base/crc32.js';
import { crc32Range } from './frame-crc.js';

describe('crc32Range', () => {
  it('equals zlib and the pure crc32 on any range of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        const expected = zlibCrc32(bytes.subarray(start, end));
        expect(crc32Range(bytes, start, end)).toBe(expected);
        expect(crc32(bytes.subarray(start, end))).toBe(expected);
      }),
    );
  });

  it('gives the known check value of "123456789"', () => {
    expect(crc32Range(new TextEncoder().encode('123456789'), 0, 9)).toBe(0xcbf43926);
  });
});
