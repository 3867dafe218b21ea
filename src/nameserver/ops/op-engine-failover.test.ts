/**
 * Auto-failover flows (cluster.md §6.1) end to end through the fake shell: a tablet is lost and its
 * leaderships move to the most advanced alive follower; it restarts (startup_ registration) and its
 * replicas are rebuilt; a ZooKeeper session blip changes nothing; and without auto_failover nothing
 * happens until an operator acts.
 */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../base/seeded-rng.js';
import { FakeShell } from './fake-shell.js';
import { DEFAULT_OP_ENGINE_CONFIG, OpEngine } from './op-engine.js';

function cluster(): FakeShell {
  const s = new FakeShell(new OpEngine(DEFAULT_OP_ENGINE_CONFIG, seededRng(3)), { heartbeatTimeoutMs: 60_000 });
  s.autoFailover = true;
  for (const e of ['a', 'b', 'c']) s.addTablet(e);
  s.addTable(1, 't', [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['a', 'c', 'b']]);
  // Leaders a (pid 0, 3), b (pid 1), c (pid 2); followers at different offsets.
  for (const [pid, leader] of [[0, 'a'], [1, 'b'], [2, 'c'], [3, 'a']] as const) {
    s.write(1, pid, leader, 100);
    s.replicate(1, pid, leader);
  }
  s.replica(1, 0, 'b')!.offset = 90; // pid 0: c (100) is ahead of b (90)
  s.replica(1, 3, 'b')!.offset = 99; // pid 3: b (99) is ahead of c (95)
  s.replica(1, 3, 'c')!.offset = 95;
  return s;
}

const meta = (s: FakeShell, pid: number) =>
  s.tables
    .get(1)!
    .partitions[pid]!.replicas.map((r) => `${r.endpoint}${r.isLeader ? '*' : ''}${r.isAlive ? '' : '-'}`)
    .join(' ');
const allMeta = (s: FakeShell) => [0, 1, 2, 3].map((pid) => meta(s, pid));

