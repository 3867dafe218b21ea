import { describe, expect, it } from 'vitest';
import { okVoid } from '../base/status.js';
import type { TablePartition } from '../protocol/schema.js';
import { FakeCluster, FakePacer } from './fake-cluster.js';
import type { OpsContext } from './op-batch.js';
import { chooseLeader, pickTemporaryReplica, postUpgrade, preUpgrade } from './ops-tool.js';
import { pollDone, pollFailed, pollWait, waitUntil } from './pacer.js';
import type { StatRecord } from './stat-records.js';

const EP = ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'];

function setup() {
  const c = new FakeCluster();
  EP.forEach((endpoint, i) => {
    c.addNode({ component: 'tablet', role: 'tablet', dir: `/t${i}`, endpoint, version: '0.1.0' }, '');
  });
  c.addTable('t3', [EP, [EP[1]!, EP[0]!, EP[2]!]]);
  c.addTable('one', [[EP[0]!]]);
  c.autoFailoverOn = false;
  const log: string[] = [];
  const ctx: OpsContext = { admin: c, pacer: new FakePacer(), log: (l) => log.push(l), opTimeoutMs: 10_000, pollMs: 100 };
  return { c, ctx, log };
}

describe('pre-upgrade and post-upgrade', () => {
  it('moves every leader off the tablet (single-replica through a temporary replica) and back', async () => {
    const { c, ctx } = setup();
    let saved: readonly StatRecord[] = [];
    const r = await preUpgrade(ctx, EP[0]!, { allowSingleReplica: false, saveRecords: async (recs) => {
        saved = recs;
        return okVoid;
      },
    });
    expect(r.ok).toBe(true);
    expect(saved.map((x) => `${x.name}/${x.pid}/${x.addedEndpoint}`)).toEqual([`one/0/${EP[1]}`, 't3/0/']);
    expect([c.leaderOf('t3', 0), c.leaderOf('t3', 1), c.leaderOf('one', 0)]).toEqual([EP[1], EP[1], EP[1]]);
    expect(c.partitions.get('t3')![0]!.find((x) => x.endpoint === EP[0])).toEqual({ endpoint: EP[0], isLeader: false, isAlive: true });
    expect(await postUpgrade(ctx, EP[0]!, saved)).toEqual(okVoid);
    expect([c.leaderOf('t3', 0), c.leaderOf('t3', 1), c.leaderOf('one', 0)]).toEqual([EP[0], EP[1], EP[0]]);
    expect(c.partitions.get('one')![0]!.map((x) => x.endpoint)).toEqual([EP[0]]);
  });

  it('leaves single-replica partitions alone with --allow_single_replica', async () => {
    const { c, ctx, log } = setup();
    const r = await preUpgrade(ctx, EP[0]!, { allowSingleReplica: true, saveRecords: async () => okVoid });
    expect(r.ok && r.value.map((x) => x.name)).toEqual(['t3']);
    expect(c.leaderOf('one', 0)).toBe(EP[0]);
    expect(log.some((l) => /one pid 0 has a single replica; skipped \(--allow_single_replica\)/.test(l))).toBe(true);
  });

  it('fails with a clear message when a command is refused', async () => {
    const { c, ctx } = setup();
    c.autoFailoverOn = true;
    const r = await preUpgrade(ctx, EP[0]!, { allowSingleReplica: true, saveRecords: async () => okVoid });
    expect(!r.ok && r.message).toMatch(/change leaders: ChangeLeader d\.t3 0 failed: ChangeLeader refused: auto_failover is enabled/);
  });

  it('post-upgrade refuses to move a leader to a replica that is not alive', async () => {
    const { c, ctx } = setup();
    const recs: StatRecord[] = [{ endpoint: EP[2]!, db: 'd', name: 't3', tid: 1, pid: 0, addedEndpoint: '' }];
    c.partitions.get('t3')![0]![2]!.isAlive = false;
    const r = await postUpgrade(ctx, EP[2]!, recs);
    expect(!r.ok && r.message).toMatch(/the replica on 127\.0\.0\.1:3 is not alive; recover it first/);
  });
});

describe('choices', () => {
  const p = (replicas: TablePartition['replicas']): TablePartition => ({ pid: 0, replicas, termOffsets: [] });

  it('picks the healthy tablet with the fewest replicas that does not hold the partition', async () => {
    const { c } = setup();
    const tables = await c.tables();
    if (!tables.ok) throw new Error(tables.message);
    const part = tables.value.find((t) => t.name === 'one')!.partitions[0]!;
    expect(pickTemporaryReplica(tables.value, EP, EP[0]!, part, new Map())).toBe(EP[1]);
    expect(pickTemporaryReplica(tables.value, EP, EP[0]!, part, new Map([[EP[1]!, 5]]))).toBe(EP[2]);
    expect(pickTemporaryReplica(tables.value, [EP[0]!], EP[0]!, part, new Map())).toBeUndefined();
  });

  it('recoverdata treats the alive leader-flagged replica as leader, else the one with the highest offset', () => {
    const offsets = new Map([
      ['a', 5],
      ['b', 9],
    ]);
    const of = (ep: string) => offsets.get(ep);
    expect(chooseLeader(p([{ endpoint: 'a', isLeader: true, isAlive: true }, { endpoint: 'b', isLeader: true, isAlive: false }]), of)).toBe('a');
    expect(chooseLeader(p([{ endpoint: 'a', isLeader: true, isAlive: false }, { endpoint: 'b', isLeader: true, isAlive: false }]), of)).toBe('b');
    expect(chooseLeader(p([{ endpoint: 'a', isLeader: false, isAlive: true }]), of)).toBeUndefined();
  });
});

describe('waitUntil', () => {
  it('polls until done, and reports a timeout with the last reason', async () => {
    const pacer = new FakePacer();
    let n = 0;
    expect(await waitUntil(pacer, 'x', { timeoutMs: 1000, intervalMs: 100 }, async () => (++n < 3 ? pollWait('not yet') : pollDone(n)))).toEqual({ ok: true, value: 3 });
    const t = await waitUntil(pacer, 'catching up', { timeoutMs: 500, intervalMs: 100 }, async () => pollWait('lag 7'));
    expect(!t.ok && t.message).toBe('catching up: still not done after 1 s: lag 7');
    const f = await waitUntil(pacer, 'op', { timeoutMs: 500, intervalMs: 100 }, async () => pollFailed('op 3 is kFailed'));
    expect(!f.ok && f.message).toBe('op failed: op 3 is kFailed');
  });

  it('stops at once when interrupted', async () => {
    const pacer = new FakePacer();
    pacer.stop = true;
    const r = await waitUntil(pacer, 'x', { timeoutMs: 1000, intervalMs: 100 }, async () => pollWait('w'));
    expect(!r.ok && r.message).toBe('interrupted by the operator');
  });
});
