/**
 * The leader side of replication for one partition (cluster.md §7.5): one FollowerLink per
 * follower endpoint, woken when the partition writes, plus the waits of synchronously replicated
 * writes (ours: a 'sync' table acknowledges a write only once every follower has it).
 *
 * Write-path cost: `notifyAppended` sets a flag and queues one microtask per burst of writes;
 * `waitReplicated` adds one entry to a FIFO (one timer for the whole FIFO, not one per write).
 */
import { Code, type Failure, fail, okVoid, type Result } from '../base/status.js';
import type { TimerHandle } from '../ports/clock.js';
import type { RpcClient } from '../ports/transport.js';
import type { FollowerStatusMsg } from '../protocol/messages.js';
import { AckWaiters } from '../replication/ack-waiters.js';
import { FollowerLink, type HaltAction, type LinkOwner } from './follower-link.js';
import type { LeaderReplication, ReplicatedLog } from './leader-replication.js';
import type { PartitionEnv } from './partition-env.js';
import type { ReplicationOptions } from './replication-options.js';

export interface ReplicatorDeps {
  readonly env: PartitionEnv;
  readonly options: ReplicationOptions;
  /** A (cached, shared) client to the tablet at `endpoint`. */
  readonly clientFor: (endpoint: string) => RpcClient;
}

const RESOLVED_OK: Promise<Result<void>> = Promise.resolve(okVoid);
/** How often a draining leader looks at its followers' acknowledgements. */
const DRAIN_POLL_MS = 5;

export class PartitionReplicator implements LeaderReplication, LinkOwner {
  readonly #links = new Map<string, FollowerLink>();
  readonly #waiters: AckWaiters;
  #waiterTimer: TimerHandle | undefined;
  #wakeQueued = false;
  #stopped = false;
  readonly #wakeAll = (): void => {
    this.#wakeQueued = false;
    for (const link of this.#links.values()) link.wake();
  };

  constructor(
    private readonly log: ReplicatedLog,
    readonly term: number,
    private readonly deps: ReplicatorDeps,
    followers: readonly string[],
  ) {
    this.#waiters = new AckWaiters(deps.options.syncWaitersMax);
    for (const endpoint of followers) this.addFollower(endpoint);
  }

