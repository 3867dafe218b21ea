import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrimitiveType } from '../types.js';
import { type LikeOp, likeMatch, resolveLike } from './like.js';

/** Values of a case column and, per operator LIKE / NOT LIKE / ILIKE / NOT ILIKE, the expected matches. */
interface LikeCase {
  readonly id: string;
  readonly pattern: string;
  readonly escape?: string;
  readonly values: readonly (string | null)[];
  readonly like: readonly (boolean | null)[];
  readonly ilike: readonly (boolean | null)[];
}

const T = true;
const F = false;

// cases/function/expression/test_like.yaml; NOT LIKE / NOT ILIKE rows are the negations.
const CASES: LikeCase[] = [
  {
    id: '0',
    pattern: 'a_b',
    values: ['a_b', 'aab', 'a%b', 'b_c', 'abc', 'A0b', 'a#B', 'aaab'],
    like: [T, T, T, F, F, F, F, F],
    ilike: [T, T, T, F, F, T, T, F],
  },
  {
    id: '1',
    pattern: 'a%b',
    values: ['a_b', 'aabb', 'a%_b', 'b_c', 'abc', 'A0b', 'a#B', 'aaab', 'ab'],
    like: [T, T, T, F, F, F, F, T, T],
    ilike: [T, T, T, F, F, T, T, T, T],
  },
  {
    id: '2',
    pattern: '_a%b',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', 'aa#0B'],
    like: [T, T, T, F, F, F, F],
    ilike: [T, T, T, F, F, T, T],
  },
  {
    id: '3 (ESCAPE "\\") and 7 (default escape)',
    pattern: '\\_a%b',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', '_a#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, F, T],
  },
  {
    id: '4',
    pattern: '#_a%b',
    escape: '#',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', '_a#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, F, T],
  },
  {
    id: '5',
    pattern: '__a%b',
    escape: '_',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', '_a#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, F, T],
  },
  {
    id: '6',
    pattern: '_a%%b',
    escape: '%',
    values: ['%a_b', 'aabb', '_a%b', 'ba_c', 'abb', 'bA%b', '_a#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, T, F],
  },
  {
    id: '8',
    pattern: '\\_a%b',
    escape: '',
    values: ['\\%a_b', '\\aabb', '_a%_b', 'ba_c', 'abb', '\\bA0b', '\\_a#0B'],
    like: [T, T, F, F, F, F, F],
    ilike: [T, T, F, F, F, T, T],
  },
  {
    id: '9',
    pattern: 'a%b%',
    values: ['a_b', 'aabb', 'a%_b%0', 'b_c', 'abc', 'A0b', 'a#Bb', 'aaabbcc'],
    like: [T, T, T, F, T, F, T, T],
    ilike: [T, T, T, F, T, T, T, T],
  },
  {
    id: '10',
    pattern: '_a_b',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA0b', 'aa#0B'],
    like: [T, T, F, F, F, F, F],
    ilike: [T, T, F, F, F, T, F],
  },
  {
    id: '11',
    pattern: 'a%b#%',
    escape: '#',
    values: ['a_b', 'aab%', 'a%_b%0', 'b_c', 'ab%', 'A0b', 'a#B%'],
    like: [F, T, F, F, T, F, F],
    ilike: [F, T, F, F, T, F, T],
  },
  {
    id: '12',
    pattern: '#_a_b',
    escape: '#',
    values: ['%a_b', 'aabb', '_a%b', 'ba_c', 'abb', '_A0b', 'aa#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, T, F],
  },
  {
    id: '13',
    pattern: '#_a%b',
    escape: '#',
    values: ['%a_b', 'aabb', '_a%_b', 'ba_c', 'abb', '_A0b', '_a#0B'],
    like: [F, F, T, F, F, F, F],
    ilike: [F, F, T, F, F, T, T],
  },
  {
    id: '14',
    pattern: '_a#%b',
    escape: '#',
    values: ['%a%b', 'aabb', '_a%_b', 'ba_c', 'abb', 'bA%b', 'aa#0B'],
    like: [T, F, F, F, F, F, F],
    ilike: [T, F, F, F, F, T, F],
  },
  { id: '15', pattern: 'a%b', values: ['', null], like: [F, null], ilike: [F, null] },
  { id: '16', pattern: '', values: ['', 'aa'], like: [T, F], ilike: [T, F] },
  { id: '29', pattern: 'a%#', escape: '#', values: ['ab#', 'aa'], like: [F, F], ilike: [F, F] },
  {
    id: 'like_predicate_2',
    pattern: '%a*_%b',
    escape: '*',
    values: ['a*_b', 'a*mb', '%a_%b', 'Ta_sub', 'lamrb', '%a*_%b'],
    like: [F, F, T, T, F, F],
    ilike: [F, F, T, T, F, F],
  },
  {
    id: 'like_predicate_2 (ESCAPE %)',
    pattern: '%a*_%b',
    escape: '%',
    values: ['a*_b', 'a*mb', '%a_%b', 'Ta_sub', 'lamrb', '%a*_%b'],
    like: [T, T, F, F, F, F],
    ilike: [T, T, F, F, F, F],
  },
  {
    id: "like_predicate_2 (ESCAPE '')",
    pattern: '%a*_%b',
    escape: '',
    values: ['a*_b', 'a*mb', '%a_%b', 'Ta_sub', 'lamrb', '%a*_%b'],
    like: [T, T, F, F, F, T],
    ilike: [T, T, F, F, F, T],
  },
];

function evalLike(op: LikeOp, negated: boolean, c: LikeCase, value: string | null) {
  const r = resolveLike(op, 'string', 'string', c.escape, negated);
  if (!r.ok) throw new Error(r.message);
  return r.value.eval(value, c.pattern);
}

describe('LIKE / ILIKE on test_like.yaml', () => {
  for (const c of CASES) {
    it(`case ${c.id}`, () => {
      c.values.forEach((v, i) => {
        const like = c.like[i]!;
        const ilike = c.ilike[i]!;
        expect(evalLike('LIKE', false, c, v), `${String(v)} LIKE ${c.pattern}`).toBe(like);
        expect(evalLike('LIKE', true, c, v)).toBe(like === null ? null : !like);
        expect(evalLike('ILIKE', false, c, v), `${String(v)} ILIKE ${c.pattern}`).toBe(ilike);
        expect(evalLike('ILIKE', true, c, v)).toBe(ilike === null ? null : !ilike);
      });
    });
  }

  it('rejects a NULL pattern, a NULL or long escape and non-string operands (ids 17-28)', () => {
    expect(resolveLike('LIKE', 'string', 'null', undefined, false).ok).toBe(false);
    const nullEscape = resolveLike('LIKE', 'string', 'string', null, false);
    expect(nullEscape.ok).toBe(false);
    if (!nullEscape.ok) expect(nullEscape.message).toBe('operator LIKE: the ESCAPE character cannot be NULL');
    expect(resolveLike('ILIKE', 'string', 'string', '<>', true).ok).toBe(false);
    for (const t of ['int', 'bigint', 'smallint', 'float', 'double', 'timestamp', 'date', 'bool'] as PrimitiveType[]) {
      const r = resolveLike('LIKE', t, 'string', undefined, false);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toBe(`operator LIKE does not accept operands (${t}, string)`);
    }
  });
});

/** Straightforward recursive LIKE matcher, the reference for the property test. */
function naiveLike(value: string[], pattern: string[], esc: string): boolean {
  const match = (i: number, j: number): boolean => {
    if (j === pattern.length) return i === value.length;
    const p = pattern[j]!;
    if (esc !== '' && p === esc) {
      if (j + 1 === pattern.length) return false;
      return i < value.length && value[i] === pattern[j + 1] && match(i + 1, j + 2);
    }
    if (p === '%') {
      for (let k = i; k <= value.length; k += 1) if (match(k, j + 1)) return true;
      return false;
    }
    if (p === '_') return i < value.length && match(i + 1, j + 1);
    return i < value.length && value[i] === p && match(i + 1, j + 1);
  };
  return match(0, 0);
}

describe('LIKE matcher', () => {
  it('agrees with a naive matcher on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', '%', '_', '#', '\\', '.', '*', '(', 'é');
    const text = fc.array(alphabet, { maxLength: 8 });
    fc.assert(
      fc.property(text, text, fc.constantFrom('#', '\\', '', '%', 'a'), (value, pattern, esc) => {
        const got = likeMatch(value.join(''), pattern.join(''), esc, false);
        return got === naiveLike(value, pattern, esc);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches across newlines and astral characters', () => {
    expect(likeMatch('a\nb', 'a_b', '\\', false)).toBe(true);
    expect(likeMatch('a😀b', 'a_b', '\\', false)).toBe(true);
    expect(likeMatch('x\n\ny', 'x%y', '\\', false)).toBe(true);
  });
});
