/**
 * Element access `container[key]`: a map lookup (the key is converted to the map's key type;
 * a missing key gives NULL) or a 0-based list index (out of range gives NULL).
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { Value } from '../../protocol/schema.js';
import { isIntegral, isList, isMap, type SqlType, type SqlValue, typeName } from '../types.js';
import { resolveCast } from './cast.js';
import { toDouble } from './numeric.js';
import type { ResolvedBinary } from './resolved.js';

export function resolveSubscript(container: SqlType, key: SqlType): Result<ResolvedBinary> {
  const invalid = () => fail(Code.sqlTypeError, `cannot index ${typeName(container)} with ${typeName(key)}`);
  if (isMap(container)) {
    const conv = resolveCast(key, container.key);
    if (!conv.ok) return invalid();
    const toKey = conv.value;
    return ok({
      type: container.value,
      eval: (m, k) => {
        if (m === null || k === null) return null;
        return (m as ReadonlyMap<Value, SqlValue>).get(toKey(k) as Value) ?? null;
      },
    });
  }
  if (isList(container)) {
    if (!isIntegral(key) && key !== 'null') return invalid();
    return ok({
      type: container.element,
      eval: (list, i) => {
        if (list === null || i === null) return null;
        const items = list as readonly SqlValue[];
        const index = toDouble(i as Value);
        return index >= 0 && index < items.length ? (items[index] ?? null) : null;
      },
    });
  }
  return invalid();
}
