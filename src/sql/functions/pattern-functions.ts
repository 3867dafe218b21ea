/**
 * like_match(s, pattern[, escape]), ilike_match(...) and regexp_like(s, pattern[, flags]): the
 * function forms of LIKE, ILIKE and RLIKE. Unlike the ESCAPE clause, an escape argument longer
 * than one character is not a compile error: nothing matches. NULL literals as pattern, escape
 * or flags are rejected.
 */
import { DEFAULT_LIKE_ESCAPE, likeMatch } from '../operators/like.js';
import { regexFullMatch } from '../operators/regex.js';
import type { SqlType } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

function validArgs(argTypes: readonly SqlType[]): boolean {
  const [s, ...rest] = argTypes;
  return (
    (argTypes.length === 2 || argTypes.length === 3) &&
    (s === 'string' || s === 'null') &&
    rest.every((t) => t === 'string')
  );
}

function resolveLikeMatch(caseInsensitive: boolean) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    if (!validArgs(argTypes)) return noOverload(name, argTypes, 'a string, a pattern and an optional escape character');
    return scalar(
      'bool',
      nullIfAnyNull((args) => {
        const esc = args.length > 2 ? (args[2] as string) : DEFAULT_LIKE_ESCAPE;
        if (Array.from(esc).length > 1) return false;
        return likeMatch(args[0] as string, args[1] as string, esc, caseInsensitive);
      }),
    );
  };
}

function resolveRegexpLike(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (!validArgs(argTypes)) return noOverload(name, argTypes, 'a string, a pattern and optional flags');
  return scalar(
    'bool',
    nullIfAnyNull((args) => regexFullMatch(args[0] as string, args[1] as string, args.length > 2 ? (args[2] as string) : '')),
  );
}

export const PATTERN_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['like_match'], resolve: resolveLikeMatch(false) },
  { names: ['ilike_match'], resolve: resolveLikeMatch(true) },
  { names: ['regexp_like'], resolve: resolveRegexpLike },
];
