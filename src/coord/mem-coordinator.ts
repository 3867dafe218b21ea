import { assert } from '../base/assert.js';
import type { TimerHandle, Timers } from '../ports/clock.js';
import {
  assertValidPath,
  type Coordinator,
  CoordinatorError,
  type CoordinatorErrorCode,
  coordinatorDataBytesMax,
  type MultiOp,
  type MultiResult,
  type NodeMode,
  type NodeStat,
  parentPath,
  type SessionEvent,
  type WatchEvent,
  type Watcher,
} from '../ports/coordinator.js';

/**
 * A deterministic in-memory ZooKeeper for the simulator: one `MemZooKeeper` holds the tree,
 * versions, sequence counters, ephemeral ownership per session and one-shot watches; `connect()`
 * hands out a Coordinator bound to a new session. Operations apply synchronously when called.
 * Watch notifications and session events go through the injected `schedule` (the simulator decides
 * when they run), in order per session, never from inside an operation.
 *
 * Faults: `expireSession` (ephemerals vanish, other sessions' watches fire, the client then sees
 * 'expired' and gets a new session), `disconnect`/`reconnect` (operations fail with connectionLoss,
 * notifications are held until reconnect; with `timers`, a session left disconnected for its
 * timeout expires by itself, as on a real server).
 */
export interface MemZooKeeperOptions {
  /** Runs a task later, never inside the current call. Each task must run exactly once. */
  schedule: (task: () => void) => void;
  /** When given, a session left disconnected for its timeout expires by itself. */
  timers?: Timers;
  /** Default session timeout for `connect()`. Default 10 s. */
  sessionTimeoutMs?: number;
}

interface MemNode {
  data: Uint8Array;
  version: number;
  /**
   * Children created so far: the suffix of the next sequential child. ZooKeeper 3.8 advances it on
   * every child creation and, as measured by the contract suite, not on deletes.
   */
  cversion: number;
  ephemeralOwner: Session | null;
  children: Set<string>;
}

type SessionState = 'connected' | 'disconnected' | 'expired' | 'closed';

interface Session {
  readonly id: string;
  state: SessionState;
  readonly timeoutMs: number;
  /** Null once the client closed while disconnected: the session waits for expiry alone. */
  client: MemCoordinator | null;
  readonly ephemerals: Set<string>;
  /** Notifications triggered while disconnected, delivered on reconnect. */
  held: (() => void)[];
  expiryTimer: TimerHandle | null;
}

interface WatchRegistration {
  session: Session;
  watcher: Watcher;
}
type WatchTable = Map<string, WatchRegistration[]>;

/** Effects of one operation (or one multi) held back until it commits. */
interface Change {
  undo: (() => void)[];
  triggers: { table: WatchTable; path: string; event: WatchEvent }[];
}

/** One entry of `dump()`. */
export interface MemNodeDump {
  path: string;
  data: Uint8Array;
  version: number;
  ephemeralOwner: string | null;
}

export class MemZooKeeper {
  private readonly nodes = new Map<string, MemNode>();
  private readonly sessions = new Map<string, Session>();
  private readonly dataWatches: WatchTable = new Map();
  private readonly existWatches: WatchTable = new Map();
  private readonly childWatches: WatchTable = new Map();
  private sessionCounter = 0;
  /** > 0 while an operation runs: a delivered callback then would be re-entrant. */
  private depth = 0;
  readonly schedule: (task: () => void) => void;
  private readonly timers: Timers | undefined;
  private readonly defaultSessionTimeoutMs: number;

  constructor(options: MemZooKeeperOptions) {
    this.schedule = options.schedule;
    this.timers = options.timers;
    this.defaultSessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.nodes.set('/', newNode(new Uint8Array(0), null));
  }

  /** A client on a new session, connected at once. */
  connect(options: { sessionTimeoutMs?: number } = {}): MemCoordinator {
    const client = new MemCoordinator(this, options.sessionTimeoutMs ?? this.defaultSessionTimeoutMs);
    return client;
  }

