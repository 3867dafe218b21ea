import {
  type Coordinator,
  CoordinatorError,
  type CoordinatorErrorCode,
  type SessionEvent,
  type Watcher,
} from './coordinator.js';

/**
 * The behaviour every Coordinator must show: the executable half of the port's specification. Run
 * against real ZooKeeper (src/runtime/zk-coordinator.test.ts) and the simulator's MemZooKeeper
 * (src/coord/mem-coordinator.test.ts); it lives in ports because both layers may import ports and
 * neither may import the other. Framework-free and without I/O: the test file passes its `it` and a
 * harness that owns waiting and fault injection.
 */
export interface ContractSession {
  readonly coordinator: Coordinator;
  /**
   * Makes the server expire this session the way it happens in production (the client falls
   * silent for longer than the session timeout) and resolves once the server has dropped it.
   * The client learns of it afterwards and reports 'expired'.
   */
  expire(): Promise<void>;
  /** Breaks the connection briefly; the session survives and the client reconnects by itself. */
  interrupt(): Promise<void>;
}

export interface CoordinatorContractHarness {
  /** A new client on a new session. The test file closes everything it opened after each case. */
  open(): Promise<ContractSession>;
  /** Resolves once `condition` holds; fails after a bounded time naming `what`. */
  waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void>;
}

type Define = (name: string, body: () => Promise<void>) => void;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (data: Uint8Array): string => decoder.decode(data);
const empty = new Uint8Array(0);

let rootCounter = 0;
/** A fresh subtree per case, so cases sharing one server never see each other's nodes. */
async function freshRoot(c: Coordinator): Promise<string> {
  rootCounter += 1;
  const root = `/contract/case-${rootCounter}-${c.sessionId()}`;
  await c.ensurePath(root);
  return root;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`contract violated: ${message}`);
}

function checkEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

async function checkRejects(promise: Promise<unknown>, code: CoordinatorErrorCode, what: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    check(err instanceof CoordinatorError, `${what}: expected a CoordinatorError, got ${String(err)}`);
    checkEqual(err.code, code, `${what}: error code (message: ${err.message})`);
    check(err.message.length > 0, `${what}: the error has a message`);
    return;
  }
  throw new Error(`contract violated: ${what}: expected a '${code}' error, but it succeeded`);
}

