import { snapshotCluster } from './cluster-snapshot.js';
import type { SimCluster } from './sim-cluster.js';

const FINISHED = new Set(['kDone', 'kFailed', 'kCanceled']);
const LISTED_MAX = 8;

/**
 * Why the cluster has not settled yet (empty when it has): every server up, one leader
 * nameserver that sees every tablet healthy, no op left to run, and every partition with all its
 * replicas alive, one leader replicating to all the others, each follower at the leader's offset,
 * nothing loading.
 */
export function quiescenceProblems(cluster: SimCluster): string[] {
  const problems: string[] = [];
  for (const n of cluster.servers()) if (!n.up) problems.push(`${n.name} is down`);
  const leaders = cluster.nameservers.filter((n) => n.isLeader);
  if (leaders.length !== 1) problems.push(`${leaders.length} nameservers serve as leader`);
  const leader = cluster.leader()?.nameserver;
  const snapshot = snapshotCluster(cluster, false);
  if (!leader || !snapshot) return problems.length > 0 ? problems : ['no leader nameserver'];
  for (const t of cluster.tablets) {
    const state = leader.view().tablets.get(t.endpoint)?.state;
    if (state !== 'kHealthy') problems.push(`the leader sees tablet ${t.endpoint} as ${state ?? 'unknown'}`);
  }
  for (const o of snapshot.ops) {
    if (!FINISHED.has(o.status)) problems.push(`op ${o.opId} ${o.opType} (${o.table} pid ${o.pid}) is ${o.status} at ${o.curTask} (${o.source})`);
  }
  for (const p of snapshot.partitions) {
    const name = `${p.table} pid ${p.pid}`;
    const leaderReplicas = p.replicas.filter((r) => r.isLeader);
    if (leaderReplicas.length !== 1) problems.push(`${name} has ${leaderReplicas.length} leaders in the metadata`);
    for (const r of p.replicas) {
      if (!r.isAlive) problems.push(`${name} replica ${r.endpoint} is not alive`);
      else if (!r.held) problems.push(`${name} replica ${r.endpoint} is not loaded on its tablet`);
      else {
        const want = r.isLeader ? 'leader' : 'follower';
        if (r.held.mode !== want) problems.push(`${name} replica ${r.endpoint} is ${r.held.mode} on its tablet, ${want} in the metadata`);
        // snapshotPaused is left behind by an op that failed between PauseSnapshot and
        // RecoverSnapshot (the reference does not roll back either): reported as a warning.
        if (r.held.state !== 'normal' && r.held.state !== 'snapshotPaused') problems.push(`${name} replica ${r.endpoint} is ${r.held.state}`);
        if (r.held.steppedDown !== undefined) problems.push(`${name} replica ${r.endpoint} stepped down: ${r.held.steppedDown}`);
      }
    }
    const lead = p.replicas.find((r) => r.isLeader && r.held?.mode === 'leader');
    if (!lead?.held) continue;
    for (const r of p.replicas) {
      if (r === lead || !r.held) continue;
      if (!lead.held.followers.includes(r.endpoint)) problems.push(`${name} leader ${lead.endpoint} does not replicate to ${r.endpoint}`);
      if (r.held.offset !== lead.held.offset) problems.push(`${name} replica ${r.endpoint} is at offset ${r.held.offset}, the leader at ${lead.held.offset}`);
    }
  }
  return problems.length > LISTED_MAX ? [...problems.slice(0, LISTED_MAX), `… (${problems.length} problems in all)`] : problems;
}

/** Degradations that do not stop the cluster (reported, not violations). */
export function quiescenceWarnings(cluster: SimCluster): string[] {
  const snapshot = snapshotCluster(cluster, false);
  const out: string[] = [];
  for (const p of snapshot?.partitions ?? []) {
    for (const r of p.replicas) {
      if (r.held?.state === 'snapshotPaused') out.push(`${p.table} pid ${p.pid} on ${r.endpoint} stays snapshotPaused (an op failed after PauseSnapshot)`);
    }
  }
  return out;
}
