import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { type Client, createClient, type Event, type Exception, type Stat, State } from 'node-zookeeper-client';
import { assert } from '../base/assert.js';
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
  type SessionEvent,
  type Watcher,
} from '../ports/coordinator.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import {
  addToTransaction,
  copyBytes,
  createModeOf,
  MultiOpError,
  runtimeInconsistency,
  type TransactionResult,
  toBuffer,
  toCoordinatorError,
  toMultiResult,
  toNodeStat,
  watchEventOf,
} from './zk-library-mapping.js';

export interface ZkCoordinatorOptions {
  /** 'host:port[,host:port...][/chroot]' */
  connectString: string;
  /** Requested session timeout; the server clamps it to its [minSessionTimeout, maxSessionTimeout]. */
  sessionTimeoutMs?: number;
  /** How long connect() waits for the first session. The client library alone would wait forever. */
  connectTimeoutMs?: number;
  /** An operation with no answer by then fails with 'timeout' (it may still take effect later). */
  operationTimeoutMs?: number;
  /** How long close() waits for the server to end the session before dropping the socket. */
  closeTimeoutMs?: number;
  /** More concurrent operations than this fail at once instead of queueing. Default 10 000. */
  operationsInFlightMax?: number;
  logger?: Logger;
}

/**
 * The parts of node-zookeeper-client's ConnectionManager (1.1.x) this adapter reaches into: the
 * library has no read timeout (a silent network partition leaves it "connected" forever) and no
 * way to abandon a client without it reconnecting. See zk-DESIGN.md.
 */
interface ConnectionManagerInternals extends EventEmitter {
  state: number;
  socket?: Socket;
  onSocketData(buffer: Buffer): void;
  connect(): void;
}
const cmState = { connecting: 1, connected: 2, closed: -2 } as const;

interface InFlight {
  client: Client;
  fail(code: CoordinatorErrorCode, reason: string): void;
}

const emptyBuffer = Buffer.alloc(0);