describe('auto failover', () => {
  it('a lost tablet: after the heartbeat timeout its leaderships move to the most advanced follower', () => {
    const s = cluster();
    const lostAt = s.nowMs;
    s.killTablet('a');
    s.advance(30_000);
    expect(s.onTabletOffline('a', lostAt)).toBe('recheck');
    s.advance(31_000);
    expect(s.onTabletOffline('a', lostAt)).toBe('failover');
    s.settle();
    expect(allMeta(s)).toEqual(['a*- b c*', 'b* c a-', 'c* a- b', 'a*- c b*']);
    expect(s.replica(1, 0, 'c')).toMatchObject({ mode: 'leader', followers: new Set(['b']) });
    expect(s.replica(1, 3, 'b')).toMatchObject({ mode: 'leader', followers: new Set(['c']) });
    expect(s.tables.get(1)!.partitions[0]!.termOffsets.at(-1)).toEqual({ term: 3, offset: 101 });
    expect(s.tables.get(1)!.partitions[3]!.termOffsets.at(-1)).toEqual({ term: 5, offset: 100 });
    expect(s.engine.show({}, s.nowMs).map((r) => `${r.pid} ${r.opType} ${r.status}`)).toEqual([
      '0 kChangeLeaderOP kDone',
      '1 kOfflineReplicaOP kDone',
      '2 kOfflineReplicaOP kDone',
      '3 kChangeLeaderOP kDone',
    ]);
    // The new leaders take writes and replicate to the remaining follower.
    s.write(1, 0, 'c', 5);
    s.replicate(1, 0, 'c');
    expect(s.replica(1, 0, 'b')!.offset).toBe(105);
  });

  it('the restarted tablet (startup_) is re-seeded and rejoins as a follower everywhere', () => {
    const s = cluster();
    s.killTablet('a');
    s.advance(61_000);
    s.onTabletOffline('a', s.nowMs - 61_000);
    s.settle();
    s.write(1, 0, 'c', 7);
    s.replicate(1, 0, 'c');
    s.advance(10_000);
    s.registerTablet('a');
    expect(s.onTabletOnline('a', true, s.nowMs - 71_000)).toBe('recover');
    s.settle();
    expect(allMeta(s)).toEqual(['a b c*', 'b* c a', 'c* a b', 'a c b*']);
    for (const pid of [0, 1, 2, 3]) {
      const leader = s.tables.get(1)!.partitions[pid]!.replicas.find((r) => r.isLeader)!.endpoint;
      expect(s.replica(1, pid, 'a')).toMatchObject({ loaded: true, mode: 'follower', offset: s.replica(1, pid, leader)!.offset });
    }
    const recovered = s.engine.show({}, s.nowMs).slice(4);
    expect(recovered.every((r) => r.status === 'kDone')).toBe(true);
    // The startup_ path re-runs the offline step first (as the reference does): the dead follower
    // replicas are taken offline again (harmless), then every replica is recovered.
    expect(recovered.map((r) => r.opType).sort()).toEqual([
      'kOfflineReplicaOP',
      'kOfflineReplicaOP',
      'kReAddReplicaOP',
      'kReAddReplicaOP',
      'kReAddReplicaOP',
      'kReAddReplicaOP',
      'kRecoverTableOP',
      'kRecoverTableOP',
      'kRecoverTableOP',
      'kRecoverTableOP',
    ]);
  });

  it('a tablet restarted within the heartbeat timeout is failed over at once and recovered', () => {
    const s = cluster();
    s.killTablet('b');
    s.advance(5_000);
    s.registerTablet('b');
    expect(s.onTabletOnline('b', true, s.nowMs - 5_000)).toBe('recover');
    s.settle();
    expect(allMeta(s)).toEqual(['a* b c', 'b c* a', 'c* a b', 'a* c b']);
    expect(s.replica(1, 1, 'b')).toMatchObject({ loaded: true, mode: 'follower' });
  });

  it('a session blip within the heartbeat timeout changes nothing', () => {
    const s = cluster();
    const before = allMeta(s);
    s.disconnectTablet('a');
    s.advance(20_000);
    expect(s.onTabletOffline('a', s.nowMs - 20_000)).toBe('recheck');
    s.registerTablet('a');
    expect(s.onTabletOffline('a', s.nowMs - 20_000)).toBe('ignore');
    expect(s.onTabletOnline('a', false, s.nowMs - 20_000)).toBe('nothing');
    expect(allMeta(s)).toEqual(before);
    expect(s.trace).toEqual([]);
  });

  it('a long session blip: the stale leader kept writing; it is demoted and rebuilt when it returns', () => {
    const s = cluster();
    s.disconnectTablet('a');
    s.advance(61_000);
    s.onTabletOffline('a', s.nowMs - 61_000);
    s.settle();
    expect(meta(s, 0)).toBe('a*- b c*');
    s.write(1, 0, 'a', 3); // a still believes it leads pid 0; c never sees these entries
    s.registerTablet('a');
    expect(s.onTabletOnline('a', false, s.nowMs - 61_000)).toBe('recover');
    s.settle();
    expect(meta(s, 0)).toBe('a b c*');
    // a had entries past the start of c's term: it was dropped and re-seeded from c.
    expect(s.engine.show({ pid: 0 }, s.nowMs).map((r) => r.opType)).toContain('kReAddReplicaWithDropOP');
    expect(s.replica(1, 0, 'a')).toMatchObject({ mode: 'follower', offset: 100 });
  });

  it('without auto_failover the metadata is untouched until an operator acts', () => {
    const s = cluster();
    s.autoFailover = false;
    s.killTablet('a');
    s.advance(61_000);
    expect(s.onTabletOffline('a', s.nowMs - 61_000)).toBe('noAutoFailover');
    s.registerTablet('a');
    expect(s.onTabletOnline('a', true, s.nowMs - 61_000)).toBe('forgetOffline');
    expect(allMeta(s)).toEqual(['a* b c', 'b* c a', 'c* a b', 'a* c b']);
    expect(s.trace).toEqual([]);
  });
});
