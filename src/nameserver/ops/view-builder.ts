/**
 * Builds ClusterViews for tests and the simulator from a compact description: partitions written
 * as replica lists like `['a*', 'b', 'c-']` (`*` = leader, `-` = not alive).
 */
import type { PartitionReplica, TableInfo, TermOffset } from '../../protocol/schema.js';
import { type ClusterView, type ReplicaStatusView, replicaStatusKey, type TabletView } from './cluster-view.js';

export function replicasOf(spec: readonly string[]): PartitionReplica[] {
  return spec.map((s) => {
    const isLeader = s.includes('*');
    const isAlive = !s.includes('-');
    return { endpoint: s.replace(/[*-]/g, ''), isLeader, isAlive };
  });
}

export function tableOf(
  tid: number,
  name: string,
  partitions: readonly (readonly string[])[],
  termOffsets: readonly TermOffset[] = [{ term: 1, offset: 0 }],
): TableInfo {
  return {
    formatVersion: 1,
    tid,
    db: 'db',
    name,
    partitionNum: partitions.length,
    replicaNum: partitions[0]?.length ?? 0,
    schema: { columns: [], indexes: [{ name: 'idx0', keyColumns: ['c1'], ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }] },
    partitions: partitions.map((spec, pid) => ({ pid, replicas: replicasOf(spec), termOffsets: [...termOffsets] })),
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
}

export interface ViewSpec {
  readonly tables: readonly TableInfo[];
  readonly healthy: readonly string[];
  /** Offline tablets with the time they went offline. */
  readonly offline?: Readonly<Record<string, number>>;
  readonly autoFailover?: boolean;
  /** `tid_pid_endpoint` → offset (or a full status). */
  readonly status?: Readonly<Record<string, number | ReplicaStatusView>>;
}

export function viewOf(spec: ViewSpec): ClusterView {
  const tablets = new Map<string, TabletView>();
  for (const e of spec.healthy) tablets.set(e, { state: 'kHealthy', changedAtMs: 0 });
  for (const [e, at] of Object.entries(spec.offline ?? {})) tablets.set(e, { state: 'kOffline', changedAtMs: at });
  const replicaStatus = new Map<string, ReplicaStatusView>();
  for (const [k, v] of Object.entries(spec.status ?? {})) {
    replicaStatus.set(k, typeof v === 'number' ? { offset: v, tabletHasPartition: true } : v);
  }
  return {
    tables: new Map(spec.tables.map((t) => [t.tid, t])),
    tablets,
    replicaStatus,
    autoFailover: spec.autoFailover ?? false,
  };
}

export { replicaStatusKey };
