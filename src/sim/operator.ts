import type { Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import type { PartitionMetaMsg, TablePartitionStatus } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import type { SimCluster } from './sim-cluster.js';
import { SIM_DB } from './workload.js';

/**
 * The operator's documented recovery (cluster.md §10, `openmldb_ops.py --cmd=recoverdata`), for
 * when auto-failover left replicas dead: the reference never retries a failed op, and never marks
 * the last alive replica of a partition dead, so a partition whose ops failed under further faults
 * stays degraded until an operator acts. Through the same RPCs the tool uses:
 *  1. `confset auto_failover false`, and wait until no op runs;
 *  2. per partition that is not healthy (a replica dead, not loaded, or in the wrong role): pick
 *     the leader (the replica flagged leader, alive first, then the highest offset), `LoadTable` it
 *     on its tablet if it is not loaded, mark it alive; mark every other replica dead and
 *     `recovertable` it; wait until the table's ops end;
 *  3. `confset auto_failover true`.
 */
export interface OperatorReport {
  /** What the operator did, in order. */
  readonly actions: readonly string[];
  /** Commands that failed. */
  readonly failures: readonly string[];
}

const OPS_POLL_MS = 1_000;
const UNFINISHED = new Set(['kInited', 'kDoing']);

interface ReplicaState {
  readonly endpoint: string;
  readonly isLeader: boolean;
  readonly isAlive: boolean;
  readonly status: TablePartitionStatus | undefined;
  readonly offset: number;
}

export async function recoverData(cluster: SimCluster, client: DbClient, timeoutMs: number): Promise<OperatorReport> {
  const actions: string[] = [];
  const failures: string[] = [];
  const deadline = cluster.clock.nowMs + timeoutMs;
  const sleep = (ms: number) => new Promise<void>((resolve) => cluster.clock.after(ms, resolve));
  const act = (what: string): void => {
    actions.push(what);
    cluster.trace.note(`operator: ${what}`);
  };
  const check = async <T>(what: string, call: Promise<Result<T>>): Promise<Result<T>> => {
    const r = await call;
    if (!r.ok) {
      failures.push(`${what}: ${r.message}`);
      cluster.trace.note('operator: command failed', { what, error: r.message });
    }
    return r;
  };
  const waitOpsIdle = async (): Promise<void> => {
    while (cluster.clock.nowMs < deadline) {
      const r = await client.nsRaw('ShowOPStatus', {});
      if (r.ok && !(r.value as { ops: { status: string }[] }).ops.some((o) => UNFINISHED.has(o.status))) return;
      await sleep(OPS_POLL_MS);
    }
    failures.push('ops did not finish before the operator gave up');
  };

  act('confset auto_failover false');
  await check('confset auto_failover false', client.nsRaw('ConfSet', { key: 'auto_failover', value: 'false' }));
  await waitOpsIdle();
  const tables = await check('showtable', client.listTables(SIM_DB));
  if (tables.ok) {
    for (const table of tables.value) {
      for (const p of table.partitions) {
        const replicas = await Promise.all(p.replicas.map((r) => replicaState(client, table, p.pid, r)));
        const healthy = replicas.every((r) => r.isAlive && r.status !== undefined && r.status.mode === (r.isLeader ? 'leader' : 'follower'));
        if (healthy) continue;
        const leader = pickLeader(replicas);
        const where = `${table.name} pid ${p.pid}`;
        if (!leader.status) {
          act(`loadtable ${where} on ${leader.endpoint} as leader`);
          await check(`loadtable ${where} on ${leader.endpoint}`, callTablet(client.rpc(leader.endpoint), 'LoadTable', { meta: leaderMeta(table, p.pid) }, { timeoutMs: 60_000 }));
        }
        if (!leader.isAlive) {
          act(`updatetablealive ${where} ${leader.endpoint} yes`);
          await check(`updatetablealive ${where} ${leader.endpoint} yes`, client.nsRaw('UpdateTableAlive', { db: SIM_DB, name: table.name, pid: p.pid, endpoint: leader.endpoint, isAlive: true }));
        }
        for (const r of replicas) {
          if (r === leader) continue;
          if (r.isAlive) {
            act(`updatetablealive ${where} ${r.endpoint} no`);
            await check(`updatetablealive ${where} ${r.endpoint} no`, client.nsRaw('UpdateTableAlive', { db: SIM_DB, name: table.name, pid: p.pid, endpoint: r.endpoint, isAlive: false }));
          }
          act(`recovertable ${where} ${r.endpoint}`);
          await check(`recovertable ${where} ${r.endpoint}`, client.nsRaw('RecoverTable', { db: SIM_DB, name: table.name, pid: p.pid, endpoint: r.endpoint }));
        }
        await waitOpsIdle();
      }
    }
  }
  act('confset auto_failover true');
  await check('confset auto_failover true', client.nsRaw('ConfSet', { key: 'auto_failover', value: 'true' }));
  return { actions, failures };
}

async function replicaState(client: DbClient, table: TableInfo, pid: number, r: { endpoint: string; isLeader: boolean; isAlive: boolean }): Promise<ReplicaState> {
  const rpc = client.rpc(r.endpoint);
  const st = await callTablet(rpc, 'GetTableStatus', { tid: table.tid, pid }, { timeoutMs: 3_000 });
  const status = st.ok ? st.value.partitions.find((x) => x.tid === table.tid && x.pid === pid && x.state !== 'loading') : undefined;
  let offset = status?.offset ?? -1;
  if (!status) {
    const pair = await callTablet(rpc, 'GetTermPair', { tid: table.tid, pid }, { timeoutMs: 3_000 });
    if (pair.ok) offset = pair.value.offset;
  }
  return { ...r, status, offset };
}

/** The replica flagged leader (alive ones first, then the highest offset); without one, the highest offset. */
function pickLeader(replicas: readonly ReplicaState[]): ReplicaState {
  const flagged = replicas.filter((r) => r.isLeader);
  const pool = flagged.length > 0 ? flagged : replicas;
  return [...pool].sort((a, b) => Number(b.isAlive) - Number(a.isAlive) || b.offset - a.offset)[0]!;
}

function leaderMeta(table: TableInfo, pid: number): PartitionMetaMsg {
  const partition = table.partitions.find((x) => x.pid === pid)!;
  return {
    tid: table.tid,
    pid,
    db: table.db,
    name: table.name,
    schema: table.schema,
    mode: 'leader',
    term: partition.termOffsets.at(-1)?.term ?? 1,
    followers: [],
    replicationMode: table.replicationMode,
    partitionNum: table.partitionNum,
  };
}
