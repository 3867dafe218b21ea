import { describe, expect, it } from 'vitest';
import { resolveBranches } from './branches.js';

describe('resolveBranches (test_condition.yaml)', () => {
  it('converts branches to their common type (id 15)', () => {
    const r = resolveBranches(['string', 'int']);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.type).toBe('string');
    expect(r.value.converters.map((c, i) => c(['abc', 12][i]!))).toEqual(['abc', '12']);
    const d = resolveBranches(['double', 'int']);
    expect(d.ok && d.value.type).toBe('double');
    const f = resolveBranches(['float', 'int']);
    expect(f.ok && f.value.type).toBe('float');
  });

  it('lets NULL branches adapt (ids 2, 3)', () => {
    const r = resolveBranches(['string', 'null', 'string']);
    if (!r.ok) throw new Error(r.message);
    expect(r.value.type).toBe('string');
    expect(r.value.converters[1]!(null)).toBeNull();
    const all = resolveBranches(['null', 'null']);
    expect(all.ok && all.value.type).toBe('null');
  });

  it('fails without a common type', () => {
    const r = resolveBranches(['timestamp', 'int']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('types timestamp and int have no common type');
  });
});