  /** The server ends a session: its ephemerals vanish and its watches are dropped. */
  expireSession(sessionId: string): void {
    const s = this.session(sessionId);
    if (s.state === 'expired' || s.state === 'closed') return;
    const wasConnected = s.state === 'connected';
    this.endSession(s, 'expired');
    // A connected client learns at once; a disconnected one when it reconnects.
    if (wasConnected && s.client) s.client.enqueue(() => s.client?.replaceExpiredSession(s));
  }

  /** The client loses its connection; the session lives on (until its timeout, when timers were given). */
  disconnect(sessionId: string): void {
    const s = this.session(sessionId);
    if (s.state !== 'connected') return;
    s.state = 'disconnected';
    s.client?.enqueue(() => s.client?.emitSession('disconnected'));
    if (this.timers) s.expiryTimer = this.timers.after(s.timeoutMs, () => this.expireSession(s.id));
  }

  /** The client's connection is back: 'connected' (same session) or, if it expired meanwhile, 'expired'. */
  reconnect(sessionId: string): void {
    const s = this.session(sessionId);
    const client = s.client;
    if (!client || client.currentSession() !== s) return;
    if (s.state === 'disconnected') {
      s.state = 'connected';
      s.expiryTimer?.cancel();
      s.expiryTimer = null;
      client.enqueue(() => client.emitSession('connected'));
      for (const task of s.held) client.enqueue(task);
      s.held = [];
    } else if (s.state === 'expired') {
      client.enqueue(() => client.replaceExpiredSession(s));
    }
  }

  /** Ids of sessions the server still holds (connected or disconnected), in creation order. */
  liveSessions(): string[] {
    return [...this.sessions.values()].filter((s) => s.state === 'connected' || s.state === 'disconnected').map((s) => s.id);
  }

