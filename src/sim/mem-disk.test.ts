/**
 * Goal: MemDisk loses exactly what its documented durability model says a power loss loses, and
 * nothing more. Method: write, sync and rename in various orders, crash, inspect.
 */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../base/seeded-rng.js';
import { MemDisk } from './mem-disk.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

async function setup(seed = 1, rng = seededRng(seed)): Promise<MemDisk> {
  const disk = new MemDisk({ rng });
  await disk.mkdirp('/d');
  return disk;
}

describe('MemDisk crash', () => {
  it('keeps synced bytes and drops the unsynced tail without torn writes', async () => {
    const disk = await setup();
    const f = await disk.open('/d/a', 'append');
    await f.append(bytes(1, 2, 3));
    await f.sync();
    await f.append(bytes(4, 5));
    disk.crash({ tornWrites: false });
    expect([...(await disk.readFile('/d/a'))]).toEqual([1, 2, 3]);
  });

  it('keeps a random prefix of the unsynced tail with torn writes, chosen by the Rng', async () => {
    const lengths = new Set<number>();
    const rng = seededRng(11);
    for (let run = 1; run <= 40; run++) {
      const disk = await setup(run, rng);
      const f = await disk.open('/d/a', 'append');
      await f.append(bytes(1, 2));
      await f.sync();
      await f.append(bytes(3, 4, 5, 6));
      disk.crash();
      const after = [...(await disk.readFile('/d/a'))];
      expect(after).toEqual([1, 2, 3, 4, 5, 6].slice(0, after.length));
      expect(after.length).toBeGreaterThanOrEqual(2);
      lengths.add(after.length);
    }
    expect(lengths.size).toBeGreaterThan(2);
  });

  it('is deterministic for a seed', async () => {
    const run = async (): Promise<number> => {
      const disk = await setup(7);
      const f = await disk.open('/d/a', 'append');
      await f.sync();
      await f.append(new Uint8Array(1000));
      disk.crash();
      return (await disk.readFile('/d/a')).length;
    };
    expect(await run()).toBe(await run());
  });

  it('loses a created file whose name was never synced, keeps one that was', async () => {
    const disk = await setup();
    await (await disk.open('/d/lost', 'append')).append(bytes(1));
    const kept = await disk.open('/d/kept', 'append');
    await kept.sync();
    disk.crash();
    expect(await disk.exists('/d/lost')).toBe(false);
    expect(await disk.exists('/d/kept')).toBe(true);
  });

  it('makes rename, remove and writeFileAtomic durable when they complete', async () => {
    const disk = await setup();
    await disk.writeFileAtomic('/d/m', bytes(9));
    const f = await disk.open('/d/x.tmp', 'append');
    await f.append(bytes(1, 2));
    await f.sync();
    await disk.rename('/d/x.tmp', '/d/x');
    await disk.writeFileAtomic('/d/gone', bytes(1));
    await disk.remove('/d/gone');
    disk.crash();
    expect((await disk.list('/d')).map((e) => e.name)).toEqual(['m', 'x']);
    expect([...(await disk.readFile('/d/x'))]).toEqual([1, 2]);
  });

  it('undoes an unsynced truncation below the durable length', async () => {
    const disk = await setup();
    const f = await disk.open('/d/a', 'append');
    await f.append(bytes(1, 2, 3, 4));
    await f.sync();
    await f.truncate(1);
    await f.append(bytes(7));
    expect([...disk.contents('/d/a')]).toEqual([1, 7]);
    disk.crash();
    expect([...(await disk.readFile('/d/a'))]).toEqual([1, 2, 3, 4]);
  });

  it('invalidates handles opened before the crash', async () => {
    const disk = await setup();
    const f = await disk.open('/d/a', 'append');
    await f.sync();
    disk.crash();
    await expect(f.append(bytes(1))).rejects.toThrow(/predates a crash/);
    await expect(f.read(0, 1)).rejects.toThrow(/predates a crash/);
  });
});

describe('MemDisk delays', () => {
  it('applies a delayed operation later, and never after a crash that came first', async () => {
    let applied = 0;
    let lost = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const disk = new MemDisk({ rng: seededRng(seed), delayTurnsMax: 5 });
      await disk.mkdirp('/d');
      const written = disk.writeFileAtomic('/d/m', bytes(1, 2)).then(
        () => true,
        () => false,
      );
      await Promise.resolve();
      disk.crash();
      const ok = await written;
      expect(await disk.exists('/d/m')).toBe(ok);
      if (ok) applied++;
      else lost++;
    }
    expect(applied).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
  });
});

describe('MemDisk files', () => {
  it('keeps a removed or replaced file readable through an open handle', async () => {
    const disk = await setup();
    await disk.writeFileAtomic('/d/a', bytes(1, 2));
    const h = await disk.open('/d/a', 'read');
    await disk.writeFileAtomic('/d/a', bytes(3));
    expect([...(await h.read(0, 10))]).toEqual([1, 2]);
    await disk.remove('/d/a');
    expect([...(await h.read(1, 10))]).toEqual([2]);
  });

  it('fails chosen operations through setFault, naming the operation and path', async () => {
    const disk = await setup();
    const f = await disk.open('/d/a', 'append');
    disk.setFault((op, path) => (op === 'sync' && path === '/d/a' ? 'EIO' : undefined));
    await f.append(bytes(1));
    await expect(f.sync()).rejects.toThrow("sync on '/d/a' failed: EIO");
    disk.setFault(undefined);
    await f.sync();
  });

  it('refuses writes through a read handle and files in missing directories', async () => {
    const disk = await setup();
    await disk.writeFileAtomic('/d/a', bytes(1));
    const h = await disk.open('/d/a', 'read');
    await expect(h.append(bytes(1))).rejects.toThrow(/opened for read/);
    await expect(disk.open('/nope/a', 'append')).rejects.toThrow(/directory '\/nope' does not exist/);
  });

  it('lets corruptByte flip a byte of the written and durable file', async () => {
    const disk = await setup();
    const f = await disk.open('/d/a', 'append');
    await f.append(bytes(1, 2, 3));
    await f.sync();
    disk.corruptByte('/d/a', 1, 0x0f);
    disk.crash();
    expect([...(await disk.readFile('/d/a'))]).toEqual([1, 2 ^ 0x0f, 3]);
    expect(disk.durableLength('/d/a')).toBe(3);
  });
});
