import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doubleText, RawJson, writeJson } from './json-write.js';

describe('writeJson', () => {
  it('writes bigint as exact integers and non-finite numbers as tokens', () => {
    expect(writeJson([9223372036854775807n, -9223372036854775808n])).toBe('[9223372036854775807,-9223372036854775808]');
    expect(writeJson([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 2])).toBe('[NaN,Infinity,-Infinity,1.5,2]');
  });

  it('writes objects in insertion order, skipping undefined members, and raw text as it is', () => {
    expect(writeJson({ code: 0, msg: 'ok', gone: undefined, data: { x: new RawJson('3.0'), y: [null, true, false] } })).toBe(
      '{"code":0,"msg":"ok","data":{"x":3.0,"y":[null,true,false]}}',
    );
  });

  it('escapes strings and names so that JSON.parse reads them back', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }), fc.string(), (value, name) => {
        expect(JSON.parse(writeJson({ [name]: value }))).toEqual({ [name]: value });
      }),
    );
  });

  it('agrees with JSON.stringify on standard values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(writeJson(v as never)).toBe(JSON.stringify(v));
      }),
      { numRuns: 200 },
    );
  });
});

describe('doubleText', () => {
  it('prints doubles as the reference does: shortest digits, .0 on integral values', () => {
    expect(doubleText(3)).toBe('3.0');
    expect(doubleText(-0)).toBe('-0.0');
    expect(doubleText(0)).toBe('0.0');
    expect(doubleText(1.5)).toBe('1.5');
    expect(doubleText(Math.fround(1.1))).toBe('1.100000023841858');
    expect(doubleText(1e21)).toBe('1e21');
    expect(doubleText(1e20)).toBe('100000000000000000000.0');
    expect(doubleText(1.5e-7)).toBe('1.5e-7');
    expect(doubleText(0.000001)).toBe('0.000001');
    expect(doubleText(Number.NaN)).toBe('NaN');
    expect(doubleText(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('reads back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(Object.is(Number(doubleText(d)), d)).toBe(true);
      }),
    );
  });
});
