import { describe, expect, it } from 'vitest';
import { regexFlags, regexFullMatch, resolveRlike } from './regex.js';

const NAMES = ['John', 'Mary', 'mike', 'Dan', 'Evan_W', 'M'];

describe('RLIKE (test_predicate rlike_predicate_1)', () => {
  it.each([
    ['m[A-za-z]+', [false, false, true, false, false, false]],
    ['M.ry', [false, true, false, false, false, false]],
  ])('%s matches whole values', (pattern, expected) => {
    const r = resolveRlike('string', 'string', false);
    const n = resolveRlike('string', 'string', true);
    if (!r.ok || !n.ok) throw new Error('resolve failed');
    expect(NAMES.map((v) => r.value.eval(v, pattern))).toEqual(expected);
    expect(NAMES.map((v) => n.value.eval(v, pattern))).toEqual(expected.map((b) => !b));
    expect(r.value.eval(null, pattern)).toBeNull();
  });

  it('rejects non-string operands', () => {
    expect(resolveRlike('int', 'string', false).ok).toBe(false);
    expect(resolveRlike('string', 'null', false).ok).toBe(false);
  });
});

describe('regexFullMatch (test_udf_function id 3: regexp_like)', () => {
  it('matches e-mail addresses', () => {
    const p = '[A-Za-z0-9+_.-]+@openmldb[A-Za-z0-9+_.-]+';
    const values = ['contact@openmldb.ai', 'contact@opfnmldb.ai', 'contact@dropmldb.ai'];
    expect(values.map((v) => regexFullMatch(v, p))).toEqual([true, false, false]);
  });

  it('translates RE2 syntax', () => {
    expect(regexFullMatch('Hello', '(?i)hello')).toBe(true);
    expect(regexFullMatch('abc', '(?P<x>a)bc')).toBe(true);
    expect(regexFullMatch('abc1', '[[:alpha:]]+[[:digit:]]')).toBe(true);
    expect(regexFullMatch('ab', '\\Aab\\z')).toBe(true);
    expect(regexFullMatch('é', '\\pL')).toBe(true);
  });

  it('anchors the whole value even in multi-line mode', () => {
    expect(regexFullMatch('a\nb', 'a', 'm')).toBe(false);
    expect(regexFullMatch('a\nb', 'a.b', '')).toBe(false);
    expect(regexFullMatch('a\nb', 'a.b', 's')).toBe(true);
    expect(regexFullMatch('The Lord', 'the lord', 'i')).toBe(true);
    expect(regexFullMatch('The Lord', 'the lord', 'ic')).toBe(false);
  });

  it('gives NULL for an invalid pattern or flag', () => {
    expect(regexFullMatch('a', '(')).toBeNull();
    expect(regexFullMatch('a', 'a', 'x')).toBeNull();
    expect(regexFlags('cism')).toBe('ims');
  });
});
