import type { Rng } from '../ports/clock.js';
import type { DirEntry, Disk, FileHandle } from '../ports/disk.js';

/**
 * In-memory `Disk` for the deterministic simulator, with crash semantics.
 *
 * Durability model (kept simple; it mirrors what runtime/fs-disk.ts makes durable):
 * - File contents: bytes become durable at `FileHandle.sync()`. `crash()` rolls every file back
 *   to its durable bytes, optionally keeping a random prefix (chosen by the injected Rng) of the
 *   bytes appended since (a torn write). A truncation below the durable length that was not synced
 *   is undone by a crash.
 * - Names: the port has no directory-sync call, so each name operation that fs-disk makes durable
 *   by fsyncing the directory is durable here as soon as it completes: mkdirp, rename, remove and
 *   writeFileAtomic. A file created by `open(path, 'append')` is the exception: its name becomes
 *   durable at the first `sync()` of a handle on it (fs-disk fsyncs the parent directory then);
 *   a crash before that loses the file.
 * - Open handles keep the file they opened (like POSIX inodes) even when it is renamed or removed.
 *   After `crash()` every handle from before the crash fails.
 *
 * By default every method takes effect synchronously when called. With `delayTurnsMax` each
 * operation first waits a random number (0..delayTurnsMax, from the Rng) of microtask turns and
 * takes effect only then, just before its promise resolves; a crash in between loses it. This
 * opens the windows real disks have (e.g. acknowledging before an fsync returned).
 * `setFault` makes chosen operations fail, to exercise error paths.
 */
export type DiskOp =
  | 'open'
  | 'append'
  | 'read'
  | 'size'
  | 'sync'
  | 'truncate'
  | 'readFile'
  | 'writeFileAtomic'
  | 'exists'
  | 'rename'
  | 'remove'
  | 'list'
  | 'mkdirp'
  | 'usage';

/** Returns an error message to make the operation fail, or undefined to let it run. */
export type FaultInjector = (op: DiskOp, path: string) => string | undefined;

export interface CrashOptions {
  /** Keep a random prefix of each file's unsynced tail (default true when the disk has an Rng). */
  readonly tornWrites?: boolean;
}

class Inode {
  data = new Uint8Array(256);
  length = 0;
  /** Durable bytes are data[0, durableLength) unless `durableCopy` holds them (after a truncation below). */
  durableLength = 0;
  durableCopy: Uint8Array | undefined;
  /** Its name is durable (false for a created file until its first sync). */
  named: boolean;

  constructor(named: boolean) {
    this.named = named;
  }

