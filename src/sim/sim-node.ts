import type { MemCoordinator, MemZooKeeper } from '../coord/mem-coordinator.js';
import type { Rng } from '../ports/clock.js';
import type { Coordinator } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import type { SimClock } from './sim-clock.js';
import type { SimNetwork } from './sim-network.js';
import { gatedCoordinator, SimProcess } from './sim-process.js';
import type { SimTrace } from './sim-trace.js';

/** What every simulated node runs on. */
export interface SimWorld {
  readonly clock: SimClock;
  readonly zk: MemZooKeeper;
  readonly network: SimNetwork;
  readonly trace: SimTrace;
  readonly zkRootPath: string;
  readonly zkSessionTimeoutMs: number;
  /** Most latency of one coordinator operation (0 = operations apply when called). */
  readonly zkLatencyMaxMs: number;
  readonly zkRng: Rng;
  /** A process failed on an unhandled error (its node restarts it). */
  readonly onProcessError: (node: string, error: unknown) => void;
}

const SUPERVISOR_RESTART_MS = 1_000;

/** A ZooKeeper connection loss held by one fault (undone by `zkReconnect`). */
export interface ZkHold {
  readonly proc: SimProcess;
  readonly sessionId: string;
}

/**
 * A node of the simulated cluster across its incarnations: each start makes a new SimProcess with
 * a new ZooKeeper session; a crash kills the process (sim-process.ts), makes its listeners vanish
 * and leaves its ZooKeeper session to expire after its timeout, as for a process killed with -9.
 */
export abstract class SimNode {
  #proc: SimProcess | undefined;
  #session: MemCoordinator | undefined;
  #zkHolds = 0;
  #incarnations = 0;

  constructor(
    readonly name: string,
    protected readonly world: SimWorld,
  ) {}

  get up(): boolean {
    return this.#proc?.alive === true;
  }

  get proc(): SimProcess | undefined {
    return this.#proc;
  }

  get incarnations(): number {
    return this.#incarnations;
  }

  /** The current ZooKeeper session id (after an expiry the client is on a new one). */
  get sessionId(): string | undefined {
    return this.#session?.sessionId();
  }

  /** A new process with its own coordinator session and logger. */
  protected newIncarnation(): { proc: SimProcess; coord: Coordinator; logger: Logger } {
    const proc = new SimProcess(this.name, ++this.#incarnations);
    this.#proc = proc;
    this.#zkHolds = 0;
    this.#session = this.world.zk.connect({ sessionTimeoutMs: this.world.zkSessionTimeoutMs });
    const logger = this.world.trace.logger(this.#incarnations > 1 ? `${this.name}#${this.#incarnations}` : this.name);
    return { proc, coord: gatedCoordinator(this.#session, proc, this.#zkDelay(proc)), logger };
  }

  /** Each coordinator operation waits 0..zkLatencyMaxMs (seeded), in order per session. */
  #zkDelay(proc: SimProcess): (() => Promise<void>) | undefined {
    const { clock, zkLatencyMaxMs, zkRng } = this.world;
    if (zkLatencyMaxMs <= 0) return undefined;
    let tailMs = 0;
    return () => {
      tailMs = Math.max(tailMs, clock.nowMs + zkRng.int(zkLatencyMaxMs + 1));
      const waitMs = tailMs - clock.nowMs;
      return new Promise((resolve) => clock.after(waitMs, resolve, proc));
    };
  }

  /** Kills the current process (no-op when it is down). */
  crash(): void {
    const proc = this.#proc;
    if (!proc?.alive) return;
    proc.kill();
    this.world.network.processDied(proc);
    if (this.#zkHolds === 0 && this.#session) this.world.zk.disconnect(this.#session.sessionId());
    this.onCrash();
  }

  protected onCrash(): void {}

  abstract start(): void;

  /**
   * The process stopped on an error it did not handle (a start-up that failed, say, because
   * ZooKeeper was unreachable): like a supervisor, restart it a moment later. The error is traced,
   * and an AssertionError (a bug) is also reported to the world.
   */
  protected exitedOnError(proc: SimProcess, error: unknown): void {
    if (proc !== this.#proc || !proc.alive) return;
    this.world.trace.note('process exited on an unhandled error; restarting it in 1 s', { node: this.name, error: String(error) });
    this.world.onProcessError(this.name, error);
    this.crash();
    this.world.clock.after(SUPERVISOR_RESTART_MS, () => {
      if (this.#proc === proc && !this.up) this.start();
    });
  }

  /** The process loses its ZooKeeper connection (the session lives until its timeout). */
  zkDisconnect(): ZkHold | undefined {
    const proc = this.#proc;
    if (!proc?.alive || !this.#session) return undefined;
    const sessionId = this.#session.sessionId();
    if (this.#zkHolds++ === 0) this.world.zk.disconnect(sessionId);
    // While disconnected the client stays on this session (it learns of an expiry on reconnect),
    // so overlapping holds all name the same session.
    return { proc, sessionId };
  }

  /** Undoes one `zkDisconnect` of this incarnation (a dead or newer incarnation ignores it). */
  zkReconnect(hold: ZkHold): void {
    if (hold.proc !== this.#proc || !hold.proc.alive || this.#zkHolds === 0) return;
    if (--this.#zkHolds === 0) this.world.zk.reconnect(hold.sessionId);
  }

  /** ZooKeeper expires the current session (the client learns now, or when it reconnects). */
  expireSession(): boolean {
    if (!this.up || !this.#session) return false;
    this.world.zk.expireSession(this.#session.sessionId());
    return true;
  }
}
