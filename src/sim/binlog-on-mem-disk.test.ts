/**
 * Goal: BinlogWriter and BinlogReader over a (simulated) disk: dense offsets, group commit, the
 * sync policies, rolling, back-pressure, sticky I/O errors, segment deletion, the live tailing
 * reader, and the torn-tail / corruption rules. Method: scripted cases plus fast-check over random
 * entries, segment sizes, truncation points and flipped bytes.
 */
import { crc32 as nativeCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 as pureCrc32 } from '../base/crc32.js';
import { Code } from '../base/status.js';
import { BinlogReader } from '../binlog/binlog-reader.js';
import { BinlogWriter, type BinlogWriterOptions } from '../binlog/binlog-writer.js';
import type { LogEntry, NewLogEntry } from '../binlog/log-entry.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import { silentLogger } from '../ports/logger.js';
import { ManualTimers, RecordingLogger, toyPut } from './binlog-fixtures.js';
import { MemDisk } from './mem-disk.js';

const DIR = '/t/1_0/binlog';
const zlibCrc = (d: Uint8Array, i?: number): number => nativeCrc32(d, i);

function options(disk: Disk, overrides: Partial<BinlogWriterOptions> = {}): BinlogWriterOptions {
  return {
    disk,
    dir: DIR,
    timers: new ManualTimers(),
    crc32: pureCrc32,
    logger: silentLogger,
    segmentBytesMax: 1 << 20,
    syncIntervalMs: 1000,
    syncEveryWrite: true,
    bufferBytesMax: 1 << 20,
    ...overrides,
  };
}

async function openWriter(disk: Disk, overrides: Partial<BinlogWriterOptions> = {}): Promise<BinlogWriter> {
  const opened = await BinlogWriter.open(options(disk, overrides));
  if (!opened.ok) throw new Error(opened.message);
  return opened.value.writer;
}

async function readAll(disk: Disk, repairTail = false, crc32 = pureCrc32): Promise<LogEntry[]> {
  const opened = await BinlogReader.open({ disk, dir: DIR, crc32, logger: silentLogger, repairTail, readChunkBytes: 100 });
  if (!opened.ok) throw new Error(opened.message);
  const seen: LogEntry[] = [];
  const result = await opened.value.reader.forEach(1, (e) => seen.push(e));
  if (!result.ok) throw new Error(result.message);
  return seen;
}

function entry(i: number, payloadBytes = 10): NewLogEntry {
  return toyPut(1 + (i >> 4), [`k${i % 7}`, `u${i % 3}`], 1000 + i, 'x'.repeat(payloadBytes));
}

function rowText(e: LogEntry): string {
  return new TextDecoder().decode(e.row);
}

/** Wraps a disk so tests can hold file appends and syncs until they release them, and count them. */
function gated(inner: Disk): { disk: Disk; hold: (op: 'append' | 'sync') => void; release: (op: 'append' | 'sync') => void; calls: Record<string, number> } {
  const held = { append: false, sync: false };
  const waiting: Record<'append' | 'sync', (() => void)[]> = { append: [], sync: [] };
  const calls: Record<string, number> = { append: 0, sync: 0 };
  const gate = async (op: 'append' | 'sync'): Promise<void> => {
    calls[op]!++;
    if (held[op]) await new Promise<void>((r) => waiting[op].push(r));
  };
  const wrap = (h: FileHandle): FileHandle => ({
    ...h,
    append: async (d) => {
      await gate('append');
      return h.append(d);
    },
    sync: async () => {
      await gate('sync');
      return h.sync();
    },
    read: (p, l) => h.read(p, l),
    truncate: (l) => h.truncate(l),
    size: () => h.size(),
    close: () => h.close(),
  });
  const disk: Disk = {
    open: async (p, m) => wrap(await inner.open(p, m)),
    readFile: (p) => inner.readFile(p),
    writeFileAtomic: (p, d) => inner.writeFileAtomic(p, d),
    exists: (p) => inner.exists(p),
    list: (d) => inner.list(d),
    mkdirp: (d) => inner.mkdirp(d),
    rename: (a, b) => inner.rename(a, b),
    remove: (p) => inner.remove(p),
    usage: (p) => inner.usage(p),
  };
  return {
    disk,
    calls,
    hold: (op) => {
      held[op] = true;
    },
    release: (op) => {
      held[op] = false;
      for (const r of waiting[op].splice(0)) r();
    },
  };
}

