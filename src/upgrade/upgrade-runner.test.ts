import { describe, expect, it } from 'vitest';
import { okVoid } from '../base/status.js';
import { FakeCluster, FakePacer } from './fake-cluster.js';
import { isInterrupted } from './pacer.js';
import { UpgradeRunner } from './upgrade-runner.js';
import { type NodeFacts, planUpgrade } from './upgrade-plan.js';
import { decodeUpgradeState, encodeUpgradeState, newUpgradeState, type UpgradeState } from './upgrade-state.js';

const OPTIONS = { allowSingleReplica: false, waitTimeoutMs: 60_000, pollMs: 100, catchUpWindowMs: 500 };
const facts = (role: NodeFacts['role'], i: number): NodeFacts => ({ component: role, role, dir: `/n/${role}${i}`, endpoint: `127.0.0.1:${role === 'tablet' ? 100 + i : 200 + i}`, version: '0.1.0' });
const T = [1, 2, 3].map((i) => facts('tablet', i));
const NS = [1, 2].map((i) => facts('nameserver', i));

function cluster(tabletTemplate = '--endpoint=x\n--gc_interval=120\n'): FakeCluster {
  const c = new FakeCluster();
  c.addRelease('/new', '0.2.0', { tablet: tabletTemplate, nameserver: '--endpoint=x\n' });
  for (const n of [...NS, ...T]) c.addNode(n, `--endpoint=${n.endpoint}\n--zk_cluster=z:1\n`);
  c.addTable('t3', [
    [T[0]!.endpoint, T[1]!.endpoint, T[2]!.endpoint],
    [T[1]!.endpoint, T[2]!.endpoint, T[0]!.endpoint],
  ]);
  c.addTable('one', [[T[0]!.endpoint], [T[2]!.endpoint]]);
  return c;
}

function start(c: FakeCluster, pacer: FakePacer, onSave?: (s: UpgradeState) => void) {
  const plan = planUpgrade({ toDir: '/new', toVersion: '0.2.0', nodes: [...T, ...NS], nameserverLeader: NS[0]!.endpoint });
  if (!plan.ok) throw new Error(plan.message);
  const saved: string[] = [];
  const progress: string[] = [];
  const runner = (state: UpgradeState) =>
    new UpgradeRunner(
      {
        io: c,
        admin: c,
        pacer,
        progress: (l) => progress.push(l),
        saveState: async (text) => {
          saved.push(text);
          const s = decodeUpgradeState(text, 'state');
          if (s.ok) onSave?.(s.value);
          return okVoid;
        },
        options: OPTIONS,
      },
      state,
    );
  return { plan: plan.value, saved, progress, runner };
}