  get followerEndpoints(): string[] {
    return [...this.#links.keys()];
  }

  /** Starts replicating to `endpoint`; a follower already present gets a fresh link (a new handshake). */
  addFollower(endpoint: string): void {
    if (this.#stopped) return;
    this.#links.get(endpoint)?.stop();
    const link = new FollowerLink(endpoint, this.term, this.log, this.deps.clientFor(endpoint), this.deps.env, this.deps.options, this);
    this.#links.set(endpoint, link);
    link.start();
  }

  removeFollower(endpoint: string): boolean {
    const link = this.#links.get(endpoint);
    if (!link) return false;
    link.stop();
    this.#links.delete(endpoint);
    // Sync writes no longer wait for it.
    this.#waiters.release(this.#minAcked());
    return true;
  }

  followers(): FollowerStatusMsg[] {
    return [...this.#links.values()].map((link) => {
      const t = link.tracker;
      return {
        endpoint: link.endpoint,
        offset: Math.max(0, t.ackedOffset),
        phase: t.phase,
        ...(t.lastError !== undefined ? { error: t.lastError } : {}),
      };
    });
  }

  notifyAppended(): void {
    if (this.#wakeQueued || this.#links.size === 0 || !this.deps.options.notifyOnPut) return;
    this.#wakeQueued = true;
    queueMicrotask(this.#wakeAll);
  }

  waitReplicated(offset: number): Promise<Result<void>> {
    if (this.#links.size === 0) return RESOLVED_OK;
    if (this.#stopped) return Promise.resolve(fail(Code.termFenced, `write to ${this.log.describe()} failed: replication stopped`));
    for (const link of this.#links.values()) {
      if (link.tracker.halted) return Promise.resolve(this.#unknownOutcome(offset, `follower ${link.endpoint} cannot acknowledge it (${link.tracker.lastError})`));
    }
    if (this.#minAcked() >= offset) return RESOLVED_OK;
    return new Promise((resolve) => {
      const deadline = this.deps.env.clock.monotonicMs() + this.deps.options.syncTimeoutMs;
      if (!this.#waiters.add(offset, deadline, resolve)) {
        resolve(
          fail(
            Code.rpcOverloaded,
            `write to ${this.log.describe()} refused after storing it at offset ${offset}: ${this.deps.options.syncWaitersMax} writes already wait for followers; its replication outcome is unknown`,
          ),
        );
        return;
      }
      this.#armTimer();
    });
  }

  retainFromOffset(): number {
    let from = Number.POSITIVE_INFINITY;
    for (const link of this.#links.values()) {
      const t = link.tracker;
      if (!t.halted && t.ackedOffset >= 0) from = Math.min(from, t.ackedOffset + 1);
    }
    return from;
  }

  onAcked(): void {
    if (this.#waiters.size > 0) this.#waiters.release(this.#minAcked());
  }

  onHalted(link: FollowerLink, action: HaltAction): void {
    const logger = this.deps.env.logger;
    if (action.kind === 'stepDown') {
      const message = `follower ${link.endpoint} has term ${action.term}, above this leader's term ${this.term}`;
      logger.warn('leader stepping down', { table: this.log.describe(), follower: link.endpoint, term: action.term });
      this.log.stepDown(message);
      this.stop(`this replica stepped down: ${message}`);
      return;
    }
    logger.warn('follower needs a snapshot', {
      table: this.log.describe(),
      follower: link.endpoint,
      followerOffset: action.followerOffset,
      leaderFirstOffset: action.leaderFirstOffset,
    });
    this.#waiters.failAll(this.#unknownOutcome(undefined, `follower ${link.endpoint} cannot acknowledge it (${link.tracker.lastError})`));
  }

  /**
   * A leader about to give up leadership (it refuses writes already): waits until every alive
   * follower (handshake done, no error on its link) has acknowledged `offset`, or `timeoutMs`.
   * `behind` names the alive followers that had not; followers that are down are not waited for.
   */
  async drain(offset: number, timeoutMs: number): Promise<{ drained: boolean; behind: string[] }> {
    const { clock, timers } = this.deps.env;
    const deadline = clock.monotonicMs() + timeoutMs;
    for (const link of this.#links.values()) link.wake();
    for (;;) {
      const behind: string[] = [];
      for (const link of this.#links.values()) {
        const t = link.tracker;
        const alive = t.phase === 'syncing' && t.lastError === undefined;
        if (alive && t.ackedOffset < offset) behind.push(`${link.endpoint} (acknowledged up to ${Math.max(0, t.ackedOffset)})`);
      }
      if (behind.length === 0) return { drained: true, behind };
      const left = deadline - clock.monotonicMs();
      if (this.#stopped || left <= 0) return { drained: false, behind };
      await new Promise<void>((resolve) => timers.after(Math.min(DRAIN_POLL_MS, left), resolve));
    }
  }

  /** Stops every link and fails waiting writes. */
  stop(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const link of this.#links.values()) link.stop();
    this.#waiterTimer?.cancel();
    this.#waiterTimer = undefined;
    this.#waiters.failAll(this.#unknownOutcome(undefined, `replication stopped (${reason})`));
  }

  #minAcked(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const link of this.#links.values()) min = Math.min(min, link.tracker.ackedOffset);
    return min;
  }

  #laggards(offset: number): string {
    return [...this.#links.values()]
      .filter((l) => l.tracker.ackedOffset < offset)
      .map((l) => `${l.endpoint} (acknowledged up to ${Math.max(0, l.tracker.ackedOffset)})`)
      .join(', ');
  }

  /** `why` completes "it is stored on the leader, but …". */
  #unknownOutcome(offset: number | undefined, why: string): Failure {
    const at = offset === undefined ? '' : ` at offset ${offset}`;
    return fail(
      Code.rpcTimeout,
      `write to ${this.log.describe()} has an unknown outcome: it is stored on the leader${at}, but ${why}; it may or may not survive a leader failure`,
    );
  }

  #armTimer(): void {
    if (this.#waiterTimer || this.#stopped) return;
    const next = this.#waiters.nextDeadlineMs();
    if (next === undefined) return;
    const { clock, timers } = this.deps.env;
    this.#waiterTimer = timers.after(Math.max(1, next - clock.monotonicMs()), () => {
      this.#waiterTimer = undefined;
      this.#waiters.expire(clock.monotonicMs(), (offset) =>
        this.#unknownOutcome(
          offset,
          `follower(s) ${this.#laggards(offset)} did not acknowledge it within sync_replication_timeout ${this.deps.options.syncTimeoutMs} ms`,
        ),
      );
      this.#armTimer();
    });
  }
}