  /** Every node except the root, sorted by path (for invariant checks and debugging). */
  dump(): MemNodeDump[] {
    return [...this.nodes.entries()]
      .filter(([path]) => path !== '/')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, n]) => ({ path, data: n.data.slice(), version: n.version, ephemeralOwner: n.ephemeralOwner?.id ?? null }));
  }

  // ---- used by MemCoordinator ------------------------------------------------------------------

  openSession(client: MemCoordinator, timeoutMs: number): Session {
    this.sessionCounter += 1;
    const id = this.sessionCounter.toString(16).padStart(16, '0');
    const s: Session = {
      id,
      state: 'connected',
      timeoutMs,
      client,
      ephemerals: new Set(),
      held: [],
      expiryTimer: null,
    };
    this.sessions.set(id, s);
    return s;
  }

  /** The client closes: a reachable session ends now; an unreachable one waits for its expiry. */
  closeSession(s: Session): void {
    s.client = null;
    if (s.state === 'connected') this.endSession(s, 'closed');
    else if (s.state === 'expired') this.sessions.delete(s.id);
  }

  forgetSession(s: Session): void {
    this.sessions.delete(s.id);
  }

  /** Runs one operation for `s`; `body` returns a value or an error, and records its changes. */
  run<T>(s: Session, what: string, body: (change: Change) => T | CoordinatorError): T {
    if (s.state === 'disconnected') throw failure('connectionLoss', what, 'the connection to ZooKeeper is lost');
    if (s.state === 'expired') throw failure('sessionExpired', what, `session ${s.id} expired`);
    assert(s.state === 'connected', `operation on a ${s.state} session`);
    this.depth += 1;
    try {
      const change: Change = { undo: [], triggers: [] };
      const result = body(change);
      if (result instanceof CoordinatorError) {
        for (let i = change.undo.length - 1; i >= 0; i--) change.undo[i]!();
        throw result;
      }
      for (const t of change.triggers) this.trigger(t.table, t.path, t.event);
      return result;
    } finally {
      this.depth -= 1;
    }
  }

  assertNotInOperation(): void {
    assert(this.depth === 0, 'a coordinator callback ran inside an operation (the schedule must defer tasks)');
  }

  create(s: Session, change: Change, what: string, path: string, data: Uint8Array, mode: NodeMode): string | CoordinatorError {
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName);
    if (!parent) return failure('noNode', what, `the parent ${parentName} does not exist`);
    if (parent.ephemeralOwner) return failure('noChildrenForEphemerals', what, `the parent ${parentName} is ephemeral`);
    const sequential = mode === 'persistentSequential' || mode === 'ephemeralSequential';
    const created = sequential ? path + String(parent.cversion).padStart(10, '0') : path;
    if (this.nodes.has(created)) return failure('nodeExists', what, `${created} already exists`);
    const owner = mode === 'ephemeral' || mode === 'ephemeralSequential' ? s : null;
    const name = created.slice(parentName === '/' ? 1 : parentName.length + 1);
    this.nodes.set(created, newNode(data.slice(), owner));
    parent.children.add(name);
    parent.cversion += 1;
    owner?.ephemerals.add(created);
    change.undo.push(() => {
      this.nodes.delete(created);
      parent.children.delete(name);
      parent.cversion -= 1;
      owner?.ephemerals.delete(created);
    });
    change.triggers.push(
      { table: this.existWatches, path: created, event: 'created' },
      { table: this.childWatches, path: parentName, event: 'childrenChanged' },
    );
    return created;
  }

  remove(change: Change, what: string, path: string, version: number | undefined): undefined | CoordinatorError {
    const node = this.nodes.get(path);
    if (!node || path === '/') return failure(node ? 'other' : 'noNode', what, node ? 'the root cannot be deleted' : `${path} does not exist`);
    if (version !== undefined && node.version !== version) {
      return failure('badVersion', what, `${path} is at version ${node.version}, not ${version}`);
    }
    if (node.children.size > 0) return failure('notEmpty', what, `${path} has ${node.children.size} children`);
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName)!;
    const name = path.slice(parentName === '/' ? 1 : parentName.length + 1);
    this.nodes.delete(path);
    parent.children.delete(name);
    node.ephemeralOwner?.ephemerals.delete(path);
    change.undo.push(() => {
      this.nodes.set(path, node);
      parent.children.add(name);
      node.ephemeralOwner?.ephemerals.add(path);
    });
    change.triggers.push(
      { table: this.dataWatches, path, event: 'deleted' },
      { table: this.childWatches, path, event: 'deleted' },
      { table: this.childWatches, path: parentName, event: 'childrenChanged' },
    );
    return undefined;
  }

  setData(change: Change, what: string, path: string, data: Uint8Array, version: number | undefined): NodeStat | CoordinatorError {
    const node = this.nodes.get(path);
    if (!node) return failure('noNode', what, `${path} does not exist`);
    if (version !== undefined && node.version !== version) {
      return failure('badVersion', what, `${path} is at version ${node.version}, not ${version}`);
    }
    const before = { data: node.data, version: node.version };
    node.data = data.slice();
    node.version += 1;
    change.undo.push(() => {
      node.data = before.data;
      node.version = before.version;
    });
    change.triggers.push({ table: this.dataWatches, path, event: 'dataChanged' });
    return statOf(node);
  }

  check(what: string, path: string, version: number): undefined | CoordinatorError {
    const node = this.nodes.get(path);
    if (!node) return failure('noNode', what, `${path} does not exist`);
    if (node.version !== version) return failure('badVersion', what, `${path} is at version ${node.version}, not ${version}`);
    return undefined;
  }

  read(path: string): MemNode | undefined {
    return this.nodes.get(path);
  }

  watch(table: 'data' | 'exist' | 'child', s: Session, path: string, watcher: Watcher): void {
    const t = table === 'data' ? this.dataWatches : table === 'exist' ? this.existWatches : this.childWatches;
    const list = t.get(path);
    if (list) list.push({ session: s, watcher });
    else t.set(path, [{ session: s, watcher }]);
  }

  // ---- internals -------------------------------------------------------------------------------

  private session(id: string): Session {
    const s = this.sessions.get(id);
    assert(s !== undefined, `no session ${id} on this MemZooKeeper`);
    return s;
  }

  private trigger(table: WatchTable, path: string, event: WatchEvent): void {
    const list = table.get(path);
    if (!list) return;
    table.delete(path);
    for (const { session, watcher } of list) {
      const task = (): void => watcher(event, path);
      if (session.state === 'connected') session.client?.enqueue(task);
      else if (session.state === 'disconnected') session.held.push(task);
    }
  }

  /** Removes the session's ephemerals (firing other sessions' watches) and drops its own watches. */
  private endSession(s: Session, state: 'expired' | 'closed'): void {
    s.state = state;
    s.held = [];
    s.expiryTimer?.cancel();
    s.expiryTimer = null;
    for (const table of [this.dataWatches, this.existWatches, this.childWatches]) {
      for (const [path, list] of table) {
        const kept = list.filter((r) => r.session !== s);
        if (kept.length === 0) table.delete(path);
        else if (kept.length !== list.length) table.set(path, kept);
      }
    }
    // Children before parents: an ephemeral never has children, so any order works; keep creation order.
    for (const path of [...s.ephemerals]) {
      const change: Change = { undo: [], triggers: [] };
      const result = this.remove(change, `expire ${path}`, path, undefined);
      assert(!(result instanceof CoordinatorError), `ephemeral ${path} of session ${s.id} could not be removed`);
      for (const t of change.triggers) this.trigger(t.table, t.path, t.event);
    }
    if (state === 'closed' || !s.client) this.sessions.delete(s.id);
  }
}

