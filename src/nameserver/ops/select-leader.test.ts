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

  it('fails when a follower did not answer, or the candidate is not a follower', () => {
    const missing = selectLeader({ followers: ['a', 'b'], offsets: [{ endpoint: 'a', offset: 1 }], candidate: null }, seededRng(1));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/follower\(s\) b/);
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
