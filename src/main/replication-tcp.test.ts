/**
 * Goal: leader → follower replication between real Tablet instances over TcpTransport on
 * loopback, on real files: replicas converge to identical rows under concurrent writes, a
 * follower restarted mid-stream catches up, a stale leader is fenced by a higher term, and a
 * 'sync' table acknowledges a write only once its follower has it (and fails cleanly when the
 * follower does not answer in time).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { allRows, call, closeClients, meta, must, offsetOf, row, TabletNode, tempRoot, waitFor } from './tablet-cluster-fixture.js';

let root: { path: string; remove: () => Promise<void> };
const nodes: TabletNode[] = [];

async function node(name: string, options: Parameters<typeof TabletNode.start>[1] = {}): Promise<TabletNode> {
  const n = await TabletNode.start(`${root.path}/${name}`, options);
  nodes.push(n);
  return n;
}

beforeEach(async () => {
  root = await tempRoot('replication-tcp-');
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
  closeClients();
  await root.remove();
});

/** `writers` concurrent loops of `perWriter` puts (1–3 rows each) and a few deletes. */
async function writeConcurrently(endpoint: string, tid: number, writers: number, perWriter: number, tag = 'w'): Promise<number> {
  let acked = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const key = `${tag}${w}-${i % 7}`;
        const rows = Array.from({ length: 1 + (i % 3) }, (_, j) => row(key, i * 10 + j, 1_000_000 + i * 10 + j));
        await must(call(endpoint, 'Put', { tid, pid: 0, rows }));
        acked++;
        if (i % 25 === 24) await must(call(endpoint, 'Delete', { tid, pid: 0, index: 'by_k', key: `${tag}${w}-${(i + 1) % 7}` }));
      }
    }),
  );
  return acked;
}

