/**
 * The RecoverTable task's decisions (cluster.md §6.3 "RecoverTable task"): first what the task may
 * do given the metadata (resolve the OFFLINE_LEADER_ENDPOINT placeholder, stop if the replica is
 * alive again, require a healthy endpoint and an alive leader), then, from the facts the shell
 * gathered on the tablets, which child op re-attaches the replica.
 */
import { Code, fail, ok, type Result } from '../../base/status.js';
import type { TableInfo, TermOffset } from '../../protocol/schema.js';
import { aliveLeader, type ClusterView, findPartition, findReplica, isHealthy } from './cluster-view.js';
import { OFFLINE_LEADER_ENDPOINT } from './enums.js';
import { matchTermOffset } from './match-term-offset.js';
import type { OpSpec, RecoverTableData } from './op-info.js';
import type { ReplicaTermFacts } from './task-defs.js';

export type RecoverTablePlan =
  /** The replica is alive again: nothing to do. */
  | { readonly kind: 'alreadyAlive'; readonly endpoint: string }
  | { readonly kind: 'run'; readonly endpoint: string; readonly leader: string | null; readonly singleReplica: boolean };

export function planRecoverTable(view: ClusterView, table: TableInfo, pid: number, endpoint: string): Result<RecoverTablePlan> {
  const where = `recover table ${table.db}.${table.name} pid ${pid}`;
  const partition = findPartition(table, pid);
  if (!partition) return fail(Code.pidIsNotExist, `${where} failed: no such partition`);
  let target = endpoint;
  if (endpoint === OFFLINE_LEADER_ENDPOINT) {
    const offlineLeader = partition.replicas.find((r) => r.isLeader && !r.isAlive);
    if (!offlineLeader) return fail(Code.invalidParameter, `${where} failed: no replica is marked leader and not alive`);
    target = offlineLeader.endpoint;
  }
  const meta = findReplica(partition, target);
  if (!meta) return fail(Code.endpointIsNotExist, `${where} failed: ${target} is not a replica`);
  if (meta.isAlive) return ok({ kind: 'alreadyAlive', endpoint: target });
  if (!isHealthy(view, target)) return fail(Code.tabletIsNotHealthy, `${where} failed: tablet ${target} is not healthy`);
  const singleReplica = partition.replicas.length === 1;
  const leader = aliveLeader(partition);
  if (!singleReplica && (!leader || !isHealthy(view, leader.endpoint))) {
    return fail(Code.noAliveFollower, `${where} failed: the partition has no alive leader on a healthy tablet`);
  }
  return ok({ kind: 'run', endpoint: target, leader: leader?.endpoint ?? null, singleReplica });
}

export type RecoverTableChild =
  | 'kReAddReplicaSimplifyOP'
  | 'kReAddReplicaWithDropOP'
  | 'kReAddReplicaNoSendOP'
  | 'kReAddReplicaOP'
  | 'kUpdatePartitionStatusOP'
  | 'kReLoadTableOP';

export interface RecoverTableFacts {
  readonly singleReplica: boolean;
  readonly facts: ReplicaTermFacts;
  readonly termOffsets: readonly TermOffset[];
  /** The leader's snapshot offset (GetManifest); null for a single-replica partition. */
  readonly leaderSnapshotOffset: number | null;
}

/** §6.3 steps 3, 6 and 8. */
export function decideRecoverTable(input: RecoverTableFacts): Result<RecoverTableChild> {
  const { facts } = input;
  if (input.singleReplica) return ok(facts.hasTable ? 'kUpdatePartitionStatusOP' : 'kReLoadTableOP');
  if (input.leaderSnapshotOffset === null) {
    return fail(Code.invalidParameter, 'recover table failed: the leader snapshot offset is unknown');
  }
  const match = matchTermOffset(input.termOffsets, facts.hasTable, facts.term, facts.offset);
  const reattach = match && facts.offset >= input.leaderSnapshotOffset;
  if (facts.hasTable) return ok(reattach ? 'kReAddReplicaSimplifyOP' : 'kReAddReplicaWithDropOP');
  return ok(reattach ? 'kReAddReplicaNoSendOP' : 'kReAddReplicaOP');
}

/** The child op's spec; it inherits the parent's delta and concurrency. */
export function recoverTableChildSpec(child: RecoverTableChild, parent: RecoverTableData, endpoint: string): OpSpec {
  const data: RecoverTableData = { ...parent, endpoint };
  switch (child) {
    case 'kUpdatePartitionStatusOP':
      return { opType: child, data: { endpoint, isLeader: true, isAlive: true } };
    case 'kReLoadTableOP':
      return { opType: child, data: { endpoint } };
    case 'kReAddReplicaSimplifyOP':
    case 'kReAddReplicaWithDropOP':
    case 'kReAddReplicaNoSendOP':
    case 'kReAddReplicaOP':
      return { opType: child, data };
  }
}
