import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { checkJoin, featureActive, FEATURES, peerSupports, softwareSupports } from './features.js';

const peer = (softwareVersion: string) => ({ protocolVersion: 0, softwareVersion, role: 'tablet', endpoint: 'x:1' });

describe('features', () => {
  it('idempotentPut exists from 0.2.0 and needs the cluster version', () => {
    expect(FEATURES.idempotentPut).toMatchObject({ sinceVersion: '0.2.0', needsClusterVersion: true });
    expect(softwareSupports('idempotentPut', '0.1.9')).toBe(false);
    expect(softwareSupports('idempotentPut', '0.2.0')).toBe(true);
    expect(softwareSupports('idempotentPut', '0.3.1')).toBe(true);
  });

  it('is active only once the cluster version is finalized to it', () => {
    expect(featureActive('idempotentPut', '0.2.0', undefined)).toBe(false);
    expect(featureActive('idempotentPut', '0.2.0', '0.1.0')).toBe(false);
    expect(featureActive('idempotentPut', '0.2.0', '0.2.0')).toBe(true);
    expect(featureActive('idempotentPut', '0.1.0', '0.2.0')).toBe(false);
  });

  it('reads the version of the connection at hand', () => {
    expect(peerSupports('idempotentPut', undefined)).toBe(false);
    expect(peerSupports('idempotentPut', peer('0.1.0'))).toBe(false);
    expect(peerSupports('idempotentPut', peer('0.2.0'))).toBe(true);
  });

  it('lets a node join a cluster not newer than it and within one protocol', () => {
    expect(checkJoin('tablet', '0.1.0', undefined).ok).toBe(true);
    expect(checkJoin('tablet', '0.1.0', '0.1.0').ok).toBe(true);
    expect(checkJoin('tablet', '0.2.0', '0.1.0').ok).toBe(true);
    const old = checkJoin('tablet', '0.1.0', '0.2.0');
    expect(old).toMatchObject({ ok: false, code: Code.rpcIncompatiblePeer });
    if (!old.ok) expect(old.message).toMatch(/this tablet runs version 0\.1\.0, older than the cluster version 0\.2\.0/);
    const far = checkJoin('nameserver', '0.3.0', '0.1.0');
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.message).toMatch(/0\.3\.0 \(protocol 3\), too far ahead of the cluster version 0\.1\.0 \(protocol 1\)/);
  });
});
