/**
 * stats().memBytes against what the process really holds (V8 heap + ArrayBuffers, after full
 * garbage collections) for a table loaded with many rows. A test on memory, not on time; the
 * factor is generous because the process figures include V8's own bookkeeping.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { TableSchema } from '../protocol/schema.js';
import { MemTable } from './mem-table.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function heldBytes(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const schema: TableSchema = {
  columns: [
    { name: 'key', type: 'string', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'value', type: 'string', notNull: false },
  ],
  indexes: [
    { name: 'by_key', keyColumns: ['key'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } },
    { name: 'by_value', keyColumns: ['value'], ttl: { type: 'latest', absMinutes: 0, latCount: 0 } },
  ],
};

describe('MemTable memory accounting', () => {
  it('memBytes is within a generous factor of the process memory the table holds', () => {
    const rows = 150_000;
    const keys = 1_500;
    const created = MemTable.create(schema);
    if (!created.ok) throw new Error(created.message);
    const table = created.value;
    // templates made before measuring, so the load leaves little garbage behind
    const templates = Array.from({ length: keys }, (_, i) => {
      const r = table.codec.encode([`user_${String(i).padStart(15, '0')}`, 0, `v${String(i % 300).padStart(3, '0')}_${'x'.repeat(60)}`]);
      if (!r.ok) throw new Error(r.message);
      return r.value;
    });
    const scratch = new Uint8Array(templates[0]!.length);
    const view = new DataView(scratch.buffer);
    const before = heldBytes();
    for (let i = 0; i < rows; i++) {
      scratch.set(templates[i % keys]!);
      view.setUint32(7, 1_000_000 + i, true); // the ts column sits after the header and bitmap
      const r = table.put(scratch, 2_000_000 + i);
      if (!r.ok) throw new Error(r.message);
    }
    const held = heldBytes() - before;
    const stats = table.stats();
    expect(stats.rowCount).toBe(rows);
    expect(stats.keyCount).toEqual([keys, 300]);
    const ratio = stats.memBytes / held;
    expect(ratio, `memBytes ${stats.memBytes} vs process ${held}`).toBeGreaterThan(0.75);
    expect(ratio, `memBytes ${stats.memBytes} vs process ${held}`).toBeLessThan(1.33);
    // deleting every row gives (nearly) everything back
    for (let i = 0; i < keys; i++) {
      const r = table.deleteKey(0, `user_${String(i).padStart(15, '0')}`);
      if (!r.ok) throw new Error(r.message);
    }
    const empty = table.stats();
    expect(empty).toMatchObject({ rowCount: 0, keyCount: [0, 0], entryCount: [0, 0] });
    expect(empty.memBytes).toBeLessThan(stats.memBytes / 100);
  });
});
