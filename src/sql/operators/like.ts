/**
 * LIKE / ILIKE pattern matching: '%' matches any run of characters, '_' exactly one, and the
 * escape character (default '\', '' for none) makes the next character literal. The whole
 * value must match. A pattern that ends with the escape character matches nothing. ILIKE
 * ignores case. Patterns are compiled to anchored RegExps and cached (bounded).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { SqlType } from '../types.js';
import { typeName } from '../types.js';
import type { ResolvedBinary } from './resolved.js';

export const DEFAULT_LIKE_ESCAPE = '\\';
const CACHE_ENTRIES_MAX = 512;

/** Compiled matcher, or null for an invalid pattern (trailing escape character). */
type Compiled = RegExp | null;
const cache = new Map<string, Compiled>();

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

function compile(pattern: string, escapeChar: string, caseInsensitive: boolean): Compiled {
  let source = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i]!;
    if (escapeChar !== '' && c === escapeChar) {
      i += 1;
      if (i >= chars.length) return null;
      const literal = chars[i]!;
      source += REGEX_SYNTAX.test(literal) ? `\\${literal}` : literal;
    } else if (c === '%') {
      source += '[^]*';
    } else if (c === '_') {
      source += '[^]';
    } else {
      source += REGEX_SYNTAX.test(c) ? `\\${c}` : c;
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

/** The compiled form of a LIKE pattern, cached; null when the pattern is invalid. */
export function likeMatcher(pattern: string, escapeChar: string, caseInsensitive: boolean): Compiled {
  const key = `${caseInsensitive ? 'i' : 'c'}${escapeChar}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const compiled = compile(pattern, escapeChar, caseInsensitive);
  if (cache.size >= CACHE_ENTRIES_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** Whether `value` matches the LIKE `pattern`; `escapeChar` is one character or '' for none. */
export function likeMatch(value: string, pattern: string, escapeChar: string, caseInsensitive: boolean): boolean {
  const m = likeMatcher(pattern, escapeChar, caseInsensitive);
  return m?.test(value) ?? false;
}

export type LikeOp = 'LIKE' | 'ILIKE';

/**
 * `value [NOT] LIKE|ILIKE pattern [ESCAPE escapeChar]`. `escapeChar` is the ESCAPE literal's value:
 * undefined when the clause is absent (default '\'), a string of at most one character, or null
 * for a NULL literal (rejected, as is a longer string). Operands must be strings.
 */
export function resolveLike(
  op: LikeOp,
  value: SqlType,
  pattern: SqlType,
  escapeChar: string | null | undefined,
  negated: boolean,
): Result<ResolvedBinary> {
  const name = `${negated ? 'NOT ' : ''}${op}`;
  if ((value !== 'string' && value !== 'null') || pattern !== 'string') {
    return fail(Code.sqlTypeError, `operator ${name} does not accept operands (${typeName(value)}, ${typeName(pattern)})`);
  }
  if (escapeChar === null) return fail(Code.sqlTypeError, `operator ${name}: the ESCAPE character cannot be NULL`);
  const esc = escapeChar ?? DEFAULT_LIKE_ESCAPE;
  if (Array.from(esc).length > 1) {
    return fail(Code.sqlTypeError, `operator ${name}: the ESCAPE value '${esc}' must be a single character or empty`);
  }
  const ci = op === 'ILIKE';
  return ok({
    type: 'bool',
    eval: (v, p) => {
      if (v === null || p === null) return null;
      return likeMatch(v as string, p as string, esc, ci) !== negated;
    },
  });
}
