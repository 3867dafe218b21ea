/**
 * Results of SHOW DATABASES / TABLES / [SESSION|GLOBAL] VARIABLES / TABLE STATUS / CREATE TABLE,
 * with the reference's column names (sql.md §2.5). The client gathers the facts; these build rows.
 */
import type { TablePartitionStatus } from '../../protocol/messages.js';
import type { ColumnDesc, IndexDef, TableInfo, Value } from '../../protocol/schema.js';
import { printIdent, quoteString } from '../syntax/index.js';
import { type ResultSet, stringTable } from './result-set.js';

export function showDatabases(names: readonly string[]): ResultSet {
  return stringTable(['Databases'], names.map((n) => [n]));
}

export function showTables(names: readonly string[]): ResultSet {
  return stringTable(['Tables'], names.map((n) => [n]));
}

function sortedPairs(values: Readonly<Record<string, string>>): string[][] {
  return Object.keys(values)
    .sort()
    .map((k) => [k, values[k]!]);
}

/** SHOW [SESSION] VARIABLES: `Variable_name, Value`, sorted by name. */
export function showSessionVariables(values: Readonly<Record<string, string>>): ResultSet {
  return stringTable(['Variable_name', 'Value'], sortedPairs(values));
}

/** SHOW GLOBAL VARIABLES: `Variable_name, Variable_value`, sorted by name. */
export function showGlobalVariables(values: Readonly<Record<string, string>>): ResultSet {
  return stringTable(['Variable_name', 'Variable_value'], sortedPairs(values));
}

export const TABLE_STATUS_COLUMNS = [
  'Table_id',
  'Table_name',
  'Database_name',
  'Storage_type',
  'Rows',
  'Memory_data_size',
  'Disk_data_size',
  'Partition',
  'Partition_unalive',
  'Replica',
  'Offline_path',
  'Offline_format',
  'Offline_symbolic_paths',
  'Warnings',
] as const;

export interface TableStatusInput {
  readonly info: TableInfo;
  /** What the tablets report for the table's partitions (any replicas); may be incomplete. */
  readonly partitions: readonly TablePartitionStatus[];
}

/**
 * One row per table. Rows and sizes add up each partition's leader as its tablet reports it;
 * a partition whose leader did not report is named in Warnings. No offline storage exists, so
 * the offline columns are NULL.
 */
export function showTableStatus(tables: readonly TableStatusInput[]): ResultSet {
  const rows: Value[][] = tables.map(({ info, partitions }) => {
    let records = 0;
    let memBytes = 0;
    let diskBytes = 0;
    let unalive = 0;
    const missing: number[] = [];
    for (const p of info.partitions) {
      unalive += p.replicas.filter((r) => !r.isAlive).length;
      const status = partitions.find((s) => s.tid === info.tid && s.pid === p.pid && s.mode === 'leader');
      if (status === undefined) {
        missing.push(p.pid);
        continue;
      }
      records += status.recordCnt;
      memBytes += status.memBytes;
      diskBytes += status.diskBytes;
    }
    const warnings = missing.length === 0 ? '' : `no status from the leader of partition(s) ${missing.join(', ')}`;
    return [
      String(info.tid),
      info.name,
      info.db,
      info.storageMode,
      String(records),
      String(memBytes),
      String(diskBytes),
      String(info.partitionNum),
      String(unalive),
      String(info.replicaNum),
      null,
      null,
      null,
      warnings,
    ];
  });
  return stringTable(TABLE_STATUS_COLUMNS, rows);
}

function quoted(name: string): string {
  return printIdent({ kind: 'ident', name, quoted: true, pos: { offset: 0, line: 1, column: 1 } });
}

function columnText(c: ColumnDesc): string {
  const type = c.type === 'string' ? 'varchar' : c.type;
  const dflt =
    c.defaultValue === undefined || c.defaultValue === null
      ? ''
      : ` DEFAULT ${typeof c.defaultValue === 'string' ? quoteString(c.defaultValue) : String(c.defaultValue)}`;
  return `${quoted(c.name)} ${type}${c.notNull ? ' NOT NULL' : ''}${dflt}`;
}

function ttlClause(idx: IndexDef): string {
  const t = idx.ttl;
  switch (t.type) {
    case 'absolute':
      return `TTL_TYPE=ABSOLUTE, TTL=${t.absMinutes}m`;
    case 'latest':
      return `TTL_TYPE=LATEST, TTL=${t.latCount}`;
    default:
      return `TTL_TYPE=${t.type.toUpperCase()}, TTL=(${t.absMinutes}m, ${t.latCount})`;
  }
}

function indexText(idx: IndexDef): string {
  const keys = idx.keyColumns.length === 1 ? quoted(idx.keyColumns[0]!) : `(${idx.keyColumns.map(quoted).join(',')})`;
  const ts = idx.tsColumn === undefined ? '' : `, TS=${quoted(idx.tsColumn)}`;
  return `INDEX ${quoted(idx.name)} (KEY=${keys}${ts}, ${ttlClause(idx)})`;
}

/** The CREATE TABLE statement that makes a table like `info` (names, columns, indexes, options). */
export function createTableText(info: TableInfo): string {
  const body = [...info.schema.columns.map(columnText), ...info.schema.indexes.map(indexText)].join(',\n');
  const storage = info.storageMode === 'memory' ? 'Memory' : info.storageMode.toUpperCase();
  const compress = info.compress === 'snappy' ? 'Snappy' : 'NoCompress';
  const replication = info.replicationMode === 'sync' ? ", REPLICATION_MODE='sync'" : '';
  return (
    `CREATE TABLE ${quoted(info.name)} (\n${body}\n) OPTIONS (PARTITIONNUM=${info.partitionNum}, ` +
    `REPLICANUM=${info.replicaNum}, STORAGE_MODE='${storage}', COMPRESS_TYPE='${compress}'${replication});`
  );
}

/** SHOW CREATE TABLE: `Table, Create Table`. */
export function showCreateTable(info: TableInfo): ResultSet {
  return stringTable(['Table', 'Create Table'], [[info.name, createTableText(info)]]);
}
