/**
 * The RPC catalogue: method names and the shapes of their requests and responses. Bodies are plain
 * objects (msgpack on the wire). Compatibility rules: a field is never renamed or re-typed; new fields
 * are optional; receivers ignore fields they do not know. Each service validates what it receives.
 */
import type { ReplicationMode, TableInfo, TableSchema } from './schema.js';

export type TableMode = 'leader' | 'follower';
export type TableState = 'loading' | 'normal' | 'makingSnapshot' | 'snapshotPaused';

/** What a tablet needs to host one replica of one partition. */
export interface PartitionMetaMsg {
  tid: number;
  pid: number;
  db: string;
  name: string;
  schema: TableSchema;
  mode: TableMode;
  term: number;
  /** Follower endpoints (leaders replicate to them). */
  followers: string[];
  replicationMode: ReplicationMode;
  partitionNum: number;
}

export interface TablePartitionStatus {
  tid: number;
  pid: number;
  db: string;
  name: string;
  mode: TableMode;
  state: TableState;
  term: number;
  offset: number;
  recordCnt: number;
  memBytes: number;
  diskBytes: number;
}

export interface RowsResult {
  rows: Uint8Array[];
  tss: number[];
}

export interface TabletMethods {
  CreateTable: { req: { meta: PartitionMetaMsg }; res: Record<string, never> };
  LoadTable: { req: { meta: PartitionMetaMsg }; res: { offset: number } };
  DropTable: { req: { tid: number; pid: number }; res: Record<string, never> };
  Put: {
    req: { tid: number; pid: number; rows: Uint8Array[]; insertTsMs?: number; indexPositions?: number[] };
    res: { offset: number };
  };
  Get: { req: { tid: number; pid: number; index: string; key: string; tsMs?: number }; res: { row?: Uint8Array; tsMs?: number } };
  Scan: {
    req: { tid: number; pid: number; index: string; key: string; newestTsMs?: number; oldestTsMs?: number; limit?: number };
    res: RowsResult;
  };
  Count: { req: { tid: number; pid: number; index: string; key: string }; res: { count: number } };
  Traverse: {
    req: { tid: number; pid: number; index?: string; cursor?: string; limit: number };
    res: RowsResult & { cursor?: string };
  };
  Delete: {
    req: { tid: number; pid: number; index: string; key?: string; fromTsMs?: number; toTsMs?: number };
    res: { offset: number; deleted: number };
  };
  GetTableStatus: { req: { tid?: number; pid?: number }; res: { partitions: TablePartitionStatus[] } };
  MakeSnapshot: { req: { tid: number; pid: number }; res: { offset: number } };
  SetTtl: { req: { tid: number; pid: number; index: string; ttl: { type: string; absMinutes: number; latCount: number } }; res: Record<string, never> };
}

export interface TabletInfoMsg {
  endpoint: string;
  state: 'kHealthy' | 'kOffline';
  ageMs: number;
  version: string;
}

export interface NameServerMethods {
  CreateDatabase: { req: { name: string; ifNotExists?: boolean }; res: Record<string, never> };
  DropDatabase: { req: { name: string; ifExists?: boolean }; res: Record<string, never> };
  ShowDatabases: { req: Record<string, never>; res: { names: string[] } };
  CreateTable: {
    req: {
      db: string;
      name: string;
      schema: TableSchema;
      partitionNum?: number;
      replicaNum?: number;
      replicationMode?: ReplicationMode;
      ifNotExists?: boolean;
    };
    res: { tid: number };
  };
  DropTable: { req: { db: string; name: string; ifExists?: boolean }; res: Record<string, never> };
  ShowTable: { req: { db?: string; name?: string }; res: { tables: TableInfo[] } };
  ShowTablet: { req: Record<string, never>; res: { tablets: TabletInfoMsg[] } };
  ShowNameServer: { req: Record<string, never>; res: { nameservers: { endpoint: string; role: 'leader' | 'standby'; version: string }[] } };
  /** Metadata version counter; clients refresh their cache when it moves. */
  GetMetaVersion: { req: Record<string, never>; res: { version: number } };
  /** One row per replica with its last reported status (ns_client showtable). */
  ShowTableStatus: { req: { db?: string; name?: string }; res: { replicas: ReplicaStatusRow[] } };
  ConfSet: { req: { key: string; value: string }; res: Record<string, never> };
  ConfGet: { req: Record<string, never>; res: { entries: { key: string; value: string }[] } };
}

export interface ReplicaStatusRow {
  db: string;
  name: string;
  tid: number;
  pid: number;
  endpoint: string;
  isLeader: boolean;
  isAlive: boolean;
  /** Absent when the tablet has not reported this replica. */
  offset?: number;
  recordCnt?: number;
  memBytes?: number;
  diskBytes?: number;
}

export type TabletMethod = keyof TabletMethods;
export type NameServerMethod = keyof NameServerMethods;
