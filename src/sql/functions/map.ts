/**
 * map(k1, v1, k2, v2, ...) builds a map<K, V> (K and V are the common types of the keys and of
 * the values; a NULL key drops its entry; a repeated key keeps the last value) and
 * map_keys(m) lists its keys. Values are read with the subscript operator m[key].
 */
import type { Value } from '../../protocol/schema.js';
import { type Converter, resolveCast } from '../operators/cast.js';
import { commonTypeOf, isMap, isPrimitive, listOf, mapOf, type SqlType, type SqlValue } from '../types.js';
import { noOverload, nullIfAnyNull, type ScalarDef, type ScalarResolution, scalar } from './function-types.js';

function resolveMap(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const expected = 'key and value arguments in pairs';
  if (argTypes.length === 0 || argTypes.length % 2 !== 0) return noOverload(name, argTypes, expected);
  const keys = argTypes.filter((_, i) => i % 2 === 0);
  const values = argTypes.filter((_, i) => i % 2 === 1);
  const keyType = commonTypeOf(keys);
  const valueType = commonTypeOf(values);
  if (!keyType.ok || !valueType.ok || !isPrimitive(keyType.value)) return noOverload(name, argTypes, expected);
  const convert: Converter[] = [];
  for (let i = 0; i < argTypes.length; i += 1) {
    const c = resolveCast(argTypes[i]!, i % 2 === 0 ? keyType.value : valueType.value);
    if (!c.ok) return noOverload(name, argTypes, expected);
    convert.push(c.value);
  }
  return scalar(mapOf(keyType.value, valueType.value), (args) => {
    const m = new Map<Value, SqlValue>();
    for (let i = 0; i + 1 < args.length; i += 2) {
      const k = convert[i]!(args[i]!);
      if (k !== null) m.set(k as Value, convert[i + 1]!(args[i + 1]!));
    }
    return m;
  });
}

function resolveMapKeys(argTypes: readonly SqlType[], name: string): ScalarResolution {
  const [t] = argTypes;
  if (argTypes.length !== 1 || t === undefined || !isMap(t)) return noOverload(name, argTypes, 'a map');
  return scalar(listOf(t.key), nullIfAnyNull(([m]) => [...(m as ReadonlyMap<Value, SqlValue>).keys()]));
}

export const MAP_FUNCTIONS: readonly ScalarDef[] = [
  { names: ['map'], resolve: resolveMap },
  { names: ['map_keys'], resolve: resolveMapKeys },
];
