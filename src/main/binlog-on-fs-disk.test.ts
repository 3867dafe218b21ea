/**
 * Goal: the binlog and snapshots work on real files through FsDisk, including an unclean stop:
 * a segment truncated by hand in the middle of a record is detected, reported, truncated, and
 * recovery returns every entry before it; the writer then continues from there.
 * (In src/main because only main may combine runtime with the storage modules.)
 */
import { stat, truncate } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinlogWriter } from '../binlog/binlog-writer.js';
import type { Crc32Fn } from '../base/crc32.js';
import { silentLogger } from '../ports/logger.js';
import { FsDisk } from '../runtime/fs-disk.js';
import { ManualTimers, ModelTable, RecordingLogger, toyInspector, toyPut } from '../sim/binlog-fixtures.js';
import { makeSnapshot } from '../snapshot/make-snapshot.js';
import { recover } from '../snapshot/recover.js';

const zlibCrc: Crc32Fn = (data, initial) => crc32(data, initial);
let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'binlog-fs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function openWriter(disk: FsDisk, binlogDir: string, snapshotOffset = 0): Promise<BinlogWriter> {
  const opened = await BinlogWriter.open({
    disk,
    dir: binlogDir,
    timers: new ManualTimers(),
    crc32: zlibCrc,
    logger: silentLogger,
    segmentBytesMax: 4096,
    syncIntervalMs: 1000,
    syncEveryWrite: true,
    bufferBytesMax: 1 << 20,
    snapshotOffset,
  });
  if (!opened.ok) throw new Error(opened.message);
  return opened.value.writer;
}

describe('binlog and snapshots on FsDisk', () => {
  it('recovers after a segment is cut mid-record by hand, and the writer continues', async () => {
    const disk = new FsDisk();
    const binlogDir = `${root}/4_0/binlog`;
    const snapshotDir = `${root}/4_0/snapshot`;
    const writer = await openWriter(disk, binlogDir);
    for (let i = 0; i < 300; i++) writer.append(toyPut(2, [`k${i % 10}`, 'u'], i, `payload-${i}`));
    await writer.whenDurable(300);
    const snapshot = await makeSnapshot({ disk, crc32: zlibCrc, logger: silentLogger }, {
      snapshotDir,
      binlogDir,
      uptoOffset: 120,
      inspector: toyInspector,
      nowMs: 0,
    });
    expect(snapshot.ok && snapshot.value.count).toBe(120);
    // Unclean stop: no close. Then cut the newest segment in the middle of its last record.
    writer.abandon();
    const last = writer.segments[writer.segments.length - 1]!.name;
    const path = `${binlogDir}/${last}`;
    const size = (await stat(path)).size;
    await truncate(path, size - 7);

    const logger = new RecordingLogger();
    const table = new ModelTable();
    const result = await recover({ disk, crc32: zlibCrc, logger }, { snapshotDir, binlogDir, sink: table });
    expect(result.ok).toBe(true);
    const report = result.ok ? result.value : undefined;
    expect(report).toMatchObject({ offset: 299, term: 2, snapshotOffset: 120, rowsFromSnapshot: 120, entriesReplayed: 179 });
    expect(report!.tornTail).toMatchObject({ file: path, lastOffset: 299 });
    expect(report!.tornTail!.validBytes + report!.tornTail!.droppedBytes).toBe(size - 7);
    expect((await stat(path)).size).toBe(report!.tornTail!.validBytes);
    expect(logger.has('binlog tail truncated')).toBe(true);
    expect(table.rows.map((r) => r.row.split('|')[3])).toEqual(Array.from({ length: 299 }, (_, i) => `payload-${i}`));

    const reopened = await openWriter(disk, binlogDir, report!.offset);
    expect(reopened.append(toyPut(3, ['k', 'u'], 999, 'after'))).toEqual({ ok: true, value: 300 });
    expect((await reopened.close()).ok).toBe(true);
    const again = new ModelTable();
    const second = await recover({ disk, crc32: zlibCrc, logger: silentLogger }, { snapshotDir, binlogDir, sink: again });
    expect(second.ok && second.value).toMatchObject({ offset: 300, term: 3 });
    expect(second.ok && second.value.tornTail).toBeUndefined();
    expect(again.rows.length).toBe(300);
  });
});
