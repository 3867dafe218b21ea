/**
 * Nameserver leader election through the coordinator (cluster.md §3.2): each candidate creates an
 * ephemeral sequential node `<root>/leader/lock_request<seq>` holding its endpoint; the smallest
 * sequence leads. A candidate that loses its connection steps down at once (another one may take
 * over when its session expires) and re-checks when it is back; after session expiry it creates a
 * new node.
 */
import type { Coordinator } from '../ports/coordinator.js';
import { CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';

export interface LeaderEvents {
  onElected(): void;
  onDemoted(reason: string): void;
}

const PREFIX = 'lock_request';

function sequenceOf(name: string): number {
  return Number(name.slice(PREFIX.length));
}

export function sortLockRequests(names: readonly string[]): string[] {
  return names.filter((n) => n.startsWith(PREFIX)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

export class LeaderElection {
  private myNode: string | undefined;
  private leading = false;
  private stopped = false;
  private checking = false;
  private recheck = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly coord: Coordinator,
    private readonly leaderPath: string,
    private readonly endpoint: string,
    private readonly events: LeaderEvents,
    private readonly logger: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.coord.onSession((event) => {
      if (this.stopped) return;
      if (event === 'disconnected') this.demote('lost the connection to ZooKeeper');
      else if (event === 'expired') {
        this.demote('the ZooKeeper session expired');
        this.myNode = undefined;
        void this.check();
      } else if (event === 'connected') void this.check();
    });
    await this.check();
  }

  private demote(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.logger.warn('no longer the leader nameserver', { reason });
    this.events.onDemoted(reason);
  }

  /** Creates our node if needed and decides leadership from the current children. */
  async check(): Promise<void> {
    if (this.stopped) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    try {
      do {
        this.recheck = false;
        await this.checkOnce();
      } while (this.recheck && !this.stopped);
    } catch (err) {
      const code = err instanceof CoordinatorError ? err.code : 'other';
      this.logger.warn('leader election check failed; will retry on the next session event', { code, error: String(err) });
      this.demote(`election check failed: ${code}`);
    } finally {
      this.checking = false;
    }
  }

  private async checkOnce(): Promise<void> {
    if (!this.myNode) {
      const created = await this.coord.create(`${this.leaderPath}/${PREFIX}`, new TextEncoder().encode(this.endpoint), 'ephemeralSequential');
      this.myNode = created.slice(created.lastIndexOf('/') + 1);
    }
    const children = sortLockRequests(
      await this.coord.children(this.leaderPath, () => {
        void this.check();
      }),
    );
    if (!children.includes(this.myNode)) {
      // Our node is gone (session expired under us): take a new place in the queue.
      this.myNode = undefined;
      this.recheck = true;
      return;
    }
    const first = children[0]!;
    let leads = first === this.myNode;
    if (!leads) {
      // A node left by an earlier session of this same endpoint counts as ours (the reference's rule).
      try {
        const { data } = await this.coord.get(`${this.leaderPath}/${first}`);
        leads = new TextDecoder().decode(data) === this.endpoint;
      } catch {
        leads = false;
      }
    }
    if (leads && !this.leading) {
      this.leading = true;
      this.logger.info('elected leader nameserver', { node: this.myNode });
      this.events.onElected();
    } else if (!leads) this.demote(`${first} leads`);
  }

  /** Leaves the election (deletes our node so a standby takes over at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.demote('stopping');
    if (this.myNode) {
      try {
        await this.coord.delete(`${this.leaderPath}/${this.myNode}`);
      } catch {
        // Already gone with the session.
      }
    }
  }
}

/** Endpoints of all candidates, leader first (for `showns`). */
export async function listNameServers(coord: Coordinator, leaderPath: string): Promise<string[]> {
  const children = sortLockRequests(await coord.children(leaderPath));
  const out: string[] = [];
  for (const c of children) {
    try {
      const { data } = await coord.get(`${leaderPath}/${c}`);
      const ep = new TextDecoder().decode(data);
      if (!out.includes(ep)) out.push(ep);
    } catch {
      // Vanished between the listing and the read.
    }
  }
  return out;
}
