/**
 * Files as a port. The runtime maps this onto node:fs; the simulator keeps files in memory and can
 * lose whatever was written after the last `sync` when it crashes a node (torn tails).
 * Paths are plain strings joined with '/'.
 */
export interface FileHandle {
  /** Appends at the end of the file (for files opened with 'append'). */
  append(data: Uint8Array): Promise<void>;
  /**
   * `append`, done before returning (optional: a disk without it is only used through `append`).
   * For small writes on a hot path, where a round trip through a thread pool costs more CPU than
   * the write itself. Throws what `append` would reject with.
   */
  appendSync?(data: Uint8Array): void;
  /** Reads up to `length` bytes at `position` into a new buffer; shorter at end of file. */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Makes everything appended so far durable. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

export interface Disk {
  /** 'append' creates the file when missing; 'read' fails when it is missing. */
  open(path: string, mode: 'append' | 'read'): Promise<FileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes to `path.tmp`, syncs, renames over `path`: readers see the old or the new file, whole. */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<DirEntry[]>;
  mkdirp(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a whole directory tree; no error when missing. */
  remove(path: string): Promise<void>;
  /** Bytes used by a file or, recursively, a directory. */
  usage(path: string): Promise<number>;
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/{2,}/g, '/');
}
