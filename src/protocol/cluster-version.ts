/**
 * The cluster version in the coordinator (DESIGN-versions.md): `<root>/config/cluster_version`
 * holds the version the cluster is finalized to, as text. Nodes read it at start-up (checkJoin)
 * and watch it: features that need the cluster version turn on when it is raised.
 */
import type { Logger } from '../ports/logger.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import { isVersion } from './version.js';

export function clusterVersionPath(root: string): string {
  return `${root}/config/cluster_version`;
}

/** Nameservers register `<root>/versions/nameserver/<endpoint>` = their software version (ephemeral). */
export function nameserverVersionsPath(root: string): string {
  return `${root}/versions/nameserver`;
}

const decoder = new TextDecoder();

/** The finalized cluster version; undefined when none was ever written. */
export async function readClusterVersion(coord: Coordinator, root: string, watcher?: () => void): Promise<string | undefined> {
  const path = clusterVersionPath(root);
  try {
    const { data } = await coord.get(path, watcher && (() => watcher()));
    const text = decoder.decode(data).trim();
    return isVersion(text) ? text : undefined;
  } catch (err) {
    if (!(err instanceof CoordinatorError && err.code === 'noNode')) throw err;
    // Watch for its creation instead.
    if (watcher) {
      const stat = await coord.exists(path, () => watcher());
      if (stat) return readClusterVersion(coord, root, watcher);
    }
    return undefined;
  }
}

/**
 * Follows the cluster version: `current` is the last value read; `onChange` runs when it moves.
 * Re-reads on every change of the node and after session events (watches do not survive expiry).
 */
export class ClusterVersionWatch {
  private value: string | undefined;
  private stopped = false;
  private reading = false;
  private again = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly coord: Coordinator,
    private readonly root: string,
    private readonly logger: Logger,
    private readonly onChange: (version: string | undefined) => void = () => {},
  ) {
    this.unsubscribe = coord.onSession((event) => {
      if (event !== 'disconnected') void this.refresh();
    });
  }

  get current(): string | undefined {
    return this.value;
  }

  /** Reads the version now (and arms the watch); resolves once read. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        let next: string | undefined;
        try {
          next = await readClusterVersion(this.coord, this.root, () => void this.refresh());
        } catch (err) {
          this.logger.warn('reading the cluster version failed; keeping the last one', { error: String(err), current: this.value });
          return;
        }
        if (next !== this.value && !this.stopped) {
          const previous = this.value;
          this.value = next;
          this.logger.info('cluster version', { previous, current: next });
          this.onChange(next);
        }
      } while (this.again && !this.stopped);
    } finally {
      this.reading = false;
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }
}
