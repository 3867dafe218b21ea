import { describe, expect, it } from 'vitest';
import type { SqlType, SqlValue } from '../types.js';
import { jsonPointer } from './json.js';
import { resolveFunction } from './registry.js';

function call(name: string, types: SqlType[], args: SqlValue[]): SqlValue {
  const r = resolveFunction(name, types);
  if (!r.ok || r.value.kind !== 'scalar') throw new Error('resolve failed');
  return r.value.eval(args);
}

describe('JSON functions', () => {
  const doc = '{"a":{"b":[1,{"c":"x"}]},"k/e":2,"n":null}';

  it('get_json_object follows JSON pointers', () => {
    const get = (p: string) => call('get_json_object', ['string', 'string'], [doc, p]);
    expect(get('/a/b/1/c')).toBe('x');
    expect(get('/a/b/0')).toBe('1');
    expect(get('/a/b')).toBe('[1,{"c":"x"}]');
    expect(get('/k~1e')).toBe('2');
    expect(get('/missing')).toBeNull();
    expect(get('/n')).toBeNull();
    expect(call('get_json_object', ['string', 'string'], ['{bad', '/a'])).toBeNull();
    expect(jsonPointer({ a: 1 }, '')).toEqual({ a: 1 });
  });

  it('json_array_length counts top-level arrays', () => {
    expect(call('json_array_length', ['string'], ['[1,2,[3]]'])).toBe(3);
    expect(call('json_array_length', ['string'], ['{"a":1}'])).toBeNull();
    expect(call('json_array_length', ['string'], ['nope'])).toBeNull();
  });
});
