/**
 * Table schema and metadata shared by every component: column types as the reference names them,
 * indexes (a KEY of one or more columns, an optional TS column and a TTL), and the nameserver's
 * table metadata. These are plain objects so they cross the wire and ZooKeeper unchanged.
 */
export const COLUMN_TYPES = [
  'bool',
  'smallint',
  'int',
  'bigint',
  'float',
  'double',
  'string',
  'date',
  'timestamp',
] as const;

export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * In-memory value of a column:
 * bool → boolean; smallint, int, float, double → number; bigint → bigint (exact int64);
 * timestamp → number (epoch milliseconds); string → string; date → string 'YYYY-MM-DD';
 * NULL → null.
 */
export type Value = null | boolean | number | bigint | string;

export interface ColumnDesc {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull: boolean;
  /** Value used by INSERT when the column is omitted. */
  readonly defaultValue?: Value;
}

export const TTL_TYPES = ['absolute', 'latest', 'absorlat', 'absandlat'] as const;
export type TtlType = (typeof TTL_TYPES)[number];

export interface Ttl {
  readonly type: TtlType;
  /** Absolute part in minutes; 0 disables it. */
  readonly absMinutes: number;
  /** Latest part: rows kept per key; 0 disables it. */
  readonly latCount: number;
}

export const TTL_NONE: Ttl = { type: 'absolute', absMinutes: 0, latCount: 0 };

export interface IndexDef {
  readonly name: string;
  /** Key columns; a multi-column key joins the values with '|'. */
  readonly keyColumns: readonly string[];
  /** bigint or timestamp column ordering the rows of a key; absent = insertion time. */
  readonly tsColumn?: string;
  readonly ttl: Ttl;
  /**
   * DROP INDEX: the index is gone but keeps its position (binlog entries and snapshots name
   * indexes by position), so positions of the others never move. Absent = live (older records).
   */
  readonly dropped?: boolean;
}

export function isLiveIndex(index: IndexDef): boolean {
  return index.dropped !== true;
}

/** The schema as users see it (DESC, SHOW CREATE TABLE): live indexes only; positions are not kept. */
export function liveSchema(schema: TableSchema): TableSchema {
  return schema.indexes.every(isLiveIndex) ? schema : { columns: schema.columns, indexes: schema.indexes.filter(isLiveIndex) };
}

/** Position of the live index called `name` (case-insensitive), or -1. */
export function liveIndexPosition(schema: TableSchema, name: string): number {
  const lower = name.toLowerCase();
  return schema.indexes.findIndex((i) => isLiveIndex(i) && i.name.toLowerCase() === lower);
}

export interface TableSchema {
  readonly columns: readonly ColumnDesc[];
  readonly indexes: readonly IndexDef[];
}

export type StorageMode = 'memory' | 'ssd' | 'hdd';
export type ReplicationMode = 'async' | 'sync';

export interface PartitionReplica {
  readonly endpoint: string;
  readonly isLeader: boolean;
  readonly isAlive: boolean;
}

export interface TermOffset {
  readonly term: number;
  /** First binlog offset written under this term. */
  readonly offset: number;
}

export interface TablePartition {
  readonly pid: number;
  readonly replicas: readonly PartitionReplica[];
  readonly termOffsets: readonly TermOffset[];
}

/** Nameserver metadata of one table (the reference's nameserver.TableInfo). */
export interface TableInfo {
  /** On-disk / ZooKeeper format version of this record. */
  readonly formatVersion: number;
  readonly tid: number;
  readonly db: string;
  readonly name: string;
  readonly partitionNum: number;
  readonly replicaNum: number;
  readonly schema: TableSchema;
  readonly partitions: readonly TablePartition[];
  readonly storageMode: StorageMode;
  readonly replicationMode: ReplicationMode;
  readonly compress: 'none' | 'snappy';
  /** Wall-clock ms of creation. */
  readonly createdAtMs: number;
}

export const TABLE_INFO_FORMAT_VERSION = 1;

export function columnIndex(schema: TableSchema, name: string): number {
  const lower = name.toLowerCase();
  return schema.columns.findIndex((c) => c.name.toLowerCase() === lower);
}
