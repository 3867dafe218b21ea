import { describe, expect, it } from 'vitest';
import type { Value } from '../../../protocol/schema.js';
import type { SqlType } from '../../types.js';
import type { ResolvedNavigation } from '../function-types.js';
import { resolveFunction } from '../registry.js';

function navigationOf(name: string, types: SqlType[]): ResolvedNavigation {
  const r = resolveFunction(name, types, 'aggregate');
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'navigation') throw new Error(`${name} is not a navigation function`);
  return r.value;
}

/** What the executor does with a navigation function: the partition row `offset` rows back. */
function navigate(nav: ResolvedNavigation, partition: Value[], offsetArg: Value): Value[] {
  return partition.map((_, i) => {
    const k = nav.offsetOf(offsetArg);
    return k === undefined || i - k < 0 ? null : partition[i - k]!;
  });
}

describe('lag / at (test_udaf_function ids 46, 56, 57, 59)', () => {
  it('keep the value type for every column type', () => {
    for (const name of ['lag', 'at']) {
      for (const t of ['string', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'bool'] as const) {
        expect(navigationOf(name, [t, 'int']).type).toBe(t);
      }
    }
  });

  it('reads the row k places back in the partition', () => {
    const lag = navigationOf('lag', ['string', 'int']);
    const c1: Value[] = ['a', 'c', 'b', null, 'd'];
    expect(navigate(lag, c1, 0)).toEqual(c1);
    expect(navigate(lag, c1, 2)).toEqual([null, null, 'a', 'c', 'b']);
    const g1: Value[] = [1, 2, 3, 4, 5];
    expect(navigate(lag, g1, 3)).toEqual([null, null, null, 1, 2]);
    expect(navigate(lag, g1, null)).toEqual([null, null, null, null, null]);
    expect(lag.offsetOf(-1)).toBeUndefined();
    expect(lag.offsetOf(2n)).toBe(2);
  });

  it('requires an integer offset', () => {
    expect(resolveFunction('lag', ['int', 'double'], 'aggregate').ok).toBe(false);
    expect(resolveFunction('lag', ['int'], 'aggregate').ok).toBe(false);
  });
});
