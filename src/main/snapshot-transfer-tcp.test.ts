/**
 * Goal: the tablet side of the nameserver's re-add operations, over TcpTransport on real files.
 * A follower that needs entries the leader deleted after a snapshot is reported as needing a
 * snapshot; the kReAddReplicaWithDropOP task sequence (PauseSnapshot, DropTable, SendSnapshot,
 * LoadTable, AddReplica, RecoverSnapshot), run as tasks and followed through GetTaskStatus, brings
 * it up to date. A block damaged on the way is detected (resent when the damage is transient; the
 * task fails and no file is installed when it persists). Task-map rules and GetTermPair /
 * GetManifest / DeleteBinlog on loaded and unloaded replicas.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import type { RpcClient } from '../ports/transport.js';
import type { TaskInfoMsg } from '../protocol/messages.js';
import type { TaskType } from '../protocol/ops-types.js';
import { allRows, call, clientOf, closeClients, meta, must, offsetOf, row, TabletNode, tempRoot, waitFor } from './tablet-cluster-fixture.js';

let root: { path: string; remove: () => Promise<void> };
const nodes: TabletNode[] = [];

async function node(name: string, options: Parameters<typeof TabletNode.start>[1] = {}): Promise<TabletNode> {
  const n = await TabletNode.start(`${root.path}/${name}`, options);
  nodes.push(n);
  return n;
}

beforeEach(async () => {
  root = await tempRoot('snapshot-transfer-tcp-');
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
  closeClients();
  await root.remove();
});

function task(opId: number, taskType: TaskType, tid: number, endpoint: string, taskId?: number): TaskInfoMsg {
  return { opId, opType: 'kReAddReplicaWithDropOP', taskType, status: 'kInited', tid, pid: 0, endpoint, ...(taskId === undefined ? {} : { taskId }) };
}

/** Waits until `node` reports the task finished; returns it. */
async function finished(endpoint: string, opId: number, taskType: TaskType): Promise<TaskInfoMsg> {
  let found: TaskInfoMsg | undefined;
  await waitFor(`${taskType} of op ${opId} to finish on ${endpoint}`, async () => {
    const { tasks } = await must(call(endpoint, 'GetTaskStatus', {}));
    found = tasks.find((t) => t.opId === opId && t.taskType === taskType);
    return found !== undefined && found.status !== 'kDoing';
  });
  return found!;
}

/** Sends a task RPC (answered at once) and waits for the task to finish. */
async function runTask(endpoint: string, method: string, request: Record<string, unknown>, info: TaskInfoMsg): Promise<TaskInfoMsg> {
  await must(clientOf(endpoint).call(method, { ...request, task: info }));
  return finished(endpoint, info.opId, info.taskType);
}

async function putRows(endpoint: string, tid: number, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10) {
    const rows = Array.from({ length: 10 }, (_, j) => row(`k${(i + j) % 13}`, i + j, 5_000 + i + j));
    await must(call(endpoint, 'Put', { tid, pid: 0, rows }));
  }
}

/** Snapshots everything written so far. */
async function snapshotAll(n: TabletNode, tid: number): Promise<number> {
  const made = await must(call(n.endpoint, 'MakeSnapshot', { tid, pid: 0 }));
  expect(made.offset).toBe(offsetOf(n, tid));
  return made.offset;
}

/** Flips one byte of every SendData block (or only the first `times`). */
function corruptingClient(times: number): { wrap: (c: RpcClient) => RpcClient; corrupted: () => number } {
  let corrupted = 0;
  const wrap = (c: RpcClient): RpcClient => ({
    endpoint: c.endpoint,
    peer: () => c.peer(),
    close: () => c.close(),
    call(method, request, options) {
      if (method === 'SendData' && corrupted < times) {
        const body = request as { data: Uint8Array };
        const data = body.data.slice();
        data[data.length >> 1]! ^= 0x40;
        corrupted++;
        return c.call(method, { ...body, data }, options);
      }
      return c.call(method, request, options);
    },
  });
  return { wrap, corrupted: () => corrupted };
}

