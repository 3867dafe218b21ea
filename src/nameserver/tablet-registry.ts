/**
 * The tablets the leader nameserver knows: endpoint → health, the time of the last state change
 * (showtablet's age) and the software version a tablet registered with. In a cluster it follows the
 * ephemeral nodes under `<root>/nodes`; in standalone mode it holds the one configured tablet.
 */
import type { Coordinator } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';

export type TabletState = 'kHealthy' | 'kOffline';

export interface TabletEntry {
  readonly endpoint: string;
  state: TabletState;
  /** Wall-clock ms of the last state change. */
  changedAtMs: number;
  /** Value of the registration node: `startup_<endpoint>` right after a process start. */
  registration: string;
  version: string;
  session: string | undefined;
}

export interface TabletRegistration {
  readonly endpoint: string;
  readonly startup: boolean;
  readonly version: string;
  /** ZooKeeper session owning the node: a new session means the tablet re-registered. */
  readonly session?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Registration node value: the reference's `startup_<ep>` / `<ep>`, plus our version after a '#'. */
export function encodeRegistration(r: TabletRegistration): Uint8Array {
  return encoder.encode(`${r.startup ? 'startup_' : ''}${r.endpoint}#${r.version}`);
}

export function decodeRegistration(data: Uint8Array): TabletRegistration {
  const text = decoder.decode(data);
  const [head, version] = text.split('#', 2) as [string, string | undefined];
  const startup = head.startsWith('startup_');
  return { endpoint: startup ? head.slice('startup_'.length) : head, startup, version: version ?? 'unknown' };
}

export interface RegistryChange {
  readonly endpoint: string;
  readonly kind: 'online' | 'offline';
  readonly startup: boolean;
}

export class TabletRegistry {
  private readonly tablets = new Map<string, TabletEntry>();

  constructor(
    private readonly nowMs: () => number,
    private readonly logger: Logger,
  ) {}

  list(): TabletEntry[] {
    return [...this.tablets.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : 1));
  }

  get(endpoint: string): TabletEntry | undefined {
    return this.tablets.get(endpoint);
  }

  healthy(): string[] {
    return this.list()
      .filter((t) => t.state === 'kHealthy')
      .map((t) => t.endpoint);
  }

  isHealthy(endpoint: string): boolean {
    return this.tablets.get(endpoint)?.state === 'kHealthy';
  }

  /** Standalone: one tablet, always healthy. */
  setStatic(endpoint: string, version: string): void {
    this.tablets.set(endpoint, { endpoint, state: 'kHealthy', changedAtMs: this.nowMs(), registration: endpoint, version, session: undefined });
  }

  /**
   * Applies the current set of registrations (the children of `<root>/nodes` with their values);
   * returns what changed.
   */
  apply(current: ReadonlyMap<string, TabletRegistration>): RegistryChange[] {
    const changes: RegistryChange[] = [];
    const now = this.nowMs();
    for (const [endpoint, reg] of current) {
      const known = this.tablets.get(endpoint);
      if (!known) {
        this.tablets.set(endpoint, {
          endpoint,
          state: 'kHealthy',
          changedAtMs: now,
          registration: reg.endpoint,
          version: reg.version,
          session: reg.session,
        });
        changes.push({ endpoint, kind: 'online', startup: reg.startup });
      } else if (known.state === 'kOffline') {
        known.state = 'kHealthy';
        known.changedAtMs = now;
        known.version = reg.version;
        known.session = reg.session;
        changes.push({ endpoint, kind: 'online', startup: reg.startup });
      } else if (reg.session !== undefined && known.session !== undefined && reg.session !== known.session) {
        // Re-registered under a new session before we saw the old node go: it restarted (or its
        // session expired and came back). Report both edges so failover logic sees the restart.
        known.changedAtMs = now;
        known.version = reg.version;
        known.session = reg.session;
        changes.push({ endpoint, kind: 'offline', startup: false }, { endpoint, kind: 'online', startup: reg.startup });
      } else {
        known.version = reg.version;
        known.session = reg.session;
      }
    }
    for (const t of this.tablets.values()) {
      if (t.state === 'kHealthy' && !current.has(t.endpoint)) {
        t.state = 'kOffline';
        t.changedAtMs = now;
        changes.push({ endpoint: t.endpoint, kind: 'offline', startup: false });
      }
    }
    for (const c of changes) this.logger.info(`tablet ${c.kind}`, { endpoint: c.endpoint, startup: c.startup });
    return changes;
  }

  /** Reads `<nodesPath>` children and their values, arming a watch for the next change. */
  static async read(coord: Coordinator, nodesPath: string, onChange: () => void): Promise<Map<string, TabletRegistration>> {
    const names = await coord.children(nodesPath, () => onChange());
    const out = new Map<string, TabletRegistration>();
    for (const name of names) {
      try {
        const { data, stat } = await coord.get(`${nodesPath}/${name}`);
        const reg = decodeRegistration(data);
        out.set(name, stat.ephemeralOwner ? { ...reg, session: stat.ephemeralOwner } : reg);
      } catch {
        // The node went away between the listing and the read; the watch reports it.
      }
    }
    return out;
  }
}
