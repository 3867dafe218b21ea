/**
 * The ops tool's upgrade commands (cluster.md §9, `tools/openmldb_ops.py`):
 *
 * - pre-upgrade <ep>: every partition ep leads gets another leader before ep stops. With more
 *   than one replica: `changeleader … auto`; a single-replica partition first gets a temporary
 *   replica on the tablet with the fewest replicas (`addreplica`), then `changeleader` to it
 *   (skipped with --allow_single_replica: that partition is unavailable while ep restarts). Then
 *   `recovertable` turns ep's old leader replica into a follower. One record per moved partition.
 * - post-upgrade <ep>: for each record, `changeleader … ep`, `recovertable` of the leader it
 *   replaces, `delreplica` of the temporary replica.
 * - recoverdata: repairs partitions after tablets were restarted out of order: loads the leader
 *   replica where it is not loaded, marks it alive, and recovers every other replica.
 *
 * Commands are batched: all partitions' ops are sent, then waited for together.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { PartitionMetaMsg } from '../protocol/messages.js';
import type { TableInfo, TablePartition } from '../protocol/schema.js';
import { findTable, type OpCommand, type OpsContext, runOpBatch, tablesFailure, waitNoRunningOps } from './op-batch.js';
import { pollDone, pollWait, waitUntil } from './pacer.js';
import type { StatRecord } from './stat-records.js';

export interface PreUpgradeOptions {
  readonly allowSingleReplica: boolean;
  /** Called with every record before its ops are sent, so an interrupted run can be undone. */
  readonly saveRecords: (records: readonly StatRecord[]) => Promise<Result<void>>;
}

interface Led {
  readonly table: TableInfo;
  readonly partition: TablePartition;
}

function replicaCounts(tables: readonly TableInfo[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tables) for (const p of t.partitions) for (const r of p.replicas) counts.set(r.endpoint, (counts.get(r.endpoint) ?? 0) + 1);
  return counts;
}

function partitionOf(tables: readonly TableInfo[], db: string, name: string, pid: number): TablePartition | undefined {
  return findTable(tables, db, name)?.partitions.find((p) => p.pid === pid);
}

function describe(t: { db: string; name: string }, pid: number): string {
  return `${t.db}.${t.name} pid ${pid}`;
}

/** The tablet with the fewest replicas that is healthy, is not `exclude` and does not hold the partition. */
export function pickTemporaryReplica(
  tables: readonly TableInfo[],
  healthy: readonly string[],
  exclude: string,
  partition: TablePartition,
  extra: ReadonlyMap<string, number>,
): string | undefined {
  const counts = replicaCounts(tables);
  const holders = new Set(partition.replicas.map((r) => r.endpoint));
  const candidates = healthy.filter((ep) => ep !== exclude && !holders.has(ep)).sort();
  let best: string | undefined;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const ep of candidates) {
    const c = (counts.get(ep) ?? 0) + (extra.get(ep) ?? 0);
    if (c < bestCount) {
      best = ep;
      bestCount = c;
    }
  }
  return best;
}

