import { describe, expect, it } from 'vitest';
import { listOf, mapOf } from '../types.js';
import { resolveSubscript } from './subscript.js';

describe('subscript', () => {
  it('looks up maps with the key converted to the key type', () => {
    const r = resolveSubscript(mapOf('bigint', 'string'), 'int');
    if (!r.ok) throw new Error(r.message);
    expect(r.value.type).toBe('string');
    const m = new Map([
      [1n, 'one'],
      [2n, 'two'],
    ]);
    expect(r.value.eval(m, 2)).toBe('two');
    expect(r.value.eval(m, 3)).toBeNull();
    expect(r.value.eval(null, 1)).toBeNull();
  });

  it('indexes lists from 0', () => {
    const r = resolveSubscript(listOf('string'), 'int');
    if (!r.ok) throw new Error(r.message);
    expect([0, 1, 2, -1].map((i) => r.value.eval(['a', 'b'], i))).toEqual(['a', 'b', null, null]);
  });

  it('rejects other containers and keys', () => {
    expect(resolveSubscript('string', 'int').ok).toBe(false);
    expect(resolveSubscript(listOf('int'), 'string').ok).toBe(false);
    expect(resolveSubscript(mapOf('date', 'int'), 'int').ok).toBe(false);
  });
});