/** The Coordinator port over a real ZooKeeper ensemble, through node-zookeeper-client. */
export class ZkCoordinator implements Coordinator {
  /** Connects and resolves once the first session is established; rejects with 'timeout' otherwise. */
  static async connect(options: ZkCoordinatorOptions): Promise<ZkCoordinator> {
    const coordinator = new ZkCoordinator(options);
    const timeoutMs = options.connectTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        coordinator.firstConnection,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new CoordinatorError(
                  'timeout',
                  `connect to ZooKeeper at ${options.connectString} failed: no session within ${timeoutMs} ms`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      await coordinator.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return coordinator;
  }

  private readonly connectString: string;
  private readonly sessionTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly operationsInFlightMax: number;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly inFlight = new Set<InFlight>();
  private client: Client;
  /** Our view of the current client's link; session events are emitted on its transitions. */
  private linkUp = false;
  private everConnected = false;
  /** Set when the session expired: the replacement client's first connection is reported as 'expired'. */
  private replacingExpired = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly firstConnection: Promise<void>;
  private resolveFirstConnection!: () => void;
  /** Last time the current connection showed life (bytes received or a state change). */
  private lastProgressMs = performance.now();
  private lastWatchdogTickMs = performance.now();
  private readonly watchdog: NodeJS.Timeout;

  private constructor(options: ZkCoordinatorOptions) {
    this.connectString = options.connectString;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.operationsInFlightMax = options.operationsInFlightMax ?? 10_000;
    this.log = (options.logger ?? silentLogger).child({ component: 'zookeeper', zk: options.connectString });
    this.firstConnection = new Promise((resolve) => {
      this.resolveFirstConnection = resolve;
    });
    this.client = this.startClient();
    // The server may negotiate a shorter timeout than requested: check often enough for any.
    const checkEveryMs = Math.min(250, Math.max(50, Math.floor(this.sessionTimeoutMs / 12)));
    this.watchdog = setInterval(() => this.checkLiveness(checkEveryMs), checkEveryMs);
    this.watchdog.unref();
  }

  async create(path: string, data: Uint8Array, mode: NodeMode): Promise<string> {
    assertValidPath(path);
    const what = `create ${path}`;
    checkDataSize(what, data);
    return this.call<string>(what, (client, done) =>
      client.create(path, toBuffer(data), createModeOf(mode), (err, created) => done(err, created)),
    );
  }

  async ensurePath(path: string): Promise<void> {
    assertValidPath(path);
    if (path === '/' || (await this.exists(path)) !== null) return;
    let prefix = '';
    for (const part of path.slice(1).split('/')) {
      prefix += `/${part}`;
      try {
        await this.create(prefix, emptyBuffer, 'persistent');
      } catch (err) {
        if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
      }
    }
  }

  async get(path: string, watcher?: Watcher): Promise<{ data: Uint8Array; stat: NodeStat }> {
    assertValidPath(path);
    const watch = this.wrapWatcher(watcher);
    return this.call(
      `get ${path}`,
      (client, done) => {
        const cb = (err: Error | Exception | null, data: Buffer | null, stat: Stat): void =>
          done(err, err ? undefined : { data: copyBytes(data), stat: toNodeStat(stat) });
        if (watch) client.getData(path, watch.fn, cb);
        else client.getData(path, cb);
      },
      watch?.arm,
    );
  }

  async set(path: string, data: Uint8Array, version?: number): Promise<NodeStat> {
    assertValidPath(path);
    assertVersion(version);
    const what = `set ${path}`;
    checkDataSize(what, data);
    return this.call(what, (client, done) =>
      client.setData(path, toBuffer(data), version ?? -1, (err, stat) => done(err, err ? undefined : toNodeStat(stat))),
    );
  }

  async exists(path: string, watcher?: Watcher): Promise<NodeStat | null> {
    assertValidPath(path);
    const watch = this.wrapWatcher(watcher);
    return this.call(
      `exists ${path}`,
      (client, done) => {
        const cb = (err: Error | Exception | null, stat: Stat | null): void =>
          done(err, err ? undefined : stat ? toNodeStat(stat) : null);
        if (watch) client.exists(path, watch.fn, cb);
        else client.exists(path, cb);
      },
      watch?.arm,
    );
  }

  async children(path: string, watcher?: Watcher): Promise<string[]> {
    assertValidPath(path);
    const watch = this.wrapWatcher(watcher);
    return this.call(
      `children ${path}`,
      (client, done) => {
        const cb = (err: Error | Exception | null, names: string[]): void => done(err, err ? undefined : [...names]);
        if (watch) client.getChildren(path, watch.fn, cb);
        else client.getChildren(path, cb);
      },
      watch?.arm,
    );
  }

  async delete(path: string, version?: number): Promise<void> {
    assertValidPath(path);
    assertVersion(version);
    return this.call(`delete ${path}`, (client, done) => client.remove(path, version ?? -1, (err) => done(err)));
  }

  async multi(ops: MultiOp[]): Promise<MultiResult[]> {
    for (const op of ops) {
      assertValidPath(op.path);
      if (op.op !== 'create') assertVersion(op.version);
      if (op.op === 'create' || op.op === 'set') checkDataSize(`multi ${op.op} ${op.path}`, op.data);
    }
    if (ops.length === 0) return [];
    const what = `multi of ${ops.length} ops`;
    return this.call<MultiResult[]>(what, (client, done) => {
      const tx = client.transaction();
      for (const op of ops) addToTransaction(tx, op);
      tx.commit((err, results: TransactionResult[] | undefined) => {
        if (err) {
          const index = results?.findIndex((r) => r.err !== undefined && r.err !== 0 && r.err !== runtimeInconsistency);
          const failed = index !== undefined && index >= 0 ? ops[index] : undefined;
          done(failed ? new MultiOpError(err, `op ${index! + 1} (${failed.op} ${failed.path})`) : err);
          return;
        }
        done(null, ops.map((op, i) => toMultiResult(op, results![i]!)));
      });
    });
  }

  onSession(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sessionId(): string {
    return this.client.getSessionId().toString('hex');
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.listeners.clear();
    const client = this.client;
    const cm = internals(client);
    if (cm.state === cmState.connected) {
      // Ask the server to end the session (its ephemerals vanish now), then wait for the socket to close.
      const closedByServer = new Promise<void>((resolve) => {
        cm.on('state', (s: number) => {
          if (s === cmState.closed) resolve();
        });
      });
      client.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closedByServer, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)))]);
      clearTimeout(timer);
    }
    this.discard(client, 'connectionLoss', 'the coordinator is closed');
    this.log.info('zookeeper session closed');
  }

  /** A fresh library client with the liveness hooks; it starts connecting at once. */
  private startClient(): Client {
    const client = createClient(this.connectString, {
      sessionTimeout: this.sessionTimeoutMs,
      spinDelay: 200,
      retries: 0,
    });
    const cm = internals(client);
    const onSocketData = cm.onSocketData;
    cm.onSocketData = (buffer: Buffer) => {
      if (client === this.client) this.lastProgressMs = performance.now();
      onSocketData.call(cm, buffer);
    };
    cm.on('state', () => {
      if (client === this.client) this.lastProgressMs = performance.now();
    });
    client.on('state', (state: State) => this.onClientState(client, state));
    this.lastProgressMs = performance.now();
    client.connect();
    return client;
  }

  private onClientState(client: Client, state: State): void {
    if (client !== this.client || this.closed) return;
    if (state === State.SYNC_CONNECTED) {
      if (this.linkUp) return;
      this.linkUp = true;
      if (!this.everConnected) {
        this.everConnected = true;
        this.log.info('zookeeper session established', { sessionId: this.sessionId() });
        this.resolveFirstConnection();
      } else if (this.replacingExpired) {
        this.replacingExpired = false;
        this.log.warn('zookeeper session expired; connected on a new session', { sessionId: this.sessionId() });
        this.emit('expired');
      } else {
        this.log.info('zookeeper connection restored', { sessionId: this.sessionId() });
        this.emit('connected');
      }
    } else if (state === State.DISCONNECTED) {
      if (!this.linkUp) return;
      this.linkUp = false;
      this.log.warn('zookeeper connection lost', { sessionId: this.sessionId() });
      this.emit('disconnected');
    } else if (state === State.EXPIRED) {
      const oldSession = this.sessionId();
      this.log.warn('zookeeper session expired; starting a new session', { sessionId: oldSession });
      if (this.linkUp) {
        this.linkUp = false;
        this.emit('disconnected');
      }
      this.discard(client, 'sessionExpired', `session ${oldSession} expired`);
      if (this.everConnected) this.replacingExpired = true;
      this.client = this.startClient();
    } else {
      this.log.error('zookeeper client reached an unexpected state', { state: state.name });
    }
  }

  /**
   * The library never notices a silent partition. Like the Java client, treat a connection that
   * received nothing for 2/3 of the session timeout (the server answers pings sent every 1/3) as
   * lost, so 'disconnected' comes before the session can expire and the client retries.
   */
  private checkLiveness(intervalMs: number): void {
    const now = performance.now();
    const late = now - this.lastWatchdogTickMs > 3 * intervalMs;
    this.lastWatchdogTickMs = now;
    if (late) {
      // This process stalled: received bytes may still be queued, so judge on the next tick.
      this.lastProgressMs = Math.max(this.lastProgressMs, now - intervalMs);
      return;
    }
    const cm = internals(this.client);
    if (cm.state !== cmState.connecting && cm.state !== cmState.connected) return;
    const negotiatedMs = this.client.getSessionTimeout() || this.sessionTimeoutMs;
    const silenceMs = now - this.lastProgressMs;
    if (silenceMs > (2 * negotiatedMs) / 3) {
      this.log.warn('zookeeper connection silent; dropping it to reconnect', { silenceMs: Math.round(silenceMs) });
      this.lastProgressMs = now;
      cm.socket?.destroy();
    }
  }

  /** Detaches a client for good: no more events or reconnects; its operations fail with `code`. */
  private discard(client: Client, code: CoordinatorErrorCode, reason: string): void {
    client.removeAllListeners();
    const cm = internals(client);
    cm.connect = () => {};
    cm.state = cmState.closed;
    cm.socket?.destroy();
    for (const op of [...this.inFlight]) if (op.client === client) op.fail(code, reason);
  }

  private emit(event: SessionEvent): void {
    queueMicrotask(() => {
      if (this.closed) return;
      for (const listener of [...this.listeners]) listener(event);
    });
  }

  /** A one-shot library watcher that calls `watcher` asynchronously, only if the call that set it succeeded. */
  private wrapWatcher(watcher: Watcher | undefined): { fn: (event: Event) => void; arm: () => void } | undefined {
    if (!watcher) return undefined;
    let armed = false;
    return {
      fn: (event: Event) => {
        if (!armed || this.closed) return;
        const kind = watchEventOf(event.getType());
        queueMicrotask(() => {
          if (!this.closed) watcher(kind, event.getPath());
        });
      },
      arm: () => {
        armed = true;
      },
    };
  }

  /** Runs one library call with a deadline and maps its error. `onSuccess` runs before the promise resolves. */
  private call<T>(
    what: string,
    run: (client: Client, done: (err: unknown, value?: T) => void) => void,
    onSuccess?: () => void,
  ): Promise<T> {
    if (this.closed) {
      return Promise.reject(new CoordinatorError('connectionLoss', `${what} failed: the coordinator is closed`));
    }
    if (this.inFlight.size >= this.operationsInFlightMax) {
      return Promise.reject(
        new CoordinatorError('other', `${what} failed: ${this.inFlight.size} operations already in flight (the limit)`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const client = this.client;
      let timer: NodeJS.Timeout | undefined;
      const entry: InFlight = {
        client,
        fail: (code, reason) => settle(new CoordinatorError(code, `${what} failed: ${reason}`)),
      };
      const settle = (err: Error | null, value?: T): void => {
        if (!this.inFlight.delete(entry)) return;
        clearTimeout(timer);
        if (err) reject(err);
        else {
          onSuccess?.();
          resolve(value as T);
        }
      };
      this.inFlight.add(entry);
      timer = setTimeout(
        () => entry.fail('timeout', `no answer from ZooKeeper within ${this.operationTimeoutMs} ms`),
        this.operationTimeoutMs,
      );
      try {
        run(client, (err, value) => settle(err ? toCoordinatorError(what, err) : null, value));
      } catch (err) {
        settle(err as Error);
      }
    });
  }
}

function internals(client: Client): ConnectionManagerInternals {
  const cm = (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
  assert(cm !== undefined, 'node-zookeeper-client has no connectionManager (unsupported library version)');
  return cm;
}

function assertVersion(version: number | undefined): void {
  assert(
    version === undefined || (Number.isInteger(version) && version >= 0),
    `coordinator version must be a non-negative integer (or omitted for any), got ${version}`,
  );
}

function checkDataSize(what: string, data: Uint8Array): void {
  if (data.byteLength > coordinatorDataBytesMax) {
    throw new CoordinatorError(
      'other',
      `${what} failed: data is ${data.byteLength} bytes, the limit is ${coordinatorDataBytesMax}`,
    );
  }
}
