import { describe, expect, it } from 'vitest';
import { decideFinalize, lowestVersion, type NodeVersion } from './finalize-upgrade.js';

const node = (role: NodeVersion['role'], endpoint: string, version: string, state = role === 'tablet' ? 'kHealthy' : 'standby'): NodeVersion => ({
  role,
  endpoint,
  version,
  state,
});

describe('finalize upgrade', () => {
  const mixed = [
    node('nameserver', 'n1:1', '0.2.0', 'leader'),
    node('nameserver', 'n2:1', '0.1.0'),
    node('tablet', 't1:1', '0.2.0'),
    node('tablet', 't2:1', '0.1.0', 'kOffline'),
  ];

  it('refuses while a node runs an older version, naming every laggard', () => {
    const r = decideFinalize('0.2.0', '0.1.0', mixed);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('finalize upgrade to 0.2.0 refused: 2 node(s) run an older version');
    expect(r.message).toContain('nameserver n2:1 runs 0.1.0');
    expect(r.message).toContain('tablet t2:1 runs 0.1.0 (offline)');
    expect(r.message).not.toContain('t1:1');
  });

  it('accepts once every node runs the target, and is idempotent', () => {
    const all = mixed.map((n) => ({ ...n, version: '0.2.0' }));
    expect(decideFinalize('0.2.0', '0.1.0', all)).toEqual({ ok: true, value: { previous: '0.1.0', clusterVersion: '0.2.0', changed: true } });
    expect(decideFinalize('0.2.0', '0.2.0', all)).toEqual({ ok: true, value: { previous: '0.2.0', clusterVersion: '0.2.0', changed: false } });
    expect(decideFinalize('0.2.0', undefined, all)).toMatchObject({ ok: true, value: { changed: true } });
  });

  it('never lowers the cluster version and refuses a non-version', () => {
    expect(decideFinalize('0.1.0', '0.2.0', [])).toMatchObject({ ok: false });
    const bad = decideFinalize('latest', '0.1.0', []);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain("'latest' is not a version");
  });

  it('an unknown version counts as older than any', () => {
    expect(decideFinalize('0.1.0', undefined, [node('nameserver', 'n:1', 'unknown')]).ok).toBe(false);
  });

  it('a new cluster starts at its lowest node version', () => {
    expect(lowestVersion(mixed, '0.2.0')).toBe('0.1.0');
    expect(lowestVersion([], '0.2.0')).toBe('0.2.0');
    expect(lowestVersion([node('tablet', 't:1', 'unknown')], '0.2.0')).toBe('0.2.0');
  });
});
