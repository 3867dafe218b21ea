import { describe, expect, it } from 'vitest';
import { BASE_TS_MS, KEY_BYTES, loadRow, rowKey, rowValue, VALUE_BYTES } from './kv-rows.js';

describe('kv rows', () => {
  it('keys and values have the stated sizes', () => {
    for (const n of [0, 7, 9_999, 123_456_789]) {
      expect(Buffer.byteLength(rowKey(n))).toBe(KEY_BYTES);
      expect(Buffer.byteLength(rowValue(n))).toBe(VALUE_BYTES);
    }
  });

  it('a load gives every key the same number of rows, in time order, with values unique per row', () => {
    const keys = 50;
    const rows = 1_000;
    const perKey = new Map<string, number[]>();
    const values = new Set<string>();
    for (let n = 0; n < rows; n++) {
      const row = loadRow(n, keys);
      values.add(row.value);
      const list = perKey.get(row.key) ?? [];
      list.push(row.tsMs);
      perKey.set(row.key, list);
    }
    expect(values.size).toBe(rows);
    expect(perKey.size).toBe(keys);
    for (const tss of perKey.values()) {
      expect(tss).toHaveLength(rows / keys);
      expect(tss[0]).toBe(BASE_TS_MS);
      for (let i = 1; i < tss.length; i++) expect(tss[i]).toBe(tss[i - 1]! + 1);
    }
  });
});
