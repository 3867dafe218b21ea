/**
 * The RPC catalogue: method names and the shapes of their requests and responses. Bodies are plain
 * objects (msgpack on the wire). Compatibility rules: a field is never renamed or re-typed; new fields
 * are optional; receivers ignore fields they do not know. Each service validates what it receives.
 */
import type { ColumnDesc, ColumnType, IndexDef, ReplicationMode, TableInfo, TableSchema, Value } from './schema.js';
import type { OpType, TaskStatus, TaskType } from './ops-types.js';

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
    req: { tid: number; pid: number; rows: Uint8Array[]; insertTsMs?: number; indexPositions?: number[]; requestId?: RequestIdMsg };
    res: { offset: number };
  };
  Get: { req: { tid: number; pid: number; index: string; key: string; tsMs?: number }; res: { row?: Uint8Array; tsMs?: number } };
  /**
   * Rows of one key, newest first. `packed` (optional): answer with every row in one
   * binary, `packedRows` (the rows back to back; each row's header gives its size), `rows` then
   * empty. A tablet that does not know the flag ignores it and fills `rows`: a caller reads
   * `packedRows` when present, else `rows`.
   */
  Scan: {
    req: { tid: number; pid: number; index: string; key: string; newestTsMs?: number; oldestTsMs?: number; limit?: number; packed?: boolean };
    res: RowsResult & { packedRows?: Uint8Array };
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

// ---- Replication and the tablet side of cluster operations (cluster.md §5.5, §5.8, §6.2, §6.3, §7) ----

/**
 * A nameserver task as the tablet records it (the reference's api.TaskInfo). Task RPCs carry one:
 * the tablet answers at once, records the task as kDoing and later kDone/kFailed; the nameserver
 * polls GetTaskStatus. A request without `task` runs to completion before it is answered.
 */
export interface TaskInfoMsg {
  opId: number;
  opType: OpType;
  taskType: TaskType;
  status: TaskStatus;
  taskId?: number;
  tid?: number;
  pid?: number;
  endpoint?: string;
  /** Why the task failed (ours; the reference only logs it). */
  message?: string;
}

/**
 * LoadTable, DropTable and MakeSnapshot also accept a `task` (and MakeSnapshot an `endOffset`,
 * 0 = the current offset): `callTablet(c, 'LoadTable', { meta, task } as WithTask<...>)`.
 */
export type WithTask<R> = R & { task?: TaskInfoMsg };

export type FollowerPhase = 'matching' | 'syncing' | 'needsSnapshot' | 'steppedDown';

export interface FollowerStatusMsg {
  endpoint: string;
  /** The follower's last offset as it last acknowledged it (0 before the offset handshake). */
  offset: number;
  phase: FollowerPhase;
  /** Last replication error, if the follower is not in sync because of one. */
  error?: string;
}

/** The snapshot sender's and receiver's file places: the partition directory or its snapshot/ subdirectory. */
export type TransferDir = '' | 'snapshot';

export interface TabletMethods {
  /**
   * Leader → follower. `entries` is an entry batch (src/replication/entry-batch.ts); without it and
   * with preLogIndex 0 it is the offset handshake (and FollowOfNoOne when the term is higher).
   * `fenced`: refused because `term` is below the follower's; `term` is then the follower's.
   */
  AppendEntries: {
    req: { tid: number; pid: number; term: number; preLogIndex: number; entries?: Uint8Array };
    res: { offset: number; term: number; fenced?: boolean };
  };
  AddReplica: { req: { tid: number; pid: number; endpoint: string; task?: TaskInfoMsg }; res: Record<string, never> };
  DelReplica: { req: { tid: number; pid: number; endpoint: string; task?: TaskInfoMsg }; res: Record<string, never> };
  /**
   * A leader told to become a follower first stops taking writes and waits (bounded) until its
   * alive followers have its last offset; `offset` is then its last offset and `drained` whether
   * every alive follower acknowledged it (absent from older tablets and for other changes).
   */
  ChangeRole: {
    req: { tid: number; pid: number; mode: TableMode; term: number; followers?: string[] };
    res: { offset?: number; drained?: boolean };
  };
  /** hasTable false: term and offset come from the local snapshot MANIFEST (0/0 without one). */
  GetTermPair: { req: { tid: number; pid: number }; res: { hasTable: boolean; isLeader: boolean; term: number; offset: number } };
  /** The leader's offset and each follower's acknowledged offset (the difference is the replication lag). */
  GetTableFollower: { req: { tid: number; pid: number }; res: { offset: number; followers: FollowerStatusMsg[] } };
  GetManifest: {
    req: { tid: number; pid: number };
    res: { exists: boolean; offset: number; term: number; count: number; name: string };
  };
  /** Moves the binlog of a replica that is not loaded to the recycle bin (or deletes it). */
  DeleteBinlog: { req: { tid: number; pid: number }; res: Record<string, never> };
  PauseSnapshot: { req: { tid: number; pid: number; task?: TaskInfoMsg }; res: Record<string, never> };
  RecoverSnapshot: { req: { tid: number; pid: number; task?: TaskInfoMsg }; res: Record<string, never> };
  /** Streams table meta, the snapshot data file and MANIFEST to `endpoint` (requires PauseSnapshot). */
  SendSnapshot: {
    req: { tid: number; pid: number; endpoint: string; remoteTid?: number; task?: TaskInfoMsg };
    res: Record<string, never>;
  };
  /** Receiver: start (or restart) receiving one file into `<name>.tmp`. */
  ReceiveFile: {
    req: { tid: number; pid: number; dir: TransferDir; fileName: string; sizeBytes: number };
    res: Record<string, never>;
  };
  /** Receiver: block `blockId` (0-based, in order; a repeat of the last block is acknowledged again). */
  SendData: {
    req: { tid: number; pid: number; dir: TransferDir; fileName: string; blockId: number; data: Uint8Array; blockCrc32: number };
    res: Record<string, never>;
  };
  /** Receiver: size and crc check, then fsync and rename `<name>.tmp` to `<name>`. */
  CheckFile: {
    req: { tid: number; pid: number; dir: TransferDir; fileName: string; sizeBytes: number; crc32: number };
    res: Record<string, never>;
  };
  GetTaskStatus: { req: Record<string, never>; res: { tasks: TaskInfoMsg[] } };
  DeleteOPTask: { req: { opIds: number[] }; res: Record<string, never> };
  CancelOP: { req: { opId: number }; res: Record<string, never> };
}

// ---- Online SQL: queries and deployments on tablets, deployments and indexes in the nameserver (sql.md §4.1, §5) ----

export type SqlExecMode = 'batch' | 'request';

export interface SqlColumnMsg {
  name: string;
  type: ColumnType;
}

/** A query result: values as in schema.ts (int64 as bigint, dates as 'YYYY-MM-DD', NULL as null). */
export interface SqlResultMsg {
  columns: SqlColumnMsg[];
  rows: Value[][];
}

export interface TabletMethods {
  /**
   * Runs a SELECT on this tablet. Batch: every output row (`params` fill the `?`s). Request: one
   * output row per request row (`row`, or several in `rows`), each a row of the query's main table
   * in schema order; values are converted to the column types as INSERT parameters are.
   * `partitions` (batch only): one piece of a query split by partition: read the main table (id
   * `tid`) only from partitions `pids`, dealt by the key of index `index` (default 0), all led by
   * this tablet (else `tableIsFollower`). The answer then names the `pids` it covers; an answer
   * without them comes from a tablet that ignored the field and ran the whole query.
   */
  Query: {
    req: {
      db: string;
      sql: string;
      mode: SqlExecMode;
      params?: Value[];
      row?: Value[];
      rows?: Value[][];
      partitions?: { tid: number; pids: number[]; index?: number };
    };
    res: SqlResultMsg & { pids?: number[] };
  };
  /** Runs a deployment in request mode: one output row per request row (main table schema order). */
  CallDeployment: { req: { db: string; name: string; rows: Value[][] }; res: SqlResultMsg };
  /**
   * Appends `index` to this replica's table at `position` (the table's index count; a replica that
   * already has it there answers ok). With `backfill` (leaders only) every row stored before the
   * index is put again into the new index of the partition its new key hashes to.
   */
  AddIndex: {
    req: { tid: number; pid: number; index: IndexDef; position: number; backfill?: boolean };
    res: { backfilledRows: number };
  };
}

export interface DeploymentOptionsMsg {
  skipIndexCheck: boolean;
  sync: boolean;
  /** RANGE_BIAS in ms, or 'inf'. */
  rangeBias?: number | 'inf';
  rowsBias?: number | 'inf';
  longWindows?: string;
}

export const DEPLOYMENT_FORMAT_VERSION = 1;

/** A deployment as the nameserver stores it (`<root>/store_procedure/db_sp_data/<db>.<name>`, JSON). */
export interface DeploymentInfo {
  formatVersion: number;
  db: string;
  name: string;
  /** The DEPLOY statement as submitted. */
  sql: string;
  /** The DEPLOY statement as SHOW DEPLOYMENT prints it. */
  normalizedSql: string;
  /** The main (request) table: a request row has its columns. */
  mainTable: { db: string; name: string };
  inputSchema: ColumnDesc[];
  outputSchema: SqlColumnMsg[];
  tables: { db: string; name: string }[];
  options: DeploymentOptionsMsg;
  /** Main-table columns whose index key decides the partition a request row is routed to (the first window's PARTITION BY); empty: any. */
  routingColumns: string[];
  createdAtMs: number;
}

export interface NameServerMethods {
  /** `sql` is the whole DEPLOY statement; the nameserver validates it and applies the index changes. */
  Deploy: {
    req: { db: string; sql: string };
    res: { created: boolean; indexesAdded: string[]; ttlsChanged: string[] };
  };
  DropDeployment: { req: { db: string; name: string; ifExists?: boolean }; res: Record<string, never> };
  /** Every deployment, or those of `db`, sorted by database and name. */
  ShowDeployments: { req: { db?: string }; res: { deployments: { db: string; name: string }[] } };
  GetDeployment: { req: { db: string; name: string }; res: { deployment: DeploymentInfo } };
  /** CREATE INDEX: appends `index` to the table on every replica, backfills it, then updates the metadata. */
  AddTableIndex: {
    req: { db: string; name: string; index: IndexDef };
    res: { position: number; backfilledRows: number };
  };
  /**
   * DROP INDEX / ns_client deleteindex: marks the live index `index` dropped (it keeps its
   * position) on every replica, then in the table metadata. Refused for the first index, an
   * index a deployment uses, and an unknown one.
   */
  DeleteTableIndex: { req: { db: string; name: string; index: string }; res: { position: number } };
}

// ---- DROP INDEX on a tablet ----

export interface TabletMethods {
  /**
   * Drops the index at `position` (named `index`, checked) of this replica: puts skip it, reads
   * through it are refused, its memory is freed and its table meta marks it dropped. A replica
   * whose index there is dropped already answers ok.
   */
  DeleteIndex: { req: { tid: number; pid: number; index: string; position: number }; res: Record<string, never> };
}

// ---- Versions, the cluster version and idempotent writes (DESIGN-versions.md) ----

/** Identifies one Put request of one client: a retry carries the same id (feature idempotentPut). */
export interface RequestIdMsg {
  /** Random per client instance. */
  clientId: string;
  /** Increases with every Put request the client sends. */
  seq: number;
}

export interface NodeVersionMsg {
  role: 'nameserver' | 'tablet';
  endpoint: string;
  version: string;
  /** Tablets: kHealthy / kOffline; nameservers: leader / standby. */
  state: string;
}

export interface NameServerMethods {
  /** Raises `<root>/config/cluster_version` to `version` (default: the leader's own) when every node runs it. */
  FinalizeUpgrade: { req: { version?: string }; res: { clusterVersion: string; previous: string } };
  /** The cluster version and every node's software version. */
  ShowVersion: { req: Record<string, never>; res: { clusterVersion: string; nodes: NodeVersionMsg[] } };
  /** The cluster version ('' when none was set); standbys answer too. */
  GetClusterVersion: { req: Record<string, never>; res: { version: string } };
}
