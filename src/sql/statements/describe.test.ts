import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../protocol/schema.js';
import { describeIndexRows, describeTable } from './describe.js';
import { isPreformatted, PREFORMATTED_COLUMN } from './result-set.js';
import { planCreateTable } from './create-table.js';
import { createTableText, showCreateTable, showTableStatus } from './show.js';
import { parsed } from './test-helpers.js';
import { renderTextTable } from './text-table.js';
import { ttlText, ttlTypeName } from './ttl.js';

const info: TableInfo = {
  formatVersion: 1,
  tid: 7,
  db: 'db1',
  name: 't1',
  partitionNum: 2,
  replicaNum: 1,
  schema: {
    columns: [
      { name: 'c1', type: 'string', notNull: true, defaultValue: 'x' },
      { name: 'c2', type: 'int', notNull: false },
      { name: 'c7', type: 'timestamp', notNull: false },
    ],
    indexes: [
      { name: 'INDEX_0_1651143735', keyColumns: ['c1'], tsColumn: 'c7', ttl: { type: 'absolute', absMinutes: 43200, latCount: 0 } },
      { name: 'idx2', keyColumns: ['c1', 'c2'], ttl: { type: 'absandlat', absMinutes: 43200, latCount: 10 } },
    ],
  },
  partitions: [
    { pid: 0, replicas: [{ endpoint: 'a:1', isLeader: true, isAlive: true }], termOffsets: [] },
    { pid: 1, replicas: [{ endpoint: 'a:1', isLeader: true, isAlive: false }], termOffsets: [] },
  ],
  storageMode: 'memory',
  replicationMode: 'async',
  compress: 'none',
  createdAtMs: 0,
};

describe('text tables', () => {
  it('pads every cell to its column with rulers around the header', () => {
    expect(renderTextTable(['#', 'Field'], [['1', 'c1'], ['10', 'longer']])).toBe(
      [' ---- -------- ', '  #    Field   ', ' ---- -------- ', '  1    c1      ', '  10   longer  ', ' ---- -------- ', ''].join('\n'),
    );
  });

  it('spreads a cell holding newlines over several lines and counts characters, not bytes', () => {
    expect(renderTextTable(['a', 'b'], [['x\nyy', 'é']])).toBe(
      [' ---- --- ', '  a    b  ', ' ---- --- ', '  x    é  ', '  yy      ', ' ---- --- ', ''].join('\n'),
    );
  });
});

describe('DESC', () => {
  it('prints TTLs and their types as the reference does', () => {
    expect(ttlText({ type: 'absolute', absMinutes: 43200, latCount: 0 })).toBe('43200min');
    expect(ttlText({ type: 'latest', absMinutes: 0, latCount: 1 })).toBe('1');
    expect(ttlText({ type: 'absandlat', absMinutes: 43200, latCount: 10 })).toBe('43200min&&10');
    expect(ttlText({ type: 'absorlat', absMinutes: 43200, latCount: 10 })).toBe('43200min||10');
    expect(['absolute', 'latest', 'absorlat', 'absandlat'].map((t) => ttlTypeName(t as 'latest'))).toEqual([
      'kAbsoluteTime',
      'kLatestTime',
      'kAbsOrLat',
      'kAbsAndLat',
    ]);
  });

  it('lists keys joined by |, and - for an index without ts', () => {
    expect(describeIndexRows(info.schema)).toEqual([
      ['1', 'INDEX_0_1651143735', 'c1', 'c7', '43200min', 'kAbsoluteTime'],
      ['2', 'idx2', 'c1|c2', '-', '43200min&&10', 'kAbsAndLat'],
    ]);
  });

  it('gives three pre-formatted tables: columns, indexes, storage', () => {
    const r = describeTable(info);
    expect(isPreformatted(r)).toBe(true);
    expect(r.columns).toEqual([{ name: PREFORMATTED_COLUMN, type: 'string' }]);
    expect(r.rows.map((row) => row[0])).toEqual([
      [
        ' --- ------- ----------- ------ --------- ',
        '  #   Field   Type        Null   Default  ',
        ' --- ------- ----------- ------ --------- ',
        '  1   c1      Varchar     NO     x        ',
        '  2   c2      Int         YES             ',
        '  3   c7      Timestamp   YES             ',
        ' --- ------- ----------- ------ --------- ',
        '',
      ].join('\n'),
      [
        ' --- -------------------- ------- ---- -------------- --------------- ',
        '  #   name                 keys    ts   ttl            ttl_type       ',
        ' --- -------------------- ------- ---- -------------- --------------- ',
        '  1   INDEX_0_1651143735   c1      c7   43200min       kAbsoluteTime  ',
        '  2   idx2                 c1|c2   -    43200min&&10   kAbsAndLat     ',
        ' --- -------------------- ------- ---- -------------- --------------- ',
        '',
      ].join('\n'),
      [
        ' --------------- -------------- ',
        '  compress_type   storage_mode  ',
        ' --------------- -------------- ',
        '  kNoCompress     Memory        ',
        ' --------------- -------------- ',
        '',
      ].join('\n'),
    ]);
  });
});

describe('SHOW', () => {
  it('TABLE STATUS adds up what each partition leader reports and warns about the silent ones', () => {
    const r = showTableStatus([
      {
        info,
        partitions: [
          { tid: 7, pid: 0, db: 'db1', name: 't1', mode: 'leader', state: 'normal', term: 1, offset: 3, recordCnt: 3, memBytes: 300, diskBytes: 10 },
          { tid: 7, pid: 1, db: 'db1', name: 't1', mode: 'follower', state: 'normal', term: 1, offset: 3, recordCnt: 5, memBytes: 500, diskBytes: 0 },
        ],
      },
    ]);
    expect(r.columns.map((c) => c.name)).toEqual([
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
    ]);
    expect(r.rows).toEqual([
      ['7', 't1', 'db1', 'memory', '3', '300', '10', '2', '1', '1', null, null, null, 'no status from the leader of partition(s) 1'],
    ]);
  });

  it('CREATE TABLE prints a statement that makes the same table', () => {
    expect(showCreateTable(info).rows[0]).toEqual([
      't1',
      [
        'CREATE TABLE `t1` (',
        "`c1` varchar NOT NULL DEFAULT 'x',",
        '`c2` int,',
        '`c7` timestamp,',
        'INDEX `INDEX_0_1651143735` (KEY=`c1`, TS=`c7`, TTL_TYPE=ABSOLUTE, TTL=43200m),',
        'INDEX `idx2` (KEY=(`c1`,`c2`), TTL_TYPE=ABSANDLAT, TTL=(43200m, 10))',
        ") OPTIONS (PARTITIONNUM=2, REPLICANUM=1, STORAGE_MODE='Memory', COMPRESS_TYPE='NoCompress');",
      ].join('\n'),
    ]);
  });

  it('CREATE TABLE text plans back to the same schema and options', () => {
    const again = planCreateTable(parsed(createTableText(info), 'createTable'));
    expect(again.ok && again.value.schema).toEqual(info.schema);
    expect(again.ok && again.value.options).toEqual({ ifNotExists: false, partitionNum: 2, replicaNum: 1, storageMode: 'memory', compress: 'none' });
  });
});
