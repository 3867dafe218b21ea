import { assert } from '../base/assert.js';

/**
 * A ZooKeeper-shaped coordination service. Production uses real Apache ZooKeeper through a client
 * library (src/runtime/zk-coordinator.ts); the simulator keeps the tree in memory and can expire
 * sessions (src/coord/mem-coordinator.ts). Both pass the same contract suite
 * (src/ports/coordinator-contract.ts). All paths are absolute ('/openmldb/nodes/127.0.0.1:9527').
 */
export type NodeMode = 'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential';

/** Node data limit. ZooKeeper's own packet limit (jute.maxbuffer) is 1 MiB including the path. */
export const coordinatorDataBytesMax = 1_000_000;

export interface NodeStat {
  /** Data version, for compare-and-set: 0 after create, +1 on every set. */
  version: number;
  /** Session id (as `sessionId()` formats it) owning this ephemeral node; null for persistent nodes. */
  ephemeralOwner: string | null;
  numChildren: number;
}

export type CoordinatorErrorCode =
  | 'noNode'
  | 'nodeExists'
  | 'badVersion'
  | 'notEmpty'
  /** Ephemeral nodes cannot have children. */
  | 'noChildrenForEphemerals'
  /** The connection dropped (or the coordinator is closed): the operation may or may not have happened. */
  | 'connectionLoss'
  | 'sessionExpired'
  /** No answer within the configured time: the operation may or may not have happened. */
  | 'timeout'
  | 'other';

export class CoordinatorError extends Error {
  override name = 'CoordinatorError';
  constructor(
    readonly code: CoordinatorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * - 'disconnected': the connection is lost; the session (and its ephemeral nodes) may survive.
 *   Operations fail with connectionLoss/timeout until the connection is back.
 * - 'connected': the connection is back on the SAME session; ephemerals and watches are intact.
 * - 'expired': the old session is gone with all its ephemeral nodes and watches. By the time this
 *   is delivered the coordinator is already connected on a NEW session (`sessionId()` changed):
 *   the owner re-creates its ephemerals and re-arms its watches.
 */
export type SessionEvent = 'connected' | 'disconnected' | 'expired';

export type WatchEvent = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

/**
 * One-shot watch callback, as in ZooKeeper: each registration fires at most once, asynchronously
 * (never from inside the call that registered or triggered it). Watches registered by a session
 * that later expires never fire.
 */
export type Watcher = (event: WatchEvent, path: string) => void;

export type MultiOp =
  | { op: 'create'; path: string; data: Uint8Array; mode: NodeMode }
  | { op: 'set'; path: string; data: Uint8Array; version?: number }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'check'; path: string; version: number };

/** One result per op of a successful multi, in order. */
export type MultiResult =
  | { op: 'create'; path: string }
  | { op: 'set'; stat: NodeStat }
  | { op: 'delete' }
  | { op: 'check' };

export interface Coordinator {
  /** Returns the created path (with the 10-digit sequence suffix for sequential modes). */
  create(path: string, data: Uint8Array, mode: NodeMode): Promise<string>;
  /** Creates every missing ancestor (persistent, empty) and the node itself if missing. */
  ensurePath(path: string): Promise<void>;
  /** The watcher (set only when the node exists) fires on dataChanged or deleted. */
  get(path: string, watcher?: Watcher): Promise<{ data: Uint8Array; stat: NodeStat }>;
  /** Fails with badVersion when `version` is given and does not match. */
  set(path: string, data: Uint8Array, version?: number): Promise<NodeStat>;
  /** Returns null when the node does not exist; the watcher then fires on creation, otherwise on change/delete. */
  exists(path: string, watcher?: Watcher): Promise<NodeStat | null>;
  /** Child names (not full paths), in no particular order. The watcher fires on childrenChanged or deleted. */
  children(path: string, watcher?: Watcher): Promise<string[]>;
  delete(path: string, version?: number): Promise<void>;
  /** All-or-nothing batch: on failure nothing is applied and the error is the first failing op's. */
  multi(ops: MultiOp[]): Promise<MultiResult[]>;
  /** Session state changes (see SessionEvent), delivered asynchronously. Returns an unsubscribe function. */
  onSession(listener: (event: SessionEvent) => void): () => void;
  /** The current session id as 16 hex digits (changes after expiry). */
  sessionId(): string;
  /** Ends the session (its ephemerals vanish). Idempotent; later operations fail with connectionLoss. */
  close(): Promise<void>;
}

/** ZooKeeper path rules; a malformed path is a bug in the caller. */
export function assertValidPath(path: string): void {
  assert(path.startsWith('/'), `coordinator path '${path}' must start with '/'`);
  if (path === '/') return;
  assert(!path.endsWith('/'), `coordinator path '${path}' must not end with '/'`);
  for (const part of path.slice(1).split('/')) {
    assert(part !== '' && part !== '.' && part !== '..', `coordinator path '${path}' has an empty or relative segment`);
  }
  assert(!path.includes('\u0000'), `coordinator path '${path}' contains a NUL character`);
}

/** '/a/b' → '/a'; '/a' → '/'. */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
