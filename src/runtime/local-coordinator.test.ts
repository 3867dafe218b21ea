import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCoordinator } from './local-coordinator.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'localcoord-'));
  dirs.push(d);
  return join(d, 'meta', 'tree.json');
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('LocalCoordinator', () => {
  it('keeps persistent nodes across a reopen and drops ephemeral ones', async () => {
    const file = tempFile();
    const a = await LocalCoordinator.open(file);
    await a.ensurePath('/openmldb/table/db_table_data');
    await a.create('/openmldb/table/db_table_data/1', bytes('t1'), 'persistent');
    await a.create('/openmldb/nodes', bytes(''), 'persistent');
    await a.create('/openmldb/nodes/127.0.0.1:9921', bytes('startup'), 'ephemeral');
    await a.set('/openmldb/table/db_table_data/1', bytes('t1-v2'));
    await a.create('/openmldb/db', bytes(''), 'persistent');
    await a.create('/openmldb/db/gone', bytes(''), 'persistent');
    await a.delete('/openmldb/db/gone');
    await a.close();

    const b = await LocalCoordinator.open(file);
    expect(text((await b.get('/openmldb/table/db_table_data/1')).data)).toBe('t1-v2');
    expect(await b.children('/openmldb/nodes')).toEqual([]);
    expect(await b.exists('/openmldb/db/gone')).toBeNull();
    await b.close();
  });

  it('refuses a metadata file it cannot read, naming the file', async () => {
    const file = tempFile();
    const a = await LocalCoordinator.open(file);
    await a.ensurePath('/x');
    await a.close();
    writeFileSync(file, '{"formatVersion": 99, "nodes": []}');
    await expect(LocalCoordinator.open(file)).rejects.toThrow(/format version 99; this build reads 1/);
    writeFileSync(file, 'not json');
    await expect(LocalCoordinator.open(file)).rejects.toThrow(/tree\.json is not readable JSON/);
  });
});