/** A Coordinator bound to one MemZooKeeper session at a time (a new one after expiry). */
export class MemCoordinator implements Coordinator {
  private session: Session;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  /** Callbacks waiting for the scheduler, in delivery order; one scheduled task per entry. */
  private readonly outbox: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly server: MemZooKeeper,
    private readonly sessionTimeoutMs: number,
  ) {
    this.session = server.openSession(this, sessionTimeoutMs);
  }

  async create(path: string, data: Uint8Array, mode: NodeMode): Promise<string> {
    assertValidPath(path);
    const what = `create ${path}`;
    return this.op(what, (s, change) =>
      data.byteLength > coordinatorDataBytesMax ? tooLarge(what, data) : this.server.create(s, change, what, path, data, mode),
    );
  }

  async ensurePath(path: string): Promise<void> {
    assertValidPath(path);
    if (path === '/' || (await this.exists(path)) !== null) return;
    let prefix = '';
    for (const part of path.slice(1).split('/')) {
      prefix += `/${part}`;
      try {
        await this.create(prefix, new Uint8Array(0), 'persistent');
      } catch (err) {
        if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
      }
    }
  }

  async get(path: string, watcher?: Watcher): Promise<{ data: Uint8Array; stat: NodeStat }> {
    assertValidPath(path);
    const what = `get ${path}`;
    return this.op(what, (s) => {
      const node = this.server.read(path);
      if (!node) return failure('noNode', what, `${path} does not exist`);
      if (watcher) this.server.watch('data', s, path, watcher);
      return { data: node.data.slice(), stat: statOf(node) };
    });
  }

  async set(path: string, data: Uint8Array, version?: number): Promise<NodeStat> {
    assertValidPath(path);
    assertVersion(version);
    const what = `set ${path}`;
    return this.op(what, (_, change) =>
      data.byteLength > coordinatorDataBytesMax ? tooLarge(what, data) : this.server.setData(change, what, path, data, version),
    );
  }

  async exists(path: string, watcher?: Watcher): Promise<NodeStat | null> {
    assertValidPath(path);
    return this.op(`exists ${path}`, (s) => {
      const node = this.server.read(path);
      if (watcher) this.server.watch(node ? 'data' : 'exist', s, path, watcher);
      return node ? statOf(node) : null;
    });
  }

  async children(path: string, watcher?: Watcher): Promise<string[]> {
    assertValidPath(path);
    const what = `children ${path}`;
    return this.op(what, (s) => {
      const node = this.server.read(path);
      if (!node) return failure('noNode', what, `${path} does not exist`);
      if (watcher) this.server.watch('child', s, path, watcher);
      return [...node.children];
    });
  }

  async delete(path: string, version?: number): Promise<void> {
    assertValidPath(path);
    assertVersion(version);
    const what = `delete ${path}`;
    return this.op(what, (_, change) => this.server.remove(change, what, path, version));
  }

  async multi(ops: MultiOp[]): Promise<MultiResult[]> {
    for (const op of ops) {
      assertValidPath(op.path);
      if (op.op !== 'create') assertVersion(op.version);
    }
    const what = `multi of ${ops.length} ops`;
    return this.op(what, (s, change) => {
      const results: MultiResult[] = [];
      for (const [i, op] of ops.entries()) {
        const at = `${what} at op ${i + 1} (${op.op} ${op.path})`;
        let result: MultiResult | CoordinatorError;
        switch (op.op) {
          case 'create': {
            if (op.data.byteLength > coordinatorDataBytesMax) return tooLarge(at, op.data);
            const created = this.server.create(s, change, at, op.path, op.data, op.mode);
            result = created instanceof CoordinatorError ? created : { op: 'create', path: created };
            break;
          }
          case 'set': {
            if (op.data.byteLength > coordinatorDataBytesMax) return tooLarge(at, op.data);
            const stat = this.server.setData(change, at, op.path, op.data, op.version);
            result = stat instanceof CoordinatorError ? stat : { op: 'set', stat };
            break;
          }
          case 'delete': {
            const removed = this.server.remove(change, at, op.path, op.version);
            result = removed instanceof CoordinatorError ? removed : { op: 'delete' };
            break;
          }
          case 'check': {
            const checked = this.server.check(at, op.path, op.version);
            result = checked instanceof CoordinatorError ? checked : { op: 'check' };
            break;
          }
        }
        if (result instanceof CoordinatorError) return result;
        results.push(result);
      }
      return results;
    });
  }

  onSession(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sessionId(): string {
    return this.session.id;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.outbox.length = 0;
    this.listeners.clear();
    this.server.closeSession(this.session);
  }

  // ---- used by MemZooKeeper --------------------------------------------------------------------

  currentSession(): Session {
    return this.session;
  }

  enqueue(task: () => void): void {
    if (this.closed) return;
    this.outbox.push(task);
    this.server.schedule(() => this.deliverOne());
  }

  emitSession(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Delivered when the client learns its session expired: move to a new session, then tell the owner. */
  replaceExpiredSession(expired: Session): void {
    if (this.session !== expired) return;
    this.server.forgetSession(expired);
    this.session = this.server.openSession(this, this.sessionTimeoutMs);
    this.emitSession('expired');
  }

  private deliverOne(): void {
    const task = this.outbox.shift();
    if (!task || this.closed) return;
    this.server.assertNotInOperation();
    task();
  }

  private op<T>(what: string, body: (s: Session, change: Change) => T | CoordinatorError): T {
    if (this.closed) throw failure('connectionLoss', what, 'the coordinator is closed');
    return this.server.run(this.session, what, (change) => body(this.session, change));
  }
}

function newNode(data: Uint8Array, owner: Session | null): MemNode {
  return { data, version: 0, cversion: 0, ephemeralOwner: owner, children: new Set() };
}

function statOf(node: MemNode): NodeStat {
  return { version: node.version, ephemeralOwner: node.ephemeralOwner?.id ?? null, numChildren: node.children.size };
}

function failure(code: CoordinatorErrorCode, what: string, reason: string): CoordinatorError {
  return new CoordinatorError(code, `${what} failed: ${reason}`);
}

function tooLarge(what: string, data: Uint8Array): CoordinatorError {
  return failure('other', what, `data is ${data.byteLength} bytes, the limit is ${coordinatorDataBytesMax}`);
}

function assertVersion(version: number | undefined): void {
  assert(
    version === undefined || (Number.isInteger(version) && version >= 0),
    `coordinator version must be a non-negative integer (or omitted for any), got ${version}`,
  );
}