/** Leader with follower f at tid, f then removed (OfflineReplica) while the leader writes on and snapshots. */
async function followerLeftBehind(l: TabletNode, f: TabletNode, tid: number): Promise<{ followerOffset: number; snapshotOffset: number }> {
  await must(call(f.endpoint, 'CreateTable', { meta: meta(tid, 'follower') }));
  await must(call(l.endpoint, 'CreateTable', { meta: meta(tid, 'leader', [f.endpoint]) }));
  await putRows(l.endpoint, tid, 0, 100);
  await waitFor('the follower to catch up', () => offsetOf(f, tid) === offsetOf(l, tid));
  const followerOffset = offsetOf(f, tid);
  await must(call(l.endpoint, 'DelReplica', { tid, pid: 0, endpoint: f.endpoint }));
  await putRows(l.endpoint, tid, 100, 600);
  await must(call(l.endpoint, 'Delete', { tid, pid: 0, index: 'by_k', key: 'k3' }));
  return { followerOffset, snapshotOffset: await snapshotAll(l, tid) };
}

describe('snapshot transfer and tasks over TCP', () => {
  it('reports a follower behind the deleted binlog as needing a snapshot, and the re-add task sequence brings it up to date', async () => {
    const [l, f] = [await node('l'), await node('f')];
    const { followerOffset, snapshotOffset } = await followerLeftBehind(l, f, 1);
    const manifest = await must(call(l.endpoint, 'GetManifest', { tid: 1, pid: 0 }));
    expect(manifest).toMatchObject({ exists: true, offset: snapshotOffset });
    expect(l.tablet.partition(1, 0)!.logBounds().firstOffset).toBeGreaterThan(followerOffset + 1);

    // Re-attaching it without a snapshot: the leader reports that it needs one.
    await must(call(l.endpoint, 'AddReplica', { tid: 1, pid: 0, endpoint: f.endpoint }));
    await waitFor('the follower to be reported as needing a snapshot', async () => {
      const { followers } = await must(call(l.endpoint, 'GetTableFollower', { tid: 1, pid: 0 }));
      return followers[0]?.phase === 'needsSnapshot';
    });
    const { followers } = await must(call(l.endpoint, 'GetTableFollower', { tid: 1, pid: 0 }));
    expect(followers[0]).toMatchObject({ endpoint: f.endpoint, offset: followerOffset });
    expect(followers[0]!.error).toMatch(new RegExp(`needs offset ${followerOffset + 1} but the leader's binlog starts at`));

    // kReAddReplicaWithDropOP, run as tablet tasks.
    const op = 42;
    expect((await runTask(l.endpoint, 'PauseSnapshot', { tid: 1, pid: 0 }, task(op, 'kPauseSnapshot', 1, l.endpoint))).status).toBe('kDone');
    expect((await must(call(l.endpoint, 'GetTableStatus', { tid: 1, pid: 0 }))).partitions[0]!.state).toBe('snapshotPaused');
    expect((await runTask(f.endpoint, 'DropTable', { tid: 1, pid: 0 }, task(op, 'kDropTable', 1, f.endpoint))).status).toBe('kDone');
    expect(f.tablet.partition(1, 0)).toBeUndefined();
    const sent = await runTask(l.endpoint, 'SendSnapshot', { tid: 1, pid: 0, endpoint: f.endpoint }, task(op, 'kSendSnapshot', 1, l.endpoint));
    expect(sent.status).toBe('kDone');
    await must(call(l.endpoint, 'Put', { tid: 1, pid: 0, rows: [row('late', 1, 9_999)] })); // written during the re-add
    const loaded = await runTask(f.endpoint, 'LoadTable', { meta: meta(1, 'follower') }, task(op, 'kLoadTable', 1, f.endpoint));
    expect(loaded.status).toBe('kDone');
    expect(offsetOf(f, 1)).toBe(snapshotOffset);
    const added = await runTask(l.endpoint, 'AddReplica', { tid: 1, pid: 0, endpoint: f.endpoint }, task(op, 'kAddReplica', 1, l.endpoint));
    expect(added.status).toBe('kDone');
    expect((await runTask(l.endpoint, 'RecoverSnapshot', { tid: 1, pid: 0 }, task(op, 'kRecoverSnapshot', 1, l.endpoint))).status).toBe('kDone');

    await waitFor('the re-added follower to catch up', () => offsetOf(f, 1) === offsetOf(l, 1));
    expect(allRows(f, 1)).toEqual(allRows(l, 1));
    expect(allRows(f, 1).some((r) => r.startsWith('k3@'))).toBe(false);
    const after = await must(call(l.endpoint, 'GetTableFollower', { tid: 1, pid: 0 }));
    expect(after.followers.map((x) => [x.phase, x.offset])).toEqual([['syncing', offsetOf(l, 1)]]);

    // The nameserver deletes the op's task records when the op is over.
    expect((await must(call(l.endpoint, 'GetTaskStatus', {}))).tasks.map((t) => t.taskType)).toEqual([
      'kPauseSnapshot',
      'kSendSnapshot',
      'kAddReplica',
      'kRecoverSnapshot',
    ]);
    await must(call(l.endpoint, 'DeleteOPTask', { opIds: [op] }));
    expect((await must(call(l.endpoint, 'GetTaskStatus', {}))).tasks).toEqual([]);
  });

  it('resends a block damaged on the way, and fails the transfer without installing files when the damage persists', async () => {
    const transient = corruptingClient(1);
    const l = await node('l', { wrapClient: transient.wrap });
    const f = await node('f');
    await must(call(l.endpoint, 'CreateTable', { meta: meta(2, 'leader') }));
    await putRows(l.endpoint, 2, 0, 300);
    await snapshotAll(l, 2);
    await must(call(l.endpoint, 'PauseSnapshot', { tid: 2, pid: 0 }));
    await must(call(l.endpoint, 'SendSnapshot', { tid: 2, pid: 0, endpoint: f.endpoint }));
    expect(transient.corrupted()).toBe(1);
    await must(call(f.endpoint, 'LoadTable', { meta: meta(2, 'follower') }));
    expect(allRows(f, 2)).toEqual(allRows(l, 2));

    const persistent = corruptingClient(Number.POSITIVE_INFINITY);
    const bad = await node('bad', { wrapClient: persistent.wrap });
    const g = await node('g');
    await must(call(bad.endpoint, 'CreateTable', { meta: meta(3, 'leader') }));
    await putRows(bad.endpoint, 3, 0, 300);
    await snapshotAll(bad, 3);
    await must(call(bad.endpoint, 'PauseSnapshot', { tid: 3, pid: 0 }));
    const failed = await runTask(bad.endpoint, 'SendSnapshot', { tid: 3, pid: 0, endpoint: g.endpoint }, task(7, 'kSendSnapshot', 3, bad.endpoint));
    expect(failed.status).toBe('kFailed');
    expect(failed.message).toMatch(/block 0: .*its crc32 is \d+, the sender's is \d+; the block was damaged on the way/);
    expect(failed.message).toMatch(/failed after 3 attempt\(s\)/);
    // The first file (the table meta) already failed: nothing was installed under its final name.
    const installed = await readdir(join(g.dir, 'db', '3_0'), { recursive: true }).catch(() => [] as string[]);
    expect(installed.filter((name) => name.endsWith('.json') || name.endsWith('MANIFEST') || name.endsWith('.sdb'))).toEqual([]);
    const loadFailed = await call(g.endpoint, 'LoadTable', { meta: meta(3, 'follower') });
    expect(loadFailed.ok).toBe(false);
  });

  it('task map: a duplicate task is refused, a failing task is kFailed with its reason, CancelOP cancels unfinished tasks', async () => {
    const l = await node('l', { replication: { streamBandwidthBytesPerSec: 2048, streamBlockBytes: 1024 } });
    const f = await node('f');
    await must(call(l.endpoint, 'CreateTable', { meta: meta(4, 'leader') }));
    await putRows(l.endpoint, 4, 0, 200);

    // SendSnapshot without PauseSnapshot fails, asynchronously, with the reason recorded.
    const early = await runTask(l.endpoint, 'SendSnapshot', { tid: 4, pid: 0, endpoint: f.endpoint }, task(1, 'kSendSnapshot', 4, l.endpoint));
    expect(early.status).toBe('kFailed');
    expect(early.message).toMatch(/is normal; pause its snapshots first/);
    const duplicate = await call(l.endpoint, 'SendSnapshot', { tid: 4, pid: 0, endpoint: f.endpoint, task: task(1, 'kSendSnapshot', 4, l.endpoint) });
    expect(duplicate.ok).toBe(false);
    if (!duplicate.ok) expect(duplicate.message).toMatch(/^add task failed: op 1 already has task kSendSnapshot/);

    // A slow transfer (2 KiB/s) is canceled while running: the task ends kCanceled.
    await snapshotAll(l, 4);
    await must(call(l.endpoint, 'PauseSnapshot', { tid: 4, pid: 0 }));
    await must(call(l.endpoint, 'SendSnapshot', { tid: 4, pid: 0, endpoint: f.endpoint, task: task(2, 'kSendSnapshot', 4, l.endpoint) }));
    expect((await must(call(l.endpoint, 'GetTaskStatus', {}))).tasks.find((t) => t.opId === 2)?.status).toBe('kDoing');
    await must(call(l.endpoint, 'CancelOP', { opId: 2 }));
    const canceled = await finished(l.endpoint, 2, 'kSendSnapshot');
    expect(canceled.status).toBe('kCanceled');
    await waitFor('the canceled transfer to stop', () => l.tablet.snapshotTransfers === 0);
    const received = await readdir(join(f.dir, 'db', '4_0'), { recursive: true }).catch(() => [] as string[]);
    expect(received.some((name) => name.endsWith('MANIFEST'))).toBe(false);
  });

  it('GetTermPair, GetManifest and DeleteBinlog on loaded and unloaded replicas', async () => {
    const l = await node('l');
    await must(call(l.endpoint, 'CreateTable', { meta: meta(5, 'leader', [], { term: 7 }) }));
    await putRows(l.endpoint, 5, 0, 50);
    expect(await must(call(l.endpoint, 'GetTermPair', { tid: 5, pid: 0 }))).toEqual({ hasTable: true, isLeader: true, term: 7, offset: 50 });
    await snapshotAll(l, 5);
    await putRows(l.endpoint, 5, 50, 70);
    const refused = await call(l.endpoint, 'DeleteBinlog', { tid: 5, pid: 0 });
    expect(refused.ok ? 0 : refused.code).toBe(Code.tableAlreadyExists);

    // Restart: the replica is not loaded; its term and offset come from the snapshot manifest.
    const endpoint = l.endpoint;
    await l.stop();
    nodes.splice(nodes.indexOf(l), 1);
    const r = await node('l', { endpoint });
    expect(await must(call(r.endpoint, 'GetTermPair', { tid: 5, pid: 0 }))).toEqual({ hasTable: false, isLeader: false, term: 7, offset: 50 });
    expect(await must(call(r.endpoint, 'GetManifest', { tid: 5, pid: 0 }))).toMatchObject({ exists: true, offset: 50, term: 7 });
    expect(await must(call(r.endpoint, 'GetTermPair', { tid: 99, pid: 0 }))).toEqual({ hasTable: false, isLeader: false, term: 0, offset: 0 });
    expect((await must(call(r.endpoint, 'GetManifest', { tid: 99, pid: 0 }))).exists).toBe(false);

    // DeleteBinlog discards the unsnapshotted tail: a load then has only the snapshot.
    await must(call(r.endpoint, 'DeleteBinlog', { tid: 5, pid: 0 }));
    const recycled = await readdir(join(r.dir, 'recycle'));
    expect(recycled.some((name) => name.startsWith('5_0_binlog_'))).toBe(true);
    const loaded = await must(call(r.endpoint, 'LoadTable', { meta: meta(5, 'leader', [], { term: 7 }) }));
    expect(loaded.offset).toBe(50);
  });
});
