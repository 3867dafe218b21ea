/**
 * Goal: a snapshot plus the binlog suffix recovers exactly the table the entries describe, with
 * deletes and TTL expiry applied at snapshot time, while writes continue and across crashes.
 * Method: random workloads (puts under two indexes or only one, keyed and keyless range deletes
 * that remove a matching row whole, expiring rows) checked against ModelTable, an independent
 * naive model; a seeded crash sweep.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../base/crc32.js';
import { Code } from '../base/status.js';
import { BinlogWriter } from '../binlog/binlog-writer.js';
import type { NewLogEntry } from '../binlog/log-entry.js';
import { silentLogger } from '../ports/logger.js';
import { makeSnapshot } from '../snapshot/make-snapshot.js';
import { readManifest } from '../snapshot/manifest.js';
import { recover } from '../snapshot/recover.js';
import type { SnapshotEnv } from '../snapshot/snapshot-env.js';
import { seededRng } from '../base/seeded-rng.js';
import { ManualTimers, ModelTable, RecordingLogger, toyInspector, toyPut } from './binlog-fixtures.js';
import { MemDisk } from './mem-disk.js';

const BINLOG = '/data/3_0/binlog';
const SNAPSHOT = '/data/3_0/snapshot';

/** The indexes a put is stored under in this partition: mostly both, sometimes only one. */
const UNDER_ARB = fc.constantFrom<readonly number[]>([0, 1], [0, 1], [0], [1]);

const opArb: fc.Arbitrary<NewLogEntry> = fc.oneof(
  { weight: 6, arbitrary: fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 }), fc.nat(99), UNDER_ARB)
    .map(([k0, k1, ts, life, tag, under]) => ({ ...toyPut(1, [`a${k0}`, `b${k1}`], ts, `v${tag}`, life === 0 ? 0 : life * 1000), indexPositions: under })) },
  { weight: 1, arbitrary: fc
    .record(
      { indexPos: fc.integer({ min: 0, max: 1 }), key: fc.integer({ min: 0, max: 4 }).map((k) => `a${k}`), fromTsMs: fc.integer({ min: 0, max: 50 }), toTsMs: fc.integer({ min: 0, max: 50 }) },
      { requiredKeys: ['indexPos'] },
    )
    .map((spec): NewLogEntry => ({ term: 1, kind: 'delete', insertTsMs: 0, delete: spec.key && spec.indexPos === 1 ? { ...spec, key: `b${spec.key.slice(1)}` } : spec })) },
);

function env(disk: MemDisk, logger = silentLogger, chunkBytes = 200): SnapshotEnv {
  return { disk, crc32, logger, chunkBytes, readChunkBytes: 300, binlogReadChunkBytes: 250 };
}

async function openWriter(disk: MemDisk, snapshotOffset = 0): Promise<BinlogWriter> {
  const opened = await BinlogWriter.open({
    disk,
    dir: BINLOG,
    timers: new ManualTimers(),
    crc32,
    logger: silentLogger,
    segmentBytesMax: 400,
    syncIntervalMs: 1000,
    syncEveryWrite: false,
    bufferBytesMax: 1 << 20,
    snapshotOffset,
  });
  if (!opened.ok) throw new Error(opened.message);
  return opened.value.writer;
}

function withTerm(op: NewLogEntry, index: number): NewLogEntry {
  return { ...op, term: 1 + Math.floor(index / 10) };
}

async function recovered(disk: MemDisk): Promise<{ table: ModelTable; offset: number; term: number; rowsFromSnapshot: number }> {
  const table = new ModelTable();
  const result = await recover(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: table });
  if (!result.ok) throw new Error(result.message);
  return { table, ...result.value };
}

