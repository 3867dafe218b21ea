import { describe, expect, it } from 'vitest';
import { resolveSubscript } from '../operators/subscript.js';
import { listOf, mapOf, type SqlType, type SqlValue } from '../types.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): [SqlType, SqlValue] {
  const r = resolveFunction(name, types);
  if (!r.ok) throw new Error(r.message);
  if (r.value.kind !== 'scalar') throw new Error(`${name} is not scalar`);
  return [r.value.type, r.value.eval(args)];
}

describe('map functions', () => {
  it('builds maps with common key and value types and reads them', () => {
    const [type, m] = call('map', ['int', 'string', 'bigint', 'string'], [1, 'a', 2n, 'b']);
    expect(type).toEqual(mapOf('bigint', 'string'));
    const get = resolveSubscript(type, 'int');
    if (!get.ok) throw new Error(get.message);
    expect(get.value.eval(m, 2)).toBe('b');
    expect(get.value.eval(m, 3)).toBeNull();
    expect(call('map_keys', [type], [m])).toEqual([listOf('bigint'), [1n, 2n]]);
  });

  it('drops NULL keys and keeps the last value of a repeated key', () => {
    const [, m] = call('map', ['string', 'int', 'string', 'int', 'string', 'int'], ['a', 1, null, 2, 'a', 3]);
    expect([...(m as Map<string, number>)]).toEqual([['a', 3]]);
  });

  it('rejects odd argument counts and keys without a common type', () => {
    expect(resolveFunction('map', ['int']).ok).toBe(false);
    expect(resolveFunction('map', ['int', 'int', 'timestamp', 'int']).ok).toBe(false);
  });
});
