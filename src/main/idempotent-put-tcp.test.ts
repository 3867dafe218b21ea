/**
 * Goal (feature idempotentPut, DESIGN-versions.md): on real Tablets over TCP and real files, a
 * retried Put (same request id) is applied once: at the leader, at a follower promoted after a
 * leader change, after a restart (binlog replay), and when only part of a request reached the new
 * leader. The request ids travel in the binlog entries. A 0.1.0 tablet ignores the unknown field,
 * and a 0.2.0 tablet ignores it until the cluster version is finalized to 0.2.0.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinlogReader } from '../binlog/binlog-reader.js';
import type { LogEntry } from '../binlog/log-entry.js';
import { silentLogger } from '../ports/logger.js';
import { encodeEntryBatch } from '../replication/entry-batch.js';
import { FsDisk } from '../runtime/fs-disk.js';
import { allRows, call, closeClients, meta, must, offsetOf, row, TabletNode, tempRoot, waitFor } from './tablet-cluster-fixture.js';

let root: { path: string; remove: () => Promise<void> };
const nodes: TabletNode[] = [];

async function node(name: string, softwareVersion: string, clusterVersion: string | undefined, endpoint?: string): Promise<TabletNode> {
  const n = await TabletNode.start(`${root.path}/${name}`, {
    softwareVersion,
    limits: { putDedupWindow: 100 },
    ...(endpoint ? { endpoint } : {}),
  });
  n.tablet.setClusterVersion(clusterVersion);
  nodes.push(n);
  return n;
}

beforeEach(async () => {
  root = await tempRoot('idempotent-put-');
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
  closeClients();
  await root.remove();
});

async function binlogEntries(n: TabletNode, tid: number): Promise<LogEntry[]> {
  const dir = n.tablet.partition(tid, 0)!.binlogDir;
  const opened = await BinlogReader.open({ disk: new FsDisk(), dir, crc32: (d, i) => zlibCrc32(d, i), logger: silentLogger, repairTail: false });
  if (!opened.ok) throw new Error(opened.message);
  const out: LogEntry[] = [];
  const r = await opened.value.reader.forEach(1, (e) => out.push({ ...e, row: e.row?.slice() }));
  await opened.value.reader.close();
  if (!r.ok) throw new Error(r.message);
  return out;
}

const rid = (seq: number) => ({ clientId: 'client-x', seq });

describe('idempotent puts over TCP', () => {
  it('a retried request is applied once, by the leader and by a follower promoted after a leader change', async () => {
    const [l, f] = [await node('l', '0.2.0', '0.2.0'), await node('f', '0.2.0', '0.2.0')];
    await must(call(f.endpoint, 'CreateTable', { meta: meta(1, 'follower') }));
    await must(call(l.endpoint, 'CreateTable', { meta: meta(1, 'leader', [f.endpoint]) }));
    const first = await must(call(l.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('a', 1, 1000)], requestId: rid(1) }));
    const retried = await must(call(l.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('a', 1, 1000)], requestId: rid(1) }));
    expect(retried.offset).toBe(first.offset);
    expect(allRows(l, 1)).toHaveLength(1);
    await must(call(l.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('b', 2, 1000), row('c', 3, 1000)], requestId: rid(2) }));
    expect(allRows(l, 1)).toHaveLength(3);

    // The request ids are in the binlog, so the follower knows them.
    const entries = await binlogEntries(l, 1);
    expect(entries.map((e) => e.requestId)).toEqual([
      { clientId: 'client-x', seq: 1, rowIndex: 0, rowCount: 1 },
      { clientId: 'client-x', seq: 2, rowIndex: 0, rowCount: 2 },
      { clientId: 'client-x', seq: 2, rowIndex: 1, rowCount: 2 },
    ]);
    await waitFor('the follower to catch up', () => offsetOf(f, 1) === offsetOf(l, 1));

    await must(call(l.endpoint, 'ChangeRole', { tid: 1, pid: 0, mode: 'follower', term: 2 }));
    await must(call(f.endpoint, 'ChangeRole', { tid: 1, pid: 0, mode: 'leader', term: 2, followers: [l.endpoint] }));
    const atNewLeader = await must(call(f.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('b', 2, 1000), row('c', 3, 1000)], requestId: rid(2) }));
    expect(atNewLeader.offset).toBe(3);
    expect(allRows(f, 1)).toEqual(allRows(l, 1));
    expect(allRows(f, 1)).toHaveLength(3);
    // A request id sent again with other rows is a client bug, refused.
    const mismatch = await call(f.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('z', 9, 1000)], requestId: rid(2) });
    expect(mismatch.ok ? '' : mismatch.message).toMatch(/was first sent with 2 rows, now with 1/);
  });

  it('a restarted replica rebuilds its window from the binlog', async () => {
    const l = await node('l', '0.2.0', '0.2.0');
    await must(call(l.endpoint, 'CreateTable', { meta: meta(2, 'leader') }));
    await must(call(l.endpoint, 'Put', { tid: 2, pid: 0, rows: [row('a', 1, 1000)], requestId: rid(7) }));
    const endpoint = l.endpoint;
    await l.stop();
    nodes.splice(nodes.indexOf(l), 1);
    const again = await node('l', '0.2.0', '0.2.0', endpoint);
    await must(call(again.endpoint, 'LoadTable', { meta: meta(2, 'leader') }));
    const retried = await must(call(again.endpoint, 'Put', { tid: 2, pid: 0, rows: [row('a', 1, 1000)], requestId: rid(7) }));
    expect(retried.offset).toBe(1);
    expect(allRows(again, 2)).toHaveLength(1);
  });

  it('a request only partly replicated before its leader died gets only its missing rows', async () => {
    const g = await node('g', '0.2.0', '0.2.0');
    await must(call(g.endpoint, 'CreateTable', { meta: meta(3, 'follower') }));
    const rows = [row('k0', 0, 1000), row('k1', 1, 1000), row('k2', 2, 1000)];
    // The dead leader had sent row 0 of the 3-row request only.
    const entries = encodeEntryBatch([
      { term: 1, offset: 1, kind: 'put', insertTsMs: 1000, indexPositions: [0], row: rows[0]!, requestId: { ...rid(5), rowIndex: 0, rowCount: 3 } },
    ]);
    expect((await must(call(g.endpoint, 'AppendEntries', { tid: 3, pid: 0, term: 1, preLogIndex: 0, entries }))).offset).toBe(1);
    await must(call(g.endpoint, 'ChangeRole', { tid: 3, pid: 0, mode: 'leader', term: 2, followers: [] }));
    const retried = await must(call(g.endpoint, 'Put', { tid: 3, pid: 0, rows, requestId: rid(5) }));
    expect(retried.offset).toBe(3);
    expect(allRows(g, 3).map((r) => r.split('@')[0])).toEqual(['k0', 'k1', 'k2']);
    // And now it is whole: another retry applies nothing.
    await must(call(g.endpoint, 'Put', { tid: 3, pid: 0, rows, requestId: rid(5) }));
    expect(offsetOf(g, 3)).toBe(3);
  });

  it('a 0.1.0 tablet ignores the unknown field; a 0.2.0 tablet ignores it until the cluster version is 0.2.0', async () => {
    const old = await node('old', '0.1.0', '0.2.0');
    const early = await node('early', '0.2.0', '0.1.0');
    for (const n of [old, early]) {
      await must(call(n.endpoint, 'CreateTable', { meta: meta(4, 'leader') }));
      for (let i = 0; i < 2; i++) await must(call(n.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('a', 1, 1000)], requestId: rid(1) }));
      expect(offsetOf(n, 4)).toBe(2);
      expect((await binlogEntries(n, 4)).map((e) => e.requestId)).toEqual([undefined, undefined]);
    }
    // Finalizing turns it on for the 0.2.0 tablet (not for the 0.1.0 one).
    early.tablet.setClusterVersion('0.2.0');
    for (let i = 0; i < 2; i++) await must(call(early.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('b', 1, 1000)], requestId: rid(2) }));
    expect(offsetOf(early, 4)).toBe(3);
    for (let i = 0; i < 2; i++) await must(call(old.endpoint, 'Put', { tid: 4, pid: 0, rows: [row('b', 1, 1000)], requestId: rid(2) }));
    expect(offsetOf(old, 4)).toBe(4);
  });
});