async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

describe('BinlogWriter', () => {
  it('assigns dense offsets from 1 and a reader returns the entries unchanged', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk);
    const offsets = Array.from({ length: 50 }, (_, i) => writer.append(entry(i)));
    expect(offsets.map((r) => (r.ok ? r.value : -1))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await writer.whenDurable(50)).ok).toBe(true);
    const seen = await readAll(disk);
    expect(seen.map((e) => e.offset)).toEqual(offsets.map((r) => (r.ok ? r.value : -1)));
    expect(seen.map(rowText)).toEqual(Array.from({ length: 50 }, (_, i) => rowText({ ...entry(i), offset: 0 })));
    expect((await writer.close()).ok).toBe(true);
  });

  it('writes the entries appended in one turn with one append call (group commit)', async () => {
    const g = gated(new MemDisk());
    const writer = await openWriter(g.disk);
    const before = g.calls['append']!;
    for (let i = 0; i < 100; i++) writer.append(entry(i));
    expect((await writer.whenDurable(100)).ok).toBe(true);
    expect(g.calls['append']! - before).toBe(1);
    await writer.close();
  });

  it('with syncEveryWrite resolves whenDurable only after the batch is fsynced', async () => {
    const g = gated(new MemDisk());
    const writer = await openWriter(g.disk);
    g.hold('sync');
    writer.append(entry(1));
    let durable = false;
    void writer.whenDurable(1).then(() => (durable = true));
    await writer.whenFlushed(1);
    await settle();
    expect(durable).toBe(false);
    expect(writer.durableOffset).toBe(0);
    g.release('sync');
    await writer.whenDurable(1);
    expect(durable).toBe(true);
    await writer.close();
  });

  it('with interval sync makes entries durable at the timer, not before', async () => {
    const disk = new MemDisk();
    const timers = new ManualTimers();
    const writer = await openWriter(disk, { syncEveryWrite: false, syncIntervalMs: 5000, timers });
    writer.append(entry(1));
    writer.append(entry(2));
    await writer.whenFlushed(2);
    await settle();
    expect(writer.durableOffset).toBe(0);
    timers.advance(4999);
    await settle();
    expect(writer.durableOffset).toBe(0);
    timers.advance(1);
    await writer.whenDurable(2);
    expect(writer.durableOffset).toBe(2);
    await writer.close();
    expect(timers.active).toBe(0);
  });

  it('refuses appends with a clear result when the unwritten buffer is over its limit', async () => {
    const g = gated(new MemDisk());
    const writer = await openWriter(g.disk, { bufferBytesMax: 2000 });
    g.hold('append');
    const results = Array.from({ length: 40 }, (_, i) => writer.append(entry(i, 50)));
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: Code.unavailable });
    expect(refused && !refused.ok && refused.message).toMatch(/bytes are still waiting to be written, the limit is 2000/);
    const accepted = results.filter((r) => r.ok).length;
    g.release('append');
    await writer.whenDurable(accepted);
    expect(writer.append(entry(99)).ok).toBe(true);
    await writer.close();
    expect((await readAll(g.disk)).length).toBe(accepted + 1);
  });

  it('rolls to new segments past segmentBytesMax and reads across them', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk, { segmentBytesMax: 400 });
    for (let i = 0; i < 60; i++) {
      writer.append(entry(i));
      if (i % 5 === 0) await writer.whenDurable(i + 1);
    }
    await writer.close();
    const segments = writer.segments;
    expect(segments.length).toBeGreaterThan(3);
    expect(segments.map((s) => s.name)).toEqual(segments.map((_, i) => `${String(i).padStart(8, '0')}.log`));
    expect((await readAll(disk)).map((e) => e.offset)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const reopened = await BinlogWriter.open(options(disk, { segmentBytesMax: 400 }));
    expect(reopened.ok && reopened.value.report).toMatchObject({ firstOffset: 1, lastOffset: 60, segments: segments.length });
  });

  it('accepts a replicated entry only at lastOffset + 1', async () => {
    const writer = await openWriter(new MemDisk());
    expect(writer.appendReplicated({ ...entry(0), offset: 2 })).toMatchObject({ ok: false, code: Code.invalidParameter });
    expect(writer.appendReplicated({ ...entry(0), offset: 1 })).toEqual({ ok: true, value: 1 });
    await writer.close();
  });

  it('makes an I/O error sticky: waiters and later appends fail with ioError', async () => {
    const disk = new MemDisk();
    const logger = new RecordingLogger();
    const writer = await openWriter(disk, { logger });
    disk.setFault((op) => (op === 'append' ? 'ENOSPC' : undefined));
    writer.append(entry(1));
    const waited = await writer.whenDurable(1);
    expect(waited).toMatchObject({ ok: false, code: Code.ioError });
    expect(!waited.ok && waited.message).toMatch(/ENOSPC/);
    disk.setFault(undefined);
    expect(writer.append(entry(2))).toMatchObject({ ok: false, code: Code.ioError });
    expect(logger.has('binlog writer failed')).toBe(true);
  });

  it('deletes only segments wholly covered, never the one being written', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk, { segmentBytesMax: 300 });
    for (let i = 0; i < 40; i++) {
      writer.append(entry(i));
      await writer.whenDurable(i + 1);
    }
    const segments = writer.segments;
    const cut = segments[2]!.firstOffset; // segments 0 and 1 end below it, segment 2 holds it
    const removed = await writer.deleteSegmentsBelow(cut);
    expect(removed.ok && removed.value).toEqual([segments[0]!.name, segments[1]!.name]);
    expect(writer.firstOffset).toBe(segments[2]!.firstOffset);
    const all = await writer.deleteSegmentsBelow(1000);
    expect(all.ok && writer.segments.length).toBe(1);
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: false });
    const reader = opened.ok ? opened.value.reader : undefined;
    expect(await reader!.readFrom(1, 10)).toMatchObject({ ok: false, code: Code.unavailable });
    await writer.close();
  });

  it('replaces a log that ends before the snapshot offset, and refuses one that starts after it', async () => {
    const disk = new MemDisk();
    const first = await openWriter(disk);
    for (let i = 0; i < 5; i++) first.append(entry(i));
    await first.close();
    const opened = await BinlogWriter.open(options(disk, { snapshotOffset: 20 }));
    expect(opened.ok && opened.value.report).toMatchObject({ firstOffset: 21, lastOffset: 20, discardedSegments: ['00000000.log'] });
    const writer = opened.ok ? opened.value.writer : undefined;
    expect(writer!.append(entry(0))).toEqual({ ok: true, value: 21 });
    await writer!.close();
    const refused = await BinlogWriter.open(options(disk, { snapshotOffset: 3 }));
    expect(refused).toMatchObject({ ok: false, code: Code.corruption });
    expect(!refused.ok && refused.message).toMatch(/first entry is offset 21 but the snapshot covers only up to 3/);
  });

  it('close flushes everything accepted and refuses appends made while it runs', async () => {
    const g = gated(new MemDisk());
    const writer = await openWriter(g.disk, { syncEveryWrite: false });
    writer.append(entry(1));
    g.hold('sync');
    const closing = writer.close();
    const again = writer.close();
    expect(writer.append(entry(2))).toMatchObject({ ok: false, code: Code.unavailable });
    g.release('sync');
    expect(await closing).toEqual({ ok: true, value: undefined });
    expect(await again).toEqual({ ok: true, value: undefined });
    expect((await readAll(g.disk)).map((e) => e.offset)).toEqual([1]);
  });

  it('rejects bad limits at open', async () => {
    const opened = await BinlogWriter.open(options(new MemDisk(), { segmentBytesMax: 10 }));
    expect(opened).toMatchObject({ ok: false, code: Code.invalidParameter });
  });
});

