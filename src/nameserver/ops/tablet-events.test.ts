import { describe, expect, it } from 'vitest';
import { decideTabletOffline, decideTabletOnline, offlineCheckDelayMs } from './tablet-events.js';
import { tableOf, viewOf } from './view-builder.js';

const t = tableOf(1, 't', [['a*', 'b', 'c'], ['b*', 'a']]);
const base = {
  endpoint: 'a',
  nowMs: 100_000,
  offlineSinceMs: 50_000,
  tabletHeartbeatTimeoutMs: 60_000,
  tabletOfflineCheckIntervalMs: 1000,
  startup: false,
};

describe('offlineCheckDelayMs', () => {
  it('checks on the interval but never after the grace time ends', () => {
    expect(offlineCheckDelayMs(1000, 60_000)).toBe(1000);
    expect(offlineCheckDelayMs(1000, 250)).toBe(250);
    expect(offlineCheckDelayMs(1000, 0)).toBe(0);
    expect(offlineCheckDelayMs(1000, -5)).toBe(0);
  });
});

describe('decideTabletOffline (§6.1)', () => {
  it('waits out the heartbeat timeout, then fails over only with auto_failover', () => {
    const view = viewOf({ tables: [t], healthy: ['b', 'c'], offline: { a: 50_000 }, autoFailover: true });
    expect(decideTabletOffline({ ...base, view })).toEqual({ kind: 'recheck', afterMs: 1000 });
    // Near the end of the grace time the next check comes when it ends, not a whole interval later.
    expect(decideTabletOffline({ ...base, view, nowMs: 109_700 })).toEqual({ kind: 'recheck', afterMs: 300 });
    const late = decideTabletOffline({ ...base, view, nowMs: 110_000 });
    expect(late).toEqual({
      kind: 'failover',
      aliveEdits: [
        { kind: 'setReplicaAlive', tid: 1, pid: 0, endpoint: 'a', isAlive: false },
        { kind: 'setReplicaAlive', tid: 1, pid: 1, endpoint: 'a', isAlive: false },
      ],
      offline: { kind: 'offlineEndpoint', endpoint: 'a' },
    });
    const manual = viewOf({ tables: [t], healthy: ['b', 'c'], offline: { a: 50_000 } });
    expect(decideTabletOffline({ ...base, view: manual, nowMs: 110_000 })).toEqual({ kind: 'noAutoFailover' });
  });

  it('ignores a tablet that is back, and a cluster without tables', () => {
    expect(decideTabletOffline({ ...base, view: viewOf({ tables: [t], healthy: ['a'], autoFailover: true }) }).kind).toBe('ignore');
    expect(decideTabletOffline({ ...base, view: viewOf({ tables: [], healthy: [], offline: { a: 0 }, autoFailover: true }) }).kind).toBe('ignore');
  });

  it('a startup_ registration skips the grace time even though the tablet is healthy', () => {
    const view = viewOf({ tables: [t], healthy: ['a', 'b', 'c'], autoFailover: true });
    expect(decideTabletOffline({ ...base, view, startup: true, offlineSinceMs: 99_000 }).kind).toBe('failover');
  });
});

describe('decideTabletOnline (§6.1)', () => {
  const online = { endpoint: 'a', startup: false, autoFailover: true, offlineSinceMs: 50_000, nowMs: 100_000, tabletHeartbeatTimeoutMs: 60_000 };
  const recover = { kind: 'recoverEndpoint', endpoint: 'a', needRestore: false };

  it('without auto_failover only forgets the offline record', () => {
    expect(decideTabletOnline({ ...online, autoFailover: false, startup: true })).toEqual({ kind: 'forgetOffline' });
  });
  it('a restarted tablet is taken offline and then recovered', () => {
    expect(decideTabletOnline({ ...online, startup: true })).toEqual({ kind: 'recover', offlineFirst: true, recover });
  });
  it('a session blip within the heartbeat timeout changes nothing; a longer one recovers', () => {
    expect(decideTabletOnline(online).kind).toBe('nothing');
    expect(decideTabletOnline({ ...online, nowMs: 111_000 })).toEqual({ kind: 'recover', offlineFirst: false, recover });
    expect(decideTabletOnline({ ...online, offlineSinceMs: undefined }).kind).toBe('nothing');
  });
});
