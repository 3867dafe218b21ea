/**
 * FsDisk specifics beyond the shared Disk contract (src/main/disk-contract.test.ts): error
 * messages carry the operation, the path and the errno code; new files and directories can be
 * synced; temporaries of writeFileAtomic do not linger.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsDisk } from './fs-disk.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fs-disk-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FsDisk', () => {
  it('names the operation, the path and the errno code in errors', async () => {
    const disk = new FsDisk();
    const error = await disk.readFile(`${root}/nope`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^read '${root}/nope' failed: ENOENT`));
    expect((error as { code?: string }).code).toBe('ENOENT');
    await expect(disk.writeFileAtomic(`${root}/no/dir/m`, new Uint8Array(1))).rejects.toThrow(`write '${root}/no/dir/m' atomically failed: ENOENT`);
  });

  it('creates, appends, syncs (file and its new directory entry) and reopens', async () => {
    const disk = new FsDisk();
    await disk.mkdirp(`${root}/a/b/c`);
    const f = await disk.open(`${root}/a/b/c/log`, 'append');
    await f.append(new Uint8Array([1, 2, 3]));
    await f.sync();
    await f.append(new Uint8Array([4]));
    await f.sync();
    await f.close();
    const again = await disk.open(`${root}/a/b/c/log`, 'append');
    expect([...(await again.read(0, 10))]).toEqual([1, 2, 3, 4]);
    await again.close();
  });

  it('reads large ranges exactly', async () => {
    const disk = new FsDisk();
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    await writeFile(`${root}/big`, data);
    const h = await disk.open(`${root}/big`, 'read');
    const part = await h.read(12345, 2 * 1024 * 1024);
    expect(part.length).toBe(2 * 1024 * 1024);
    expect(part[0]).toBe(data[12345]);
    expect(part[part.length - 1]).toBe(data[12345 + part.length - 1]);
    await h.close();
  });

  it('leaves only the final file after writeFileAtomic, and fails mkdirp through a file', async () => {
    const disk = new FsDisk();
    await disk.writeFileAtomic(`${root}/MANIFEST`, new TextEncoder().encode('{}'));
    expect(await readdir(root)).toEqual(['MANIFEST']);
    await expect(disk.mkdirp(`${root}/MANIFEST/x`)).rejects.toThrow(`mkdirp '${root}/MANIFEST/x' failed`);
  });
});
