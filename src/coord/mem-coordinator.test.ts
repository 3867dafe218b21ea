import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TimerHandle, Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError, type MultiOp, type SessionEvent } from '../ports/coordinator.js';
import { type ContractSession, coordinatorContract } from '../ports/coordinator-contract.js';
import { type MemCoordinator, MemZooKeeper } from './mem-coordinator.js';

const bytes = (t: string): Uint8Array => new TextEncoder().encode(t);
const empty = new Uint8Array(0);

/** A scheduler the test pumps by hand: nothing runs until `runAll()`. */
function manualScheduler(): { schedule: (task: () => void) => void; runAll: () => number; pending: () => number } {
  const queue: (() => void)[] = [];
  return {
    schedule: (task) => queue.push(task),
    runAll: () => {
      let n = 0;
      while (queue.length > 0) {
        queue.shift()!();
        n += 1;
      }
      return n;
    },
    pending: () => queue.length,
  };
}

/** Timers whose time moves only when the test says so. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    after(delayMs, fn): TimerHandle {
      const t = { at: now + delayMs, fn, live: true };
      timers.push(t);
      return { cancel: () => void (t.live = false) };
    },
    every() {
      throw new Error('not used by MemZooKeeper');
    },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now).sort((x, y) => x.at - y.at)) {
        t.live = false;
        t.fn();
      }
    },
  };
}

describe('MemZooKeeper: the Coordinator contract', () => {
  const zk = new MemZooKeeper({ schedule: (task) => setImmediate(task) });
  const opened: Coordinator[] = [];
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
  });
  coordinatorContract(it, {
    async open(): Promise<ContractSession> {
      const c = zk.connect();
      opened.push(c);
      return {
        coordinator: c,
        async expire() {
          zk.expireSession(c.sessionId());
        },
        async interrupt() {
          const id = c.sessionId();
          zk.disconnect(id);
          zk.reconnect(id);
        },
      };
    },
    waitUntil: (condition, what) =>
      vi.waitFor(
        async () => {
          if (!(await condition())) throw new Error(`still waiting for ${what}`);
        },
        { timeout: 5_000, interval: 1 },
      ),
  });
});

describe('MemZooKeeper: delivery through the injected scheduler', () => {
  it('delivers nothing until the scheduler runs, never inside an operation, in order per session', async () => {
    const sched = manualScheduler();
    const zk = new MemZooKeeper({ schedule: sched.schedule });
    const a = zk.connect();
    const b = zk.connect();
    await a.create('/n', empty, 'persistent');
    const seen: string[] = [];
    await a.get('/n', (e, p) => seen.push(`get:${e} ${p}`));
    await a.children('/', (e, p) => seen.push(`children:${e} ${p}`));
    await a.exists('/m', (e, p) => seen.push(`exists:${e} ${p}`));
    await b.set('/n', bytes('x'));
    await b.create('/m', empty, 'persistent');
    expect(seen).toEqual([]);
    expect(sched.pending()).toBe(3);
    expect(sched.runAll()).toBe(3);
    // Change order; for one change, the node's own watches before its parent's children watch.
    expect(seen).toEqual(['get:dataChanged /n', 'exists:created /m', 'children:childrenChanged /']);
  });

  it('runs each task in outbox order even when the scheduler reorders tasks', async () => {
    const tasks: (() => void)[] = [];
    const zk = new MemZooKeeper({ schedule: (task) => tasks.push(task) });
    const a = zk.connect();
    const b = zk.connect();
    const seen: string[] = [];
    for (const p of ['/1', '/2', '/3']) await a.exists(p, (e, path) => seen.push(`${e} ${path}`));
    for (const p of ['/1', '/2', '/3']) await b.create(p, empty, 'persistent');
    for (const task of tasks.reverse()) task();
    expect(seen).toEqual(['created /1', 'created /2', 'created /3']);
  });

  it('asserts when a synchronous scheduler would run a callback inside an operation', async () => {
    const zk = new MemZooKeeper({ schedule: (task) => task() });
    const a = zk.connect();
    await a.exists('/n', () => {});
    await expect(a.create('/n', empty, 'persistent')).rejects.toThrow(/inside an operation/);
  });
});

describe('MemZooKeeper: fault injection', () => {
  it('disconnect fails operations with connectionLoss and holds notifications until reconnect', async () => {
    const sched = manualScheduler();
    const zk = new MemZooKeeper({ schedule: sched.schedule });
    const a = zk.connect();
    const b = zk.connect();
    const events: string[] = [];
    a.onSession((e) => events.push(`session:${e}`));
    await a.exists('/n', (e, p) => events.push(`watch:${e} ${p}`));
    zk.disconnect(a.sessionId());
    await expect(a.get('/')).rejects.toMatchObject({ code: 'connectionLoss' });
    await b.create('/n', empty, 'persistent');
    sched.runAll();
    expect(events).toEqual(['session:disconnected']);
    zk.reconnect(a.sessionId());
    sched.runAll();
    expect(events).toEqual(['session:disconnected', 'session:connected', 'watch:created /n']);
    expect(await a.exists('/n')).not.toBeNull();
  });

  it('with timers, a session left disconnected expires after its timeout; reconnect then reports expired', async () => {
    const sched = manualScheduler();
    const timers = fakeTimers();
    const zk = new MemZooKeeper({ schedule: sched.schedule, timers, sessionTimeoutMs: 1_000 });
    const a = zk.connect();
    const b = zk.connect();
    const oldId = a.sessionId();
    await a.create('/e', empty, 'ephemeral');
    const events: SessionEvent[] = [];
    a.onSession((e) => events.push(e));
    zk.disconnect(oldId);
    timers.advance(999);
    expect(await b.exists('/e')).not.toBeNull();
    timers.advance(1);
    expect(await b.exists('/e')).toBeNull();
    expect(zk.liveSessions()).toEqual([b.sessionId()]);
    await expect(a.get('/')).rejects.toMatchObject({ code: 'sessionExpired' });
    sched.runAll();
    expect(events).toEqual(['disconnected']);
    zk.reconnect(oldId);
    sched.runAll();
    expect(events).toEqual(['disconnected', 'expired']);
    expect(a.sessionId()).not.toBe(oldId);
    await a.create('/e', empty, 'ephemeral');
    expect((await b.exists('/e'))?.ephemeralOwner).toBe(a.sessionId());
  });

  it('a reconnect within the timeout keeps the session and cancels the expiry', async () => {
    const sched = manualScheduler();
    const timers = fakeTimers();
    const zk = new MemZooKeeper({ schedule: sched.schedule, timers, sessionTimeoutMs: 1_000 });
    const a = zk.connect();
    await a.create('/e', empty, 'ephemeral');
    zk.disconnect(a.sessionId());
    timers.advance(500);
    zk.reconnect(a.sessionId());
    timers.advance(10_000);
    expect(zk.dump().map((n) => [n.path, n.ephemeralOwner])).toEqual([['/e', a.sessionId()]]);
  });

  it('closing while disconnected leaves the ephemerals until the server expires the session', async () => {
    const sched = manualScheduler();
    const zk = new MemZooKeeper({ schedule: sched.schedule });
    const a = zk.connect();
    const id = a.sessionId();
    await a.create('/e', empty, 'ephemeral');
    a.onSession(() => expect.unreachable('a closed client gets no events'));
    zk.disconnect(id);
    await a.close();
    expect(zk.dump().map((n) => n.path)).toEqual(['/e']);
    zk.reconnect(id);
    expect(zk.liveSessions()).toEqual([id]);
    zk.expireSession(id);
    expect(zk.dump()).toEqual([]);
    expect(zk.liveSessions()).toEqual([]);
    sched.runAll();
  });

  it('expiring a connected session tells the client once; events for a closed client are dropped', async () => {
    const sched = manualScheduler();
    const zk = new MemZooKeeper({ schedule: sched.schedule });
    const a = zk.connect();
    const events: SessionEvent[] = [];
    a.onSession((e) => events.push(e));
    const id = a.sessionId();
    zk.expireSession(id);
    zk.expireSession(id);
    sched.runAll();
    expect(events).toEqual(['expired']);
    const b = zk.connect();
    b.onSession(() => expect.unreachable('a closed client gets no events'));
    zk.expireSession(b.sessionId());
    await b.close();
    sched.runAll();
    expect(() => zk.expireSession('no-such-session')).toThrow(/no session/);
  });
});

describe('MemZooKeeper: multi is atomic (property)', () => {
  const paths = ['/a', '/a/b', '/c', '/c/d', '/e'];
  const opArb: fc.Arbitrary<MultiOp> = fc.oneof(
    fc.record({
      op: fc.constant('create' as const),
      path: fc.constantFrom(...paths),
      data: fc.uint8Array({ maxLength: 3 }),
      mode: fc.constantFrom('persistent' as const, 'ephemeral' as const, 'persistentSequential' as const),
    }),
    fc.record({
      op: fc.constant('set' as const),
      path: fc.constantFrom(...paths),
      data: fc.uint8Array({ maxLength: 3 }),
      version: fc.option(fc.nat(2), { nil: undefined }),
    }),
    fc.record({
      op: fc.constant('delete' as const),
      path: fc.constantFrom(...paths),
      version: fc.option(fc.nat(2), { nil: undefined }),
    }),
    fc.record({ op: fc.constant('check' as const), path: fc.constantFrom(...paths), version: fc.nat(2) }),
  );

  async function applyOneByOne(c: MemCoordinator, ops: MultiOp[]): Promise<void> {
    for (const op of ops) {
      if (op.op === 'create') await c.create(op.path, op.data, op.mode);
      else if (op.op === 'set') await c.set(op.path, op.data, op.version);
      else if (op.op === 'delete') await c.delete(op.path, op.version);
      else if ((await c.exists(op.path))?.version !== op.version) throw new Error('check failed');
    }
  }

  it('a failed multi changes nothing; a successful one equals its ops applied one by one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 5 }), { maxLength: 8 }), async (batches) => {
        const multiZk = new MemZooKeeper({ schedule: () => {} });
        const stepZk = new MemZooKeeper({ schedule: () => {} });
        const multiClient = multiZk.connect();
        const stepClient = stepZk.connect();
        for (const batch of batches) {
          const before = multiZk.dump();
          let ok = true;
          try {
            await multiClient.multi(batch);
          } catch (err) {
            expect(err).toBeInstanceOf(CoordinatorError);
            ok = false;
          }
          if (!ok) {
            expect(multiZk.dump()).toEqual(before);
            continue;
          }
          await applyOneByOne(stepClient, batch);
          expect(multiZk.dump().map((n) => [n.path, n.version, [...n.data], n.ephemeralOwner !== null])).toEqual(
            stepZk.dump().map((n) => [n.path, n.version, [...n.data], n.ephemeralOwner !== null]),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});
