import { assert } from '../base/assert.js';
import type { Rng, TimerHandle } from '../ports/clock.js';
import type { SimCluster } from './sim-cluster.js';
import type { SimNode } from './sim-node.js';
import type { CrashKind } from './sim-tablet-node.js';

/**
 * Faults at seeded random times while the workload runs. Each fault with a duration is undone
 * (healed) when it ends, or all at once by `healAll` at the end of the fault phase:
 * - tabletCrash / nameserverCrash: the process dies (a tablet's disk loses its unsynced bytes on a
 *   power loss), and restarts when the fault heals;
 * - isolate: one node can exchange no message with any other (and, half the time, loses ZooKeeper);
 * - partitionPair: two servers cannot talk to each other;
 * - zkDisconnect: a node loses its ZooKeeper connection (its session expires if it lasts);
 * - sessionExpiry: ZooKeeper expires a node's session at once (no duration);
 * - messageLoss / messageDelay: every message may be lost / delayed more;
 * - snapshot: not a fault, an operator's `makesnapshot` of a random partition (binlog deletion and
 *   snapshot transfer then get exercised).
 */
export const FAULT_KINDS = [
  'tabletCrash',
  'nameserverCrash',
  'isolate',
  'partitionPair',
  'zkDisconnect',
  'sessionExpiry',
  'messageLoss',
  'messageDelay',
  'snapshot',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Mean time between two injections (uniform in [1, 2×mean]). */
  readonly meanIntervalMs: number;
  readonly durationMinMs: number;
  readonly durationMaxMs: number;
  /** Most tablets down at once. */
  readonly tabletsDownMax: number;
  /** Most nameservers down at once. */
  readonly nameserversDownMax: number;
  /** Most faults with a duration active at once. */
  readonly activeMax: number;
  /** What a tablet crash does to its disk. */
  readonly tabletCrash: CrashKind | 'mixed';
  /** Relative weight of each kind (missing = 0). */
  readonly weights: Readonly<Partial<Record<FaultKind, number>>>;
}

export const DEFAULT_FAULTS: FaultOptions = {
  meanIntervalMs: 2_000,
  durationMinMs: 300,
  durationMaxMs: 6_000,
  tabletsDownMax: 1,
  nameserversDownMax: 1,
  activeMax: 3,
  tabletCrash: 'mixed',
  weights: {
    tabletCrash: 4,
    nameserverCrash: 2,
    isolate: 2,
    partitionPair: 2,
    zkDisconnect: 2,
    sessionExpiry: 2,
    messageLoss: 1,
    messageDelay: 1,
    snapshot: 2,
  },
};

interface ActiveFault {
  readonly kind: FaultKind;
  readonly heal: () => void;
  readonly timer: TimerHandle;
}