describe('replication over TCP', () => {
  it('a leader and two followers converge to identical rows under concurrent writes', async () => {
    const [l, f1, f2] = [await node('l'), await node('f1'), await node('f2')];
    await must(call(f1.endpoint, 'CreateTable', { meta: meta(1, 'follower') }));
    await must(call(f2.endpoint, 'CreateTable', { meta: meta(1, 'follower') }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(1, 'leader', [f1.endpoint, f2.endpoint]) }));

    expect(await writeConcurrently(l.endpoint, 1, 8, 60)).toBe(480);
    const leaderOffset = offsetOf(l, 1);
    expect(leaderOffset).toBeGreaterThan(480);
    await waitFor('followers at the leader offset', () => offsetOf(f1, 1) === leaderOffset && offsetOf(f2, 1) === leaderOffset);

    const rows = allRows(l, 1);
    expect(rows.length).toBeGreaterThan(100);
    expect(allRows(f1, 1)).toEqual(rows);
    expect(allRows(f2, 1)).toEqual(rows);

    const followers = await must(call(l.endpoint, 'GetTableFollower', { tid: 1, pid: 0 }));
    expect(followers.offset).toBe(leaderOffset);
    expect(followers.followers.map((f) => [f.endpoint, f.offset, f.phase]).sort()).toEqual(
      [
        [f1.endpoint, leaderOffset, 'syncing'],
        [f2.endpoint, leaderOffset, 'syncing'],
      ].sort(),
    );
    // A follower refuses writes from clients.
    const refused = await call(f1.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('x', 1, 1)] });
    expect(refused.ok ? 0 : refused.code).toBe(Code.tableIsFollower);
  });

  it('a follower restarted mid-stream loads its own data and catches up', async () => {
    const l = await node('l');
    let f = await node('f');
    const followerEndpoint = f.endpoint;
    await must(call(f.endpoint, 'CreateTable', { meta: meta(2, 'follower') }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(2, 'leader', [f.endpoint]) }));

    const writing = writeConcurrently(l.endpoint, 2, 4, 80, 'a');
    await waitFor('the follower to have some entries', () => offsetOf(f, 2) > 20);
    await f.stop();
    nodes.splice(nodes.indexOf(f), 1);
    f = await node('f', { endpoint: followerEndpoint });
    expect(f.tablet.partition(2, 0)).toBeUndefined(); // a restarted tablet loads nothing by itself
    const loaded = await must(call(f.endpoint, 'LoadTable', { meta: meta(2, 'follower') }));
    expect(loaded.offset).toBeGreaterThan(20);
    await writing;
    const leaderOffset = offsetOf(l, 2);
    await waitFor('the restarted follower to catch up', () => offsetOf(f, 2) === leaderOffset);
    expect(allRows(f, 2)).toEqual(allRows(l, 2));
  });

  it('fences a stale leader: after FollowOfNoOne with a higher term its appends are refused and it stops writing', async () => {
    const [l, f] = [await node('l'), await node('f')];
    await must(call(f.endpoint, 'CreateTable', { meta: meta(3, 'follower') }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(3, 'leader', [f.endpoint]) }));
    await must(call(l.endpoint, 'Put', { tid: 3, pid: 0, rows: [row('a', 1, 10), row('b', 2, 20)] }));
    await waitFor('the follower to have both rows', () => offsetOf(f, 3) === 2);

    // FollowOfNoOne: an empty AppendEntries with a higher term; the follower answers its offset.
    const fenced = await must(call(f.endpoint, 'AppendEntries', { tid: 3, pid: 0, term: 3, preLogIndex: 0 }));
    expect(fenced).toEqual({ offset: 2, term: 3 });
    expect((await must(call(f.endpoint, 'GetTermPair', { tid: 3, pid: 0 }))).term).toBe(3);

    // The old leader's next write is stored locally (async replication) but its push is refused…
    await must(call(l.endpoint, 'Put', { tid: 3, pid: 0, rows: [row('c', 3, 30)] }));
    await waitFor('the old leader to step down', () => l.tablet.partition(3, 0)?.steppedDownReason !== undefined);
    expect(l.tablet.partition(3, 0)?.steppedDownReason).toMatch(/has term 3, above this leader's term 1/);
    // …so it refuses further writes, and the follower never got the fenced entry.
    const refused = await call(l.endpoint, 'Put', { tid: 3, pid: 0, rows: [row('d', 4, 40)] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.code).toBe(Code.termFenced);
      expect(refused.message).toMatch(/is no longer the leader here/);
    }
    expect(offsetOf(f, 3)).toBe(2);

    // A stale AppendEntries carrying entries is refused with the follower's term, and nothing is applied.
    const stale = await must(call(f.endpoint, 'AppendEntries', { tid: 3, pid: 0, term: 1, preLogIndex: 2 }));
    expect(stale).toEqual({ offset: 2, term: 3, fenced: true });

    // The follower becomes the leader with a higher term and takes writes; changing to the same role is refused.
    await must(call(f.endpoint, 'ChangeRole', { tid: 3, pid: 0, mode: 'leader', term: 4, followers: [] }));
    await must(call(f.endpoint, 'Put', { tid: 3, pid: 0, rows: [row('e', 5, 50)] }));
    expect(offsetOf(f, 3)).toBe(3);
    const again = await call(f.endpoint, 'ChangeRole', { tid: 3, pid: 0, mode: 'leader', term: 5 });
    expect(again.ok ? 0 : again.code).toBe(Code.tableIsLeader);
    // The demoted old leader refuses writes as a follower.
    await must(call(l.endpoint, 'ChangeRole', { tid: 3, pid: 0, mode: 'follower', term: 4 }));
    const demoted = await call(l.endpoint, 'Put', { tid: 3, pid: 0, rows: [row('f', 6, 60)] });
    expect(demoted.ok ? 0 : demoted.code).toBe(Code.tableIsFollower);
  });

  it("a 'sync' table acknowledges a put only after the follower has it", async () => {
    const [l, f] = [await node('l'), await node('f')];
    await must(call(f.endpoint, 'CreateTable', { meta: meta(4, 'follower', [], { replicationMode: 'sync' }) }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(4, 'leader', [f.endpoint], { replicationMode: 'sync' }) }));
    await must(call(l.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('a', 1, 10)] }));
    expect(offsetOf(f, 4)).toBe(1); // acknowledged ⇒ the follower had it

    f.pause();
    const seen = f.appendsSeen;
    let settled = false;
    const put = call(l.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('b', 2, 20)] }).finally(() => {
      settled = true;
    });
    // The entry has reached the paused follower (held before it is applied): no ack can exist yet.
    await waitFor('the entry to reach the paused follower', () => f.appendsSeen > seen && f.heldAppends > 0);
    expect(offsetOf(l, 4)).toBe(2);
    expect(offsetOf(f, 4)).toBe(1);
    expect(settled).toBe(false);
    f.resume();
    const acked = await put;
    expect(acked.ok).toBe(true);
    expect(offsetOf(f, 4)).toBe(2);
    expect(allRows(f, 4)).toEqual(allRows(l, 4));
  });

  it("a 'sync' put fails with an unknown-outcome error when the follower does not answer in time", async () => {
    const [l, f] = [await node('l', { replication: { syncTimeoutMs: 200, appendTimeoutMs: 10_000 } }), await node('f')];
    await must(call(f.endpoint, 'CreateTable', { meta: meta(5, 'follower', [], { replicationMode: 'sync' }) }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(5, 'leader', [f.endpoint], { replicationMode: 'sync' }) }));
    await must(call(l.endpoint, 'Put', { tid: 5, pid: 0, rows: [row('a', 1, 10)] }));

    f.pause();
    const timedOut = await call(l.endpoint, 'Put', { tid: 5, pid: 0, rows: [row('b', 2, 20)] });
    expect(timedOut.ok).toBe(false);
    if (!timedOut.ok) {
      expect(timedOut.code).toBe(Code.rpcTimeout);
      expect(timedOut.message).toMatch(
        new RegExp(`unknown outcome: it is stored on the leader at offset 2, but follower\\(s\\) ${f.endpoint} \\(acknowledged up to 1\\) did not acknowledge it within sync_replication_timeout 200 ms`),
      );
    }
    // Other partitions are not blocked meanwhile: an async table on the same leader takes writes.
    await must(call(l.endpoint, 'CreateTable', { meta: meta(6, 'leader') }));
    await must(call(l.endpoint, 'Put', { tid: 6, pid: 0, rows: [row('z', 1, 1)] }));

    f.resume();
    await waitFor('the follower to get the timed-out entry', () => offsetOf(f, 5) === 2);
    expect(allRows(f, 5)).toEqual(allRows(l, 5));
  });

  it("an 'async' table acknowledges at once even while its follower is paused", async () => {
    const [l, f] = [await node('l'), await node('f')];
    await must(call(f.endpoint, 'CreateTable', { meta: meta(7, 'follower') }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(7, 'leader', [f.endpoint]) }));
    f.pause();
    await must(call(l.endpoint, 'Put', { tid: 7, pid: 0, rows: [row('a', 1, 10)] }));
    expect(offsetOf(f, 7)).toBe(0);
    f.resume();
    await waitFor('the follower to catch up', () => offsetOf(f, 7) === 1);
  });
});
