/** Fetches what cluster-health judges, and waits until the cluster is caught up. */
import { ok, type Result } from '../base/status.js';
import type { AdminApi } from './admin-api.js';
import { assessHealth, CatchUpTracker, type HealthReport, summarizeProblems } from './cluster-health.js';
import { type Pacer, pollDone, pollFailed, pollWait, waitUntil } from './pacer.js';

export interface HealthWaitOptions {
  readonly opIdBaseline: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** A follower is caught up once it reaches the leader's offset of this long ago. */
  readonly catchUpWindowMs: number;
  readonly report?: (line: string) => void;
}

export async function checkHealth(admin: AdminApi, opIdBaseline: number, targets?: ReadonlyMap<string, number>): Promise<Result<HealthReport>> {
  const [tables, replicas, tablets, ops] = await Promise.all([admin.tables(), admin.replicaStatus(), admin.tablets(), admin.ops()]);
  if (!tables.ok) return tables;
  if (!replicas.ok) return replicas;
  if (!tablets.ok) return tablets;
  if (!ops.ok) return ops;
  return ok(
    assessHealth({
      tables: tables.value,
      replicas: replicas.value,
      tablets: tablets.value,
      ops: ops.value,
      opIdBaseline,
      ...(targets ? { targets } : {}),
    }),
  );
}

/** Largest op id the nameserver knows (ops after it are "ours"). */
export async function maxOpId(admin: AdminApi): Promise<Result<number>> {
  const ops = await admin.ops();
  return ops.ok ? ok(ops.value.reduce((m, o) => Math.max(m, o.opId), 0)) : ops;
}

export async function waitHealthy(admin: AdminApi, pacer: Pacer, what: string, o: HealthWaitOptions): Promise<Result<HealthReport>> {
  const tracker = new CatchUpTracker(o.catchUpWindowMs);
  return waitUntil(
    pacer,
    what,
    { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs, ...(o.report ? { report: o.report } : {}) },
    async () => {
      const now = pacer.nowMs();
      const r = await checkHealth(admin, o.opIdBaseline, tracker.targets(now));
      if (!r.ok) return pollWait(`cannot read the cluster state: ${r.message}`);
      tracker.observe(now, r.value.leaderOffsets);
      if (r.value.failedOps.length > 0) {
        const f = r.value.failedOps[0]!;
        return pollFailed(`op ${f.opId} ${f.opType} on ${f.db}.${f.name} pid ${f.pid} failed (see showopstatus and the nameserver log)`);
      }
      return r.value.healthy ? pollDone(r.value) : pollWait(summarizeProblems(r.value.problems));
    },
  );
}
