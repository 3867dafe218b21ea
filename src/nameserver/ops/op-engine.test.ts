/**
 * Scenario tests: the engine driven through the fake shell, with the exact action sequence as the
 * expected output (golden style). Tablet tasks finish only when the test lets the tablets run them,
 * and the engine learns that by polling, as in the real system.
 */
import { describe, expect, it } from 'vitest';
import { Code } from '../../base/status.js';
import { seededRng } from '../../base/seeded-rng.js';
import { FakeShell, type FakeShellOptions } from './fake-shell.js';
import { DEFAULT_OP_ENGINE_CONFIG, OpEngine, type OpEngineConfig } from './op-engine.js';

function setup(config: Partial<OpEngineConfig> = {}, options: FakeShellOptions = {}) {
  const shell = new FakeShell(new OpEngine({ ...DEFAULT_OP_ENGINE_CONFIG, ...config }, seededRng(7)), options);
  for (const e of ['a', 'b', 'c', 'd']) shell.addTablet(e);
  shell.addTable(1, 't', [['a', 'b', 'c'], ['b', 'c', 'a'], ['a', 'b']]);
  shell.addTable(2, 's', [['a']]);
  return shell;
}

const meta = (s: FakeShell, tid: number, pid: number) =>
  s.tables
    .get(tid)!
    .partitions[pid]!.replicas.map((r) => `${r.endpoint}${r.isLeader ? '*' : ''}${r.isAlive ? '' : '-'}`)
    .join(' ');
const runs = (s: FakeShell) => s.trace.filter((l) => l.startsWith('run '));

