import { describe, expect, it } from 'vitest';
import { BINARY_OPS, resolveBinary, resolveUnary } from './index.js';

describe('operator dispatch', () => {
  it('resolves every binary operator, word operators in any case', () => {
    for (const op of BINARY_OPS) expect(resolveBinary(op, 'int', 'int').ok, op).toBe(true);
    const div = resolveBinary('div', 'int', 'int');
    expect(div.ok && div.value.eval(7, 2)).toBe(3);
    const and = resolveBinary('and', 'bool', 'bool');
    expect(and.ok && and.value.eval(true, false)).toBe(false);
    const mod = resolveBinary('Mod', 'bigint', 'bigint');
    expect(mod.ok && mod.value.eval(7n, 4n)).toBe(3n);
  });

  it('resolves unary operators', () => {
    const neg = resolveUnary('-', 'int');
    expect(neg.ok && neg.value.eval(3)).toBe(-3);
    const not = resolveUnary('not', 'bool');
    expect(not.ok && not.value.eval(true)).toBe(false);
    const bang = resolveUnary('!', 'int');
    expect(bang.ok && bang.value.eval(2)).toBe(false);
    const plus = resolveUnary('+', 'double');
    expect(plus.ok && plus.value.eval(1.5)).toBe(1.5);
    expect(resolveUnary('+', 'string').ok).toBe(false);
    const inv = resolveUnary('~', 'int');
    expect(inv.ok && inv.value.eval(0)).toBe(-1);
  });

  it('names unknown operators', () => {
    const b = resolveBinary('<=>', 'int', 'int');
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.message).toBe("unknown binary operator '<=>'");
    const u = resolveUnary('?', 'int');
    expect(u.ok).toBe(false);
    if (!u.ok) expect(u.message).toBe("unknown unary operator '?'");
  });
});