describe('BinlogReader', () => {
  it('returns every entry from any offset, for random entries, segment sizes and chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 16, max: 700 }),
        fc.nat(),
        fc.boolean(),
        async (shape, segmentBytesMax, readChunkBytes, fromSeed, useZlib) => {
          const disk = new MemDisk();
          const crc32 = useZlib ? zlibCrc : pureCrc32;
          const writer = await openWriter(disk, { segmentBytesMax, crc32 });
          const written: NewLogEntry[] = [];
          for (const [size, pause] of shape) {
            const e =
              size % 5 === 0
                ? ({ term: 2, kind: 'delete', insertTsMs: size, delete: { indexPos: size % 3, key: `k${size}`, toTsMs: size } } as NewLogEntry)
                : toyPut(2, ['a', 'b'], size, 'p'.repeat(size));
            written.push(e);
            writer.append(e);
            if (pause) await writer.whenFlushed(written.length);
          }
          await writer.close();
          const from = 1 + (fromSeed % written.length);
          const opened = await BinlogReader.open({ disk, dir: DIR, crc32, logger: silentLogger, repairTail: true, readChunkBytes });
          expect(opened.ok).toBe(true);
          const reader = opened.ok ? opened.value.reader : undefined;
          const seen: LogEntry[] = [];
          const result = await reader!.forEach(from, (e) => seen.push(e));
          expect(result).toEqual({ ok: true, value: { count: written.length - from + 1, lastOffset: written.length } });
          expect(seen.map((e) => ({ ...e, offset: 0, row: e.row && [...e.row] }))).toEqual(
            written.slice(from - 1).map((e) => ({ ...e, offset: 0, row: e.row && [...e.row] })),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tails a live log: readFrom sees entries and segments appended after it opened', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk, { segmentBytesMax: 300 });
    writer.append(entry(0));
    await writer.whenFlushed(1);
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: false, readChunkBytes: 64 });
    const reader = opened.ok ? opened.value.reader : undefined;
    const got: number[] = [];
    let next = 1;
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 3; i++) writer.append(entry(round * 3 + i + 1));
      await writer.whenFlushed(writer.lastOffset);
      const batch = await reader!.readFrom(next, 2);
      expect(batch.ok).toBe(true);
      for (const e of batch.ok ? batch.value : []) got.push(e.offset);
      next = (got[got.length - 1] ?? 0) + 1;
    }
    while (true) {
      const batch = await reader!.readFrom(next, 5);
      const values = batch.ok ? batch.value : [];
      if (values.length === 0) break;
      for (const e of values) got.push(e.offset);
      next = got[got.length - 1]! + 1;
    }
    expect(writer.segments.length).toBeGreaterThan(2);
    expect(got).toEqual(Array.from({ length: writer.lastOffset }, (_, i) => i + 1));
    // Seeking back works too.
    const again = await reader!.readFrom(3, 2);
    expect(again.ok && again.value.map((e) => e.offset)).toEqual([3, 4]);
    await reader!.close();
    await writer.close();
  });

  it('treats a record still being written at the end of a live log as not there yet', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk);
    writer.append(entry(0));
    writer.append(entry(1));
    await writer.close();
    const path = `${DIR}/00000000.log`;
    const full = disk.contents(path);
    const h = await disk.open(path, 'append');
    await h.truncate(full.length - 5);
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: false });
    const reader = opened.ok ? opened.value.reader : undefined;
    const first = await reader!.readFrom(1, 10);
    expect(first.ok && first.value.map((e) => e.offset)).toEqual([1]);
    await h.append(full.subarray(full.length - 5));
    const second = await reader!.readFrom(2, 10);
    expect(second.ok && second.value.map((e) => e.offset)).toEqual([2]);
    expect(disk.contents(path).length).toBe(full.length);
  });
});

