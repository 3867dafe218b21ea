import { assert } from '../base/assert.js';
import type { OpStatusRow } from '../nameserver/ops/engine-io.js';
import { decodeOpInfo } from '../nameserver/ops/op-info.js';
import { RowCodec } from '../protocol/row-codec.js';
import type { ReplicationMode } from '../protocol/schema.js';
import { type SimCluster, ZK_ROOT_PATH } from './sim-cluster.js';
import { VALUE_COLUMN } from './workload.js';

/**
 * What the checker compares, read straight from the processes' memory (no network): the leader
 * nameserver's table metadata, and for each replica it lists, every row the tablet's MemTable
 * holds. A plain data structure, so tests can also hand the checker a doctored one.
 */
export interface ReplicaSnapshot {
  readonly endpoint: string;
  /** As the nameserver's metadata says. */
  readonly isLeader: boolean;
  readonly isAlive: boolean;
  /** Undefined when the tablet is down or does not hold the partition loaded. */
  readonly held?: {
    readonly mode: 'leader' | 'follower';
    readonly term: number;
    readonly offset: number;
    /** The partition's state on the tablet (normal, loading, snapshotPaused, ...). */
    readonly state: string;
    /** A leader's follower endpoints (from its meta). */
    readonly followers: readonly string[];
    /** Set when a leader stopped taking writes after seeing a newer term. */
    readonly steppedDown?: string;
    /** Every row as `<value>|<hex of the row bytes>`, sorted (empty unless rows were asked for). */
    readonly rows: readonly string[];
  };
}

export interface PartitionSnapshot {
  readonly table: string;
  readonly tid: number;
  readonly pid: number;
  readonly replicationMode: ReplicationMode;
  readonly replicas: readonly ReplicaSnapshot[];
}

/** One op as showopstatus lists it (`source: 'engine'`) or as its ZooKeeper record says (`'zk'`). */
export interface OpSnapshot {
  readonly source: 'engine' | 'zk';
  readonly opId: number;
  readonly opType: string;
  readonly status: string;
  readonly table: string;
  readonly pid: number;
  /** The task running now ('-' when none, or unknown for a record). */
  readonly curTask: string;
}

export interface ClusterSnapshot {
  readonly partitions: readonly PartitionSnapshot[];
  readonly ops: readonly OpSnapshot[];
}

/** The unique value of a snapshot row (see ReplicaSnapshot.rows). */
export function rowValue(row: string): string {
  return row.slice(0, row.indexOf('|'));
}

/** Undefined when no nameserver leads. Rows are read only `withRows` (they cost a full scan). */
export function snapshotCluster(cluster: SimCluster, withRows = true): ClusterSnapshot | undefined {
  const ns = cluster.leader()?.nameserver;
  if (!ns) return undefined;
  const partitions: PartitionSnapshot[] = [];
  for (const table of ns.showTable()) {
    const codec = new RowCodec(table.schema.columns);
    for (const p of table.partitions) {
      const replicas: ReplicaSnapshot[] = p.replicas.map((r) => {
        const held = cluster.tablet(r.endpoint)?.tablet?.partition(table.tid, p.pid);
        if (!held) return { endpoint: r.endpoint, isLeader: r.isLeader, isAlive: r.isAlive };
        const rows: string[] = [];
        if (withRows) {
          held.table.forEachRow((row) => {
            rows.push(`${String(codec.decode(row)[VALUE_COLUMN])}|${toHex(row)}`);
          });
          rows.sort();
        }
        const steppedDown = held.steppedDownReason;
        return {
          endpoint: r.endpoint,
          isLeader: r.isLeader,
          isAlive: r.isAlive,
          held: {
            mode: held.meta.mode,
            term: held.term,
            offset: held.offset,
            state: held.tableState,
            followers: held.meta.followers,
            ...(steppedDown !== undefined ? { steppedDown } : {}),
            rows,
          },
        };
      });
      partitions.push({ table: table.name, tid: table.tid, pid: p.pid, replicationMode: table.replicationMode, replicas });
    }
  }
  return { partitions, ops: [...engineOps(cluster), ...persistedOps(cluster)] };
}

/** The leader's op engine, through its ShowOPStatus handler (called directly). */
function engineOps(cluster: SimCluster): OpSnapshot[] {
  const leader = cluster.leader();
  const router = leader?.router;
  if (!leader || !router) return [];
  const context = { peer: { protocolVersion: 0, softwareVersion: 'sim', role: 'sim', endpoint: 'sim' } };
  const r = router('ShowOPStatus', {}, context);
  assert(!(r instanceof Promise), 'ShowOPStatus answers synchronously');
  if (!r.ok) return [];
  return (r.value as { ops: OpStatusRow[] }).ops.map((o) => ({
    source: 'engine',
    opId: o.opId,
    opType: o.opType,
    status: o.status,
    table: `${o.db}.${o.name}`,
    pid: o.pid,
    curTask: o.curTask,
  }));
}

/** Op records left in ZooKeeper (kFailed ones stay; a kInited/kDoing one is an op not finished). */
function persistedOps(cluster: SimCluster): OpSnapshot[] {
  const prefix = `${ZK_ROOT_PATH}/op/op_data/`;
  const out: OpSnapshot[] = [];
  for (const node of cluster.zk.dump()) {
    if (!node.path.startsWith(prefix)) continue;
    const decoded = decodeOpInfo(node.data, node.path);
    if (!decoded.ok) {
      out.push({ source: 'zk', opId: -1, opType: 'unreadable', status: decoded.message, table: '', pid: -1, curTask: '-' });
      continue;
    }
    const op = decoded.op;
    out.push({ source: 'zk', opId: op.opId, opType: op.opType, status: op.taskStatus, table: `${op.db}.${op.name}`, pid: op.pid, curTask: `task ${op.taskIndex}` });
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