export class FaultInjector {
  readonly counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  readonly #active = new Set<ActiveFault>();
  #next: TimerHandle | undefined;

  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: Rng,
    private readonly options: FaultOptions,
    /** The operator's makesnapshot of a random partition. */
    private readonly snapshot: () => void,
  ) {
    assert(options.durationMaxMs >= options.durationMinMs && options.durationMinMs > 0, 'fault durations must satisfy 0 < min <= max');
    assert(FAULT_KINDS.some((k) => (options.weights[k] ?? 0) > 0), 'at least one fault kind needs a positive weight');
  }

  get activeCount(): number {
    return this.#active.size;
  }

  start(): void {
    this.#schedule();
  }

  /** No new faults (active ones stay until they heal). */
  stop(): void {
    this.#next?.cancel();
    this.#next = undefined;
  }

  /** Heals every active fault now and restarts every node that is down. */
  healAll(): void {
    this.stop();
    for (const f of [...this.#active]) this.#heal(f);
    for (const n of this.cluster.nodes()) {
      if (!n.up) {
        this.cluster.trace.note('heal: restart', { node: n.name });
        n.start();
      }
    }
    this.cluster.network.healPartitions();
    this.cluster.network.setLossRate(0);
    this.cluster.network.setExtraDelay(0);
  }

  #schedule(): void {
    this.#next = this.cluster.clock.after(1 + this.rng.int(2 * this.options.meanIntervalMs), () => {
      this.#inject();
      this.#schedule();
    });
  }

  #pickKind(): FaultKind {
    const weights = FAULT_KINDS.map((k) => this.options.weights[k] ?? 0);
    let x = this.rng.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < FAULT_KINDS.length; i++) {
      x -= weights[i]!;
      if (x < 0) return FAULT_KINDS[i]!;
    }
    return FAULT_KINDS[FAULT_KINDS.length - 1]!;
  }

  #pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.rng.int(items.length)];
  }

  #duration(): number {
    const { durationMinMs: min, durationMaxMs: max } = this.options;
    return min + this.rng.int(max - min + 1);
  }

  #inject(): void {
    const kind = this.#pickKind();
    const lasting = kind !== 'sessionExpiry' && kind !== 'snapshot';
    if (lasting && this.#active.size >= this.options.activeMax) return;
    if (this.#apply(kind)) this.counts[kind]++;
  }

  /** Applies one fault of `kind` if the limits allow it; false when it was not applicable. */
  #apply(kind: FaultKind): boolean {
    const c = this.cluster;
    const trace = c.trace;
    switch (kind) {
      case 'tabletCrash': {
        if (c.tablets.filter((t) => !t.up).length >= this.options.tabletsDownMax) return false;
        const t = this.#pick(c.tablets.filter((x) => x.up));
        if (!t) return false;
        const how: CrashKind = this.options.tabletCrash === 'mixed' ? (this.rng.next() < 0.5 ? 'kill' : 'powerLoss') : this.options.tabletCrash;
        const ms = this.#duration();
        trace.note('fault: crash tablet', { node: t.name, how, restartInMs: ms });
        t.crashWith(how);
        this.#lasting(kind, ms, () => this.#restart(t));
        return true;
      }
      case 'nameserverCrash': {
        if (c.nameservers.filter((n) => !n.up).length >= this.options.nameserversDownMax) return false;
        const n = this.#pick(c.nameservers.filter((x) => x.up));
        if (!n) return false;
        const ms = this.#duration();
        trace.note('fault: crash nameserver', { node: n.name, wasLeader: n.isLeader, restartInMs: ms });
        n.crash();
        this.#lasting(kind, ms, () => this.#restart(n));
        return true;
      }
      case 'isolate': {
        const nodes = c.nodes();
        const n = this.#pick(nodes.filter((x) => x.up));
        if (!n) return false;
        const others = nodes.filter((x) => x !== n).map((x) => x.name);
        const hold = this.rng.next() < 0.5 ? n.zkDisconnect() : undefined;
        const ms = this.#duration();
        trace.note('fault: isolate', { node: n.name, fromZooKeeper: hold !== undefined, forMs: ms });
        for (const o of others) c.network.block(n.name, o);
        this.#lasting(kind, ms, () => {
          trace.note('heal: isolation', { node: n.name });
          for (const o of others) c.network.unblock(n.name, o);
          if (hold) n.zkReconnect(hold);
        });
        return true;
      }
      case 'partitionPair': {
        const servers = c.servers();
        const a = this.#pick(servers);
        const b = this.#pick(servers.filter((x) => x !== a));
        if (!a || !b) return false;
        const ms = this.#duration();
        trace.note('fault: partition', { between: `${a.name} ${b.name}`, forMs: ms });
        c.network.block(a.name, b.name);
        this.#lasting(kind, ms, () => {
          trace.note('heal: partition', { between: `${a.name} ${b.name}` });
          c.network.unblock(a.name, b.name);
        });
        return true;
      }
      case 'zkDisconnect': {
        const n = this.#pick(c.nodes().filter((x) => x.up));
        const hold = n?.zkDisconnect();
        if (!n || !hold) return false;
        const ms = this.#duration();
        trace.note('fault: ZooKeeper connection lost', { node: n.name, forMs: ms });
        this.#lasting(kind, ms, () => {
          trace.note('heal: ZooKeeper connection back', { node: n.name });
          n.zkReconnect(hold);
        });
        return true;
      }
      case 'sessionExpiry': {
        const n = this.#pick(c.nodes().filter((x) => x.up));
        if (!n) return false;
        trace.note('fault: ZooKeeper session expired', { node: n.name });
        return n.expireSession();
      }
      case 'messageLoss': {
        if ([...this.#active].some((f) => f.kind === 'messageLoss')) return false;
        const rate = Math.round((0.02 + 0.2 * this.rng.next()) * 100) / 100;
        const ms = this.#duration();
        trace.note('fault: message loss', { rate, forMs: ms });
        c.network.setLossRate(rate);
        this.#lasting(kind, ms, () => {
          trace.note('heal: message loss');
          c.network.setLossRate(0);
        });
        return true;
      }
      case 'messageDelay': {
        if ([...this.#active].some((f) => f.kind === 'messageDelay')) return false;
        const extraMs = 20 + this.rng.int(500);
        const ms = this.#duration();
        trace.note('fault: message delay', { extraMaxMs: extraMs, forMs: ms });
        c.network.setExtraDelay(extraMs);
        this.#lasting(kind, ms, () => {
          trace.note('heal: message delay');
          c.network.setExtraDelay(0);
        });
        return true;
      }
      case 'snapshot':
        this.snapshot();
        return true;
    }
  }

  #restart(node: SimNode): void {
    if (node.up) return;
    this.cluster.trace.note('heal: restart', { node: node.name });
    node.start();
  }

  #lasting(kind: FaultKind, durationMs: number, heal: () => void): void {
    const fault: ActiveFault = { kind, heal, timer: this.cluster.clock.after(durationMs, () => this.#heal(fault)) };
    this.#active.add(fault);
  }

  #heal(fault: ActiveFault): void {
    if (!this.#active.delete(fault)) return;
    fault.timer.cancel();
    fault.heal();
  }
}
