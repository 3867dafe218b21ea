/**
 * Goal: the two Disk implementations (runtime/fs-disk over real files, sim/mem-disk for the
 * simulator) behave the same for everything the port promises, so code tested on MemDisk runs
 * the same on FsDisk. Method: one list of cases, run against both. (This file lives in src/main
 * because only main may import both runtime and sim.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Disk } from '../ports/disk.js';
import { FsDisk } from '../runtime/fs-disk.js';
import { MemDisk } from '../sim/mem-disk.js';

const b = (...values: number[]): Uint8Array => new Uint8Array(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const asText = (u: Uint8Array): string => new TextDecoder().decode(u);

type Case = [string, (disk: Disk, root: string) => Promise<void>];

const cases: Case[] = [
  [
    'open for read of a missing file fails, naming the path',
    async (disk, root) => {
      await expect(disk.open(`${root}/missing`, 'read')).rejects.toThrow(new RegExp(`open '${root}/missing' for read failed`));
    },
  ],
  [
    'append, positional reads, short reads at the end, size',
    async (disk, root) => {
      const f = await disk.open(`${root}/a`, 'append');
      await f.append(b(1, 2, 3));
      await f.append(b(4, 5));
      expect(await f.size()).toBe(5);
      expect([...(await f.read(1, 3))]).toEqual([2, 3, 4]);
      expect([...(await f.read(3, 100))]).toEqual([4, 5]);
      expect((await f.read(9, 4)).length).toBe(0);
      await f.sync();
      await f.close();
    },
  ],
  [
    'open for append keeps existing content and appends at the end',
    async (disk, root) => {
      await disk.writeFileAtomic(`${root}/a`, b(1, 2));
      const f = await disk.open(`${root}/a`, 'append');
      await f.append(b(3));
      await f.close();
      expect([...(await disk.readFile(`${root}/a`))]).toEqual([1, 2, 3]);
    },
  ],
  [
    'truncate then append',
    async (disk, root) => {
      const f = await disk.open(`${root}/a`, 'append');
      await f.append(b(1, 2, 3, 4));
      await f.truncate(2);
      await f.append(b(9));
      expect([...(await f.read(0, 10))]).toEqual([1, 2, 9]);
      await f.close();
    },
  ],
  [
    'writeFileAtomic replaces the whole file and leaves no temporary',
    async (disk, root) => {
      await disk.writeFileAtomic(`${root}/m`, text('first version, long'));
      await disk.writeFileAtomic(`${root}/m`, text('second'));
      expect(asText(await disk.readFile(`${root}/m`))).toBe('second');
      expect((await disk.list(root)).map((e) => e.name)).toEqual(['m']);
    },
  ],
  [
    'exists, list (sorted, with directories), mkdirp nested and idempotent',
    async (disk, root) => {
      await disk.mkdirp(`${root}/x/y/z`);
      await disk.mkdirp(`${root}/x/y`);
      await disk.writeFileAtomic(`${root}/x/b`, b(1));
      await disk.writeFileAtomic(`${root}/x/a`, b(1));
      expect(await disk.list(`${root}/x`)).toEqual([
        { name: 'a', isDirectory: false },
        { name: 'b', isDirectory: false },
        { name: 'y', isDirectory: true },
      ]);
      expect(await disk.exists(`${root}/x/y/z`)).toBe(true);
      expect(await disk.exists(`${root}/x/a`)).toBe(true);
      expect(await disk.exists(`${root}/nothing`)).toBe(false);
      await expect(disk.list(`${root}/nothing`)).rejects.toThrow(new RegExp(`${root}/nothing`));
    },
  ],
  [
    'rename moves a file over an existing one',
    async (disk, root) => {
      await disk.writeFileAtomic(`${root}/from`, b(1));
      await disk.writeFileAtomic(`${root}/to`, b(2));
      await disk.rename(`${root}/from`, `${root}/to`);
      expect([...(await disk.readFile(`${root}/to`))]).toEqual([1]);
      expect(await disk.exists(`${root}/from`)).toBe(false);
      await expect(disk.rename(`${root}/from`, `${root}/x`)).rejects.toThrow(new RegExp(`rename '${root}/from' to '${root}/x' failed`));
    },
  ],
  [
    'remove deletes files and trees, and is quiet when the path is missing',
    async (disk, root) => {
      await disk.mkdirp(`${root}/t/u`);
      await disk.writeFileAtomic(`${root}/t/u/f`, b(1));
      await disk.writeFileAtomic(`${root}/g`, b(1));
      await disk.remove(`${root}/t`);
      await disk.remove(`${root}/g`);
      await disk.remove(`${root}/never`);
      expect(await disk.list(root)).toEqual([]);
    },
  ],
  [
    'usage of a file and of a directory tree',
    async (disk, root) => {
      await disk.mkdirp(`${root}/d/e`);
      await disk.writeFileAtomic(`${root}/d/f`, new Uint8Array(10));
      await disk.writeFileAtomic(`${root}/d/e/g`, new Uint8Array(5));
      expect(await disk.usage(`${root}/d/f`)).toBe(10);
      expect(await disk.usage(`${root}/d`)).toBe(15);
    },
  ],
  [
    'an open handle keeps reading a removed file',
    async (disk, root) => {
      await disk.writeFileAtomic(`${root}/a`, b(7, 8));
      const h = await disk.open(`${root}/a`, 'read');
      await disk.remove(`${root}/a`);
      expect([...(await h.read(0, 2))]).toEqual([7, 8]);
      await h.close();
    },
  ],
  [
    'a read handle refuses to append',
    async (disk, root) => {
      await disk.writeFileAtomic(`${root}/a`, b(1));
      const h = await disk.open(`${root}/a`, 'read');
      await expect(h.append(b(2))).rejects.toThrow(new RegExp(`${root}/a`));
      await h.close();
    },
  ],
];

const tempRoots: string[] = [];
afterAll(async () => {
  for (const dir of tempRoots) await rm(dir, { recursive: true, force: true });
});

const implementations: [string, () => Promise<{ disk: Disk; root: string }>][] = [
  [
    'FsDisk',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'disk-contract-'));
      tempRoots.push(root);
      return { disk: new FsDisk(), root };
    },
  ],
  [
    'MemDisk',
    async () => {
      const disk = new MemDisk();
      await disk.mkdirp('/root');
      return { disk, root: '/root' };
    },
  ],
];

for (const [name, make] of implementations) {
  describe(`Disk contract: ${name}`, () => {
    for (const [title, run] of cases) {
      it(title, async () => {
        const { disk, root } = await make();
        await run(disk, root);
      });
    }
  });
}