describe('each op type end to end', () => {
  it('kMakeSnapshotOP', () => {
    const s = setup();
    s.write(1, 0, 'a', 4);
    expect(s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 })).toEqual([1]);
    expect(s.trace).toEqual([
      'allocate 1 ticket=1',
      'persist op1 kMakeSnapshotOP kInited idx=0',
      'persist op1 kMakeSnapshotOP kDoing idx=0',
      'run op1 t0 kMakeSnapshot@a end=0',
    ]);
    s.settle();
    expect(s.trace.slice(4)).toEqual(['persist op1 kMakeSnapshotOP kDoing idx=1', 'delete ops 1 on a,b,c,d', 'remove op1']);
    expect(s.replica(1, 0, 'a')!.snapshotOffset).toBe(4);
    expect(s.engine.op(1)!.taskStatus).toBe('kDone');
    expect(s.zkOps.size).toBe(0);
  });

  it('kAddReplicaOP', () => {
    const s = setup();
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    s.settle();
    expect(s.trace).toEqual([
      'allocate 1 ticket=1',
      'persist op1 kAddReplicaOP kInited idx=0',
      'persist op1 kAddReplicaOP kDoing idx=0',
      'run op1 t0 kPauseSnapshot@a',
      'persist op1 kAddReplicaOP kDoing idx=1',
      'run op1 t1 kSendSnapshot@a ->d',
      'persist op1 kAddReplicaOP kDoing idx=2',
      'run op1 t2 kLoadTable@d follower',
      'persist op1 kAddReplicaOP kDoing idx=3',
      'run op1 t3 kAddReplica@a ->d',
      'persist op1 kAddReplicaOP kDoing idx=4',
      'run op1 t4 kRecoverSnapshot@a',
      'persist op1 kAddReplicaOP kDoing idx=5',
      'run op1 t5 kAddTableInfo addReplicaMeta d',
      'persist op1 kAddReplicaOP kDoing idx=6',
      // t6 CheckBinlogSyncProgress is evaluated by the engine: d caught up at once
      'persist op1 kAddReplicaOP kDoing idx=7',
      'run op1 t7 kUpdatePartitionStatus setReplicaStatus d leader=false alive=true',
      'persist op1 kAddReplicaOP kDoing idx=8',
      'delete ops 1 on a,b,c,d',
      'remove op1',
    ]);
    expect(meta(s, 1, 0)).toBe('a* b c d');
  });

  it('kAddReplicaOP waits in CheckBinlogSyncProgress until the follower is within the delta', () => {
    const s = setup({ checkBinlogSyncProgressDelta: 5 });
    s.manualLocal = true;
    s.write(1, 0, 'a', 50);
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    while (s.pendingLocal.length === 0) {
      s.completeTabletTasks();
      s.poll();
    }
    expect(s.pendingLocal[0]!.type).toBe('kAddTableInfo');
    s.write(1, 0, 'a', 10); // d got 50 when it was added; now it lags by 10
    s.answerLocal();
    s.tick();
    expect(s.engine.show({ opId: 1 }, s.nowMs)[0]).toMatchObject({ status: 'kDoing', curTask: 'kCheckBinlogSyncProgress' });
    s.write(1, 0, 'a', 1);
    s.replica(1, 0, 'd')!.offset = 56; // within 5 of 61
    s.tick();
    expect(s.pendingLocal[0]!.type).toBe('kUpdatePartitionStatus');
    s.answerLocal();
    expect(s.engine.op(1)!.taskStatus).toBe('kDone');
  });

  it('kDelReplicaOP', () => {
    const s = setup();
    s.submit({ kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'c' });
    s.settle();
    expect(runs(s)).toEqual(['run op1 t0 kDelReplica@a ->c', 'run op1 t1 kDelTableInfo removeReplicaMeta c', 'run op1 t2 kDropTable@c']);
    expect(meta(s, 1, 0)).toBe('a* b');
    expect(s.replica(1, 0, 'c')).toBeUndefined();
  });

  it('kMigrateOP', () => {
    const s = setup();
    s.submit({ kind: 'migrate', srcEndpoint: 'c', db: 'db', name: 't', pids: [0], desEndpoint: 'd' });
    s.settle();
    expect(runs(s)).toEqual([
      'run op1 t0 kPauseSnapshot@a',
      'run op1 t1 kSendSnapshot@a ->d',
      'run op1 t2 kRecoverSnapshot@a',
      'run op1 t3 kLoadTable@d follower',
      'run op1 t4 kAddReplica@a ->d',
      'run op1 t5 kAddTableInfo addReplicaMeta d',
      'run op1 t7 kDelReplica@a ->c',
      'run op1 t8 kUpdateTableInfo moveReplicaMeta c->d',
      'run op1 t9 kDropTable@c',
    ]);
    expect(meta(s, 1, 0)).toBe('a* b d');
  });

  it('kChangeLeaderOP fences the old leader first, then elects the most advanced follower', () => {
    const s = setup();
    s.write(1, 0, 'a', 10);
    s.replicate(1, 0, 'a');
    s.replica(1, 0, 'c')!.offset = 8; // c lags behind b
    s.write(1, 0, 'a', 3); // acknowledged by a, never replicated
    s.submit({ kind: 'changeLeader', db: 'db', name: 't', pid: 0, candidate: 'auto' });
    s.settle();
    expect(s.trace).toEqual([
      'allocate 1 ticket=1',
      'persist op1 kChangeLeaderOP kInited idx=0',
      'persist op1 kChangeLeaderOP kDoing idx=0',
      'run op1 t0 kFenceOldLeader a',
      'persist op1 kChangeLeaderOP kDoing idx=1',
      'run op1 t1 kSelectLeader followers=b,c',
      'persist op1 kChangeLeaderOP kDoing idx=2',
      'run op1 t2 kChangeLeader b term=3 followers=c',
      'persist op1 kChangeLeaderOP kDoing idx=3',
      'run op1 t3 kUpdateLeaderInfo setLeader b term=3 offset=10',
      'persist op1 kChangeLeaderOP kDoing idx=4',
      'remove op1',
    ]);
    expect(s.logs).toContain('warn op 1: new leader b is at offset 10; the fenced old leader had reached 13: those entries are lost');
    expect(meta(s, 1, 0)).toBe('a*- b* c');
    expect(s.tables.get(1)!.partitions[0]!.termOffsets).toEqual([
      { term: 1, offset: 0 },
      { term: 3, offset: 11 },
    ]);
    // The old leader no longer takes writes: a client with stale routing is refused, not silently lost.
    expect(s.replica(1, 0, 'a')!.mode).toBe('follower');
    expect(() => s.write(1, 0, 'a', 1)).toThrow(/does not lead/);
    expect(s.replica(1, 0, 'b')).toMatchObject({ mode: 'leader', term: 3 });
    expect(s.replica(1, 0, 'c')!.term).toBe(2); // fenced by FollowOfNoOne with cur_term
  });

  it('kChangeLeaderOP with an explicit candidate', () => {
    const s = setup();
    s.write(1, 0, 'a', 10);
    s.replicate(1, 0, 'a');
    s.replica(1, 0, 'c')!.offset = 8;
    s.submit({ kind: 'changeLeader', db: 'db', name: 't', pid: 0, candidate: 'c' });
    s.settle();
    expect(runs(s).slice(2)).toEqual(['run op1 t2 kChangeLeader c term=3 followers=b', 'run op1 t3 kUpdateLeaderInfo setLeader c term=3 offset=8']);
    expect(meta(s, 1, 0)).toBe('a*- b c*');
  });

  it('offlineendpoint: change leader, offline replica and partition status ops (no fence: the tablet is gone)', () => {
    const s = setup();
    s.write(1, 0, 'a', 10);
    s.replicate(1, 0, 'a');
    s.killTablet('a');
    expect(s.submit({ kind: 'offlineEndpoint', endpoint: 'a' })).toEqual([1, 2, 3, 4]);
    s.settle();
    expect(s.trace).toEqual([
      'allocate 4 ticket=1',
      'persist op1 kChangeLeaderOP kInited idx=0',
      'persist op2 kOfflineReplicaOP kInited idx=0',
      'persist op3 kChangeLeaderOP kInited idx=0',
      'persist op4 kUpdatePartitionStatusOP kInited idx=0',
      'persist op1 kChangeLeaderOP kDoing idx=0',
      'persist op1 kChangeLeaderOP kDoing idx=1',
      'run op1 t0 kSelectLeader followers=b,c',
      'persist op2 kOfflineReplicaOP kDoing idx=0',
      'run op2 t0 kDelReplica@b ->a',
      'persist op1 kChangeLeaderOP kDoing idx=2',
      'run op1 t1 kChangeLeader b term=3 followers=c',
      'persist op1 kChangeLeaderOP kDoing idx=3',
      'run op1 t2 kUpdateLeaderInfo setLeader b term=3 offset=10',
      'persist op1 kChangeLeaderOP kDoing idx=4',
      'remove op1',
      'persist op3 kChangeLeaderOP kDoing idx=0',
      'persist op3 kChangeLeaderOP kDoing idx=1',
      'run op3 t0 kSelectLeader followers=b',
      'persist op3 kChangeLeaderOP kDoing idx=2',
      'run op3 t1 kChangeLeader b term=5 followers=',
      'persist op3 kChangeLeaderOP kDoing idx=3',
      'run op3 t2 kUpdateLeaderInfo setLeader b term=5 offset=0',
      'persist op3 kChangeLeaderOP kDoing idx=4',
      'remove op3',
      'persist op4 kUpdatePartitionStatusOP kDoing idx=0',
      'run op4 t0 kUpdatePartitionStatus setReplicaStatus a leader=true alive=false',
      'persist op4 kUpdatePartitionStatusOP kDoing idx=1',
      'remove op4',
      'persist op2 kOfflineReplicaOP kDoing idx=1',
      'run op2 t1 kUpdatePartitionStatus setReplicaStatus a leader=false alive=false',
      'persist op2 kOfflineReplicaOP kDoing idx=2',
      'delete ops 2 on b,c,d',
      'remove op2',
    ]);
    expect([meta(s, 1, 0), meta(s, 1, 1), meta(s, 1, 2), meta(s, 2, 0)]).toEqual(['a*- b* c', 'b* c a-', 'a*- b*', 'a*-']);
  });
});

