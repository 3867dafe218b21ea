import { type FileHandle as NodeFileHandle, lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DirEntry, Disk, FileHandle } from '../ports/disk.js';

/**
 * The `Disk` port over node:fs/promises. What it makes durable, and when (the simulator's
 * MemDisk models exactly this):
 * - `FileHandle.sync()` is fdatasync. The first sync of a file this handle created also fsyncs
 *   the parent directory, so the new name survives a crash too.
 * - `writeFileAtomic` writes `path.tmp`, fsyncs it, renames it over `path` and fsyncs the directory.
 * - `rename`, `remove` and `mkdirp` fsync the directories they changed before resolving.
 * Every failure is an Error whose message names the operation and the path, with the errno code.
 */
export class FsDisk implements Disk {
  async open(path: string, mode: 'append' | 'read'): Promise<FileHandle> {
    if (mode === 'read') return new FsFileHandle(path, await attempt(`open '${path}' for read`, () => open(path, 'r')), false);
    try {
      return new FsFileHandle(path, await open(path, 'ax+'), true);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw wrap(`open '${path}' for append`, error);
    }
    return new FsFileHandle(path, await attempt(`open '${path}' for append`, () => open(path, 'a+')), false);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const buf = await attempt(`read '${path}'`, () => readFile(path));
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  }

  async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    const tmp = `${path}.tmp`;
    const what = `write '${path}' atomically`;
    const handle = await attempt(what, () => open(tmp, 'w'));
    try {
      await attempt(what, () => writeAll(handle, data));
      await attempt(what, () => handle.sync());
    } finally {
      await handle.close().catch(() => undefined);
    }
    await attempt(what, () => rename(tmp, path));
    await syncDirectory(dirname(path), what);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await lstat(path);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw wrap(`check whether '${path}' exists`, error);
    }
  }

  async list(dir: string): Promise<DirEntry[]> {
    const entries = await attempt(`list '${dir}'`, () => readdir(dir, { withFileTypes: true }));
    return entries
      .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async mkdirp(dir: string): Promise<void> {
    const what = `mkdirp '${dir}'`;
    const absolute = resolve(dir);
    const firstCreated = await attempt(what, () => mkdir(absolute, { recursive: true }));
    if (firstCreated === undefined) return;
    // Make each new directory's name durable: fsync the parent of every directory created.
    for (let d = absolute; ; d = dirname(d)) {
      await syncDirectory(dirname(d), what);
      if (d === firstCreated || dirname(d) === d) break;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const what = `rename '${from}' to '${to}'`;
    await attempt(what, () => rename(from, to));
    await syncDirectory(dirname(to), what);
    if (dirname(from) !== dirname(to)) await syncDirectory(dirname(from), what);
  }

  async remove(path: string): Promise<void> {
    const what = `remove '${path}'`;
    if (!(await this.exists(path))) return;
    await attempt(what, () => rm(path, { recursive: true, force: true }));
    await syncDirectory(dirname(path), what);
  }

  async usage(path: string): Promise<number> {
    const what = `measure '${path}'`;
    const s = await attempt(what, () => lstat(path));
    if (!s.isDirectory()) return s.size;
    let bytes = 0;
    for (const entry of await attempt(what, () => readdir(path))) bytes += await this.usage(`${path}/${entry}`);
    return bytes;
  }
}

class FsFileHandle implements FileHandle {
  readonly #path: string;
  readonly #handle: NodeFileHandle;
  /** The parent directory must be fsynced once so the new name is durable. */
  #directoryUnsynced: boolean;

  constructor(path: string, handle: NodeFileHandle, created: boolean) {
    this.#path = path;
    this.#handle = handle;
    this.#directoryUnsynced = created;
  }

  async append(data: Uint8Array): Promise<void> {
    await attempt(`append to '${this.#path}'`, () => writeAll(this.#handle, data));
  }

  appendSync(data: Uint8Array): void {
    try {
      let written = 0;
      while (written < data.length) written += writeSync(this.#handle.fd, data, written, data.length - written);
    } catch (error) {
      throw wrap(`append to '${this.#path}'`, error);
    }
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    await attempt(`read '${this.#path}'`, async () => {
      while (filled < length) {
        const { bytesRead } = await this.#handle.read(buf, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    });
    // A plain Uint8Array view: its subarrays are much cheaper to make than Buffer slices.
    return new Uint8Array(buf.buffer, buf.byteOffset, filled);
  }

  async sync(): Promise<void> {
    await attempt(`sync '${this.#path}'`, () => this.#handle.datasync());
    if (this.#directoryUnsynced) {
      await syncDirectory(dirname(this.#path), `sync '${this.#path}'`);
      this.#directoryUnsynced = false;
    }
  }

  async truncate(length: number): Promise<void> {
    await attempt(`truncate '${this.#path}' to ${length} bytes`, () => this.#handle.truncate(length));
  }

  async size(): Promise<number> {
    return (await attempt(`stat '${this.#path}'`, () => this.#handle.stat())).size;
  }

  async close(): Promise<void> {
    await attempt(`close '${this.#path}'`, () => this.#handle.close());
  }
}

async function writeAll(handle: NodeFileHandle, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

async function syncDirectory(dir: string, what: string): Promise<void> {
  const handle = await attempt(`${what}: open directory '${dir}'`, () => open(dir, 'r'));
  try {
    await attempt(`${what}: sync directory '${dir}'`, () => handle.sync());
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function wrap(what: string, error: unknown): Error {
  const code = errnoCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const prefix = code && !detail.startsWith(code) ? `${code}: ` : '';
  const wrapped = new Error(`${what} failed: ${prefix}${detail}`, { cause: error });
  if (code) Object.assign(wrapped, { code });
  return wrapped;
}

async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw wrap(what, error);
  }
}