describe('UpgradeRunner', () => {
  it('upgrades nameserver standby, leader, then tablets; moves leaders back; restores auto_failover; finalizes', async () => {
    const c = cluster();
    const pacer = new FakePacer();
    const { plan, saved, progress, runner } = start(c, pacer);
    const r = await runner(newUpgradeState(plan)).run();
    expect(r).toEqual(okVoid);
    for (const n of c.nodes.values()) expect([n.facts.dir, n.installed, n.running]).toEqual([n.facts.dir, '0.2.0', true]);
    expect(plan.nodes.map((n) => n.dir)).toEqual(['/n/nameserver2', '/n/nameserver1', '/n/tablet1', '/n/tablet2', '/n/tablet3']);
    // Leaders are back where they were, the temporary replicas of single-replica partitions are gone.
    expect([c.leaderOf('t3', 0), c.leaderOf('t3', 1), c.leaderOf('one', 0), c.leaderOf('one', 1)]).toEqual([T[0]!.endpoint, T[1]!.endpoint, T[0]!.endpoint, T[2]!.endpoint]);
    expect(c.partitions.get('one')!.map((p) => p.length)).toEqual([1, 1]);
    expect(c.autoFailoverOn).toBe(true);
    expect(c.finalizedTo).toBe('0.2.0');
    // The node's own settings survive, the template's new flag arrives.
    expect(c.node('/n/tablet1').conf).toMatch(/--endpoint=127\.0\.0\.1:101\n--gc_interval=120\n[\s\S]*--zk_cluster=z:1/);
    const last = decodeUpgradeState(saved.at(-1)!, 's');
    expect(last.ok && last.value.phase).toBe('finished');
    expect(progress.some((l) => /\[3\/5 tablet 127\.0\.0\.1:101\] 1\/11 prepare/.test(l))).toBe(true);
    // Single-replica partitions moved through a temporary replica (on the tablet with the fewest replicas) and back.
    expect(c.log.filter((l) => l.startsWith('AddReplica one') || l.startsWith('DelReplica one'))).toEqual([
      `AddReplica one 0 ${T[1]!.endpoint}`,
      `DelReplica one 0 ${T[1]!.endpoint}`,
      `AddReplica one 1 ${T[1]!.endpoint}`,
      `DelReplica one 1 ${T[1]!.endpoint}`,
    ]);
  });

  it('rolls back a tablet whose new flag file makes it fail to start, and stops there', async () => {
    const c = cluster('--endpoint=x\n--bad_flag=1\n');
    const pacer = new FakePacer();
    const { plan, saved, runner } = start(c, pacer);
    const r = await runner(newUpgradeState(plan)).run();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/tablet 127\.0\.0\.1:101 failed at step 'start': .*unknown flag --bad_flag.*; it was rolled back to 0\.1\.0/);
    const t1 = c.node('/n/tablet1');
    expect([t1.installed, t1.running, t1.conf]).toEqual(['0.1.0', true, `--endpoint=${T[0]!.endpoint}\n--zk_cluster=z:1\n`]);
    expect(c.node('/n/tablet2').installed).toBe('0.1.0');
    expect(c.node('/n/nameserver1').installed).toBe('0.2.0');
    expect([c.leaderOf('t3', 0), c.leaderOf('one', 0)]).toEqual([T[0]!.endpoint, T[0]!.endpoint]);
    expect(c.partitions.get('t3')!.flat().every((x) => x.isAlive)).toBe(true);
    expect(c.autoFailoverOn).toBe(true);
    expect(c.finalizedTo).toBeUndefined();
    const last = decodeUpgradeState(saved.at(-1)!, 's');
    expect(last.ok && [last.value.phase, last.value.nodes.map((n) => n.status)]).toEqual(['failed', ['done', 'done', 'rolledBack', 'pending', 'pending']]);

    // Fixed release, same state: the resumed run turns auto_failover off again and finishes.
    c.addRelease('/new', '0.2.0', { tablet: '--endpoint=x\n', nameserver: '--endpoint=x\n' });
    if (!last.ok) throw new Error(last.message);
    let offDuringResume = false;
    const resumed = start(c, pacer, () => {
      if (!c.autoFailoverOn) offDuringResume = true;
    });
    expect(await resumed.runner(last.value).run()).toEqual(okVoid);
    expect(offDuringResume).toBe(true);
    expect([...c.nodes.values()].map((n) => n.installed)).toEqual(['0.2.0', '0.2.0', '0.2.0', '0.2.0', '0.2.0']);
    expect(c.autoFailoverOn).toBe(true);
    expect(resumed.progress.some((l) => /\[1\/5 nameserver [\d.:]+\] already upgraded/.test(l))).toBe(true);
  });

  it('stops between steps when interrupted and resumes without redoing the backup', async () => {
    const c = cluster();
    const pacer = new FakePacer();
    let latest: UpgradeState | undefined;
    const { plan, runner } = start(c, pacer, (s) => {
      latest = s;
      if (s.nodes[3]!.stepsDone.includes('swap')) pacer.stop = true;
    });
    const first = await runner(newUpgradeState(plan)).run();
    expect(isInterrupted(first)).toBe(true);
    expect(c.autoFailoverOn).toBe(false);
    expect(c.node('/n/tablet2').running).toBe(false);
    expect(latest!.nodes.map((n) => n.status)).toEqual(['done', 'done', 'done', 'running', 'pending']);

    pacer.stop = false;
    const resumed = decodeUpgradeState(encodeUpgradeState(latest!), 's');
    if (!resumed.ok) throw new Error(resumed.message);
    const second = await start(c, pacer).runner(resumed.value).run();
    expect(second).toEqual(okVoid);
    const t2 = c.node('/n/tablet2');
    expect([t2.installed, t2.running, t2.backups, t2.backup?.installed]).toEqual(['0.2.0', true, 1, '0.1.0']);
    expect(c.leaderOf('t3', 1)).toBe(T[1]!.endpoint);
    expect(c.autoFailoverOn).toBe(true);
    expect(c.finalizedTo).toBe('0.2.0');
  });
});
