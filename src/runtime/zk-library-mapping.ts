import {
  CreateMode,
  Event,
  Exception,
  type Stat,
  type Transaction,
} from 'node-zookeeper-client';
import { assert } from '../base/assert.js';
import {
  CoordinatorError,
  type CoordinatorErrorCode,
  type MultiOp,
  type MultiResult,
  type NodeMode,
  type NodeStat,
  type WatchEvent,
} from '../ports/coordinator.js';

/** Translations between node-zookeeper-client's values and the Coordinator port's. */

export interface TransactionResult {
  type: number;
  path?: string;
  stat?: Stat;
  err?: number;
}
/** The code ZooKeeper gives the ops of a failed multi that did not themselves fail. */
export const runtimeInconsistency = -2;

export class MultiOpError extends Error {
  constructor(
    readonly opError: unknown,
    readonly failedOp: string,
  ) {
    super(failedOp);
  }
}

/**
 * The library's Transaction turns version 0 into -1 (`version || -1`), which silently drops the
 * check; add the op through the public method, then set the version we mean.
 */
export function addToTransaction(tx: Transaction, op: MultiOp): void {
  const ops = (tx as unknown as { ops: { version?: number }[] }).ops;
  switch (op.op) {
    case 'create':
      tx.create(op.path, toBuffer(op.data), createModeOf(op.mode));
      return;
    case 'set':
      tx.setData(op.path, toBuffer(op.data), op.version ?? -1);
      break;
    case 'delete':
      tx.remove(op.path, op.version ?? -1);
      break;
    case 'check':
      tx.check(op.path, op.version);
      break;
  }
  ops[ops.length - 1]!.version = op.version ?? -1;
}

export function toMultiResult(op: MultiOp, result: TransactionResult): MultiResult {
  switch (op.op) {
    case 'create':
      assert(result.path !== undefined, `multi create ${op.path}: no path in the result`);
      return { op: 'create', path: result.path };
    case 'set':
      assert(result.stat !== undefined, `multi set ${op.path}: no stat in the result`);
      return { op: 'set', stat: toNodeStat(result.stat) };
    case 'delete':
      return { op: 'delete' };
    case 'check':
      return { op: 'check' };
  }
}

export function toCoordinatorError(what: string, err: unknown): CoordinatorError {
  let where = what;
  if (err instanceof MultiOpError) {
    where = `${what} at ${err.failedOp}`;
    err = err.opError;
  }
  const code = codeOf(err);
  const name = err instanceof Exception ? err.getName() : String((err as Error)?.message ?? err);
  return new CoordinatorError(code, `${where} failed: ${describe(code)} (${name})`);
}

function codeOf(err: unknown): CoordinatorErrorCode {
  const n = err instanceof Exception ? err.getCode() : undefined;
  switch (n) {
    case Exception.NO_NODE:
      return 'noNode';
    case Exception.NODE_EXISTS:
      return 'nodeExists';
    case Exception.BAD_VERSION:
      return 'badVersion';
    case Exception.NOT_EMPTY:
      return 'notEmpty';
    case Exception.NO_CHILDREN_FOR_EPHEMERALS:
      return 'noChildrenForEphemerals';
    case Exception.CONNECTION_LOSS:
      return 'connectionLoss';
    case Exception.SESSION_EXPIRED:
      return 'sessionExpired';
    case Exception.OPERATION_TIMEOUT:
      return 'timeout';
    default:
      return 'other';
  }
}

function describe(code: CoordinatorErrorCode): string {
  switch (code) {
    case 'noNode':
      return 'the node does not exist';
    case 'nodeExists':
      return 'the node already exists';
    case 'badVersion':
      return 'the version does not match';
    case 'notEmpty':
      return 'the node has children';
    case 'noChildrenForEphemerals':
      return 'the parent is ephemeral';
    case 'connectionLoss':
      return 'the connection to ZooKeeper was lost';
    case 'sessionExpired':
      return 'the session expired';
    case 'timeout':
      return 'ZooKeeper timed out';
    case 'other':
      return 'ZooKeeper refused it';
  }
}

export function watchEventOf(type: number): WatchEvent {
  switch (type) {
    case Event.NODE_CREATED:
      return 'created';
    case Event.NODE_DELETED:
      return 'deleted';
    case Event.NODE_DATA_CHANGED:
      return 'dataChanged';
    case Event.NODE_CHILDREN_CHANGED:
      return 'childrenChanged';
    default:
      throw new Error(`unexpected ZooKeeper watch event type ${type}`);
  }
}

export function createModeOf(mode: NodeMode): number {
  switch (mode) {
    case 'persistent':
      return CreateMode.PERSISTENT;
    case 'ephemeral':
      return CreateMode.EPHEMERAL;
    case 'persistentSequential':
      return CreateMode.PERSISTENT_SEQUENTIAL;
    case 'ephemeralSequential':
      return CreateMode.EPHEMERAL_SEQUENTIAL;
  }
}

export function toNodeStat(stat: Stat): NodeStat {
  const owner = stat.ephemeralOwner;
  return {
    version: stat.version,
    ephemeralOwner: owner?.some((b) => b !== 0) ? Buffer.from(owner).toString('hex') : null,
    numChildren: stat.numChildren,
  };
}

export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function copyBytes(data: Buffer | null): Uint8Array {
  return data ? new Uint8Array(data) : new Uint8Array(0);
}
