/**
 * Functions producing and reading list<T> values.
 * - split(s, d) / split_array: the pieces of s (empty pieces kept); [] for NULL s or an empty
 *   delimiter.
 * - split_by_key / split_by_value(s, d, kv): keys (values) of the 'k<kv>v' pieces; pieces
 *   without the kv delimiter are skipped.
 * - window_split, window_split_by_key, window_split_by_value: the same per row; used as the
 *   argument of an aggregate over a window, whose inputs are then the elements of every row's
 *   list (see the registry).
 * - list_except_by_key / list_except_by_value(list, 'a,b'): drops 'k:v' items whose key (value)
 *   is in the comma-separated set; an item without ':' is key = item, value = ''.
 * - at(list, i) (0-based, NULL out of range), size(list), join(list, d) (skips NULL items),
 *   array_contains(list, x).
 */
import type { Value } from '../../protocol/schema.js';
import { resolveComparison } from '../operators/comparison.js';
import { toDouble } from '../operators/numeric.js';
import { valueToString } from '../operators/to-string.js';
import { isIntegral, isList, isPrimitive, listOf, type PrimitiveType, type SqlType, type SqlValue } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

const STRING_LIST = listOf('string');

export function splitText(s: string | null, delimiter: string | null): string[] {
  if (s === null || delimiter === null || delimiter === '') return [];
  return s.split(delimiter);
}

/** Key and value parts of the 'k<kv>v' pieces of `s`; pieces without `kv` are skipped. */
export function splitPairs(s: string | null, delimiter: string | null, kv: string | null): [string, string][] {
  if (kv === null || kv === '') return [];
  const out: [string, string][] = [];
  for (const piece of splitText(s, delimiter)) {
    const at = piece.indexOf(kv);
    if (at >= 0) out.push([piece.slice(0, at), piece.slice(at + kv.length)]);
  }
  return out;
}

function allStrings(argTypes: readonly SqlType[], count: number): boolean {
  return argTypes.length === count && argTypes.every((t) => t === 'string' || t === 'null');
}

function resolveSplit(argTypes: readonly SqlType[], name: string): ScalarResolution {
  if (!allStrings(argTypes, 2)) return noOverload(name, argTypes, 'a string and a delimiter');
  return scalar(STRING_LIST, ([s, d]) => splitText(s as string | null, d as string | null));
}

function resolveSplitPairs(part: 0 | 1) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    if (!allStrings(argTypes, 3)) return noOverload(name, argTypes, 'a string, a delimiter and a key-value delimiter');
    return scalar(STRING_LIST, ([s, d, kv]) =>
      splitPairs(s as string | null, d as string | null, kv as string | null).map((p) => p[part]),
    );
  };
}

function resolveListExcept(part: 0 | 1) {
  return (argTypes: readonly SqlType[], name: string): ScalarResolution => {
    const [list, except] = argTypes;
    const valid = argTypes.length === 2 && list !== undefined && isList(list) && list.element === 'string' && except === 'string';
    if (!valid) return noOverload(name, argTypes, 'a list<string> and a comma-separated string');
    return scalar(
      STRING_LIST,
      nullIfAnyNull(([items, text]) => {
        const excluded = new Set((text as string).split(','));
        return (items as readonly SqlValue[]).filter((item) => {
          if (item === null) return true;
          const s = item as string;
          const at = s.indexOf(':');
          const kv = at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + 1)];
          return !excluded.has(kv[part]!);
        });
      }),
    );
  };
}

function resolveSize(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isList(t)) return noOverload(name, argTypes, 'a list');
  return scalar('int', nullIfAnyNull(([l]) => (l as readonly SqlValue[]).length));
}

function resolveAt(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, i] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isList(t) || i === undefined || !isIntegral(i)) {
    return noOverload(name, argTypes, 'a list and an integer index');
  }
  return scalar(
    t.element,
    nullIfAnyNull(([l, idx]) => {
      const items = l as readonly SqlValue[];
      const k = toDouble(idx as Value);
      return k >= 0 && k < items.length ? (items[k] ?? null) : null;
    }),
  );
}

function resolveJoin(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, d] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isList(t) || !isPrimitive(t.element) || d !== 'string') {
    return noOverload(name, argTypes, 'a list of primitive values and a delimiter string');
  }
  const element = t.element as PrimitiveType;
  return scalar(
    'string',
    nullIfAnyNull(([l, delimiter]) =>
      (l as readonly SqlValue[])
        .filter((v) => v !== null)
        .map((v) => valueToString(v as Value, element))
        .join(delimiter as string),
    ),
  );
}

function resolveArrayContains(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t, x] = argTypes;
  if (argTypes.length !== 2 || t === undefined || !isList(t) || x === undefined) {
    return noOverload(name, argTypes, 'a list and a value');
  }
  const eq = resolveComparison('=', t.element, x);
  if (!eq.ok) return noOverload(name, argTypes, 'a value comparable with the list elements');
  const equals = eq.value.eval;
  return scalar(
    'bool',
    nullIfAnyNull(([l, v]) => (l as readonly SqlValue[]).some((item) => equals(item, v!) === true)),
  );
}

export const LIST_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['split', 'split_array'], resolve: resolveSplit },
  { names: ['split_by_key'], resolve: resolveSplitPairs(0) },
  { names: ['split_by_value'], resolve: resolveSplitPairs(1) },
  { names: ['window_split'], resolve: resolveSplit },
  { names: ['window_split_by_key'], resolve: resolveSplitPairs(0) },
  { names: ['window_split_by_value'], resolve: resolveSplitPairs(1) },
  { names: ['list_except_by_key'], resolve: resolveListExcept(0) },
  { names: ['list_except_by_value'], resolve: resolveListExcept(1) },
  { names: ['size'], resolve: resolveSize },
  { names: ['at'], resolve: resolveAt },
  { names: ['join'], resolve: resolveJoin },
  { names: ['array_contains'], resolve: resolveArrayContains },
];
