/**
 * DROP INDEX on one replica: the index stops being maintained and its memory goes at once, reads
 * through it are refused, and a restart (table meta, snapshot, binlog replay) keeps it dropped,
 * deletes logged through it before the drop included.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32 } from '../base/crc32.js';
import type { Result } from '../base/status.js';
import type { TimerHandle, Timers } from '../ports/clock.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import { silentLogger } from '../ports/logger.js';
import type { PartitionMetaMsg } from '../protocol/messages.js';
import { indexKey } from '../protocol/row-key.js';
import type { IndexDef, Ttl, Value } from '../protocol/schema.js';
import { DEFAULT_PARTITION_LIMITS, type PartitionEnv } from './partition-env.js';
import { readStoredMeta, TablePartition } from './table-partition.js';

/** The Disk port over node:fs (enough for one partition). */
function fsDisk(): Disk {
  const handle = async (path: string, mode: 'append' | 'read'): Promise<FileHandle> => {
    const h = await fs.open(path, mode === 'append' ? 'a+' : 'r');
    return {
      append: async (data) => {
        await h.appendFile(data);
      },
      read: async (position, length) => {
        const buf = new Uint8Array(length);
        const { bytesRead } = await h.read(buf, 0, length, position);
        return buf.subarray(0, bytesRead);
      },
      sync: () => h.sync(),
      truncate: (length) => h.truncate(length),
      size: async () => (await h.stat()).size,
      close: () => h.close(),
    };
  };
  const usage = async (path: string): Promise<number> => {
    const st = await fs.stat(path).catch(() => undefined);
    if (st === undefined) return 0;
    if (!st.isDirectory()) return st.size;
    let total = 0;
    for (const name of await fs.readdir(path)) total += await usage(join(path, name));
    return total;
  };
  return {
    open: handle,
    readFile: async (path) => new Uint8Array(await fs.readFile(path)),
    writeFileAtomic: async (path, data) => {
      await fs.writeFile(`${path}.tmp`, data);
      await fs.rename(`${path}.tmp`, path);
    },
    exists: async (path) => (await fs.stat(path).catch(() => undefined)) !== undefined,
    list: async (dir) => (await fs.readdir(dir, { withFileTypes: true })).map((d) => ({ name: d.name, isDirectory: d.isDirectory() })),
    mkdirp: async (dir) => {
      await fs.mkdir(dir, { recursive: true });
    },
    rename: (from, to) => fs.rename(from, to),
    remove: (path) => fs.rm(path, { recursive: true, force: true }),
    usage,
  };
}

/** Timers that never fire (the binlog syncs on close). */
const idleTimers: Timers = {
  after: (): TimerHandle => ({ cancel: () => undefined }),
  every: (): TimerHandle => ({ cancel: () => undefined }),
};

const NOW = 1_700_000_000_000;
const NO_TTL: Ttl = { type: 'absolute', absMinutes: 0, latCount: 0 };

function index(name: string, keyColumns: string[], tsColumn: string): IndexDef {
  return { name, keyColumns, tsColumn, ttl: NO_TTL };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

let root: string;
let env: PartitionEnv;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), 'drop-index-'));
  env = {
    disk: fsDisk(),
    crc32,
    clock: { nowMs: () => NOW, monotonicMs: () => 0 },
    timers: idleTimers,
    logger: silentLogger,
    limits: DEFAULT_PARTITION_LIMITS,
  };
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const META: PartitionMetaMsg = {
  tid: 7,
  pid: 0,
  db: 'db1',
  name: 't1',
  schema: {
    columns: [
      { name: 'id', type: 'int', notNull: false },
      { name: 'c1', type: 'string', notNull: false },
      { name: 'c2', type: 'string', notNull: false },
      { name: 'c7', type: 'timestamp', notNull: false },
    ],
    indexes: [index('by_c1', ['c1'], 'c7'), index('by_c2', ['c2'], 'c7')],
  },
  mode: 'leader',
  term: 1,
  followers: [],
  replicationMode: 'async',
  partitionNum: 1,
};

async function putRows(p: TablePartition, rows: [number, string, string, number][]): Promise<void> {
  const encoded = rows.map((r) => value(p.table.codec.encode(r)));
  value(await p.put(encoded, NOW));
}