export async function preUpgrade(ctx: OpsContext, endpoint: string, options: PreUpgradeOptions): Promise<Result<StatRecord[]>> {
  const what = `pre-upgrade ${endpoint}`;
  const [tables, tablets] = await Promise.all([ctx.admin.tables(), ctx.admin.tablets()]);
  if (!tables.ok) return tablesFailure(tables, what);
  if (!tablets.ok) return fail(tablets.code, `${what}: cannot list tablets: ${tablets.message}`);
  if (!tablets.value.some((t) => t.endpoint === endpoint)) return fail(Code.endpointIsNotExist, `${what}: tablet ${endpoint} is not known to the nameserver`);
  const healthy = tablets.value.filter((t) => t.state === 'kHealthy').map((t) => t.endpoint);
  const led: Led[] = [];
  for (const t of tables.value) {
    for (const p of t.partitions) if (p.replicas.some((r) => r.endpoint === endpoint && r.isLeader && r.isAlive)) led.push({ table: t, partition: p });
  }
  const multi: Led[] = [];
  const single: { led: Led; temp: string }[] = [];
  const extra = new Map<string, number>();
  for (const l of led) {
    const others = l.partition.replicas.filter((r) => r.endpoint !== endpoint && r.isAlive && healthy.includes(r.endpoint));
    if (others.length > 0) {
      multi.push(l);
      continue;
    }
    const where = describe(l.table, l.partition.pid);
    if (l.partition.replicas.length > 1) {
      ctx.log(`${what}: ${where} has no alive follower on a healthy tablet; it stays on ${endpoint} and is unavailable while it restarts`);
      continue;
    }
    if (options.allowSingleReplica) {
      ctx.log(`${what}: ${where} has a single replica; skipped (--allow_single_replica): unavailable while ${endpoint} restarts`);
      continue;
    }
    const temp = pickTemporaryReplica(tables.value, healthy, endpoint, l.partition, extra);
    if (!temp) {
      return fail(Code.invalidParameter, `${what}: ${where} has a single replica and no other healthy tablet can hold a temporary one (use --allow_single_replica to skip it)`);
    }
    extra.set(temp, (extra.get(temp) ?? 0) + 1);
    single.push({ led: l, temp });
  }
  const record = (l: Led, added: string): StatRecord => ({
    endpoint,
    db: l.table.db,
    name: l.table.name,
    tid: l.table.tid,
    pid: l.partition.pid,
    addedEndpoint: added,
  });
  const records = [...single.map((s) => record(s.led, s.temp)), ...multi.map((l) => record(l, ''))];
  ctx.log(`${what}: ${endpoint} leads ${led.length} partition(s): ${multi.length} to move, ${single.length} single-replica to move through a temporary replica`);
  if (records.length === 0) return ok([]);
  const saved = await options.saveRecords(records);
  if (!saved.ok) return fail(saved.code, `${what}: cannot save the statfile: ${saved.message}`);

  const addTemp = await runOpBatch(
    ctx,
    `${what}: add temporary replicas`,
    single.map((s) => ({ method: 'AddReplica', request: { db: s.led.table.db, name: s.led.table.name, pids: [s.led.partition.pid], endpoint: s.temp } })),
    (now) =>
      single
        .filter((s) => !partitionOf(now, s.led.table.db, s.led.table.name, s.led.partition.pid)?.replicas.some((r) => r.endpoint === s.temp && r.isAlive))
        .map((s) => `${describe(s.led.table, s.led.partition.pid)}: temporary replica on ${s.temp} not alive yet`),
  );
  if (!addTemp.ok) return addTemp;

  const moves: { led: Led; candidate: string }[] = [...single.map((s) => ({ led: s.led, candidate: s.temp })), ...multi.map((l) => ({ led: l, candidate: 'auto' }))];
  const changed = await runOpBatch(
    ctx,
    `${what}: change leaders`,
    moves.map((m) => ({
      method: 'ChangeLeader',
      request: { db: m.led.table.db, name: m.led.table.name, pid: m.led.partition.pid, candidate: m.candidate },
    })),
    (now) =>
      moves
        .filter((m) => {
          const p = partitionOf(now, m.led.table.db, m.led.table.name, m.led.partition.pid);
          const leader = p?.replicas.find((r) => r.isLeader && r.isAlive);
          return !leader || leader.endpoint === endpoint || (m.candidate !== 'auto' && leader.endpoint !== m.candidate);
        })
        .map((m) => `${describe(m.led.table, m.led.partition.pid)}: leader not moved yet`),
  );
  if (!changed.ok) return changed;
  const recovered = await recoverReplicas(
    ctx,
    `${what}: recover ${endpoint} as a follower`,
    moves.map((m) => ({ db: m.led.table.db, name: m.led.table.name, pid: m.led.partition.pid, endpoint })),
  );
  if (!recovered.ok) return recovered;
  return ok(records);
}

