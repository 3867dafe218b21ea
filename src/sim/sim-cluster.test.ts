/**
 * The deterministic simulation in `npm test`: a few fixed seeds of the whole cluster (2
 * nameservers, 3 tablets, 2 clients, sync and async tables with 3 replicas, auto_failover on)
 * under crashes, partitions, message loss and delay and ZooKeeper session expiry, each checked for
 * convergence, acknowledged sync writes, ops that end, and progress after the faults heal. Any
 * seed can be replayed with `npm run sim -- --seed N --steps M --verbose`.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from './sim-report.js';
import { runSimulation } from './simulation.js';
import { SIM_DB } from './workload.js';

/** Fault-phase events per seed: a few dozen faults, some seconds of wall time each. */
const STEPS = 10_000;
const FIXED_SEEDS = [1, 2, 3];

describe('deterministic simulation of the whole cluster', () => {
  for (const seed of FIXED_SEEDS) {
    it(`seed ${seed}: replicas converge, no acknowledged sync write is lost, every op ends, writes succeed after healing`, async () => {
      const r = await runSimulation({ seed, steps: STEPS });
      expect(r.violations, formatReport(r)).toEqual([]);
      expect(Object.values(r.checks).every((c) => c === 'pass'), formatReport(r)).toBe(true);
      // The run did what it is meant to: load, faults, failover work.
      expect(r.writes.acked).toBeGreaterThan(500);
      expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
      expect(r.writes.probeAcked).toBe(r.writes.probeAttempted);
    });
  }

  it('with the binlog fsynced on an interval and tablets killed (not powered off), acknowledged sync writes survive too', async () => {
    const r = await runSimulation({
      seed: 11,
      steps: STEPS,
      cluster: { binlogSyncIntervalMs: 200, diskDelayTurnsMax: 2 },
      faults: { tabletCrash: 'kill' },
    });
    expect(r.violations, formatReport(r)).toEqual([]);
    expect(r.faults.tabletCrash).toBeGreaterThan(0);
  });

  it('replays a seed exactly: the same trace, events and outcomes', async () => {
    const a = await runSimulation({ seed: 7, steps: 4_000 });
    const b = await runSimulation({ seed: 7, steps: 4_000 });
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.events).toBe(a.events);
    expect(b.fakeTimeMs).toBe(a.fakeTimeMs);
    expect(b.writes).toEqual(a.writes);
    expect(b.faults).toEqual(a.faults);
    const c = await runSimulation({ seed: 8, steps: 4_000 });
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('reports a replica that lost rows and an acknowledged write that is gone, with the seed and the trace', async () => {
    let dropped = 0;
    const r = await runSimulation({
      seed: 3,
      steps: 3_000,
      beforeChecks: (cluster, workload) => {
        // A follower of t_sync pid 0 forgets one key; a client claims an ack for a write that never happened.
        const table = cluster.leader()!.nameserver!.showTable(SIM_DB, 't_sync')[0]!;
        const follower = table.partitions[0]!.replicas.find((x) => !x.isLeader)!;
        const memTable = cluster.tablet(follower.endpoint)!.tablet!.partition(table.tid, 0)!.table;
        const keys = memTable.keys(0);
        if (!keys.ok) throw new Error(keys.message);
        const key = keys.value.next().value as string;
        const deleted = memTable.deleteKey(0, key);
        if (deleted.ok) dropped = deleted.value;
        workload.records.push({ value: 'v-never-written', table: 't_sync', key: 'k0', client: 'client-1', startedAtMs: 0, status: 'acked', probe: false });
      },
    });
    expect(dropped).toBeGreaterThan(0);
    expect(r.checks.convergence).toBe('fail');
    expect(r.checks.ackedWrites).toBe('fail');
    expect(r.violations.map((v) => v.check).sort()).toEqual(['ackedWrites', 'convergence']);
    expect(r.violations.find((v) => v.check === 'convergence')!.message).toMatch(/t_sync \(tid \d+\) pid 0: follower .* missing \[/);
    expect(r.violations.find((v) => v.check === 'ackedWrites')!.message).toMatch(/1 acknowledged write\(s\) to sync tables are not on the final leader: v-never-written/);
    const text = formatReport(r);
    expect(text).toMatch(/replay with: npm run sim -- --seed 3 --steps 3000 --verbose/);
    expect(text).toMatch(/VIOLATION check=convergence/);
  });
});