describe('torn tails and corruption', () => {
  async function writeLog(count: number, segmentBytesMax = 1 << 20): Promise<{ disk: MemDisk; frameEnds: Map<string, number[]> }> {
    const disk = new MemDisk();
    const writer = await openWriter(disk, { segmentBytesMax });
    const frameEnds = new Map<string, number[]>();
    for (let i = 0; i < count; i++) {
      writer.append(entry(i, i % 13));
      await writer.whenDurable(i + 1);
      const name = writer.segments[writer.segments.length - 1]!.name;
      const ends = frameEnds.get(name) ?? [];
      ends.push(disk.contents(`${DIR}/${name}`).length);
      frameEnds.set(name, ends);
    }
    await writer.close();
    return { disk, frameEnds };
  }

  it('truncates the last segment at any point: keeps every whole record before it, reports and logs the tear', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 25 }), fc.nat(), async (count, cutSeed) => {
        const { disk, frameEnds } = await writeLog(count);
        const path = `${DIR}/00000000.log`;
        const ends = frameEnds.get('00000000.log')!;
        const size = ends[ends.length - 1]!;
        const cut = 24 + (cutSeed % (size - 24));
        await (await disk.open(path, 'append')).truncate(cut);
        const kept = ends.filter((end) => end <= cut).length;
        const logger = new RecordingLogger();
        const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger, repairTail: true, readChunkBytes: 64 });
        expect(opened.ok).toBe(true);
        const report = opened.ok ? opened.value.report : undefined;
        expect(report!.lastOffset).toBe(kept);
        const boundary = kept === 0 ? 24 : ends[kept - 1]!;
        if (cut === boundary) {
          expect(report!.tornTail).toBeUndefined();
        } else {
          expect(report!.tornTail).toMatchObject({ file: path, validBytes: boundary, droppedBytes: cut - boundary, lastOffset: kept });
          expect(logger.has('binlog tail truncated')).toBe(true);
        }
        expect(disk.contents(path).length).toBe(boundary);
        expect((await readAll(disk)).map((e) => e.offset)).toEqual(Array.from({ length: kept }, (_, i) => i + 1));
        // The writer continues right after the last whole record.
        const writer = await openWriter(disk);
        expect(writer.append(entry(99))).toEqual({ ok: true, value: kept + 1 });
        await writer.close();
      }),
      { numRuns: 80 },
    );
  });

  it('a flipped byte in the last record is a torn tail; anywhere before it is corruption naming file and byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (count, atSeed, mask) => {
        const { disk, frameEnds } = await writeLog(count);
        const path = `${DIR}/00000000.log`;
        const ends = frameEnds.get('00000000.log')!;
        const at = 24 + (atSeed % (ends[ends.length - 1]! - 24));
        disk.corruptByte(path, at, mask);
        const damaged = ends.findIndex((end) => at < end);
        const recordStart = damaged === 0 ? 24 : ends[damaged - 1]!;
        const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: true, readChunkBytes: 50 });
        if (damaged === count - 1) {
          expect(opened.ok && opened.value.report.tornTail).toMatchObject({ validBytes: recordStart, lastOffset: count - 1 });
          expect((await readAll(disk)).length).toBe(count - 1);
        } else {
          expect(opened).toMatchObject({ ok: false, code: Code.corruption });
          expect(!opened.ok && opened.message).toContain(`${path} is corrupt at byte ${recordStart}`);
          expect(disk.contents(path).length).toBe(ends[ends.length - 1]);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('corruption in an older segment fails the read, naming file and byte', async () => {
    const { disk, frameEnds } = await writeLog(30, 300);
    expect(frameEnds.size).toBeGreaterThan(2);
    const ends = frameEnds.get('00000001.log')!;
    disk.corruptByte(`${DIR}/00000001.log`, ends[1]! + 3);
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: true });
    expect(opened.ok).toBe(true);
    const reader = opened.ok ? opened.value.reader : undefined;
    const result = await reader!.forEach(1, () => undefined);
    expect(result).toMatchObject({ ok: false, code: Code.corruption });
    expect(!result.ok && result.message).toContain(`${DIR}/00000001.log is corrupt at byte ${ends[1]}`);
  });

  it('reports a gap between segments', async () => {
    const { disk, frameEnds } = await writeLog(30, 300);
    expect(frameEnds.size).toBeGreaterThan(2);
    await disk.remove(`${DIR}/00000001.log`);
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: true });
    const reader = opened.ok ? opened.value.reader : undefined;
    const result = await reader!.forEach(1, () => undefined);
    expect(result).toMatchObject({ ok: false, code: Code.corruption });
    expect(!result.ok && result.message).toMatch(/has a gap: .*00000000.log ends before offset \d+ but 00000002.log starts at offset \d+/);
  });

  it('removes a newest segment whose header never became durable', async () => {
    const { disk } = await writeLog(5);
    const h = await disk.open(`${DIR}/00000001.log`, 'append');
    await h.append(new Uint8Array(10));
    const opened = await BinlogReader.open({ disk, dir: DIR, crc32: pureCrc32, logger: silentLogger, repairTail: true });
    expect(opened.ok && opened.value.report.tornTail).toMatchObject({ file: `${DIR}/00000001.log`, droppedBytes: 10, lastOffset: 5 });
    expect(await disk.exists(`${DIR}/00000001.log`)).toBe(false);
  });
});
