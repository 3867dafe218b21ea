/**
 * Recovery after a nameserver failover (cluster.md §5.6): for each op type, the nameserver dies at
 * every task index, a fresh engine reloads the persisted ops, and the op must finish. Local tasks
 * re-run (they are idempotent); tablet tasks are learned from the tablets' task maps, and a task
 * its tablet never received fails the op, as in the reference.
 */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../base/seeded-rng.js';
import { FakeShell } from './fake-shell.js';
import { DEFAULT_OP_ENGINE_CONFIG, OpEngine } from './op-engine.js';
import type { OpInfo } from './op-info.js';
import type { OpRequest } from './op-requests.js';

const newEngine = () => new OpEngine(DEFAULT_OP_ENGINE_CONFIG, seededRng(11));

function setup(): FakeShell {
  const s = new FakeShell(newEngine(), { manualLocal: true });
  for (const e of ['a', 'b', 'c', 'd']) s.addTablet(e);
  s.addTable(1, 't', [['a', 'b', 'c']]);
  s.write(1, 0, 'a', 30);
  s.replicate(1, 0, 'a');
  return s;
}

const meta = (s: FakeShell) =>
  s.tables
    .get(1)!
    .partitions[0]!.replicas.map((r) => `${r.endpoint}${r.isLeader ? '*' : ''}${r.isAlive ? '' : '-'}`)
    .join(' ');

interface Scenario {
  readonly name: string;
  readonly opId: number;
  readonly prepare?: (s: FakeShell) => void;
  readonly req: OpRequest;
  readonly expectMeta: RegExp;
}