interface ReplicaRef {
  readonly db: string;
  readonly name: string;
  readonly pid: number;
  readonly endpoint: string;
}

/** `recovertable` for replicas that are not alive; done when each is an alive follower. */
async function recoverReplicas(ctx: OpsContext, what: string, refs: readonly ReplicaRef[]): Promise<Result<void>> {
  const tables = await ctx.admin.tables();
  if (!tables.ok) return tablesFailure(tables, what);
  const todo = refs.filter((r) => partitionOf(tables.value, r.db, r.name, r.pid)?.replicas.some((x) => x.endpoint === r.endpoint && !x.isAlive));
  return runOpBatch(
    ctx,
    what,
    todo.map((r) => ({ method: 'RecoverTable', request: { db: r.db, name: r.name, pid: r.pid, endpoint: r.endpoint } })),
    (now) =>
      todo
        .filter((r) => !partitionOf(now, r.db, r.name, r.pid)?.replicas.some((x) => x.endpoint === r.endpoint && x.isAlive && !x.isLeader))
        .map((r) => `${describe(r, r.pid)}: ${r.endpoint} not an alive follower yet`),
  );
}

export async function postUpgrade(ctx: OpsContext, endpoint: string, records: readonly StatRecord[]): Promise<Result<void>> {
  const what = `post-upgrade ${endpoint}`;
  const mine = records.filter((r) => r.endpoint === endpoint);
  if (mine.length === 0) {
    ctx.log(`${what}: no partition to move back`);
    return okVoid;
  }
  const idle = await waitNoRunningOps(ctx, `${what}: wait for running ops`);
  if (!idle.ok) return idle;
  const tables = await ctx.admin.tables();
  if (!tables.ok) return tablesFailure(tables, what);
  const back: StatRecord[] = [];
  for (const r of mine) {
    const p = partitionOf(tables.value, r.db, r.name, r.pid);
    if (!p) {
      ctx.log(`${what}: ${describe(r, r.pid)} no longer exists; skipped`);
      continue;
    }
    const me = p.replicas.find((x) => x.endpoint === endpoint);
    if (me?.isLeader && me.isAlive) continue;
    if (!me?.isAlive) return fail(Code.tabletIsNotHealthy, `${what}: ${describe(r, r.pid)}: the replica on ${endpoint} is not alive; recover it first (recoverendpoint)`);
    back.push(r);
  }
  // The leaders being replaced, to recover as followers afterwards.
  const replaced = new Map<string, string>();
  for (const r of back) {
    const leader = partitionOf(tables.value, r.db, r.name, r.pid)?.replicas.find((x) => x.isLeader && x.isAlive);
    if (leader) replaced.set(`${r.db}.${r.name}/${r.pid}`, leader.endpoint);
  }
  ctx.log(`${what}: moving ${back.length} leader(s) back to ${endpoint}`);
  const changed = await runOpBatch(
    ctx,
    `${what}: change leaders back`,
    back.map((r) => ({ method: 'ChangeLeader', request: { db: r.db, name: r.name, pid: r.pid, candidate: endpoint } })),
    (now) =>
      back
        .filter((r) => !partitionOf(now, r.db, r.name, r.pid)?.replicas.some((x) => x.endpoint === endpoint && x.isLeader && x.isAlive))
        .map((r) => `${describe(r, r.pid)}: ${endpoint} not leader yet`),
  );
  if (!changed.ok) return changed;
  const recovered = await recoverReplicas(
    ctx,
    `${what}: recover the previous leaders as followers`,
    back.flatMap((r) => {
      const ep = replaced.get(`${r.db}.${r.name}/${r.pid}`);
      return ep ? [{ db: r.db, name: r.name, pid: r.pid, endpoint: ep }] : [];
    }),
  );
  if (!recovered.ok) return recovered;
  const now = await ctx.admin.tables();
  if (!now.ok) return tablesFailure(now, what);
  const temps = mine.filter((r) => r.addedEndpoint !== '' && partitionOf(now.value, r.db, r.name, r.pid)?.replicas.some((x) => x.endpoint === r.addedEndpoint));
  // A temporary replica that is still leader-flagged (recovery failed) must not be deleted.
  for (const r of temps) {
    const rep = partitionOf(now.value, r.db, r.name, r.pid)!.replicas.find((x) => x.endpoint === r.addedEndpoint)!;
    if (rep.isLeader) return fail(Code.tableIsLeader, `${what}: ${describe(r, r.pid)}: temporary replica ${r.addedEndpoint} is still the leader`);
  }
  return runOpBatch(
    ctx,
    `${what}: remove temporary replicas`,
    temps.map((r) => ({ method: 'DelReplica', request: { db: r.db, name: r.name, pids: [r.pid], endpoint: r.addedEndpoint } })),
    (t) =>
      temps
        .filter((r) => partitionOf(t, r.db, r.name, r.pid)?.replicas.some((x) => x.endpoint === r.addedEndpoint))
        .map((r) => `${describe(r, r.pid)}: temporary replica on ${r.addedEndpoint} still there`),
  );
}