describe('recovertable picks the child op (§6.3)', () => {
  /** Dead replica b of t/0 (leader a) in a given tablet state; returns the child's op type and its runs. */
  function recoverB(prepare: (s: FakeShell) => void) {
    const s = setup();
    s.write(1, 0, 'a', 20);
    s.replicate(1, 0, 'a');
    s.tables.set(1, {
      ...s.tables.get(1)!,
      partitions: s.tables.get(1)!.partitions.map((p) =>
        p.pid === 0 ? { ...p, replicas: p.replicas.map((r) => (r.endpoint === 'b' ? { ...r, isAlive: false } : r)) } : p,
      ),
    });
    prepare(s);
    s.submit({ kind: 'recoverTable', db: 'db', name: 't', pid: 0, endpoint: 'b' });
    s.settle();
    const child = s.engine.show({}, s.nowMs).find((r) => r.opId === 2)!;
    expect(s.engine.op(1)!.taskStatus).toBe('kDone');
    expect(child.status).toBe('kDone');
    expect(meta(s, 1, 0)).toBe('a* b c');
    expect(s.replica(1, 0, 'b')).toMatchObject({ loaded: true, offset: s.replica(1, 0, 'a')!.offset });
    return { type: child.opType, runs: runs(s) };
  }

  it('a loaded replica on the partition history: kReAddReplicaSimplifyOP', () => {
    const r = recoverB(() => {});
    expect(r.type).toBe('kReAddReplicaSimplifyOP');
    expect(r.runs).toEqual([
      'run op1 t0 kDelReplica@a ->b',
      'run op1 t1 kRecoverTable b leader=a',
      'run op2 t0 kAddReplica@a ->b',
      'run op2 t2 kUpdatePartitionStatus setReplicaStatus b leader=false alive=true',
    ]);
  });

  it('a loaded replica that diverged: kReAddReplicaWithDropOP', () => {
    const r = recoverB((s) => {
      s.tables.set(1, {
        ...s.tables.get(1)!,
        partitions: s.tables.get(1)!.partitions.map((p) => (p.pid === 0 ? { ...p, termOffsets: [...p.termOffsets, { term: 3, offset: 15 }] } : p)),
      });
    });
    expect(r.type).toBe('kReAddReplicaWithDropOP');
    expect(r.runs.slice(2)).toEqual([
      'run op2 t0 kPauseSnapshot@a',
      'run op2 t1 kDropTable@b',
      'run op2 t2 kSendSnapshot@a ->b',
      'run op2 t3 kLoadTable@b follower',
      'run op2 t4 kAddReplica@a ->b',
      'run op2 t5 kRecoverSnapshot@a',
      'run op2 t7 kUpdatePartitionStatus setReplicaStatus b leader=false alive=true',
    ]);
  });

  it('a restarted replica whose snapshot still fits: kReAddReplicaNoSendOP', () => {
    const r = recoverB((s) => {
      Object.assign(s.replica(1, 0, 'b')!, { snapshotOffset: 12, snapshotTerm: 1 });
      s.replica(1, 0, 'a')!.snapshotOffset = 10;
      s.killTablet('b');
      s.registerTablet('b');
    });
    expect(r.type).toBe('kReAddReplicaNoSendOP');
    expect(r.runs.slice(2)).toEqual([
      'run op2 t0 kPauseSnapshot@a',
      'run op2 t1 kLoadTable@b follower',
      'run op2 t2 kAddReplica@a ->b',
      'run op2 t3 kRecoverSnapshot@a',
      'run op2 t5 kUpdatePartitionStatus setReplicaStatus b leader=false alive=true',
    ]);
  });

  it('a restarted replica behind the leader snapshot: kReAddReplicaOP', () => {
    const r = recoverB((s) => {
      Object.assign(s.replica(1, 0, 'b')!, { snapshotOffset: 5, snapshotTerm: 1 });
      s.replica(1, 0, 'a')!.snapshotOffset = 10;
      s.killTablet('b');
      s.registerTablet('b');
    });
    expect(r.type).toBe('kReAddReplicaOP');
    expect(r.runs.slice(2)).toEqual([
      'run op2 t0 kPauseSnapshot@a',
      'run op2 t1 kSendSnapshot@a ->b',
      'run op2 t2 kLoadTable@b follower',
      'run op2 t3 kAddReplica@a ->b',
      'run op2 t4 kRecoverSnapshot@a',
      'run op2 t6 kUpdatePartitionStatus setReplicaStatus b leader=false alive=true',
    ]);
  });

  it('single replica: reload as leader when empty, status update when loaded', () => {
    for (const restart of [true, false]) {
      const s = setup();
      s.tables.set(2, { ...s.tables.get(2)!, partitions: [{ ...s.tables.get(2)!.partitions[0]!, replicas: [{ endpoint: 'a', isLeader: true, isAlive: false }] }] });
      if (restart) {
        s.killTablet('a');
        s.registerTablet('a');
      }
      s.submit({ kind: 'recoverTable', db: 'db', name: 's', pid: 0, endpoint: 'a' });
      s.settle();
      expect(runs(s)).toEqual(
        restart
          ? [
              'run op1 t0 kRecoverTable a leader=- single',
              'run op2 t0 kLoadTable@a leader',
              'run op2 t1 kUpdatePartitionStatus setReplicaStatus a leader=true alive=true',
            ]
          : ['run op1 t0 kRecoverTable a leader=- single', 'run op2 t0 kUpdatePartitionStatus setReplicaStatus a leader=true alive=true'],
      );
      expect(meta(s, 2, 0)).toBe('a*');
    }
  });

  it('recoverendpoint with need_restore gives the leadership back to the restored endpoint', () => {
    const s = setup();
    s.write(1, 0, 'a', 10);
    s.replicate(1, 0, 'a');
    s.killTablet('a');
    s.submit({ kind: 'offlineEndpoint', endpoint: 'a' });
    s.settle();
    expect(meta(s, 1, 0)).toBe('a*- b* c');
    s.registerTablet('a');
    s.write(1, 0, 'b', 5);
    s.replicate(1, 0, 'b');
    s.submit({ kind: 'recoverEndpoint', endpoint: 'a', needRestore: true });
    s.settle();
    expect([meta(s, 1, 0), meta(s, 1, 1), meta(s, 1, 2)]).toEqual(['a* b c', 'b* c a', 'a* b']);
    expect(s.replica(1, 0, 'a')).toMatchObject({ mode: 'leader', offset: 15 });
    expect(s.replica(1, 0, 'b')!.mode).toBe('follower');
    expect(s.engine.show({ pid: 0, name: 't' }, s.nowMs).map((r) => `${r.opType} ${r.status}`)).toEqual([
      'kChangeLeaderOP kDone',
      'kRecoverTableOP kDone',
      'kChangeLeaderOP kDone',
      'kRecoverTableOP kDone',
      'kReAddReplicaOP kDone',
      'kReAddReplicaSimplifyOP kDone',
    ]);
  });
});

