/**
 * String functions. concat/concat_ws take arguments of any primitive type, converted with the
 * string() rules, and give NULL when any argument is NULL. Positions are 1-based and counted in
 * characters (code points).
 */
import type { Value } from '../../protocol/schema.js';
import { toDouble } from '../operators/numeric.js';
import { valueToString } from '../operators/to-string.js';
import { isIntegral, isPrimitive, type PrimitiveType, type SqlType } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

function allPrimitive(argTypes: readonly SqlType[]): argTypes is readonly PrimitiveType[] {
  return argTypes.every(isPrimitive);
}

function textOf(types: readonly PrimitiveType[]) {
  return (v: unknown, i: number) => valueToString(v as Value, types[i]!);
}

function resolveConcat(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (!allPrimitive(argTypes)) return noOverload(name, argTypes, 'arguments of primitive types');
  const text = textOf(argTypes);
  return scalar('string', nullIfAnyNull((args) => args.map(text).join('')));
}

function resolveConcatWs(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (argTypes.length < 1 || !allPrimitive(argTypes)) {
    return noOverload(name, argTypes, 'a separator and arguments of primitive types');
  }
  const text = textOf(argTypes);
  return scalar(
    'string',
    nullIfAnyNull((args) => {
      const parts = args.map(text);
      return parts.slice(1).join(parts[0]);
    }),
  );
}

function strings(count: number, argTypes: readonly SqlType[]): boolean {
  return argTypes.length === count && argTypes.every((t) => t === 'string');
}

function resolveStrcmp(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (!strings(2, argTypes)) return noOverload(name, argTypes, 'two string arguments');
  return scalar(
    'int',
    nullIfAnyNull(([a, b]) => {
      if (a === b) return 0;
      return (a as string) < (b as string) ? -1 : 1;
    }),
  );
}

/** Characters of `s` from 1-based `pos` (negative counts from the end), at most `len` of them. */
export function substring(s: string, pos: number, len?: number): string {
  const chars = Array.from(s);
  if (len !== undefined && len < 1) return '';
  let start: number;
  if (pos > 0) start = pos - 1;
  else if (pos < 0) start = chars.length + pos;
  else return '';
  if (start < 0 || start >= chars.length) return '';
  const end = len === undefined ? chars.length : Math.min(chars.length, start + len);
  return chars.slice(start, end).join('');
}

function resolveSubstring(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [s, pos, len] = argTypes;
  const intArg = (t: SqlType | undefined) => t !== undefined && isIntegral(t);
  const valid =
    s === 'string' && intArg(pos) && (argTypes.length === 2 || (argTypes.length === 3 && intArg(len)));
  if (!valid) return noOverload(name, argTypes, 'a string, an integer position and an optional integer length');
  return scalar(
    'string',
    nullIfAnyNull((args) =>
      substring(
        args[0] as string,
        toDouble(args[1] as Value),
        args.length > 2 ? toDouble(args[2] as Value) : undefined,
      ),
    ),
  );
}

function stringToX(type: SqlType, fn: (s: string) => Value) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    if (!strings(1, argTypes)) return noOverload(name, argTypes, 'a string argument');
    return scalar(type, nullIfAnyNull(([s]) => fn(s as string)));
  };
}

function resolveReplace(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (!(strings(2, argTypes) || strings(3, argTypes))) {
    return noOverload(name, argTypes, 'a string, a search string and an optional replacement');
  }
  return scalar(
    'string',
    nullIfAnyNull((args) => {
      const search = args[1] as string;
      if (search === '') return args[0] as string;
      return (args[0] as string).split(search).join(args.length > 2 ? (args[2] as string) : '');
    }),
  );
}

function resolveChar(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isIntegral(t)) return noOverload(name, argTypes, 'an integer argument');
  return scalar(
    'string',
    nullIfAnyNull(([n]) => String.fromCharCode(Number(BigInt.asUintN(8, BigInt(n as number | bigint))))),
  );
}

/** 1-based position of `needle` in `haystack` at or after `from`, 0 when absent. */
function locate(needle: string, haystack: string, from: number): number {
  if (from < 1) return 0;
  const chars = Array.from(haystack);
  const prefix = chars.slice(0, from - 1).join('');
  const at = haystack.indexOf(needle, prefix.length);
  if (at < 0) return 0;
  return Array.from(haystack.slice(0, at)).length + 1;
}

function resolveLocate(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [a, b, c] = argTypes;
  const valid =
    a === 'string' && b === 'string' && (argTypes.length === 2 || (argTypes.length === 3 && c !== undefined && isIntegral(c)));
  if (!valid) return noOverload(name, argTypes, 'two strings and an optional integer position');
  return scalar(
    'int',
    nullIfAnyNull((args) => locate(args[0] as string, args[1] as string, args.length > 2 ? toDouble(args[2] as Value) : 1)),
  );
}

export const STRING_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['concat'], resolve: resolveConcat },
  { names: ['concat_ws'], resolve: resolveConcatWs },
  { names: ['strcmp'], resolve: resolveStrcmp },
  { names: ['substring', 'substr'], resolve: resolveSubstring },
  { names: ['char_length', 'character_length'], resolve: stringToX('int', (s) => Array.from(s).length) },
  { names: ['lcase', 'lower'], resolve: stringToX('string', (s) => s.toLowerCase()) },
  { names: ['ucase', 'upper'], resolve: stringToX('string', (s) => s.toUpperCase()) },
  { names: ['reverse'], resolve: stringToX('string', (s) => Array.from(s).reverse().join('')) },
  { names: ['replace'], resolve: resolveReplace },
  { names: ['char'], resolve: resolveChar },
  { names: ['locate'], resolve: resolveLocate },
];
