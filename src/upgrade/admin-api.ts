/**
 * What the upgrade tools ask of a cluster, as one interface: the nameserver's metadata and op
 * commands (cluster.md §6, §8) and the few tablet calls the ops tool needs (§9). The production
 * implementation goes through DbClient (nameserver calls follow the leader); tests may fake it.
 */
import { Code, fail, ok, okVoid, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import type { PartitionMetaMsg, ReplicaStatusRow, TablePartitionStatus, TabletInfoMsg } from '../protocol/messages.js';
import type { TableInfo } from '../protocol/schema.js';
import { callNameServer, callTablet } from '../protocol/typed-call.js';

/** One op as ShowOPStatus reports it. */
export interface OpRow {
  readonly opId: number;
  readonly opType: string;
  readonly db: string;
  readonly name: string;
  readonly pid: number;
  readonly status: string;
  readonly curTask: string;
}

export interface NameServerRow {
  readonly endpoint: string;
  readonly role: 'leader' | 'standby';
  readonly version: string;
}

export interface AdminApi {
  tables(): Promise<Result<TableInfo[]>>;
  replicaStatus(): Promise<Result<ReplicaStatusRow[]>>;
  tablets(): Promise<Result<TabletInfoMsg[]>>;
  nameservers(): Promise<Result<NameServerRow[]>>;
  /** The software version a nameserver reports for itself (asked directly, standbys answer too). */
  nameserverVersion(endpoint: string): Promise<Result<string>>;
  ops(): Promise<Result<OpRow[]>>;
  autoFailover(): Promise<Result<boolean>>;
  setAutoFailover(on: boolean): Promise<Result<void>>;
  /** An admin RPC of the nameserver (ChangeLeader, RecoverTable, AddReplica, ...). */
  command(method: string, request: unknown): Promise<Result<{ opCount: number }>>;
  tabletPartitions(endpoint: string): Promise<Result<TablePartitionStatus[]>>;
  loadTable(endpoint: string, meta: PartitionMetaMsg): Promise<Result<void>>;
  /** FinalizeUpgrade: `undefined` when the cluster's nameserver does not know the call. */
  finalizeUpgrade(): Promise<Result<{ clusterVersion: string; previous: string } | undefined>>;
}

const TABLET_CALL_TIMEOUT_MS = 10_000;

export function dbClientAdmin(client: DbClient): AdminApi {
  return {
    async tables() {
      const r = await client.ns('ShowTable', {});
      return r.ok ? ok(r.value.tables) : r;
    },
    async replicaStatus() {
      const r = await client.ns('ShowTableStatus', {});
      return r.ok ? ok(r.value.replicas) : r;
    },
    async tablets() {
      const r = await client.ns('ShowTablet', {});
      return r.ok ? ok(r.value.tablets) : r;
    },
    async nameservers() {
      const r = await client.ns('ShowNameServer', {});
      return r.ok ? ok(r.value.nameservers) : r;
    },
    async nameserverVersion(endpoint) {
      const r = await callNameServer(client.rpc(endpoint), 'ShowNameServer', {}, { timeoutMs: TABLET_CALL_TIMEOUT_MS });
      if (!r.ok) return r;
      const me = r.value.nameservers.find((n) => n.endpoint === endpoint);
      return me?.version ? ok(me.version) : fail(Code.unavailable, `nameserver ${endpoint} did not report its version`);
    },
    async ops() {
      const r = await client.nsRaw('ShowOPStatus', {});
      return r.ok ? ok((r.value as { ops: OpRow[] }).ops) : r;
    },
    async autoFailover() {
      const r = await client.ns('ConfGet', {});
      if (!r.ok) return r;
      const e = r.value.entries.find((x) => x.key === 'auto_failover');
      return e ? ok(e.value.toLowerCase() === 'true') : fail(Code.internal, 'confget did not report auto_failover');
    },
    async setAutoFailover(on) {
      const r = await client.ns('ConfSet', { key: 'auto_failover', value: on ? 'true' : 'false' });
      return r.ok ? okVoid : r;
    },
    async command(method, request) {
      const r = await client.nsRaw(method, request);
      if (!r.ok) return r;
      const opCount = (r.value as { opCount?: unknown }).opCount;
      return ok({ opCount: typeof opCount === 'number' ? opCount : 0 });
    },
    async tabletPartitions(endpoint) {
      const r = await callTablet(client.rpc(endpoint), 'GetTableStatus', {}, { timeoutMs: TABLET_CALL_TIMEOUT_MS });
      return r.ok ? ok(r.value.partitions) : r;
    },
    async loadTable(endpoint, meta) {
      const r = await callTablet(client.rpc(endpoint), 'LoadTable', { meta }, { timeoutMs: TABLET_CALL_TIMEOUT_MS });
      return r.ok ? okVoid : r;
    },
    async finalizeUpgrade() {
      const r = await client.nsRaw('FinalizeUpgrade', {});
      if (!r.ok) return r.code === Code.rpcUnknownMethod ? ok(undefined) : r;
      const v = r.value as { clusterVersion?: string; previous?: string };
      return ok({ clusterVersion: String(v.clusterVersion ?? ''), previous: String(v.previous ?? '') });
    },
  };
}
