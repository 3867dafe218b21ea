/**
 * An ephemeral node that stays registered: created at start (its parent made first, retried while
 * the coordinator is not reachable yet), re-created after a session expiry, and deleted at stop.
 * A node left by a previous process or session of the same owner is replaced at once: it would
 * vanish at that session's expiry and make watchers think the owner went away.
 * Used for a tablet's `<root>/nodes/<ep>` and a nameserver's version node.
 */
import type { Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';

export interface EphemeralNodeOptions {
  readonly coord: Coordinator;
  readonly path: string;
  /** The node's value, read at every (re-)creation. */
  readonly value: () => Uint8Array;
  /** Called on a session expiry, before the node is created again. */
  readonly onExpired?: () => void;
  readonly timers: Timers;
  readonly logger: Logger;
}

/** Attempts at making the parent path before start gives up (the process is not serving yet). */
const PARENT_ATTEMPTS_MAX = 50;

export class EphemeralNode {
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: EphemeralNodeOptions) {}

  async start(): Promise<void> {
    const parent = this.o.path.slice(0, this.o.path.lastIndexOf('/'));
    // A busy machine can drop the first connection: keep trying.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.coord.ensurePath(parent);
        break;
      } catch (err) {
        if (this.stopped || attempt >= PARENT_ATTEMPTS_MAX) throw err;
        this.o.logger.warn('ZooKeeper not reachable yet; retrying', { error: String(err), attempt });
        await this.pause(Math.min(2000, 100 * (attempt + 1)));
      }
    }
    this.unsubscribe = this.o.coord.onSession((event) => {
      if (event === 'expired' && !this.stopped) {
        this.o.onExpired?.();
        void this.register();
      }
    });
    await this.register();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    try {
      await this.o.coord.delete(this.o.path);
    } catch {
      // Gone with the session already.
    }
  }

  private async register(): Promise<void> {
    const { coord, path } = this.o;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        try {
          await coord.create(path, this.o.value(), 'ephemeral');
        } catch (err) {
          if (!(err instanceof CoordinatorError && err.code === 'nodeExists')) throw err;
          const stat = await coord.exists(path);
          if (stat && stat.ephemeralOwner === coord.sessionId()) return;
          await coord.delete(path);
          await coord.create(path, this.o.value(), 'ephemeral');
        }
        this.o.logger.info('registered in ZooKeeper', { path });
        return;
      } catch (err) {
        this.o.logger.warn('registering in ZooKeeper failed; retrying', { path, error: String(err), attempt });
        await this.pause(Math.min(5000, 200 * (attempt + 1)));
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => this.o.timers.after(ms, resolve));
  }
}