  bytes(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  append(bytes: Uint8Array): void {
    if (this.data.length < this.length + bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.data.length, this.length + bytes.length));
      grown.set(this.bytes());
      this.data = grown;
    }
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }

  truncate(length: number): void {
    if (length < this.durableLength && !this.durableCopy) this.durableCopy = this.data.slice(0, this.durableLength);
    if (length > this.length) {
      this.append(new Uint8Array(length - this.length));
      return;
    }
    this.data.fill(0, length, this.length);
    this.length = length;
  }

  sync(): void {
    this.durableLength = this.length;
    this.durableCopy = undefined;
    this.named = true;
  }

  /** The file as it is after a crash. */
  afterCrash(rng: Rng | undefined): Inode {
    const survivor = new Inode(true);
    if (this.durableCopy) {
      survivor.append(this.durableCopy);
    } else {
      survivor.append(this.data.subarray(0, this.durableLength));
      const tail = this.length - this.durableLength;
      if (rng && tail > 0) survivor.append(this.data.subarray(this.durableLength, this.durableLength + rng.int(tail + 1)));
    }
    survivor.sync();
    return survivor;
  }

  static withContent(bytes: Uint8Array): Inode {
    const inode = new Inode(true);
    inode.append(bytes);
    inode.sync();
    return inode;
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

function normalize(path: string): string {
  const p = path.replace(/\/{2,}/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

export class MemDisk implements Disk {
  readonly #rng: Rng | undefined;
  #files = new Map<string, Inode>();
  #dirs = new Set<string>(['/', '.']);
  #generation = 0;
  #fault: FaultInjector | undefined;

  readonly #delayTurnsMax: number;

  constructor(options: { rng?: Rng; delayTurnsMax?: number } = {}) {
    this.#rng = options.rng;
    this.#delayTurnsMax = options.delayTurnsMax ?? 0;
  }

  /** Makes operations fail while `injector` returns a message for them (undefined clears it). */
  setFault(injector: FaultInjector | undefined): void {
    this.#fault = injector;
  }

  /**
   * Simulates a power loss: unsynced bytes and unsynced file creations are lost (a random prefix
   * of each unsynced tail may survive), and every open handle becomes unusable.
   */
  crash(options: CrashOptions = {}): void {
    const torn = options.tornWrites ?? true;
    const survivors = new Map<string, Inode>();
    const seen = new Map<Inode, Inode>();
    for (const [path, inode] of [...this.#files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!inode.named) continue;
      let survivor = seen.get(inode);
      if (!survivor) seen.set(inode, (survivor = inode.afterCrash(torn ? this.#rng : undefined)));
      survivors.set(path, survivor);
    }
    this.#files = survivors;
    this.#generation++;
  }

  /** The bytes of `path` as written so far (test helper). */
  contents(path: string): Uint8Array {
    return this.#file(normalize(path), 'read').bytes().slice();
  }

  /** Bytes of `path` that would survive a crash without torn writes (test helper). */
  durableLength(path: string): number {
    const inode = this.#file(normalize(path), 'read');
    return inode.durableCopy ? inode.durableCopy.length : inode.durableLength;
  }

  /** XORs one byte of `path` in both its written and durable form (simulated bit rot). */
  corruptByte(path: string, position: number, mask = 0xff): void {
    const inode = this.#file(normalize(path), 'read');
    if (position >= inode.length) throw new Error(`corrupting '${path}' failed: byte ${position} is past its end ${inode.length}`);
    inode.data[position]! ^= mask;
    if (inode.durableCopy && position < inode.durableCopy.length) inode.durableCopy[position]! ^= mask;
  }

  open(path: string, mode: 'append' | 'read'): Promise<FileHandle> {
    const p = normalize(path);
    return this.#run('open', p, () => {
      let inode = this.#files.get(p);
      if (!inode) {
        if (mode === 'read') throw new Error(`open '${p}' for read failed: no such file`);
        this.#requireDir(parentOf(p), `open '${p}' for append`);
        inode = new Inode(false);
        this.#files.set(p, inode);
      }
      return this.#handle(p, inode, mode);
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    const p = normalize(path);
    return this.#run('readFile', p, () => this.#file(p, 'readFile').bytes().slice());
  }

  writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    const p = normalize(path);
    const copy = data.slice();
    return this.#run('writeFileAtomic', p, () => {
      this.#requireDir(parentOf(p), `writeFileAtomic '${p}'`);
      this.#files.set(p, Inode.withContent(copy));
    });
  }

  exists(path: string): Promise<boolean> {
    const p = normalize(path);
    return this.#run('exists', p, () => this.#files.has(p) || this.#dirs.has(p));
  }

  list(dir: string): Promise<DirEntry[]> {
    const d = normalize(dir);
    return this.#run('list', d, () => {
      this.#requireDir(d, `list '${d}'`);
      const prefix = d === '/' ? '/' : `${d}/`;
      const names = new Map<string, boolean>();
      const child = (p: string): string | undefined => {
        if (!p.startsWith(prefix) || p === d) return undefined;
        const rest = p.slice(prefix.length);
        return rest.includes('/') ? undefined : rest;
      };
      for (const p of this.#files.keys()) {
        const name = child(p);
        if (name !== undefined) names.set(name, false);
      }
      for (const p of this.#dirs) {
        const name = child(p);
        if (name !== undefined) names.set(name, true);
      }
      return [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, isDirectory]) => ({ name, isDirectory }));
    });
  }

  mkdirp(dir: string): Promise<void> {
    const d = normalize(dir);
    return this.#run('mkdirp', d, () => {
      const parts: string[] = [];
      for (let p = d; !this.#dirs.has(p); p = parentOf(p)) {
        if (this.#files.has(p)) throw new Error(`mkdirp '${d}' failed: '${p}' is a file`);
        parts.push(p);
      }
      for (const p of parts) this.#dirs.add(p);
    });
  }

  rename(from: string, to: string): Promise<void> {
    const f = normalize(from);
    const t = normalize(to);
    return this.#run('rename', f, () => {
      const inode = this.#files.get(f);
      if (!inode) throw new Error(`rename '${f}' to '${t}' failed: no such file`);
      this.#requireDir(parentOf(t), `rename '${f}' to '${t}'`);
      this.#files.delete(f);
      this.#files.set(t, inode);
      inode.named = true;
    });
  }

  remove(path: string): Promise<void> {
    const p = normalize(path);
    return this.#run('remove', p, () => {
      this.#files.delete(p);
      const prefix = `${p}/`;
      for (const f of [...this.#files.keys()]) if (f.startsWith(prefix)) this.#files.delete(f);
      for (const d of [...this.#dirs]) if (d === p || d.startsWith(prefix)) this.#dirs.delete(d);
    });
  }

  usage(path: string): Promise<number> {
    const p = normalize(path);
    return this.#run('usage', p, () => {
      const file = this.#files.get(p);
      if (file) return file.length;
      if (!this.#dirs.has(p)) throw new Error(`usage of '${p}' failed: no such file or directory`);
      const prefix = `${p}/`;
      let bytes = 0;
      for (const [f, inode] of this.#files) if (f.startsWith(prefix)) bytes += inode.length;
      return bytes;
    });
  }

  #handle(path: string, inode: Inode, mode: 'append' | 'read'): FileHandle {
    const generation = this.#generation;
    let closed = false;
    const run = <T>(op: DiskOp, writes: boolean, effect: () => T): Promise<T> =>
      this.#run(op, path, () => {
        if (generation !== this.#generation) throw new Error(`${op} on '${path}' failed: the handle predates a crash`);
        if (closed) throw new Error(`${op} on '${path}' failed: the handle is closed`);
        if (writes && mode !== 'append') throw new Error(`${op} on '${path}' failed: the file was opened for read`);
        return effect();
      });
    return {
      append: (data) => {
        const copy = data.slice();
        return run('append', true, () => inode.append(copy));
      },
      read: (position, length) =>
        run('read', false, () => {
          const start = Math.min(position, inode.length);
          return inode.data.slice(start, Math.min(inode.length, start + length));
        }),
      sync: () => run('sync', false, () => inode.sync()),
      truncate: (length) => run('truncate', true, () => inode.truncate(length)),
      size: () => run('size', false, () => inode.length),
      close: async () => {
        closed = true;
      },
    };
  }

  /**
   * Runs `effect` now, or after a random delay when configured; an operation issued before a
   * crash never takes effect after it.
   */
  #run<T>(op: DiskOp, path: string, effect: () => T): Promise<T> {
    const generation = this.#generation;
    const apply = (): T => {
      if (generation !== this.#generation) throw new Error(`${op} on '${path}' failed: the disk crashed meanwhile`);
      this.#check(op, path);
      return effect();
    };
    const turns = this.#delayTurnsMax > 0 && this.#rng ? this.#rng.int(this.#delayTurnsMax + 1) : 0;
    if (turns === 0) {
      try {
        return Promise.resolve(apply());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    let waited: Promise<void> = Promise.resolve();
    for (let i = 1; i < turns; i++) waited = waited.then(() => undefined);
    return waited.then(apply);
  }

  #file(path: string, what: string): Inode {
    const inode = this.#files.get(path);
    if (!inode) throw new Error(`${what} '${path}' failed: no such file`);
    return inode;
  }

  #requireDir(dir: string, what: string): void {
    if (!this.#dirs.has(dir)) throw new Error(`${what} failed: directory '${dir}' does not exist`);
  }

  #check(op: DiskOp, path: string): void {
    const message = this.#fault?.(op, path);
    if (message !== undefined) throw new Error(`${op} on '${path}' failed: ${message}`);
  }
}