function recorder(): { events: string[]; watcher: Watcher } {
  const events: string[] = [];
  return { events, watcher: (event, path) => events.push(`${event} ${path}`) };
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const sorted = (names: string[]): string[] => [...names].sort();

export function coordinatorContract(define: Define, h: CoordinatorContractHarness): void {
  let barrierCounter = 0;
  /**
   * Notifications reach a client in the order their changes happened. After the watch on a fresh
   * node fires, every notification `watcherSide` was due for earlier changes has been delivered.
   */
  async function barrier(root: string, watcherSide: Coordinator, writerSide: Coordinator): Promise<void> {
    barrierCounter += 1;
    const path = `${root}/barrier-${barrierCounter}`;
    let fired = false;
    await watcherSide.exists(path, () => {
      fired = true;
    });
    await writerSide.create(path, empty, 'persistent');
    await h.waitUntil(() => fired, `barrier watch on ${path}`);
  }

  define('create: persistent and ephemeral nodes, sequential names with a 10-digit suffix', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    checkEqual(await c.create(`${root}/p`, bytes('pv'), 'persistent'), `${root}/p`, 'persistent path');
    checkEqual(await c.create(`${root}/e`, bytes('ev'), 'ephemeral'), `${root}/e`, 'ephemeral path');
    const s1 = await c.create(`${root}/seq-`, empty, 'persistentSequential');
    const s2 = await c.create(`${root}/seq-`, empty, 'ephemeralSequential');
    check(/^seq-\d{10}$/.test(basename(s1)) && /^seq-\d{10}$/.test(basename(s2)), `sequential names ${s1} ${s2}`);
    check(s1 < s2, `sequence numbers increase: ${s1} then ${s2}`);
    checkEqual(text((await c.get(`${root}/p`)).data), 'pv', 'persistent data');
    const pStat = await c.exists(`${root}/p`);
    checkEqual(pStat, { version: 0, ephemeralOwner: null, numChildren: 0 }, 'persistent stat');
    const eStat = await c.exists(`${root}/e`);
    checkEqual(eStat?.ephemeralOwner, c.sessionId(), 'ephemeral owner is the session');
    check(/^[0-9a-f]{16}$/.test(c.sessionId()), `session id '${c.sessionId()}' is 16 hex digits`);
    checkEqual((await c.exists(root))?.numChildren, 4, 'numChildren of the root');
  });

  define('sequence suffixes count every child created under the parent; deletes do not rewind them', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    const first = await c.create(`${root}/n-`, empty, 'persistentSequential');
    await c.create(`${root}/plain`, empty, 'persistent');
    await c.delete(`${root}/plain`);
    const second = await c.create(`${root}/n-`, empty, 'ephemeralSequential');
    await c.delete(first);
    await c.delete(second);
    const third = await c.create(`${root}/m-`, empty, 'persistentSequential');
    checkEqual(
      [first, second, third].map(basename),
      ['n-0000000000', 'n-0000000002', 'm-0000000003'],
      'suffixes (one counter per parent, whatever the prefix)',
    );
  });

  define('errors: nodeExists, noNode, badVersion, notEmpty, noChildrenForEphemerals, data too large', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    await c.create(`${root}/a`, empty, 'persistent');
    await c.create(`${root}/a/child`, empty, 'persistent');
    await c.create(`${root}/eph`, empty, 'ephemeral');
    await checkRejects(c.create(`${root}/a`, empty, 'persistent'), 'nodeExists', 'create existing');
    await checkRejects(c.create(`${root}/missing/x`, empty, 'persistent'), 'noNode', 'create without parent');
    await checkRejects(c.create(`${root}/eph/x`, empty, 'persistent'), 'noChildrenForEphemerals', 'child of ephemeral');
    await checkRejects(c.get(`${root}/missing`), 'noNode', 'get missing');
    await checkRejects(c.set(`${root}/missing`, empty), 'noNode', 'set missing');
    await checkRejects(c.delete(`${root}/missing`), 'noNode', 'delete missing');
    await checkRejects(c.children(`${root}/missing`), 'noNode', 'children of missing');
    await checkRejects(c.set(`${root}/a`, empty, 7), 'badVersion', 'set with a wrong version');
    await checkRejects(c.delete(`${root}/a/child`, 3), 'badVersion', 'delete with a wrong version');
    await checkRejects(c.delete(`${root}/a`), 'notEmpty', 'delete with children');
    await checkRejects(c.create(`${root}/big`, new Uint8Array(1_000_001), 'persistent'), 'other', 'data too large');
    checkEqual(await c.exists(`${root}/big`), null, 'the oversized node was not created');
    checkEqual(await c.exists(`${root}/missing`), null, 'exists on a missing node');
  });

  define('set is compare-and-set on the data version; data is copied in and out', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    const input = bytes('v0');
    await c.create(`${root}/n`, input, 'persistent');
    input[0] = 0x58; // mutating the caller's buffer changes nothing stored
    checkEqual((await c.set(`${root}/n`, bytes('v1'), 0)).version, 1, 'version after CAS set');
    await checkRejects(c.set(`${root}/n`, bytes('lost'), 0), 'badVersion', 'stale CAS');
    checkEqual((await c.set(`${root}/n`, bytes('v2'))).version, 2, 'version after unconditional set');
    const got = await c.get(`${root}/n`);
    checkEqual([text(got.data), got.stat.version], ['v2', 2], 'data and version');
    got.data[0] = 0x58;
    checkEqual(text((await c.get(`${root}/n`)).data), 'v2', 'returned bytes are a copy');
    await c.set(`${root}/n`, empty, 2);
    checkEqual((await c.get(`${root}/n`)).data.byteLength, 0, 'empty data');
    await checkRejects(c.delete(`${root}/n`, 2), 'badVersion', 'delete with a stale version');
    await c.delete(`${root}/n`, 3);
    checkEqual(await c.exists(`${root}/n`), null, 'deleted at the right version');
  });

  define('children are names, not paths, in no particular order', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    const names = ['m', 'b', 'z', 'a', '10', '9'];
    for (const n of names) await c.create(`${root}/${n}`, empty, 'persistent');
    checkEqual(sorted(await c.children(root)), sorted(names), 'children');
    checkEqual(await c.children(`${root}/a`), [], 'no children');
  });

  define('a get watch fires dataChanged once, then not again', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(a);
    await a.create(`${root}/n`, bytes('0'), 'persistent');
    const r = recorder();
    await a.get(`${root}/n`, r.watcher);
    await b.set(`${root}/n`, bytes('1'));
    await h.waitUntil(() => r.events.length > 0, 'the data watch');
    await b.set(`${root}/n`, bytes('2'));
    await b.delete(`${root}/n`);
    await barrier(root, a, b);
    checkEqual(r.events, [`dataChanged ${root}/n`], 'one notification');
  });

  define('a get watch fires deleted when the node goes', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    await c.create(`${root}/n`, empty, 'persistent');
    const r = recorder();
    await c.get(`${root}/n`, r.watcher);
    await c.delete(`${root}/n`);
    await h.waitUntil(() => r.events.length > 0, 'the data watch');
    checkEqual(r.events, [`deleted ${root}/n`], 'notification');
    const onMissing = recorder();
    await checkRejects(c.get(`${root}/n`, onMissing.watcher), 'noNode', 'get missing with a watch');
    await c.create(`${root}/n`, empty, 'persistent');
    await c.set(`${root}/n`, bytes('x'));
    await c.delete(`${root}/n`);
    await barrier(root, c, c);
    checkEqual(onMissing.events, [], 'a failed get sets no watch');
  });

  define('an exists watch fires created on a missing node, then deleted/dataChanged on a present one', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(a);
    const created = recorder();
    checkEqual(await a.exists(`${root}/n`, created.watcher), null, 'missing');
    await b.create(`${root}/n`, empty, 'persistent');
    await h.waitUntil(() => created.events.length > 0, 'the exists watch on a missing node');
    const deleted = recorder();
    check((await a.exists(`${root}/n`, deleted.watcher)) !== null, 'present');
    await b.delete(`${root}/n`);
    await h.waitUntil(() => deleted.events.length > 0, 'the exists watch on a present node');
    const changed = recorder();
    await b.create(`${root}/n`, empty, 'persistent');
    await a.exists(`${root}/n`, changed.watcher);
    await b.set(`${root}/n`, bytes('x'));
    await h.waitUntil(() => changed.events.length > 0, 'the exists watch on a changed node');
    await b.set(`${root}/n`, bytes('y'));
    await barrier(root, a, b);
    checkEqual(created.events, [`created ${root}/n`], 'created');
    checkEqual(deleted.events, [`deleted ${root}/n`], 'deleted');
    checkEqual(changed.events, [`dataChanged ${root}/n`], 'dataChanged, once');
  });

  define('a children watch fires childrenChanged once; deleting the node fires deleted', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(a);
    await a.create(`${root}/d`, empty, 'persistent');
    const r = recorder();
    checkEqual(await a.children(`${root}/d`, r.watcher), [], 'no children yet');
    await b.create(`${root}/d/x`, empty, 'persistent');
    await h.waitUntil(() => r.events.length > 0, 'the children watch');
    await b.create(`${root}/d/y`, empty, 'persistent');
    await b.set(`${root}/d`, bytes('data changes are not child changes'));
    const gone = recorder();
    await a.children(`${root}/d`, gone.watcher);
    await b.set(`${root}/d/x`, bytes('grandchild data is not a child change'));
    await b.delete(`${root}/d/x`);
    await h.waitUntil(() => gone.events.length > 0, 'the second children watch');
    const last = recorder();
    await a.children(`${root}/d`, last.watcher);
    await b.delete(`${root}/d/y`);
    await h.waitUntil(() => last.events.length > 0, 'the third children watch');
    const onDelete = recorder();
    await a.children(`${root}/d`, onDelete.watcher);
    await b.delete(`${root}/d`);
    await h.waitUntil(() => onDelete.events.length > 0, 'the children watch on a deleted node');
    await barrier(root, a, b);
    checkEqual(r.events, [`childrenChanged ${root}/d`], 'first watch, once');
    checkEqual(gone.events, [`childrenChanged ${root}/d`], 'second watch');
    checkEqual(last.events, [`childrenChanged ${root}/d`], 'third watch');
    checkEqual(onDelete.events, [`deleted ${root}/d`], 'watch on the deleted node');
  });

  define('multi is all-or-nothing and names the failing op', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(a);
    await a.create(`${root}/n`, bytes('keep'), 'persistent');
    const watch = recorder();
    await b.exists(`${root}/x`, watch.watcher);
    let failure: unknown;
    try {
      await a.multi([
        { op: 'create', path: `${root}/x`, data: empty, mode: 'persistent' },
        { op: 'set', path: `${root}/n`, data: bytes('lost') },
        { op: 'create', path: `${root}/x/y`, data: empty, mode: 'ephemeral' },
        { op: 'check', path: `${root}/n`, version: 0 },
      ]);
    } catch (err) {
      failure = err;
    }
    check(failure instanceof CoordinatorError, `the multi failed with a CoordinatorError (${String(failure)})`);
    checkEqual(failure.code, 'badVersion', 'the failing op decides the code');
    check(failure.message.includes('op 4'), `the message names op 4: ${failure.message}`);
    checkEqual(await a.exists(`${root}/x`), null, 'the first create was undone');
    const n = await a.get(`${root}/n`);
    checkEqual([text(n.data), n.stat.version], ['keep', 0], 'the set was undone');
    await checkRejects(
      a.multi([
        { op: 'create', path: `${root}/y`, data: empty, mode: 'persistent' },
        { op: 'create', path: `${root}/y`, data: empty, mode: 'persistent' },
      ]),
      'nodeExists',
      'a multi that conflicts with itself',
    );
    checkEqual(sorted(await a.children(root)), ['n'], 'nothing was created');
    await barrier(root, b, a);
    checkEqual(watch.events, [], 'failed multis fire no watches');
  });

  define('multi applies creates, sets, deletes and checks (version 0 included) in order', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    await c.create(`${root}/old`, empty, 'persistent');
    await c.create(`${root}/cfg`, bytes('a'), 'persistent');
    await c.set(`${root}/cfg`, bytes('b'));
    await checkRejects(
      c.multi([{ op: 'check', path: `${root}/old`, version: 1 }]),
      'badVersion',
      'check at version 1 of a version-0 node',
    );
    await checkRejects(
      c.multi([{ op: 'check', path: `${root}/cfg`, version: 0 }]),
      'badVersion',
      'check at version 0 of a version-1 node',
    );
    await checkRejects(
      c.multi([{ op: 'set', path: `${root}/cfg`, data: bytes('x'), version: 0 }]),
      'badVersion',
      'set at version 0 of a version-1 node',
    );
    const results = await c.multi([
      { op: 'check', path: `${root}/old`, version: 0 },
      { op: 'create', path: `${root}/dir`, data: empty, mode: 'persistent' },
      { op: 'create', path: `${root}/dir/item-`, data: bytes('i'), mode: 'persistentSequential' },
      { op: 'set', path: `${root}/cfg`, data: bytes('c'), version: 1 },
      { op: 'delete', path: `${root}/old`, version: 0 },
    ]);
    checkEqual(
      results.map((r) => r.op),
      ['check', 'create', 'create', 'set', 'delete'],
      'one result per op',
    );
    const seq = results[2];
    check(seq?.op === 'create' && /\/dir\/item-0000000000$/.test(seq.path), `sequential path ${JSON.stringify(seq)}`);
    const set = results[3];
    checkEqual(set?.op === 'set' ? set.stat.version : -1, 2, 'set result version');
    checkEqual(sorted(await c.children(root)), ['cfg', 'dir'], 'children after the multi');
    checkEqual(await c.multi([]), [], 'an empty multi');
  });

  define('ensurePath creates missing ancestors, is idempotent and keeps existing data', async () => {
    const { coordinator: c } = await h.open();
    const root = await freshRoot(c);
    await c.create(`${root}/a`, bytes('keep'), 'persistent');
    await c.ensurePath(`${root}/a/b/c/d`);
    check((await c.exists(`${root}/a/b/c/d`)) !== null, 'the deep path exists');
    await c.ensurePath(`${root}/a/b/c/d`);
    await c.ensurePath(`${root}/a/b`);
    checkEqual(text((await c.get(`${root}/a`)).data), 'keep', 'existing data untouched');
    checkEqual(await c.children(`${root}/a/b/c`), ['d'], 'one child');
  });

  define('an ephemeral vanishes when its owner closes; afterwards the closed client fails with connectionLoss', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(b);
    await a.create(`${root}/e`, empty, 'ephemeral');
    await a.create(`${root}/p`, empty, 'persistent');
    const r = recorder();
    check((await b.exists(`${root}/e`, r.watcher)) !== null, 'the ephemeral exists');
    await a.close();
    await a.close();
    await h.waitUntil(() => r.events.length > 0, 'the watch on the ephemeral');
    checkEqual(r.events, [`deleted ${root}/e`], 'deleted');
    checkEqual(await b.exists(`${root}/e`), null, 'the ephemeral is gone');
    check((await b.exists(`${root}/p`)) !== null, 'the persistent node stays');
    await checkRejects(a.get(`${root}/p`), 'connectionLoss', 'an operation after close');
  });

  define('session expiry: ephemerals vanish, the client reports expired on a new session, old watches never fire', async () => {
    const [victim, { coordinator: b }] = [await h.open(), await h.open()];
    const a = victim.coordinator;
    const root = await freshRoot(b);
    const events: SessionEvent[] = [];
    a.onSession((e) => events.push(e));
    const oldSession = a.sessionId();
    await a.create(`${root}/e`, bytes('a'), 'ephemeral');
    await a.create(`${root}/p`, empty, 'persistent');
    const bWatch = recorder();
    await b.exists(`${root}/e`, bWatch.watcher);
    const oldWatch = recorder();
    await a.exists(`${root}/later`, oldWatch.watcher);

    await victim.expire();
    await h.waitUntil(() => bWatch.events.length > 0, 'the other session sees the ephemeral go');
    checkEqual(bWatch.events, [`deleted ${root}/e`], 'deleted');
    await h.waitUntil(() => events.includes('expired'), "the victim's 'expired' event");
    checkEqual(events.at(-1), 'expired', 'last session event');
    check(!events.includes('connected'), `no 'connected' for an expired session: ${events.join(',')}`);
    check(a.sessionId() !== oldSession, `a new session id (${oldSession} → ${a.sessionId()})`);

    // The owner re-registers on the new session.
    await a.create(`${root}/e`, bytes('again'), 'ephemeral');
    checkEqual((await b.exists(`${root}/e`))?.ephemeralOwner, a.sessionId(), 'owned by the new session');
    check((await a.exists(`${root}/p`)) !== null, 'persistent nodes survive');
    await b.create(`${root}/later`, empty, 'persistent');
    await barrier(root, a, b);
    checkEqual(oldWatch.events, [], "the expired session's watch never fires");
  });

  define('a brief disconnection keeps the session: disconnected, then connected, ephemerals intact', async () => {
    const [victim, { coordinator: b }] = [await h.open(), await h.open()];
    const a = victim.coordinator;
    const root = await freshRoot(b);
    const events: SessionEvent[] = [];
    a.onSession((e) => events.push(e));
    const session = a.sessionId();
    await a.create(`${root}/e`, empty, 'ephemeral');
    const r = recorder();
    await a.exists(`${root}/later`, r.watcher);
    await victim.interrupt();
    await h.waitUntil(() => events.includes('connected'), "'connected' after the interruption");
    checkEqual(events, ['disconnected', 'connected'], 'session events');
    checkEqual(a.sessionId(), session, 'same session');
    checkEqual((await b.exists(`${root}/e`))?.ephemeralOwner, session, 'the ephemeral survives');
    await b.create(`${root}/later`, empty, 'persistent');
    await h.waitUntil(() => r.events.length > 0, 'a watch set before the interruption');
    checkEqual(r.events, [`created ${root}/later`], 'watches survive');
  });

  define('election: the lowest ephemeralSequential under leader/ wins; the next takes over when it closes', async () => {
    const [{ coordinator: a }, { coordinator: b }] = [await h.open(), await h.open()];
    const root = await freshRoot(a);
    const dir = `${root}/leader`;
    await a.ensurePath(dir);
    const mine = new Map<Coordinator, string>();
    mine.set(a, basename(await a.create(`${dir}/lock_request`, bytes('A'), 'ephemeralSequential')));
    mine.set(b, basename(await b.create(`${dir}/lock_request`, bytes('B'), 'ephemeralSequential')));
    const leads = new Map<Coordinator, boolean>();
    const campaign = async (c: Coordinator): Promise<void> => {
      const names = sorted(await c.children(dir, () => void campaign(c).catch(() => {})));
      leads.set(c, names[0] === mine.get(c));
    };
    await campaign(a);
    await campaign(b);
    checkEqual([leads.get(a), leads.get(b)], [true, false], 'a leads first');
    const first = sorted(await b.children(dir))[0]!;
    checkEqual(text((await b.get(`${dir}/${first}`)).data), 'A', "the leader's value");
    await a.close();
    await h.waitUntil(() => leads.get(b) === true, 'b takes over');
    checkEqual(await b.children(dir), [mine.get(b)], 'only b is left');
  });
}
