import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, incompatibleMessage, isCompatibleProtocol, parseVersion, protocolVersionOf } from './version.js';

describe('versions', () => {
  it('parses major.minor.patch and ignores a suffix', () => {
    expect(parseVersion('0.2.10')).toEqual({ major: 0, minor: 2, patch: 10 });
    expect(parseVersion('1.0.0-rc.1')).toEqual({ major: 1, minor: 0, patch: 0 });
    for (const bad of ['', '1', '1.2', 'v1.2.3', '1.2.x', 'unknown']) expect(parseVersion(bad)).toBeUndefined();
  });

  it('orders numerically, not as text', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBeGreaterThan(0);
    expect(compareVersions('0.2.0', '0.2.0')).toBe(0);
    expect(compareVersions('0.1.9', '0.2.0')).toBeLessThan(0);
    expect(compareVersions('unknown', '0.0.1')).toBeLessThan(0);
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50), (a, b, c, x, y, z) => {
        const l = `${a}.${b}.${c}`;
        const r = `${x}.${y}.${z}`;
        expect(Math.sign(compareVersions(l, r))).toBe(-Math.sign(compareVersions(r, l)));
        expect(Math.sign(compareVersions(l, r))).toBe(Math.sign(a - x || b - y || c - z));
      }),
    );
  });

  it('derives one protocol per minor line: one apart interoperate, two apart do not', () => {
    expect(protocolVersionOf('0.1.0')).toBe(1);
    expect(protocolVersionOf('0.1.7')).toBe(1);
    expect(protocolVersionOf('0.2.0')).toBe(2);
    expect(protocolVersionOf('1.0.0')).toBe(1000);
    const p = (v: string) => protocolVersionOf(v);
    expect(isCompatibleProtocol(p('0.2.0'), p('0.1.0'))).toBe(true);
    expect(isCompatibleProtocol(p('0.1.0'), p('0.2.0'))).toBe(true);
    expect(isCompatibleProtocol(p('0.1.5'), p('0.1.0'))).toBe(true);
    expect(isCompatibleProtocol(p('0.3.0'), p('0.1.0'))).toBe(false);
    expect(isCompatibleProtocol(p('0.1.0'), p('0.3.0'))).toBe(false);
    expect(isCompatibleProtocol(p('1.0.0'), p('0.9.0'))).toBe(false);
  });

  it('names both sides of a refusal with the local identity given', () => {
    const text = incompatibleMessage('tablet', 3, '0.3.0', { protocolVersion: 1, softwareVersion: '0.1.0' });
    expect(text).toContain('tablet runs software 0.3.0 (protocol 3)');
    expect(text).toContain('this node runs software 0.1.0 (protocol 1)');
    expect(text).toContain('supported peer protocols are 0..2');
  });
});