describe('makeSnapshot + recover', () => {
  it('recovers the model table: snapshots at random points, deletes and expiry applied, binlog GC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.integer({ min: 0, max: 4500 }),
        fc.boolean(),
        async (ops, pointSeeds, nowMs, collectBinlog) => {
          const disk = new MemDisk();
          const writer = await openWriter(disk);
          const points = [...new Set(pointSeeds.map((s) => 1 + (s % ops.length)))].sort((a, b) => a - b);
          const model = new ModelTable();
          let next = 0;
          for (const point of points) {
            for (; next < point; next++) {
              writer.append(withTerm(ops[next]!, next));
              model.applyEntry({ ...withTerm(ops[next]!, next), offset: next + 1 });
            }
            await writer.sync();
            const made = await makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: point, inspector: toyInspector, nowMs });
            expect(made.ok).toBe(true);
            model.dropExpired(nowMs);
            expect(made.ok && made.value).toMatchObject({ offset: point, count: model.rows.length, term: 1 + Math.floor((point - 1) / 10), created: true });
            if (collectBinlog) expect((await writer.deleteSegmentsBelow(point)).ok).toBe(true);
          }
          for (; next < ops.length; next++) {
            writer.append(withTerm(ops[next]!, next));
            model.applyEntry({ ...withTerm(ops[next]!, next), offset: next + 1 });
          }
          await writer.close();
          const got = await recovered(disk);
          expect(got.table.rows).toEqual(model.rows);
          expect(got.offset).toBe(ops.length);
          expect(got.term).toBe(1 + Math.floor((ops.length - 1) / 10));
          // Only the current data file and the manifest remain.
          const files = (await disk.exists(SNAPSHOT)) ? (await disk.list(SNAPSHOT)).map((e) => e.name) : [];
          expect(files.length).toBe(points.length === 0 ? 0 : 2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps entries appended while the snapshot is being made (they are in the binlog suffix)', async () => {
    const disk = new MemDisk({ rng: seededRng(3), delayTurnsMax: 3 });
    const writer = await openWriter(disk);
    const model = new ModelTable();
    const append = (i: number): void => {
      const op = toyPut(1, [`a${i % 5}`, `b${i % 3}`], i, `row${i}`);
      const r = writer.append(op);
      if (!r.ok) throw new Error(r.message);
      model.applyEntry({ ...op, offset: r.value });
    };
    for (let i = 0; i < 200; i++) append(i);
    await writer.sync();
    let done = false;
    const making = makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: writer.flushedOffset, inspector: toyInspector, nowMs: 0 }).finally(
      () => (done = true),
    );
    let during = 0;
    for (let i = 200; !done; i++) {
      append(i);
      during++;
      await Promise.resolve();
    }
    const made = await making;
    expect(made.ok && made.value.offset).toBe(200);
    expect(during).toBeGreaterThan(10);
    await writer.close();
    const got = await recovered(disk);
    expect(got.rowsFromSnapshot).toBe(200);
    expect(got.offset).toBe(200 + during);
    expect(got.table.rows).toEqual(model.rows);
  });

  it('survives a crash at any point of making a snapshot: recovery equals the model and the next snapshot succeeds', async () => {
    let oldKept = 0;
    let newKept = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rng = seededRng(seed);
      const disk = new MemDisk({ rng, delayTurnsMax: 3 });
      let writer = await openWriter(disk);
      const model = new ModelTable();
      const appendMany = async (from: number, to: number): Promise<void> => {
        for (let i = from; i < to; i++) {
          // Every 9th entry deletes a key, alternately through index 0 and index 1.
          const deleteSpec = i % 18 === 8 ? { indexPos: 0, key: `a${i % 4}` } : { indexPos: 1, key: `b${i % 3}` };
          const op: NewLogEntry = i % 9 === 8 ? { term: 1, kind: 'delete', insertTsMs: 0, delete: deleteSpec } : toyPut(1, [`a${i % 4}`, `b${i % 3}`], i, `r${i}`);
          const r = writer.append(op);
          if (!r.ok) throw new Error(r.message);
          model.applyEntry({ ...op, offset: r.value });
        }
        await writer.sync();
      };
      await appendMany(0, 30);
      const first = await makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: 30, inspector: toyInspector, nowMs: 0 });
      expect(first.ok).toBe(true);
      await appendMany(30, 70);
      void makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: 70, inspector: toyInspector, nowMs: 0 });
      for (let turns = rng.int(400); turns > 0; turns--) await Promise.resolve();
      disk.crash();
      writer.abandon();
      for (let i = 0; i < 50; i++) await Promise.resolve();
      const manifest = await readManifest(disk, SNAPSHOT);
      if (manifest.ok && manifest.value?.offset === 70) newKept++;
      else oldKept++;
      const got = await recovered(disk);
      expect(got.table.rows).toEqual(model.rows);
      expect(got.offset).toBe(70);
      writer = await openWriter(disk, got.offset);
      await appendMany(70, 80);
      await writer.close();
      const again = await makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: 80, inspector: toyInspector, nowMs: 0 });
      expect(again.ok).toBe(true);
      expect((await disk.list(SNAPSHOT)).map((e) => e.name).filter((n) => n.endsWith('.tmp') || n.endsWith('.sdb')).length).toBe(1);
      expect((await recovered(disk)).table.rows).toEqual(model.rows);
    }
    expect(oldKept).toBeGreaterThan(0);
    expect(newKept).toBeGreaterThan(0);
  });

  it('keeps the current snapshot when it already covers the offset, refuses an offset past the binlog', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk);
    for (let i = 0; i < 5; i++) writer.append(toyPut(1, ['a', 'b'], i, 'x'));
    await writer.close();
    const request = { snapshotDir: SNAPSHOT, binlogDir: BINLOG, inspector: toyInspector, nowMs: 0 };
    expect((await makeSnapshot(env(disk), { ...request, uptoOffset: 0 })).ok && true).toBe(true);
    const made = await makeSnapshot(env(disk), { ...request, uptoOffset: 5 });
    expect(made.ok && made.value.created).toBe(true);
    const same = await makeSnapshot(env(disk), { ...request, uptoOffset: 5 });
    expect(same.ok && same.value).toMatchObject({ created: false, offset: 5, count: 5 });
    expect(await makeSnapshot(env(disk), { ...request, uptoOffset: 3 })).toMatchObject({ ok: false, code: Code.invalidParameter });
    const past = await makeSnapshot(env(disk), { ...request, uptoOffset: 9 });
    expect(past).toMatchObject({ ok: false, code: Code.invalidParameter });
    expect(!past.ok && past.message).toMatch(/the binlog ends at offset 5/);
  });

  it('refuses more deletes than deletesMax', async () => {
    const disk = new MemDisk();
    const writer = await openWriter(disk);
    for (let i = 0; i < 5; i++) writer.append({ term: 1, kind: 'delete', insertTsMs: 0, delete: { indexPos: 0, key: `k${i}` } });
    await writer.close();
    const made = await makeSnapshot({ ...env(disk), deletesMax: 4 }, { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: 5, inspector: toyInspector, nowMs: 0 });
    expect(made).toMatchObject({ ok: false, code: Code.snapshotBusy });
    expect(!made.ok && made.message).toMatch(/5 deletes, over the limit of 4/);
  });
});