describe('failure, cancel, delete', () => {
  it('a failed task fails the op: nothing after it runs, the record stays in ZooKeeper', () => {
    const s = setup({}, { failTabletTask: (t) => t.type === 'kLoadTable' });
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    s.settle();
    expect(runs(s)).toEqual(['run op1 t0 kPauseSnapshot@a', 'run op1 t1 kSendSnapshot@a ->d', 'run op1 t2 kLoadTable@d follower']);
    expect(s.trace.slice(-2)).toEqual(['delete ops 1 on a,b,c,d', 'persist op1 kAddReplicaOP kFailed idx=2']);
    expect(s.zkOps.get(1)!.taskStatus).toBe('kFailed');
    expect(s.engine.show({}, s.nowMs)).toEqual([
      expect.objectContaining({ opId: 1, opType: 'kAddReplicaOP', status: 'kFailed', curTask: 'kLoadTable', forReplicaCluster: false }),
    ]);
    expect(meta(s, 1, 0)).toBe('a* b c');
  });

  it('a task that fails to send fails the op at once', () => {
    const s = setup();
    s.manualLocal = true;
    s.submit({ kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'c' });
    s.completeTabletTasks();
    s.poll();
    s.killTablet('c');
    s.answerLocal(); // DelTableInfo; then DropTable@c cannot be sent
    expect(s.engine.op(1)!.taskStatus).toBe('kFailed');
    expect(s.logs).toContain('warn op 1 task 2 (kDropTable) failed: tablet c unreachable');
  });

  it('cancel stops an op between tasks; the tablets are told; late reports are ignored', () => {
    const s = setup();
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    s.completeTabletTasks();
    s.poll(); // PauseSnapshot done, SendSnapshot sent
    const r = s.engine.cancel(1, s.view(), s.nowMs);
    expect(r.ok).toBe(true);
    if (r.ok) s.run(r.value);
    expect(s.trace.slice(-5)).toEqual([
      'run op1 t1 kSendSnapshot@a ->d',
      'persist op1 kAddReplicaOP kCanceled idx=1',
      'cancel op1 on a,b,c,d',
      'delete ops 1 on a,b,c,d',
      'remove op1',
    ]);
    expect(s.engine.op(1)!.taskStatus).toBe('kCanceled');
    s.settle();
    expect(runs(s)).toHaveLength(2);
    const again = s.engine.cancel(1, s.view(), s.nowMs);
    expect(again.ok ? 0 : again.code).toBe(Code.opStatusIsNotKdoingOrKinited);
  });

  it('cancel is refused while auto_failover is on', () => {
    const s = setup();
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.autoFailover = true;
    const r = s.engine.cancel(1, s.view(), s.nowMs);
    expect(r.ok ? 0 : r.code).toBe(Code.autoFailoverIsEnabled);
  });

  it('cancel of a waiting op removes it when it reaches the head', () => {
    const s = setup();
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 2 });
    const r = s.engine.cancel(2, s.view(), s.nowMs);
    if (r.ok) s.run(r.value);
    s.settle();
    expect(s.engine.show({}, s.nowMs).map((x) => `${x.opId} ${x.status}`)).toEqual(['1 kDone', '2 kCanceled']);
    expect(runs(s)).toEqual(['run op1 t0 kMakeSnapshot@a end=0']);
    expect(s.zkOps.size).toBe(0);
  });

  it('deleteop by id and by status; running ops must be canceled first', () => {
    const s = setup({}, { failTabletTask: (t) => t.pid === 1 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 1 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 2 });
    const running = s.engine.delete({ opId: 1 });
    expect(running.ok ? 0 : running.code).toBe(Code.invalidParameter);
    const waiting = s.engine.delete({ opId: 3 });
    expect(waiting.ok && waiting.value.actions.map((a) => a.kind)).toEqual(['removeOpNode']);
    s.settle();
    expect(s.engine.show({}, s.nowMs).map((x) => `${x.opId} ${x.status}`)).toEqual(['1 kDone', '2 kFailed']);
    expect(s.engine.delete({ status: 'kDoing' }).ok).toBe(false);
    const failed = s.engine.delete({ status: 'kFailed' });
    expect(failed.ok && failed.value).toEqual({ deleted: [2], actions: [{ kind: 'removeOpNode', opId: 2 }] });
    const done = s.engine.delete({ opId: 1 });
    expect(done.ok && done.value).toEqual({ deleted: [1], actions: [] });
    expect(s.engine.show({}, s.nowMs)).toEqual([]);
  });
});