const scenarios: Scenario[] = [
  { name: 'kAddReplicaOP', opId: 1, req: { kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' }, expectMeta: /^a\* b c d$/ },
  { name: 'kDelReplicaOP', opId: 1, req: { kind: 'delReplica', db: 'db', name: 't', pids: [0], endpoint: 'c' }, expectMeta: /^a\* b$/ },
  {
    name: 'kMigrateOP',
    opId: 1,
    req: { kind: 'migrate', srcEndpoint: 'c', db: 'db', name: 't', pids: [0], desEndpoint: 'd' },
    expectMeta: /^a\* b d$/,
  },
  {
    name: 'kChangeLeaderOP',
    opId: 1,
    req: { kind: 'changeLeader', db: 'db', name: 't', pid: 0, candidate: 'auto' },
    expectMeta: /^a\*- (b\* c|b c\*)$/,
  },
  {
    name: 'kReAddReplicaWithDropOP (child of kRecoverTableOP)',
    opId: 2,
    prepare: (s) => {
      // c diverged: it holds entries past the start of a term it never saw.
      s.tables.set(1, {
        ...s.tables.get(1)!,
        partitions: s.tables.get(1)!.partitions.map((p) => ({
          ...p,
          replicas: p.replicas.map((r) => (r.endpoint === 'c' ? { ...r, isAlive: false } : r)),
          termOffsets: [...p.termOffsets, { term: 3, offset: 20 }],
        })),
      });
    },
    req: { kind: 'recoverTable', db: 'db', name: 't', pid: 0, endpoint: 'c' },
    expectMeta: /^a\* b c$/,
  },
];

/** Drives the shell one step: answer a local task, or let tablets work and poll. */
function step(s: FakeShell): void {
  if (s.pendingLocal.length > 0) s.answerLocal();
  else {
    s.completeTabletTasks();
    s.poll();
    s.tick();
  }
}

/** Runs until the op's record says it is at task index >= k; false if it finished first. */
function runUntil(s: FakeShell, opId: number, k: number): OpInfo | null {
  for (let i = 0; i < 500; i++) {
    const info = s.zkOps.get(opId);
    if (info && info.taskStatus === 'kDoing' && info.taskIndex >= k) return info;
    if (!info && s.engine.op(opId) && s.engine.op(opId)!.taskStatus !== 'kInited') return null;
    step(s);
  }
  throw new Error(`op ${opId} did not reach task ${k}`);
}

function finish(s: FakeShell): void {
  s.manualLocal = false;
  for (let i = 0; i < 50; i++) {
    while (s.pendingLocal.length > 0) s.answerLocal();
    if (s.engine.activeOpIds().length === 0 && s.engine.queueOpIds().flat().length === 0) return;
    s.settle();
  }
}

function taskCount(sc: Scenario): number {
  const s = setup();
  sc.prepare?.(s);
  s.submit(sc.req);
  let max = 0;
  for (let i = 0; i < 500 && s.engine.op(sc.opId)?.taskStatus !== 'kDone'; i++) {
    max = Math.max(max, s.zkOps.get(sc.opId)?.taskIndex ?? 0);
    step(s);
  }
  expect(s.engine.op(sc.opId)!.taskStatus).toBe('kDone');
  return max + 1;
}

describe.each(scenarios)('nameserver failover during $name', (sc) => {
  const n = taskCount(sc);

  it.each(Array.from({ length: n }, (_, k) => k))('at task %i: the op resumes and finishes', (k) => {
    const s = setup();
    sc.prepare?.(s);
    s.submit(sc.req);
    expect(runUntil(s, sc.opId, k)).not.toBeNull();
    const lastRun = s.trace.filter((l) => l.startsWith(`run op${sc.opId} `)).at(-1)!;
    const local = s.pendingLocal.length > 0;
    const mark = s.trace.length;
    s.failoverNameserver(newEngine());
    finish(s);
    const after = s.trace.slice(mark);
    expect(s.engine.op(sc.opId)?.taskStatus).toBe('kDone');
    expect(s.zkOps.size).toBe(0);
    expect(meta(s)).toMatch(sc.expectMeta);
    // Local tasks are re-run; tablet tasks are learned from the tablet, not sent again.
    if (local) expect(after).toContain(lastRun);
    else if (lastRun.includes('@')) expect(after).not.toContain(lastRun);
    s.engine.checkInvariants();
  });

  it.each(Array.from({ length: n }, (_, k) => k))('at task %i, after the task ran but before its outcome was recorded', (k) => {
    const s = setup();
    sc.prepare?.(s);
    s.submit(sc.req);
    expect(runUntil(s, sc.opId, k)).not.toBeNull();
    if (s.pendingLocal.length > 0) s.executeLocalUnreported();
    else s.completeTabletTasks();
    s.failoverNameserver(newEngine());
    finish(s);
    expect(s.engine.op(sc.opId)?.taskStatus).toBe('kDone');
    expect(meta(s)).toMatch(sc.expectMeta);
  });
});

describe('recovery rules', () => {
  it('a tablet task its tablet never received fails the op on the first poll', () => {
    const s = setup();
    s.submit({ kind: 'addReplica', db: 'db', name: 't', pids: [0], endpoint: 'd' });
    runUntil(s, 1, 2); // LoadTable@d sent
    s.taskMaps.set('d', []); // ... but it never arrived
    s.failoverNameserver(newEngine());
    s.poll();
    expect(s.engine.op(1)!.taskStatus).toBe('kFailed');
    expect(s.zkOps.get(1)!.taskStatus).toBe('kFailed');
    expect(s.logs.some((l) => l.includes('(kLoadTable) is unknown to tablet d'))).toBe(true);
  });

  it('failed ops go to the history, done and canceled records are removed, waiting ops start', () => {
    const s = setup();
    s.manualLocal = false;
    const base = { formatVersion: 1, tid: 1, db: 'db', name: 't', pid: 0, parentId: null, vecIdx: 0, forReplicaCluster: false, startTimeS: 1, endTimeS: 0 };
    const ops: OpInfo[] = [
      { ...base, opId: 4, opType: 'kMakeSnapshotOP', data: { endOffset: 0 }, taskIndex: 0, taskStatus: 'kFailed', endTimeS: 2 },
      { ...base, opId: 5, opType: 'kMakeSnapshotOP', data: { endOffset: 0 }, taskIndex: 1, taskStatus: 'kDone' },
      { ...base, opId: 6, opType: 'kMakeSnapshotOP', data: { endOffset: 0 }, taskIndex: 0, taskStatus: 'kCanceled' },
      { ...base, opId: 7, opType: 'kMakeSnapshotOP', data: { endOffset: 0 }, taskIndex: 0, taskStatus: 'kInited', startTimeS: 0 },
    ];
    for (const op of ops) s.zkOps.set(op.opId, op);
    s.failoverNameserver(newEngine());
    expect(s.trace).toEqual([
      'remove op5',
      'remove op6',
      'persist op7 kMakeSnapshotOP kDoing idx=0',
      'run op7 t0 kMakeSnapshot@a end=0',
    ]);
    expect(s.engine.show({}, s.nowMs).map((r) => `${r.opId} ${r.status} ${r.curTask}`)).toEqual(['4 kFailed kMakeSnapshot', '7 kDoing kMakeSnapshot']);
    s.settle();
    expect([...s.zkOps.keys()]).toEqual([4]);
  });

  it('a RecoverTable whose child op was already created is not run again', () => {
    const s = setup();
    s.manualLocal = false;
    s.tables.set(1, {
      ...s.tables.get(1)!,
      partitions: s.tables.get(1)!.partitions.map((p) => ({ ...p, replicas: p.replicas.map((r) => (r.endpoint === 'c' ? { ...r, isAlive: false } : r)) })),
    });
    const base = { formatVersion: 1, tid: 1, db: 'db', name: 't', pid: 0, vecIdx: 0, forReplicaCluster: false, startTimeS: 1, endTimeS: 0 };
    const data = { endpoint: 'c', offsetDelta: 100, isLeader: false, concurrency: 2 };
    s.zkOps.set(3, { ...base, opId: 3, opType: 'kRecoverTableOP', data, taskIndex: 1, taskStatus: 'kDoing', parentId: null });
    s.zkOps.set(9, { ...base, opId: 9, opType: 'kReAddReplicaSimplifyOP', data, taskIndex: 0, taskStatus: 'kInited', parentId: 3 });
    s.zkOps.set(8, { ...base, opId: 8, opType: 'kMakeSnapshotOP', data: { endOffset: 0 }, taskIndex: 0, taskStatus: 'kInited', parentId: null });
    s.failoverNameserver(newEngine());
    expect(s.engine.queueOpIds()[0]).toEqual([9, 8]);
    s.settle();
    expect(s.trace.filter((l) => l.startsWith('run ')).map((l) => l.split(' ').slice(1, 4).join(' '))).toEqual([
      'op9 t0 kAddReplica@a',
      'op9 t2 kUpdatePartitionStatus',
      'op8 t0 kMakeSnapshot@a',
    ]);
    expect(s.logs).toContain('info op 3: child op 9 already exists; recover table is done');
    expect(meta(s)).toBe('a* b c');
  });

  it('an op that cannot be rebuilt fails and keeps its record', () => {
    const s = setup();
    s.manualLocal = false;
    const base = { formatVersion: 1, tid: 1, db: 'db', name: 't', pid: 0, vecIdx: 0, forReplicaCluster: false, startTimeS: 1, endTimeS: 0, parentId: null };
    s.zkOps.set(2, { ...base, opId: 2, opType: 'kAddReplicaOP', data: { endpoint: 'd' }, taskIndex: 3, taskStatus: 'kDoing' });
    s.killTablet('d');
    s.failoverNameserver(newEngine());
    expect(s.engine.op(2)!.taskStatus).toBe('kFailed');
    expect(s.zkOps.get(2)!.taskStatus).toBe('kFailed');
    expect(s.logs.some((l) => l.includes('cannot be rebuilt') && l.includes('tablet d'))).toBe(true);
  });
});