describe('recover failures', () => {
  async function snapshotted(): Promise<{ disk: MemDisk; dataFile: string }> {
    const disk = new MemDisk();
    const writer = await openWriter(disk);
    for (let i = 0; i < 40; i++) writer.append(toyPut(1, ['a', 'b'], i, `row${i}`));
    await writer.sync();
    const made = await makeSnapshot(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, uptoOffset: 10, inspector: toyInspector, nowMs: 0 });
    await writer.close();
    if (!made.ok) throw new Error(made.message);
    return { disk, dataFile: made.value.dataFile! };
  }

  it('fails on a damaged snapshot data file, naming the file and byte', async () => {
    const { disk, dataFile } = await snapshotted();
    disk.corruptByte(`${SNAPSHOT}/${dataFile}`, 60);
    const result = await recover(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: new ModelTable() });
    expect(result).toMatchObject({ ok: false, code: Code.corruption });
    expect(!result.ok && result.message).toMatch(new RegExp(`snapshot file ${SNAPSHOT}/${dataFile} is corrupt at byte \\d+`));
  });

  it('fails on a truncated snapshot data file', async () => {
    const { disk, dataFile } = await snapshotted();
    const path = `${SNAPSHOT}/${dataFile}`;
    const size = disk.contents(path).length;
    await (await disk.open(path, 'append')).truncate(size - 3);
    const result = await recover(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: new ModelTable() });
    expect(result).toMatchObject({ ok: false, code: Code.corruption });
  });

  it('refuses a manifest written by a newer format', async () => {
    const { disk } = await snapshotted();
    const text = new TextDecoder().decode(await disk.readFile(`${SNAPSHOT}/MANIFEST`)).replace('"formatVersion": 1', '"formatVersion": 2');
    await disk.writeFileAtomic(`${SNAPSHOT}/MANIFEST`, new TextEncoder().encode(text));
    const result = await recover(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: new ModelTable() });
    expect(!result.ok && result.message).toMatch(/format version 2; this build reads up to version 1/);
  });

  it('fails when the binlog starts after the snapshot offset (a gap)', async () => {
    const { disk } = await snapshotted();
    const writer = await openWriter(disk, 10);
    expect((await writer.deleteSegmentsBelow(30)).ok).toBe(true);
    expect(writer.firstOffset).toBeGreaterThan(11);
    await writer.close();
    const result = await recover(env(disk), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: new ModelTable() });
    expect(result).toMatchObject({ ok: false, code: Code.corruption });
    expect(!result.ok && result.message).toMatch(/the binlog starts at offset \d+ but the snapshot .* covers only up to 10/);
  });

  it('reports and logs a torn binlog tail, and replays nothing after it', async () => {
    const { disk } = await snapshotted();
    const writer = await openWriter(disk, 10);
    const last = writer.segments[writer.segments.length - 1]!.name;
    await writer.close();
    const path = `${BINLOG}/${last}`;
    const size = disk.contents(path).length;
    await (await disk.open(path, 'append')).truncate(size - 2);
    const logger = new RecordingLogger();
    const table = new ModelTable();
    const result = await recover(env(disk, logger), { snapshotDir: SNAPSHOT, binlogDir: BINLOG, sink: table });
    expect(result.ok && result.value).toMatchObject({ offset: 39, snapshotOffset: 10, rowsFromSnapshot: 10, entriesReplayed: 29, tornTail: { file: path } });
    expect(table.rows.map((r) => r.row.split('|')[3])).toEqual(Array.from({ length: 39 }, (_, i) => `row${i}`));
    expect(logger.has('binlog tail truncated')).toBe(true);
  });
});