/** The replica recoverdata treats as leader: flagged leader, alive first, then the highest offset. */
export function chooseLeader(
  partition: TablePartition,
  offsetOf: (endpoint: string) => number | undefined,
): string | undefined {
  const flagged = partition.replicas.filter((r) => r.isLeader);
  flagged.sort((a, b) => Number(b.isAlive) - Number(a.isAlive) || (offsetOf(b.endpoint) ?? -1) - (offsetOf(a.endpoint) ?? -1));
  return flagged[0]?.endpoint;
}

export function leaderMeta(table: TableInfo, partition: TablePartition): PartitionMetaMsg {
  return {
    tid: table.tid,
    pid: partition.pid,
    db: table.db,
    name: table.name,
    schema: table.schema,
    mode: 'leader',
    term: partition.termOffsets.at(-1)?.term ?? 0,
    followers: [],
    replicationMode: table.replicationMode,
    partitionNum: table.partitionNum,
  };
}

export async function recoverData(ctx: OpsContext): Promise<Result<{ partitionsRepaired: number }>> {
  const what = 'recoverdata';
  const idle = await waitNoRunningOps(ctx, `${what}: wait for running ops`);
  if (!idle.ok) return idle;
  const [tables, tablets, status] = await Promise.all([ctx.admin.tables(), ctx.admin.tablets(), ctx.admin.replicaStatus()]);
  if (!tables.ok) return tablesFailure(tables, what);
  if (!tablets.ok) return fail(tablets.code, `${what}: cannot list tablets: ${tablets.message}`);
  if (!status.ok) return fail(status.code, `${what}: cannot read replica status: ${status.message}`);
  const healthy = new Set(tablets.value.filter((t) => t.state === 'kHealthy').map((t) => t.endpoint));
  // What each healthy tablet really holds: tid_pid → mode.
  const loaded = new Map<string, Map<string, string>>();
  for (const ep of healthy) {
    const r = await ctx.admin.tabletPartitions(ep);
    if (!r.ok) return fail(r.code, `${what}: GetTableStatus on ${ep} failed: ${r.message}`);
    loaded.set(ep, new Map(r.value.map((p) => [`${p.tid}_${p.pid}`, p.state === 'loading' ? 'loading' : p.mode])));
  }
  const offsets = new Map(status.value.map((s) => [`${s.tid}_${s.pid}_${s.endpoint}`, s.offset]));
  const sorted = [...tables.value].sort((a, b) => a.db.localeCompare(b.db) || a.name.localeCompare(b.name));
  const recoverRefs: ReplicaRef[] = [];
  const aliveEdits: OpCommand[] = [];
  let repaired = 0;
  for (const t of sorted) {
    for (const p of t.partitions) {
      const key = `${t.tid}_${p.pid}`;
      const intact = p.replicas.every((r) => r.isAlive && healthy.has(r.endpoint) && loaded.get(r.endpoint)?.get(key) === (r.isLeader ? 'leader' : 'follower'));
      if (intact) continue;
      const where = describe(t, p.pid);
      const leader = chooseLeader(p, (ep) => offsets.get(`${key}_${ep}`));
      if (!leader) {
        ctx.log(`${what}: ${where} has no replica flagged leader; skipped (use changeleader)`);
        continue;
      }
      if (!healthy.has(leader)) {
        ctx.log(`${what}: ${where}: leader ${leader} is not a healthy tablet; skipped`);
        continue;
      }
      repaired++;
      const mode = loaded.get(leader)?.get(key);
      if (mode === undefined) {
        ctx.log(`${what}: ${where}: loading the leader replica on ${leader}`);
        const r = await ctx.admin.loadTable(leader, leaderMeta(t, p));
        if (!r.ok) return fail(r.code, `${what}: LoadTable of ${where} on ${leader} failed: ${r.message}`);
        const normal = await waitUntil(ctx.pacer, `${what}: ${where} loading on ${leader}`, { timeoutMs: ctx.opTimeoutMs, intervalMs: ctx.pollMs, report: ctx.log }, async () => {
          const st = await ctx.admin.tabletPartitions(leader);
          if (!st.ok) return pollWait(st.message);
          const mine = st.value.find((x) => x.tid === t.tid && x.pid === p.pid);
          return mine && mine.state !== 'loading' ? pollDone(undefined) : pollWait(`state ${mine?.state ?? 'absent'}`);
        });
        if (!normal.ok) return normal;
      }
      if (!p.replicas.find((r) => r.endpoint === leader)!.isAlive) {
        aliveEdits.push({ method: 'UpdateTableAlive', request: { db: t.db, name: t.name, pid: p.pid, endpoint: leader, isAlive: true } });
      }
      for (const r of p.replicas) {
        if (r.endpoint === leader) continue;
        if (r.isAlive) aliveEdits.push({ method: 'UpdateTableAlive', request: { db: t.db, name: t.name, pid: p.pid, endpoint: r.endpoint, isAlive: false } });
        if (healthy.has(r.endpoint)) recoverRefs.push({ db: t.db, name: t.name, pid: p.pid, endpoint: r.endpoint });
        else ctx.log(`${what}: ${where}: replica on ${r.endpoint} is on a tablet that is not healthy; left for later`);
      }
    }
  }
  for (const e of aliveEdits) {
    const r = await ctx.admin.command(e.method, e.request);
    if (!r.ok) return fail(r.code, `${what}: updatetablealive ${e.request.db}.${e.request.name} ${e.request.pid} ${String(e.request.endpoint)} failed: ${r.message}`);
  }
  const recovered = await recoverReplicas(ctx, `${what}: recover replicas`, recoverRefs);
  if (!recovered.ok) return recovered;
  ctx.log(`${what}: ${repaired} partition(s) repaired`);
  return ok({ partitionsRepaired: repaired });
}

/** Runs `fn` with auto_failover off (as every manage command of the ops tool), restoring it after. */
export async function withAutoFailoverOff<T>(ctx: OpsContext, fn: () => Promise<Result<T>>): Promise<Result<T>> {
  const was = await ctx.admin.autoFailover();
  if (!was.ok) return fail(was.code, `cannot read auto_failover: ${was.message}`);
  if (was.value) {
    const off = await ctx.admin.setAutoFailover(false);
    if (!off.ok) return fail(off.code, `cannot turn auto_failover off: ${off.message}`);
    ctx.log('auto_failover turned off for the duration of the command');
  }
  try {
    return await fn();
  } finally {
    if (was.value) {
      const on = await ctx.admin.setAutoFailover(true);
      ctx.log(on.ok ? 'auto_failover turned back on' : `could not turn auto_failover back on: ${on.message} (run: confset auto_failover true)`);
    }
  }
}
