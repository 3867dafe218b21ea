/**
 * Goal: a leader that gives up leadership (ChangeRole to follower, or a tablet stopping) loses no
 * acknowledged write on an async table: it refuses writes at once (a code clients retry
 * elsewhere), waits until every alive follower has its last offset (bounded by
 * leader_handoff_timeout), then demotes. Followers that are down are not waited for.
 * Method: real Tablets over TCP; a follower's AppendEntries are held to make it lag.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { allRows, call, closeClients, meta, must, offsetOf, row, TabletNode, tempRoot, waitFor } from './tablet-cluster-fixture.js';

let root: { path: string; remove: () => Promise<void> };
const nodes: TabletNode[] = [];

async function node(name: string, handoffTimeoutMs: number): Promise<TabletNode> {
  const n = await TabletNode.start(`${root.path}/${name}`, { replication: { handoffTimeoutMs } });
  nodes.push(n);
  return n;
}

beforeEach(async () => {
  root = await tempRoot('handoff-');
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
  closeClients();
  await root.remove();
});

async function threeReplicas(tid: number, handoffTimeoutMs: number): Promise<[TabletNode, TabletNode, TabletNode]> {
  const [l, f1, f2] = [await node(`l${tid}`, handoffTimeoutMs), await node(`a${tid}`, handoffTimeoutMs), await node(`b${tid}`, handoffTimeoutMs)];
  await must(call(f1.endpoint, 'CreateTable', { meta: meta(tid, 'follower') }));
  await must(call(f2.endpoint, 'CreateTable', { meta: meta(tid, 'follower') }));
  await must(call(l.endpoint, 'CreateTable', { meta: meta(tid, 'leader', [f1.endpoint, f2.endpoint]) }));
  // Followers count as alive once their offset handshake is done.
  await waitFor('both followers syncing', async () => {
    const st = await must(call(l.endpoint, 'GetTableFollower', { tid, pid: 0 }));
    return st.followers.length === 2 && st.followers.every((f) => f.phase === 'syncing');
  });
  return [l, f1, f2];
}

async function putRows(endpoint: string, tid: number, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await must(call(endpoint, 'Put', { tid, pid: 0, rows: [row(`k${i % 13}`, i, 1_000_000 + i)] }));
}

describe('leader handoff', () => {
  it('ChangeRole to follower refuses writes, waits for a lagging follower, then demotes with nothing lost', async () => {
    const [l, f1, f2] = await threeReplicas(1, 60_000);
    f2.pause();
    await putRows(l.endpoint, 1, 0, 200);
    const acknowledged = offsetOf(l, 1);
    expect(acknowledged).toBe(200);
    await waitFor('f1 to catch up', () => offsetOf(f1, 1) === acknowledged);
    expect(offsetOf(f2, 1)).toBeLessThan(acknowledged);

    const demoted = call(l.endpoint, 'ChangeRole', { tid: 1, pid: 0, mode: 'follower', term: 2 });
    await waitFor('the leader to refuse writes', async () => {
      const r = await call(l.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('late', 1, 1)] });
      return !r.ok && r.code === Code.tableIsFollower && /handing over leadership/.test(r.message);
    });
    expect(offsetOf(l, 1)).toBe(acknowledged);
    f2.resume();
    expect(await must(demoted)).toEqual({ offset: acknowledged, drained: true });
    expect(offsetOf(f2, 1)).toBe(acknowledged);
    expect(allRows(f2, 1)).toEqual(allRows(l, 1));
    expect(l.tablet.partition(1, 0)!.meta.mode).toBe('follower');
  });

  it('the wait is bounded: a follower that never answers does not hold the handoff past the timeout', async () => {
    const [l, f1, f2] = await threeReplicas(2, 200);
    f2.pause();
    await putRows(l.endpoint, 2, 0, 20);
    await waitFor('f1 to catch up', () => offsetOf(f1, 2) === 20);
    const r = await must(call(l.endpoint, 'ChangeRole', { tid: 2, pid: 0, mode: 'follower', term: 2 }));
    expect(r).toEqual({ offset: 20, drained: false });
    expect(l.tablet.partition(2, 0)!.meta.mode).toBe('follower');
    f2.resume();
  });

  it('a follower that is down is not waited for', async () => {
    const [l, f1, f2] = await threeReplicas(3, 60_000);
    await f2.stop();
    nodes.splice(nodes.indexOf(f2), 1);
    await putRows(l.endpoint, 3, 0, 30);
    await waitFor('f1 to catch up', () => offsetOf(f1, 3) === 30);
    await waitFor('the leader to see the dead follower', async () => {
      const st = await must(call(l.endpoint, 'GetTableFollower', { tid: 3, pid: 0 }));
      return st.followers.some((f) => f.endpoint === f2.endpoint && f.error !== undefined);
    });
    expect(await must(call(l.endpoint, 'ChangeRole', { tid: 3, pid: 0, mode: 'follower', term: 2 }))).toEqual({ offset: 30, drained: true });
  });

  it('a stopping tablet drains its leader partitions before it closes', async () => {
    const [l, , f2] = await threeReplicas(4, 60_000);
    f2.pause();
    await putRows(l.endpoint, 4, 0, 100);
    const draining = l.tablet.drainLeaders('the tablet is stopping');
    await waitFor('writes to be refused', async () => {
      const r = await call(l.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('late', 1, 1)] });
      return !r.ok && r.code === Code.tableIsFollower;
    });
    f2.resume();
    await draining;
    expect(offsetOf(f2, 4)).toBe(100);
    expect(allRows(f2, 4)).toEqual(allRows(l, 4));
  });
});
