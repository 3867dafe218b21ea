import { describe, expect, it } from 'vitest';
import { resolveBetween, resolveIn, resolveIs, resolveIsNull } from './predicates.js';

describe('BETWEEN', () => {
  it('is inclusive and three-valued (between_predicate_1, _4)', () => {
    const r = resolveBetween('bigint', 'int', 'int', false);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.type).toBe('bool');
    expect([0n, 1n, 4n, 5n].map((v) => r.value.eval(v, 1, 4))).toEqual([false, true, true, false]);
    expect(r.value.eval(null, 1, 4)).toBeNull();
    expect(r.value.eval(9n, 1, null)).toBeNull();
    expect(r.value.eval(0n, 1, null)).toBe(false);
  });

  it('NOT BETWEEN on strings (between_predicate_2)', () => {
    const r = resolveBetween('string', 'string', 'string', true);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.eval('ABC', 'BBB', 'CCC')).toBe(true);
    expect(r.value.eval('BBC', 'BBB', 'CCC')).toBe(false);
    expect(r.value.eval(null, 'BBB', 'CCC')).toBeNull();
  });

  it('timestamps (between_predicate_3) and type errors', () => {
    const r = resolveBetween('timestamp', 'timestamp', 'timestamp', false);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.eval(1609459201000, 1609430400000, 1611936000000)).toBe(true);
    expect(r.value.eval(1633265330000, 1609430400000, 1611936000000)).toBe(false);
    expect(resolveBetween('timestamp', 'int', 'int', false).ok).toBe(false);
  });
});

describe('IN', () => {
  it('matches items and is NULL when unmatched with a NULL item (in_predicate_*, simple_query)', () => {
    const r = resolveIn('string', ['string', 'string'], false);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.eval('A', ['A', 'B'])).toBe(true);
    expect(r.value.eval('C', ['A', 'B'])).toBe(false);
    expect(r.value.eval('C', ['A', null])).toBeNull();
    expect(r.value.eval('A', ['A', null])).toBe(true);
    expect(r.value.eval(null, ['A'])).toBeNull();
    const n = resolveIn('string', ['string', 'string'], true);
    if (!n.ok) throw new Error(n.message);
    expect(n.value.eval('A', ['A', 'B'])).toBe(false);
    expect(n.value.eval('C', ['A', 'B'])).toBe(true);
    expect(n.value.eval('C', ['A', null])).toBeNull();
  });

  it('converts between item types (in_predicate_type_conversion)', () => {
    const r = resolveIn('bigint', ['string', 'double'], false);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.eval(1n, ['1', 3.0])).toBe(true);
    expect(r.value.eval(2n, ['1', 3.0])).toBe(false);
    expect(r.value.eval(3n, ['1', 3.0])).toBe(true);
  });

  it('rejects incomparable items', () => {
    const r = resolveIn('timestamp', ['int'], false);
    expect(r.ok).toBe(false);
  });
});

describe('IS NULL', () => {
  it('is never NULL', () => {
    const isNull = resolveIsNull('int', false);
    const notNull = resolveIsNull('int', true);
    expect([isNull.eval(null), isNull.eval(0), notNull.eval(null), notNull.eval(0)]).toEqual([true, false, false, true]);
  });
});

describe('IS TRUE / IS FALSE', () => {
  it('reads truth values and is never NULL', () => {
    const t = resolveIs('bool', 'TRUE', false);
    const nt = resolveIs('bool', 'TRUE', true);
    const fl = resolveIs('int', 'FALSE', false);
    const nl = resolveIs('string', 'NULL', true);
    if (!t.ok || !nt.ok || !fl.ok || !nl.ok) throw new Error('resolve failed');
    expect([true, false, null].map((v) => t.value.eval(v))).toEqual([true, false, false]);
    expect([true, false, null].map((v) => nt.value.eval(v))).toEqual([false, true, true]);
    expect([0, 2, null].map((v) => fl.value.eval(v))).toEqual([true, false, false]);
    expect(['', null].map((v) => nl.value.eval(v))).toEqual([true, false]);
  });
});
