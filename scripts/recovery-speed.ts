/**
 * Measures recovery speed on real files: writes N rows of ~150 bytes to a binlog, makes a
 * snapshot of them, then times (1) loading the snapshot and (2) replaying the same rows from the
 * binlog alone, each into a trivial sink. Also prints the append rate of the writer.
 *
 *   npx tsx scripts/recovery-speed.ts [rows=1000000] [rowBytes=150]
 *
 * The files were just written, so reads come from the page cache: this measures decoding, crc
 * and I/O-call overhead, not the disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Crc32Fn } from '../src/base/crc32.js';
import { BinlogWriter } from '../src/binlog/binlog-writer.js';
import type { LogEntry } from '../src/binlog/log-entry.js';
import type { Timers } from '../src/ports/clock.js';
import { silentLogger } from '../src/ports/logger.js';
import { FsDisk } from '../src/runtime/fs-disk.js';
import { makeSnapshot } from '../src/snapshot/make-snapshot.js';
import { recover } from '../src/snapshot/recover.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const rowBytes = Number(process.argv[3] ?? 150);
const zlibCrc: Crc32Fn = (data, initial) => crc32(data, initial);
const timers: Timers = {
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'recovery-speed-'));
  const disk = new FsDisk();
  const binlogDir = `${root}/1_0/binlog`;
  const snapshotDir = `${root}/1_0/snapshot`;
  const emptySnapshotDir = `${root}/1_0/no-snapshot`;
  try {
    const opened = await BinlogWriter.open({
      disk,
      dir: binlogDir,
      timers,
      crc32: zlibCrc,
      logger: silentLogger,
      segmentBytesMax: 256 * 1024 * 1024,
      syncIntervalMs: 5000,
      syncEveryWrite: false,
      bufferBytesMax: 64 * 1024 * 1024,
    });
    if (!opened.ok) throw new Error(opened.message);
    const writer = opened.value.writer;
    const row = new Uint8Array(rowBytes);
    const positions = [0, 1];
    let t0 = performance.now();
    for (let i = 1; i <= rows; i++) {
      row[0] = i & 0xff;
      row[1] = (i >>> 8) & 0xff;
      const r = writer.append({ term: 1, kind: 'put', insertTsMs: 1_700_000_000_000 + i, indexPositions: positions, row });
      if (!r.ok) throw new Error(r.message);
      if (i % 100_000 === 0) await writer.whenFlushed(i);
    }
    const synced = await writer.sync();
    if (!synced.ok) throw new Error(synced.message);
    const appendMs = performance.now() - t0;
    await writer.close();
    console.log(`binlog append + fsync: ${fmt(rows)} entries in ${fmt(appendMs)} ms = ${fmt((rows / appendMs) * 1000)} entries/s`);

    const env = { disk, crc32: zlibCrc, logger: silentLogger };
    t0 = performance.now();
    const made = await makeSnapshot(env, {
      snapshotDir,
      binlogDir,
      uptoOffset: rows,
      inspector: { keyOf: () => '', tsOf: (_r, _p, ts) => ts },
      nowMs: 0,
    });
    if (!made.ok) throw new Error(made.message);
    const snapshotMs = performance.now() - t0;
    console.log(`makeSnapshot (binlog -> snapshot): ${fmt(rows)} rows in ${fmt(snapshotMs)} ms = ${fmt((rows / snapshotMs) * 1000)} rows/s`);
    console.log(`sizes: binlog ${fmt(await disk.usage(binlogDir))} B, snapshot ${fmt(await disk.usage(snapshotDir))} B`);

    let count = 0;
    let bytes = 0;
    const sink = {
      putRow(r: Uint8Array): void {
        count++;
        bytes += r.length;
      },
      applyEntry(e: LogEntry): void {
        count++;
        bytes += e.row?.length ?? 0;
      },
    };
    for (let round = 1; round <= 3; round++) {
      count = 0;
      t0 = performance.now();
      const fromSnapshot = await recover(env, { snapshotDir, binlogDir, sink });
      const ms = performance.now() - t0;
      if (!fromSnapshot.ok || count !== rows) throw new Error(fromSnapshot.ok ? `count ${count}` : fromSnapshot.message);
      console.log(`recover from snapshot (round ${round}): ${fmt(rows)} rows in ${fmt(ms)} ms = ${fmt((rows / ms) * 1000)} rows/s`);
    }
    for (let round = 1; round <= 3; round++) {
      count = 0;
      t0 = performance.now();
      const fromBinlog = await recover(env, { snapshotDir: emptySnapshotDir, binlogDir, sink });
      const ms = performance.now() - t0;
      if (!fromBinlog.ok || count !== rows) throw new Error(fromBinlog.ok ? `count ${count}` : fromBinlog.message);
      console.log(`recover from binlog only (round ${round}): ${fmt(rows)} entries in ${fmt(ms)} ms = ${fmt((rows / ms) * 1000)} entries/s`);
    }
    if (bytes === 0) console.log('no bytes?');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
