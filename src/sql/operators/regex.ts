/**
 * RLIKE and regexp_like: full-match regular expressions. The reference uses RE2; patterns are
 * translated to JS RegExp for the common differences: `(?P<name>` groups, leading inline flags
 * `(?i)` `(?s)` `(?m)`, `\A` `\z`, `\pL`-style classes and POSIX `[[:alpha:]]` classes. JS
 * accepts more than RE2 (backreferences, lookaround); such patterns work here although the
 * reference would reject them. An invalid pattern gives NULL. Compiled patterns are cached.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import { type SqlType, typeName } from '../types.js';
import type { ResolvedBinary } from './resolved.js';

const CACHE_ENTRIES_MAX = 256;
const cache = new Map<string, RegExp | null>();

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** RE2 pattern → JS source and flags (flags from a leading `(?flags)` group). */
function translate(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline !== null) {
    flags = inline[1]!.replace(/U/g, '');
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '(?<![^])')
    .replace(/\\z/g, '(?![^])')
    .replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) return whole;
      return neg === '' ? cls : `^${cls}`;
    });
  return { source, flags };
}

/** Anchored RegExp for a full match of an RE2 pattern with extra flags, or null if invalid. */
export function fullMatchRegex(pattern: string, flags: string): RegExp | null {
  const key = `${flags}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const t = translate(pattern);
  const allFlags = [...new Set(flags + t.flags)].join('');
  const body = `(?<![^])(?:${t.source})(?![^])`;
  let re: RegExp | null = null;
  for (const extra of ['u', '']) {
    try {
      re = new RegExp(body, allFlags + extra);
      break;
    } catch {
      re = null;
    }
  }
  if (cache.size >= CACHE_ENTRIES_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/**
 * Flags of regexp_like: c (case-sensitive), i (case-insensitive), m (multi-line), s (dot
 * matches newline); the last of c/i wins. Undefined for an unknown flag.
 */
export function regexFlags(text: string): string | undefined {
  let ci = false;
  let m = false;
  let s = false;
  for (const f of text) {
    if (f === 'c') ci = false;
    else if (f === 'i') ci = true;
    else if (f === 'm') m = true;
    else if (f === 's') s = true;
    else return undefined;
  }
  return `${ci ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}`;
}

/** Whether the whole `value` matches `pattern`; null for an invalid pattern or flags. */
export function regexFullMatch(value: string, pattern: string, flagText = ''): boolean | null {
  const flags = regexFlags(flagText);
  if (flags === undefined) return null;
  const re = fullMatchRegex(pattern, flags);
  return re === null ? null : re.test(value);
}

/** `value [NOT] RLIKE pattern` on strings. */
export function resolveRlike(value: SqlType, pattern: SqlType, negated: boolean): Result<ResolvedBinary> {
  if ((value !== 'string' && value !== 'null') || pattern !== 'string') {
    return fail(
      Code.sqlTypeError,
      `operator ${negated ? 'NOT ' : ''}RLIKE does not accept operands (${typeName(value)}, ${typeName(pattern)})`,
    );
  }
  return ok({
    type: 'bool',
    eval: (v, p) => {
      if (v === null || p === null) return null;
      const r = regexFullMatch(v as string, p as string);
      return r === null ? null : r !== negated;
    },
  });
}
