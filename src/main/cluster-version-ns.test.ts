/**
 * Goal: the nameserver side of the cluster version (DESIGN-versions.md) with an in-memory
 * ZooKeeper: a new cluster starts at its lowest node version, finalize is refused naming every
 * node that runs an older version and accepted once none does, nodes older than the cluster
 * version cannot start, and every nameserver's version is shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Code, fail } from '../base/status.js';
import { MemZooKeeper } from '../coord/mem-coordinator.js';
import { NameServer } from '../nameserver/nameserver.js';
import type { Coordinator } from '../ports/coordinator.js';
import { silentLogger } from '../ports/logger.js';
import type { RpcClient } from '../ports/transport.js';
import { ClusterVersionWatch, readClusterVersion } from '../protocol/cluster-version.js';
import { mathRng, nodeTimers, systemClock } from '../runtime/node-clock.js';
import { waitFor } from './tablet-cluster-fixture.js';

const ROOT = '/cv';
const started: NameServer[] = [];
const coords: Coordinator[] = [];

const unreachable: RpcClient = { endpoint: 'x', peer: () => undefined, close: () => {}, call: async () => fail(Code.unavailable, 'no tablet here') };

function zooKeeper(): MemZooKeeper {
  return new MemZooKeeper({ schedule: (task) => setImmediate(task) });
}

function connect(zk: MemZooKeeper): Coordinator {
  const c = zk.connect();
  coords.push(c);
  return c;
}

function nameserver(zk: MemZooKeeper, endpoint: string, softwareVersion: string): NameServer {
  const ns = new NameServer(
    { coord: connect(zk), tabletClient: () => unreachable, clock: systemClock, timers: nodeTimers, rng: mathRng, logger: silentLogger },
    { endpoint, zkRootPath: ROOT, partitionNumDefault: 1, replicaNumDefault: 1, autoFailoverDefault: false, tabletCallTimeoutMs: 1000, tableStatusIntervalMs: 60_000, softwareVersion },
  );
  started.push(ns);
  return ns;
}

async function registerTablet(coord: Coordinator, endpoint: string, version: string): Promise<void> {
  await coord.ensurePath(`${ROOT}/nodes`);
  await coord.create(`${ROOT}/nodes/${endpoint}`, new TextEncoder().encode(`startup_${endpoint}#${version}`), 'ephemeral');
}

async function call(ns: NameServer, method: string, body: unknown = {}) {
  return ns.handlers()[method]!(body, { peer: { protocolVersion: 1, softwareVersion: '0.1.0', role: 'client', endpoint: '' } });
}

afterEach(async () => {
  for (const ns of started.splice(0)) await ns.stop();
  for (const c of coords.splice(0)) await c.close();
});

describe('cluster version in the nameserver', () => {
  it('starts at the lowest version, refuses finalize while a node is older, accepts after', async () => {
    const zk = zooKeeper();
    const tablets = connect(zk);
    await registerTablet(tablets, 't1:1', '0.2.0');
    await registerTablet(tablets, 't2:1', '0.1.0');
    const ns = nameserver(zk, 'ns1:1', '0.2.0');
    await ns.start();
    await waitFor('leadership', () => ns.isLeader);
    expect(await readClusterVersion(tablets, ROOT)).toBe('0.1.0');
    const watch = new ClusterVersionWatch(tablets, ROOT, silentLogger);
    await watch.refresh();
    expect(watch.current).toBe('0.1.0');

    const refused = await call(ns, 'FinalizeUpgrade', {});
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.code).toBe(Code.invalidParameter);
      expect(refused.message).toContain('finalize upgrade to 0.2.0 refused');
      expect(refused.message).toContain('tablet t2:1 runs 0.1.0');
      expect(refused.message).not.toContain('t1:1');
    }
    const shown = await call(ns, 'ShowVersion');
    expect(shown).toEqual({
      ok: true,
      value: {
        clusterVersion: '0.1.0',
        nodes: [
          { role: 'nameserver', endpoint: 'ns1:1', version: '0.2.0', state: 'leader' },
          { role: 'tablet', endpoint: 't1:1', version: '0.2.0', state: 'kHealthy' },
          { role: 'tablet', endpoint: 't2:1', version: '0.1.0', state: 'kHealthy' },
        ],
      },
    });

    // t2 restarts on 0.2.0.
    await tablets.delete(`${ROOT}/nodes/t2:1`);
    await registerTablet(tablets, 't2:1', '0.2.0');
    expect(await call(ns, 'FinalizeUpgrade', {})).toEqual({ ok: true, value: { clusterVersion: '0.2.0', previous: '0.1.0' } });
    expect(await readClusterVersion(tablets, ROOT)).toBe('0.2.0');
    await waitFor('the watch to see the new version', () => watch.current === '0.2.0');
    expect(await call(ns, 'GetClusterVersion')).toEqual({ ok: true, value: { version: '0.2.0' } });
    // Idempotent, and never lowered.
    expect(await call(ns, 'FinalizeUpgrade', { version: '0.2.0' })).toEqual({ ok: true, value: { clusterVersion: '0.2.0', previous: '0.2.0' } });
    expect((await call(ns, 'FinalizeUpgrade', { version: '0.1.0' })).ok).toBe(false);
    watch.stop();

    // A 0.1.0 nameserver can no longer join; a 0.2.0 one can and shows with its version.
    const old = nameserver(zk, 'ns2:1', '0.1.0');
    await expect(old.start()).rejects.toThrow(/this nameserver runs version 0\.1\.0, older than the cluster version 0\.2\.0/);
    const standby = nameserver(zk, 'ns3:1', '0.2.0');
    await standby.start();
    const showns = await call(standby, 'ShowNameServer');
    expect(showns).toEqual({
      ok: true,
      value: {
        nameservers: [
          { endpoint: 'ns1:1', role: 'leader', version: '0.2.0' },
          { endpoint: 'ns3:1', role: 'standby', version: '0.2.0' },
        ],
      },
    });
  });

  it('a standby running the older version blocks finalize', async () => {
    const zk = zooKeeper();
    const leader = nameserver(zk, 'ns1:1', '0.2.0');
    await leader.start();
    await waitFor('leadership', () => leader.isLeader);
    expect(await readClusterVersion(connect(zk), ROOT)).toBe('0.2.0');
    const zk2 = zooKeeper();
    const oldLeader = nameserver(zk2, 'a:1', '0.1.0');
    await oldLeader.start();
    await waitFor('leadership', () => oldLeader.isLeader);
    const newer = nameserver(zk2, 'b:1', '0.2.0');
    await newer.start();
    const r = await call(oldLeader, 'FinalizeUpgrade', { version: '0.2.0' });
    expect(r.ok ? '' : r.message).toContain('nameserver a:1 runs 0.1.0');
  });
});
