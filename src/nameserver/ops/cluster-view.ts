/**
 * What the engine and the decision functions may read about the cluster: a read-only snapshot the
 * shell passes into every call (the engine never keeps it). It is the nameserver's in-memory
 * metadata (tables), the tablet registry, the replica offsets of the last GetTableStatus poll, and
 * the auto_failover switch.
 */
import type { PartitionReplica, TableInfo, TablePartition } from '../../protocol/schema.js';

export type TabletHealth = 'kHealthy' | 'kOffline';

export interface TabletView {
  readonly state: TabletHealth;
  /** Wall-clock ms of the last state change (for an offline tablet: when it went offline). */
  readonly changedAtMs: number;
}

/** One replica as the last table-status poll saw it (the PartitionMeta fields NS keeps in memory). */
export interface ReplicaStatusView {
  readonly offset: number;
  /** false when the tablet answered the poll but did not report this tid/pid. */
  readonly tabletHasPartition: boolean;
}

export interface ClusterView {
  readonly tables: ReadonlyMap<number, TableInfo>;
  readonly tablets: ReadonlyMap<string, TabletView>;
  /** Keyed by `replicaStatusKey(tid, pid, endpoint)`; absent = not known yet. */
  readonly replicaStatus: ReadonlyMap<string, ReplicaStatusView>;
  readonly autoFailover: boolean;
}

export function replicaStatusKey(tid: number, pid: number, endpoint: string): string {
  return `${tid}_${pid}_${endpoint}`;
}

export function isHealthy(view: ClusterView, endpoint: string): boolean {
  return view.tablets.get(endpoint)?.state === 'kHealthy';
}

export function healthyEndpoints(view: ClusterView): string[] {
  return [...view.tablets.entries()]
    .filter(([, t]) => t.state === 'kHealthy')
    .map(([e]) => e)
    .sort();
}

export function findTable(view: ClusterView, db: string, name: string): TableInfo | undefined {
  for (const t of view.tables.values()) if (t.db === db && t.name === name) return t;
  return undefined;
}

export function findPartition(table: TableInfo, pid: number): TablePartition | undefined {
  return table.partitions.find((p) => p.pid === pid);
}

export function findReplica(partition: TablePartition, endpoint: string): PartitionReplica | undefined {
  return partition.replicas.find((r) => r.endpoint === endpoint);
}

/** The replica with is_leader && is_alive, if any. */
export function aliveLeader(partition: TablePartition): PartitionReplica | undefined {
  return partition.replicas.find((r) => r.isLeader && r.isAlive);
}
