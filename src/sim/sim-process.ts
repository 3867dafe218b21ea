import type { Coordinator, SessionEvent, Watcher } from '../ports/coordinator.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import type { Owner } from './sim-clock.js';

/**
 * One incarnation of a simulated process (a nameserver, tablet or client). When it is killed its
 * world freezes: its timers never fire (the SimClock drops events of dead owners), its network
 * calls and disk and coordinator operations never complete, and no callback reaches it again.
 * Nothing it had in flight can then act after its death (a zombie writing to the disk of its
 * successor), and nothing throws into code that does not expect it: its promises just never
 * settle, as in a process that is gone.
 */
export class SimProcess implements Owner {
  #alive = true;

  constructor(
    /** The node's name (its endpoint for servers). */
    readonly name: string,
    /** 1 for the first start, +1 on every restart. */
    readonly incarnation: number,
  ) {}

  get alive(): boolean {
    return this.#alive;
  }

  kill(): void {
    this.#alive = false;
  }

  /** `promise`, or one that never settles once this process is dead. */
  gate<T>(start: () => Promise<T>): Promise<T> {
    if (!this.#alive) return never();
    return start().then(
      (value) => (this.#alive ? value : never<T>()),
      (error: unknown) => (this.#alive ? Promise.reject(error) : never<T>()),
    );
  }

  /** A callback that does nothing once this process is dead. */
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      if (this.#alive) fn(...args);
    };
  }
}

export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** The disk as one process incarnation sees it. */
export function gatedDisk(disk: Disk, proc: SimProcess): Disk {
  const handle = (h: FileHandle): FileHandle => ({
    append: (data) => proc.gate(() => h.append(data)),
    read: (position, length) => proc.gate(() => h.read(position, length)),
    sync: () => proc.gate(() => h.sync()),
    truncate: (length) => proc.gate(() => h.truncate(length)),
    size: () => proc.gate(() => h.size()),
    close: () => proc.gate(() => h.close()),
  });
  return {
    open: (path, mode) => proc.gate(async () => handle(await disk.open(path, mode))),
    readFile: (path) => proc.gate(() => disk.readFile(path)),
    writeFileAtomic: (path, data) => proc.gate(() => disk.writeFileAtomic(path, data)),
    exists: (path) => proc.gate(() => disk.exists(path)),
    list: (dir) => proc.gate(() => disk.list(dir)),
    mkdirp: (dir) => proc.gate(() => disk.mkdirp(dir)),
    rename: (from, to) => proc.gate(() => disk.rename(from, to)),
    remove: (path) => proc.gate(() => disk.remove(path)),
    usage: (path) => proc.gate(() => disk.usage(path)),
  };
}

/**
 * The coordinator session as one process incarnation sees it. With `delay`, every operation first
 * waits for it (the request's trip to ZooKeeper; the simulator keeps a session's operations in
 * order), so other processes' events can interleave with it.
 */
export function gatedCoordinator(coord: Coordinator, proc: SimProcess, delay?: () => Promise<void>): Coordinator {
  const w = (watcher: Watcher | undefined): Watcher | undefined => (watcher ? proc.guard(watcher) : undefined);
  const op = <T>(run: () => Promise<T>): Promise<T> => proc.gate(delay ? () => delay().then(run) : run);
  return {
    create: (path, data, mode) => op(() => coord.create(path, data, mode)),
    ensurePath: (path) => op(() => coord.ensurePath(path)),
    get: (path, watcher) => op(() => coord.get(path, w(watcher))),
    set: (path, data, version) => op(() => coord.set(path, data, version)),
    exists: (path, watcher) => op(() => coord.exists(path, w(watcher))),
    children: (path, watcher) => op(() => coord.children(path, w(watcher))),
    delete: (path, version) => op(() => coord.delete(path, version)),
    multi: (ops) => op(() => coord.multi(ops)),
    onSession: (listener: (event: SessionEvent) => void) => coord.onSession(proc.guard(listener)),
    sessionId: () => coord.sessionId(),
    close: () => proc.gate(() => coord.close()),
  };
}