describe('queues', () => {
  it('ops on one pid run one after another; other pids run in parallel up to the concurrency', () => {
    const s = setup();
    s.addTable(3, 'w', [['a', 'b'], ['b', 'c'], ['c', 'a'], ['a', 'c']]);
    for (const pid of [0, 1, 2, 3, 0]) s.submit({ kind: 'makeSnapshot', db: 'db', name: 'w', pid });
    // concurrency 2: queue 0 = pids 0, 2, 0; queue 1 = pids 1, 3
    expect(s.engine.queueOpIds().slice(0, 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
    expect(s.engine.activeOpIds()).toEqual([1, 2]);
    expect(runs(s)).toEqual(['run op1 t0 kMakeSnapshot@a end=0', 'run op2 t0 kMakeSnapshot@b end=0']);
    s.completeTabletTasks();
    s.poll();
    expect(s.engine.activeOpIds()).toEqual([3, 4]);
    s.settle();
    expect(runs(s).map((l) => l.split(' ')[1])).toEqual(['op1', 'op2', 'op3', 'op4', 'op5']);
  });

  it('ops on one partition in different queues are still serialized', () => {
    const s = setup();
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 1 }); // queue 1
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [1], endpoint: 'd' }); // concurrency 1: queue 0
    expect(s.engine.queueOpIds().slice(0, 2)).toEqual([[2], [1]]);
    expect(s.engine.activeOpIds()).toEqual([1]);
    s.settle();
    expect(s.engine.show({}, s.nowMs).map((x) => x.status)).toEqual(['kDone', 'kDone']);
    expect(runs(s)[0]).toBe('run op1 t0 kMakeSnapshot@b end=0');
  });

  it('a tablet task fails once its tablet has been offline past the heartbeat timeout', () => {
    const s = setup({ tabletHeartbeatTimeoutMs: 60_000 });
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    s.completeTabletTasks();
    s.poll();
    s.completeTabletTasks();
    s.poll(); // LoadTable@d is Doing
    s.disconnectTablet('d');
    s.advance(59_000);
    s.tick();
    expect(s.engine.op(1)!.taskStatus).toBe('kDoing');
    s.advance(2_000);
    s.tick();
    expect(s.engine.op(1)!.taskStatus).toBe('kFailed');
    expect(s.logs.some((l) => l.includes('tablet d has been offline for 61000 ms'))).toBe(true);
  });

  it('a tablet task unknown to its tablet fails after more than taskPollMissesMax polls; stale rounds do not count', () => {
    const s = setup({ taskPollMissesMax: 2 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.taskMaps.set('a', []); // the tablet lost the task
    const stale = s.engine.taskRpcVersion - 1;
    for (let i = 0; i < 5; i++) s.run(s.engine.taskStatusPolled({ rpcVersion: stale, reports: new Map([['a', []]]) }, s.view(), s.nowMs));
    expect(s.engine.op(1)!.taskStatus).toBe('kDoing');
    s.poll();
    s.poll();
    expect(s.engine.op(1)!.taskStatus).toBe('kDoing');
    s.poll();
    expect(s.engine.op(1)!.taskStatus).toBe('kFailed');
  });

  it('the history keeps at most opNumMax ops and drops the records of evicted failed ops', () => {
    const s = setup({ opNumMax: 2 }, { failTabletTask: (t) => t.pid === 0 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.settle();
    expect(s.zkOps.has(1)).toBe(true);
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 1 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 2 });
    s.settle();
    expect(s.engine.historyOpIds()).toEqual([3, 2]); // in the order they finished
    expect(s.zkOps.has(1)).toBe(false);
    s.engine.checkInvariants();
  });

  it('rejects commands beyond the queue limit', () => {
    const s = setup({ queuedOpsMax: 2 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 0 });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 1 });
    expect(s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 2 })).toEqual([]);
    expect(s.lastSubmitError).toMatch(/^305 /);
  });

  it('show reports times in seconds and the current task', () => {
    const s = setup();
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    s.advance(5_000);
    expect(s.engine.show({ name: 't', pid: 0 }, s.nowMs)).toEqual([
      {
        opId: 1,
        opType: 'kAddReplicaOP',
        db: 'db',
        name: 't',
        pid: 0,
        status: 'kDoing',
        startTimeS: 1_700_000_000,
        executeTimeS: 5,
        endTimeS: 0,
        curTask: 'kPauseSnapshot',
        forReplicaCluster: false,
      },
    ]);
    expect(s.engine.show({ pid: 1 }, s.nowMs)).toEqual([]);
  });
});

