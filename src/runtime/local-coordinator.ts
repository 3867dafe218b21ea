/**
 * The standalone mode's replacement for ZooKeeper: the same in-process coordination tree the
 * simulator uses, with its persistent nodes saved to one file after every change (atomically:
 * write, fsync, rename). Ephemeral nodes live only as long as the process, as they would with a
 * ZooKeeper session. Metadata changes are rare (DDL), so rewriting the whole file is cheap.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type MemCoordinator, MemZooKeeper } from '../coord/mem-coordinator.js';
import type {
  Coordinator,
  MultiOp,
  MultiResult,
  NodeMode,
  NodeStat,
  SessionEvent,
  Watcher,
} from '../ports/coordinator.js';

const FORMAT_VERSION = 1;

interface SavedTree {
  formatVersion: number;
  nodes: { path: string; data: string }[];
}

export class LocalCoordinator implements Coordinator {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly zk: MemZooKeeper,
    private readonly inner: MemCoordinator,
    private readonly file: string,
  ) {}

  /** Opens (or creates) the tree saved in `file`. */
  static async open(file: string): Promise<LocalCoordinator> {
    const zk = new MemZooKeeper({ schedule: (task) => setImmediate(task) });
    const inner = zk.connect({ sessionTimeoutMs: 60_000 });
    if (existsSync(file)) {
      let saved: SavedTree;
      try {
        saved = JSON.parse(readFileSync(file, 'utf8')) as SavedTree;
      } catch (err) {
        throw new Error(`metadata file ${file} is not readable JSON: ${(err as Error).message}`);
      }
      if (saved.formatVersion !== FORMAT_VERSION || !Array.isArray(saved.nodes)) {
        throw new Error(`metadata file ${file} has format version ${saved.formatVersion}; this build reads ${FORMAT_VERSION}`);
      }
      // Parents sort before children, so each node can be created in order.
      for (const n of saved.nodes) await inner.create(n.path, Buffer.from(n.data, 'base64'), 'persistent');
    }
    return new LocalCoordinator(zk, inner, file);
  }

  private persist(): Promise<void> {
    const next = this.saving.then(async () => {
      const nodes = this.zk
        .dump()
        .filter((n) => n.ephemeralOwner === null)
        .map((n) => ({ path: n.path, data: Buffer.from(n.data).toString('base64') }));
      const text = JSON.stringify({ formatVersion: FORMAT_VERSION, nodes } satisfies SavedTree);
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    });
    this.saving = next.catch(() => {});
    return next;
  }

  private async changed<T>(result: Promise<T>, durable = true): Promise<T> {
    const value = await result;
    if (durable) await this.persist();
    return value;
  }

  create(path: string, data: Uint8Array, mode: NodeMode): Promise<string> {
    const persistent = mode === 'persistent' || mode === 'persistentSequential';
    return this.changed(this.inner.create(path, data, mode), persistent);
  }
  ensurePath(path: string): Promise<void> {
    return this.changed(this.inner.ensurePath(path));
  }
  get(path: string, watcher?: Watcher): Promise<{ data: Uint8Array; stat: NodeStat }> {
    return this.inner.get(path, watcher);
  }
  set(path: string, data: Uint8Array, version?: number): Promise<NodeStat> {
    return this.changed(this.inner.set(path, data, version));
  }
  exists(path: string, watcher?: Watcher): Promise<NodeStat | null> {
    return this.inner.exists(path, watcher);
  }
  children(path: string, watcher?: Watcher): Promise<string[]> {
    return this.inner.children(path, watcher);
  }
  delete(path: string, version?: number): Promise<void> {
    return this.changed(this.inner.delete(path, version));
  }
  multi(ops: MultiOp[]): Promise<MultiResult[]> {
    return this.changed(this.inner.multi(ops));
  }
  onSession(listener: (event: SessionEvent) => void): () => void {
    return this.inner.onSession(listener);
  }
  sessionId(): string {
    return this.inner.sessionId();
  }
  async close(): Promise<void> {
    await this.saving;
    await this.inner.close();
  }
}
