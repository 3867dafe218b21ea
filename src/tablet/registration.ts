/**
 * A tablet's liveness in the cluster (cluster.md §3.3): an ephemeral node `<root>/nodes/<endpoint>`
 * whose value is `startup_<endpoint>` on the first registration after the process started (its
 * memory is empty) and `<endpoint>` when it re-registers after a ZooKeeper session expired. A
 * version suffix lets the nameserver show each node's software version.
 */
import type { Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';

const encoder = new TextEncoder();

export class TabletRegistration {
  private startup = true;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly coord: Coordinator,
    private readonly nodesPath: string,
    private readonly endpoint: string,
    private readonly version: string,
    private readonly timers: Timers,
    private readonly logger: Logger,
  ) {}

  private get path(): string {
    return `${this.nodesPath}/${this.endpoint}`;
  }

  private value(): Uint8Array {
    return encoder.encode(`${this.startup ? 'startup_' : ''}${this.endpoint}#${this.version}`);
  }

  async start(): Promise<void> {
    // A busy machine can drop the first connection; keep trying (the node is not serving yet).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.coord.ensurePath(this.nodesPath);
        break;
      } catch (err) {
        if (this.stopped || attempt >= 50) throw err;
        this.logger.warn('ZooKeeper not reachable yet; retrying', { error: String(err), attempt });
        await new Promise<void>((resolve) => this.timers.after(Math.min(2000, 100 * (attempt + 1)), resolve));
      }
    }
    this.unsubscribe = this.coord.onSession((event) => {
      if (event === 'expired' && !this.stopped) {
        this.startup = false;
        void this.register();
      }
    });
    await this.register();
  }

  /** Creates the node; an old node of ours (a previous session not yet expired) is replaced. */
  private async register(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        try {
          await this.coord.create(this.path, this.value(), 'ephemeral');
        } catch (err) {
          if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
          const stat = await this.coord.exists(this.path);
          if (stat && stat.ephemeralOwner === this.coord.sessionId()) return;
          // Left by our previous process or session: it would vanish at its session expiry and
          // make the nameserver think we went away. Replace it now.
          await this.coord.delete(this.path);
          await this.coord.create(this.path, this.value(), 'ephemeral');
        }
        this.logger.info('registered in ZooKeeper', { path: this.path, startup: this.startup });
        return;
      } catch (err) {
        this.logger.warn('registering in ZooKeeper failed; retrying', { error: String(err), attempt });
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
