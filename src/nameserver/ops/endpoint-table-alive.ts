/**
 * UpdateEndpointTableAlive (cluster.md §6.1): the edits that flip is_alive of every replica an
 * endpoint holds. When marking dead, a partition whose only alive replica this is stays untouched:
 * the nameserver never marks the last alive replica dead.
 */
import type { TableInfo } from '../../protocol/schema.js';
import type { MetaEdit } from './meta-edit.js';

export function endpointTableAliveEdits(tables: Iterable<TableInfo>, endpoint: string, isAlive: boolean): MetaEdit[] {
  const edits: MetaEdit[] = [];
  for (const table of tables) {
    for (const partition of table.partitions) {
      const replica = partition.replicas.find((r) => r.endpoint === endpoint);
      if (!replica || replica.isAlive === isAlive) continue;
      if (!isAlive && partition.replicas.filter((r) => r.isAlive).length === 1) continue;
      edits.push({ kind: 'setReplicaAlive', tid: table.tid, pid: partition.pid, endpoint, isAlive });
    }
  }
  return edits;
}
