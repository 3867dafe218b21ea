/**
 * A table's metadata as GET /dbs/{db}/tables[/{table}] shows it (sql.md §6.7): the reference's
 * key names for its nameserver TableInfo. Fields this system does not have (segment count, skiplist
 * height, added columns, schema versions) are left out, as the reference leaves out unset fields.
 */
import { isLiveIndex, type TableInfo } from '../protocol/schema.js';
import { TABLE_TYPE_NAMES } from './column-json.js';
import type { JsonOut } from './json-write.js';

export function tableInfoJson(t: TableInfo): JsonOut {
  return {
    name: t.name,
    table_partition_size: t.partitions.length,
    tid: t.tid,
    partition_num: t.partitionNum,
    replica_num: t.replicaNum,
    compress_type: t.compress === 'snappy' ? 'snappy' : 'nocompress',
    column_desc: t.schema.columns.map((c) => ({
      name: c.name,
      data_type: TABLE_TYPE_NAMES[c.type],
      not_null: c.notNull,
      is_constant: false,
    })),
    column_key: t.schema.indexes.filter(isLiveIndex).map((idx) => ({
      index_name: idx.name,
      col_name: [...idx.keyColumns],
      ts_name: idx.tsColumn,
      flag: 0,
      ttl: { ttl_type: idx.ttl.type, abs_ttl: idx.ttl.absMinutes, lat_ttl: idx.ttl.latCount },
    })),
    db: t.db,
    partition_key: [],
  };
}
