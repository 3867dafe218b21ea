/**
 * A ZooKeeper-shaped coordination service. Production uses real Apache ZooKeeper through a client
 * library (src/runtime); the simulator keeps the tree in memory and can expire sessions.
 * All paths are absolute ('/openmldb/nodes/127.0.0.1:9527').
 */
export type NodeMode = 'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential';

export interface NodeStat {
  /** Data version, for compare-and-set. */
  version: number;
}

export type CoordinatorErrorCode =
  | 'noNode'
  | 'nodeExists'
  | 'badVersion'
  | 'notEmpty'
  | 'connectionLoss'
  | 'sessionExpired'
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

export type SessionEvent = 'connected' | 'disconnected' | 'expired';

export type WatchEvent = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

/** One-shot watch callback, as in ZooKeeper: it fires at most once per registration. */
export type Watcher = (event: WatchEvent, path: string) => void;

export type MultiOp =
  | { op: 'create'; path: string; data: Uint8Array; mode: NodeMode }
  | { op: 'set'; path: string; data: Uint8Array; version?: number }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'check'; path: string; version: number };

export interface Coordinator {
  /** Returns the created path (with the sequence suffix for sequential modes). */
  create(path: string, data: Uint8Array, mode: NodeMode): Promise<string>;
  /** Creates every missing ancestor (persistent, empty) and the node itself if missing. */
  ensurePath(path: string): Promise<void>;
  get(path: string, watcher?: Watcher): Promise<{ data: Uint8Array; stat: NodeStat }>;
  /** Fails with badVersion when `version` is given and does not match. */
  set(path: string, data: Uint8Array, version?: number): Promise<NodeStat>;
  /** Returns null when the node does not exist; the watcher also fires on creation. */
  exists(path: string, watcher?: Watcher): Promise<NodeStat | null>;
  children(path: string, watcher?: Watcher): Promise<string[]>;
  delete(path: string, version?: number): Promise<void>;
  /** All-or-nothing batch. */
  multi(ops: MultiOp[]): Promise<void>;
  /** Session state changes; 'expired' means every ephemeral node of this session is gone. */
  onSession(listener: (event: SessionEvent) => void): void;
  /** A unique id for the current session (changes after expiry and re-connect). */
  sessionId(): string;
  close(): Promise<void>;
}
