/**
 * A nameserver's version in the coordinator: the ephemeral node `<root>/versions/nameserver/<ep>`
 * holding its software version (the leader lock nodes keep holding only the endpoint, which
 * clients read). Re-created after a session expiry.
 */
import type { Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import { nameserverVersionsPath } from '../protocol/cluster-version.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NameServerVersionRegistration {
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly coord: Coordinator,
    private readonly root: string,
    private readonly endpoint: string,
    private readonly version: string,
    private readonly timers: Timers,
    private readonly logger: Logger,
  ) {}

  private get path(): string {
    return `${nameserverVersionsPath(this.root)}/${this.endpoint}`;
  }

  async start(): Promise<void> {
    await this.coord.ensurePath(nameserverVersionsPath(this.root));
    this.unsubscribe = this.coord.onSession((event) => {
      if (event === 'expired' && !this.stopped) void this.register();
    });
    await this.register();
  }

  private async register(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        try {
          await this.coord.create(this.path, encoder.encode(this.version), 'ephemeral');
        } catch (err) {
          if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
          const stat = await this.coord.exists(this.path);
          if (stat && stat.ephemeralOwner === this.coord.sessionId()) return;
          // Left by a previous process of this endpoint: replace it now.
          await this.coord.delete(this.path);
          await this.coord.create(this.path, encoder.encode(this.version), 'ephemeral');
        }
        return;
      } catch (err) {
        this.logger.warn('registering the nameserver version failed; retrying', { error: String(err), attempt });
        await new Promise<void>((resolve) => this.timers.after(Math.min(5000, 200 * (attempt + 1)), resolve));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    try {
      await this.coord.delete(this.path);
    } catch {
      // Gone with the session already.
    }
  }
}

/** endpoint → version of every registered nameserver. */
export async function readNameServerVersions(coord: Coordinator, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = await coord.children(nameserverVersionsPath(root));
  } catch (err) {
    if (err instanceof CoordinatorError && err.code === 'noNode') return out;
    throw err;
  }
  for (const name of names) {
    try {
      const { data } = await coord.get(`${nameserverVersionsPath(root)}/${name}`);
      out.set(name, decoder.decode(data));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}
