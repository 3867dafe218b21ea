/**
 * Memory footprint and put rate of the storage engine: loads rows shaped like the Redis comparison
 * (key ~20 bytes, ts, value ~100 bytes; one index on key ordered by ts; ~100 rows per key) into a
 * MemTable and prints bytes/row by stats().memBytes and by process memory deltas.
 *
 * Rows are made by patching a per-key template (ts and value bytes) in one reused buffer, so the
 * load itself leaves no garbage behind and the process deltas show the table alone (as Redis's
 * used_memory shows Redis alone).
 *
 *   npx tsx scripts/storage-footprint.ts [rows=1000000] [rowsPerKey=100] [valueBytes=100]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RowCodec } from '../src/protocol/row-codec.js';
import type { TableSchema } from '../src/protocol/schema.js';
import { MemTable } from '../src/storage/mem-table.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const rows = Number(process.argv[2] ?? 1_000_000);
const rowsPerKey = Number(process.argv[3] ?? 100);
const valueBytes = Number(process.argv[4] ?? 100);
const keys = Math.max(1, Math.round(rows / rowsPerKey));

const schema: TableSchema = {
  columns: [
    { name: 'key', type: 'string', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'value', type: 'string', notNull: false },
  ],
  indexes: [{ name: 'by_key', keyColumns: ['key'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};
const codec = new RowCodec(schema.columns);
/** Layout of these rows: 6-byte header, 1 bitmap byte, the timestamp at 7, then offsets and strings. */
const TS_OFFSET = 7;
const baseTs = 1_700_000_000_000;

const templates = Array.from({ length: keys }, (_, i) => {
  const r = codec.encode([`user_${String(i).padStart(15, '0')}`, baseTs, 'v'.repeat(valueBytes)]);
  if (!r.ok) throw new Error(r.message);
  return r.value;
});
const rowBytes = templates[0]!.length;
const scratch = new Uint8Array(rowBytes);
const scratchView = new DataView(scratch.buffer);
let seed = 12345;

function makeRow(i: number): Uint8Array {
  scratch.set(templates[i % keys]!);
  const ts = baseTs + i;
  scratchView.setUint32(TS_OFFSET, ts % 2 ** 32, true);
  scratchView.setUint32(TS_OFFSET + 4, Math.floor(ts / 2 ** 32), true);
  for (let p = rowBytes - valueBytes; p < rowBytes; p++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    scratch[p] = 48 + (seed % 75);
  }
  return scratch;
}

function memory(): { rss: number; heap: number; heapTotal: number; external: number } {
  collect();
  collect();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

const check = codec.validateRow(makeRow(0));
if (!check.ok) throw new Error(`template patching broke the row: ${check.message}`);
if (codec.readTsMs(makeRow(5), 1) !== baseTs + 5) throw new Error('template patching wrote the ts in the wrong place');

const before = memory();
const table = MemTable.create(schema);
if (!table.ok) throw new Error(table.message);
const t0 = process.hrtime.bigint();
for (let i = 0; i < rows; i++) {
  const r = table.value.put(makeRow(i), 0);
  if (!r.ok) throw new Error(r.message);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const after = memory();
const stats = table.value.stats();
if (stats.rowCount !== rows) throw new Error(`stored ${stats.rowCount} rows, expected ${rows}`);
const perRow = (bytes: number) => (bytes / rows).toFixed(1);
console.log(`rows ${rows}, keys ${stats.keyCount[0]}, encoded row ${rowBytes} bytes`);
console.log(`bytes/row by stats().memBytes:   ${perRow(stats.memBytes)}`);
console.log(`bytes/row by RSS delta:          ${perRow(after.rss - before.rss)}`);
console.log(`bytes/row by heapUsed+external:  ${perRow(after.heap + after.external - before.heap - before.external)}`);
console.log(`bytes/row by heapTotal+external: ${perRow(after.heapTotal + after.external - before.heapTotal - before.external)}`);
console.log(`put rate: ${Math.round(rows / seconds).toLocaleString("en-US")} rows/s (includes patching each row from its template)`);