describe('safety checks', () => {
  it('under auto_failover a leader change is refused while the leader is alive, before anything is fenced', () => {
    const s = setup();
    s.autoFailover = true;
    // An op built while the leader was dead, started after it was marked alive again.
    s.tables.set(1, {
      ...s.tables.get(1)!,
      partitions: s.tables.get(1)!.partitions.map((p) =>
        p.pid === 0 ? { ...p, replicas: p.replicas.map((r) => (r.endpoint === 'a' ? { ...r, isAlive: false } : r)) } : p,
      ),
    });
    s.submit({ kind: 'makeSnapshot', db: 'db', name: 't', pid: 2 });
    s.submit({ kind: 'offlineEndpoint', endpoint: 'a' }, 'autoFailover');
    s.tables.set(1, {
      ...s.tables.get(1)!,
      partitions: s.tables.get(1)!.partitions.map((p) => (p.pid === 0 ? { ...p, replicas: p.replicas.map((r) => ({ ...r, isAlive: true })) } : p)),
    });
    s.settle();
    const cl = s.engine.show({ pid: 0 }, s.nowMs).find((r) => r.opType === 'kChangeLeaderOP')!;
    expect(cl.status).toBe('kFailed');
    expect(runs(s).filter((l) => l.includes('kFenceOldLeader') || l.includes('kSelectLeader'))).toEqual([]);
    expect(s.replica(1, 0, 'a')!.mode).toBe('leader');
  });

  it('under auto_failover a dead-marked leader whose tablet is back is fenced before the new leader is chosen', () => {
    const s = setup();
    s.autoFailover = true;
    s.tables.set(1, {
      ...s.tables.get(1)!,
      partitions: s.tables.get(1)!.partitions.map((p) =>
        p.pid === 0 ? { ...p, replicas: p.replicas.map((r) => (r.endpoint === 'a' ? { ...r, isAlive: false } : r)) } : p,
      ),
    });
    s.submit({ kind: 'changeLeader', db: 'db', name: 't', pid: 0 }, 'autoFailover');
    s.settle();
    expect(runs(s).slice(0, 2)).toEqual(['run op1 t0 kFenceOldLeader a', 'run op1 t1 kSelectLeader followers=b,c']);
    expect(s.replica(1, 0, 'a')!.mode).toBe('follower');
    expect(meta(s, 1, 0)).toMatch(/^a\*- b\* c$|^a\*- b c\*$/);
  });
});