function ids(p: TablePartition, indexName: string, key: string): Value[] {
  const pos = value(p.index(indexName));
  return value(p.scan(pos, indexKey([key], ['string']), {})).map((r) => p.table.codec.decodeColumn(r.row, 0));
}

describe('TablePartition.dropIndex', () => {
  it('stops maintaining the index, refuses reads through it, and stays dropped after a restart', async () => {
    const p = value(await TablePartition.create(env, root, META));
    await putRows(p, [
      [1, 'a', 'x', 1000],
      [2, 'a', 'y', 1001],
      [3, 'b', 'x', 1002],
    ]);
    // A delete logged through by_c2 before the drop: row 2 must stay deleted after the restart.
    value(await p.delete({ indexPos: 1, key: indexKey(['y'], ['string']) }));
    const memBefore = p.status().memBytes;

    value(await p.dropIndex(1, 'by_c2'));
    expect(p.status().memBytes).toBeLessThan(memBefore);
    const byName = p.index('by_c2');
    expect(byName.ok).toBe(false);
    if (!byName.ok) expect(byName.message).toContain("index 'by_c2' of table 't1' (tid 7, pid 0) was dropped");
    const byPosition = p.scan(1, indexKey(['x'], ['string']), {});
    expect(byPosition.ok).toBe(false);
    if (!byPosition.ok) expect(byPosition.message).toContain('scan failed');
    // Again: ok; a wrong name at the position: refused.
    value(await p.dropIndex(1, 'by_c2'));
    expect((await p.dropIndex(1, 'other')).ok).toBe(false);
    expect((await p.dropIndex(0, 'by_c1')).ok).toBe(false);

    // Puts after the drop, one naming the dropped position (a client with older metadata).
    await putRows(p, [[4, 'a', 'x', 1003]]);
    value(await p.put([value(p.table.codec.encode([5, 'b', 'x', 1004]))], NOW, [0, 1]));
    expect(p.table.stats().entryCount).toEqual([4, 0]);
    expect(ids(p, 'by_c1', 'a')).toEqual([4, 1]);
    value(await p.close());

    const stored = value(await readStoredMeta(env, root, META.tid, META.pid));
    expect(stored.schema.indexes.map((i) => i.dropped === true)).toEqual([false, true]);

    // Restart from the binlog only.
    const again = value(await TablePartition.load(env, root, stored));
    expect(again.table.isDropped(1)).toBe(true);
    expect(again.table.stats().entryCount).toEqual([4, 0]);
    expect(ids(again, 'by_c1', 'a')).toEqual([4, 1]);
    expect(ids(again, 'by_c1', 'b')).toEqual([5, 3]);
    expect(again.index('by_c2').ok).toBe(false);

    // A snapshot, more writes, another restart (snapshot + binlog).
    value(await again.makeSnapshot(true));
    await putRows(again, [[6, 'c', 'x', 1005]]);
    value(await again.close());
    const third = value(await TablePartition.load(env, root, stored));
    expect(third.table.isDropped(1)).toBe(true);
    expect(third.table.stats()).toMatchObject({ rowCount: 5, entryCount: [5, 0] });
    expect(ids(third, 'by_c1', 'a')).toEqual([4, 1]);
    value(await third.close());
  });

  it('a new index of the dropped name gets a new position and survives a restart', async () => {
    const p = value(await TablePartition.create(env, root, META));
    await putRows(p, [[1, 'a', 'x', 1000]]);
    value(await p.dropIndex(1, 'by_c2'));
    const added = value(p.table.addIndex(index('by_c2', ['c2'], 'c7')));
    expect(added).toBe(2);
    const meta = p.meta;
    await p.updateMeta({ ...meta, schema: { ...meta.schema, indexes: [...meta.schema.indexes, index('by_c2', ['c2'], 'c7')] } });
    // A put without positions is logged with the live ones (0 and 2).
    await putRows(p, [[2, 'b', 'x', 1001]]);
    expect(ids(p, 'by_c2', 'x')).toEqual([2]);
    value(await p.close());

    const again = value(await TablePartition.load(env, root, value(await readStoredMeta(env, root, META.tid, META.pid))));
    expect(value(again.index('by_c2'))).toBe(2);
    expect(ids(again, 'by_c2', 'x')).toEqual([2]);
    expect(again.table.stats().entryCount).toEqual([2, 0, 1]);
    value(await again.close());
  });
});
