import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { seededRng } from '../../base/seeded-rng.js';
import { leaderChangeAllowed, selectLeader } from './select-leader.js';

describe('selectLeader', () => {
  it('picks the follower with the highest offset', () => {
    const r = selectLeader(
      { followers: ['a', 'b', 'c'], offsets: [{ endpoint: 'a', offset: 5 }, { endpoint: 'b', offset: 9 }, { endpoint: 'c', offset: 7 }], candidate: null },
      seededRng(1),
    );
    expect(r).toEqual({ ok: true, value: { leader: 'b', offset: 9 } });
  });

  it('breaks ties randomly through the rng, only among the best', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = selectLeader(
          { followers: ['a', 'b', 'c'], offsets: [{ endpoint: 'a', offset: 9 }, { endpoint: 'b', offset: 3 }, { endpoint: 'c', offset: 9 }], candidate: null },
          seededRng(seed),
        );
        if (!r.ok) throw new Error(r.message);
        expect(['a', 'c']).toContain(r.value.leader);
        seen.add(r.value.leader);
      }),
    );
    expect(seen).toEqual(new Set(['a', 'c']));
  });

  it('honours an explicit candidate even when it is behind, with its own offset', () => {
    const r = selectLeader(
      { followers: ['a', 'b'], offsets: [{ endpoint: 'a', offset: 9 }, { endpoint: 'b', offset: 3 }], candidate: 'b' },
      seededRng(1),
    );
    expect(r).toEqual({ ok: true, value: { leader: 'b', offset: 3 } });
  });

  it('leaves out followers that did not answer, and fails only when none answered or the candidate is not a follower', () => {
    const partial = selectLeader({ followers: ['a', 'b'], offsets: [{ endpoint: 'a', offset: 1 }], candidate: null }, seededRng(1));
    expect(partial).toEqual({ ok: true, value: { leader: 'a', offset: 1 } });
    const none = selectLeader({ followers: ['a', 'b'], offsets: [], candidate: null }, seededRng(1));
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.message).toMatch(/no follower answered \(a, b\)/);
    const silentCandidate = selectLeader({ followers: ['a', 'b'], offsets: [{ endpoint: 'a', offset: 1 }], candidate: 'b' }, seededRng(1));
    expect(silentCandidate.ok).toBe(false);
    const stranger = selectLeader({ followers: ['a'], offsets: [{ endpoint: 'a', offset: 1 }], candidate: 'z' }, seededRng(1));
    expect(stranger.ok).toBe(false);
  });

  it('refuses a takeover under auto_failover while a leader is alive', () => {
    const partition = {
      pid: 3,
      replicas: [
        { endpoint: 'a', isLeader: true, isAlive: true },
        { endpoint: 'b', isLeader: false, isAlive: true },
      ],
      termOffsets: [],
    };
    const refused = leaderChangeAllowed(partition, true);
    expect(refused.ok ? 0 : refused.code).toBe(Code.leaderIsAlive);
    expect(leaderChangeAllowed(partition, false).ok).toBe(true);
    const dead = { ...partition, replicas: [{ endpoint: 'a', isLeader: true, isAlive: false }, partition.replicas[1]!] };
    expect(leaderChangeAllowed(dead, true).ok).toBe(true);
  });
});
