import { AssertionError } from '../base/assert.js';
import { type SeededRng, seededRng } from '../base/seeded-rng.js';
import type { ClientOptions } from '../client/db-client.js';
import { MemZooKeeper } from '../coord/mem-coordinator.js';
import { CoordinatorError } from '../ports/coordinator.js';
import { DEFAULT_PARTITION_LIMITS } from '../tablet/partition-env.js';
import type { ReplicationOptions } from '../tablet/replication-options.js';
import { SimClientNode } from './sim-client-node.js';
import { SimClock } from './sim-clock.js';
import { type SimNameServerConfig, SimNameServerNode } from './sim-nameserver-node.js';
import { SimNetwork, type SimNetworkOptions } from './sim-network.js';
import type { SimNode, SimWorld } from './sim-node.js';
import { SimTabletNode } from './sim-tablet-node.js';
import { SimTrace, type TraceLevel } from './sim-trace.js';

/**
 * The whole cluster in one process on fake time: N nameservers, M tablets and K clients on one
 * in-memory ZooKeeper (session timeouts in fake time), one MemDisk per tablet and the sim network.
 * Composed the way src/main/role-*.ts compose the real processes, with the simulator's ports.
 */
export interface SimClusterConfig {
  readonly seed: number;
  readonly nameservers: number;
  readonly tablets: number;
  readonly clients: number;
  readonly zkSessionTimeoutMs: number;
  /** Most latency of one ZooKeeper operation (0 = operations apply when called). */
  readonly zkLatencyMaxMs: number;
  /** binlog_sync_to_disk_interval of every tablet (0 = fsync before acknowledging each write). */
  readonly binlogSyncIntervalMs: number;
  /** MemDisk delay mode (0 = every disk operation takes effect at once). */
  readonly diskDelayTurnsMax: number;
  readonly network: SimNetworkOptions;
  readonly nameserver: SimNameServerConfig;
  readonly replication: Partial<ReplicationOptions>;
  readonly client: ClientOptions;
  /** Trace lines kept for the report, the lowest level recorded, and where to print every line. */
  readonly trace: { readonly linesKept: number; readonly level: TraceLevel; readonly sink?: (line: string) => void };
}

export const ZK_ROOT_PATH = '/openmldb';

export const DEFAULT_CLUSTER_CONFIG: SimClusterConfig = {
  seed: 1,
  nameservers: 2,
  tablets: 3,
  clients: 2,
  zkSessionTimeoutMs: 2_000,
  zkLatencyMaxMs: 2,
  binlogSyncIntervalMs: 0,
  diskDelayTurnsMax: 0,
  network: { latencyMinMs: 1, latencyMaxMs: 4 },
  nameserver: {
    partitionNumDefault: 2,
    replicaNumDefault: 3,
    autoFailoverDefault: true,
    tabletCallTimeoutMs: 3_000,
    tableStatusIntervalMs: 500,
    cluster: {
      tabletHeartbeatTimeoutMs: 1_000,
      tabletOfflineCheckIntervalMs: 200,
      taskStatusIntervalMs: 300,
      taskWaitTimeMs: 100,
      concurrency: 2,
      concurrencyMax: 8,
      checkBinlogSyncProgressDelta: 10,
      opNumMax: 1_000,
      opExecuteTimeoutMs: 600_000,
    },
  },
  replication: {
    coffeeTimeMs: 200,
    matchRetryMs: 200,
    idleWaitMs: 100,
    appendTimeoutMs: 2_000,
    syncTimeoutMs: 2_000,
    binlogDeleteIntervalMs: 5_000,
    streamBlockBytes: 16 * 1024,
    streamBandwidthBytesPerSec: 0,
    sendFileRetryWaitMs: 200,
    transferTimeoutMs: 5_000,
  },
  client: { requestTimeoutMs: 5_000, retryDelayMs: 100, retriesMax: 20 },
  trace: { linesKept: 400, level: 'info' },
};

/** A bug a process hit: an exception escaping a timer, a handler or a start-up (assertions included). */
export interface ProcessBug {
  readonly atMs: number;
  readonly node: string;
  readonly error: string;
  readonly assertion: boolean;
}

/** An independent random stream per purpose, so adding a consumer does not shift the others. */
export function deriveRng(seed: number, label: string): SeededRng {
  let h = 0x811c9dc5;
  const text = `${seed}/${label}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return seededRng(h >>> 0);
}

export class SimCluster {
  readonly clock: SimClock;
  readonly zk: MemZooKeeper;
  readonly network: SimNetwork;
  readonly trace: SimTrace;
  readonly nameservers: SimNameServerNode[] = [];
  readonly tablets: SimTabletNode[] = [];
  readonly clients: SimClientNode[] = [];
  readonly bugs: ProcessBug[] = [];

  constructor(readonly config: SimClusterConfig) {
    const clock = new SimClock();
    this.clock = clock;
    this.trace = new SimTrace({ nowMs: () => clock.nowMs, linesKept: config.trace.linesKept, level: config.trace.level, ...(config.trace.sink ? { sink: config.trace.sink } : {}) });
    this.zk = new MemZooKeeper({ schedule: (task) => clock.after(0, task), timers: clock.timers(), sessionTimeoutMs: config.zkSessionTimeoutMs });
    this.network = new SimNetwork(clock, deriveRng(config.seed, 'network'), config.network);
    clock.onTaskError = (error) => this.#bug('(timer)', error);
    this.network.onHandlerError = (endpoint, method, error) => this.#bug(`${endpoint} ${method}`, error);
    const world: SimWorld = {
      clock,
      zk: this.zk,
      network: this.network,
      trace: this.trace,
      zkRootPath: ZK_ROOT_PATH,
      zkSessionTimeoutMs: config.zkSessionTimeoutMs,
      zkLatencyMaxMs: config.zkLatencyMaxMs,
      zkRng: deriveRng(config.seed, 'zookeeper'),
      // A start-up that failed on ZooKeeper trouble is an expected exit (the supervisor restarts
      // the process); anything else escaping a process is a bug.
      onProcessError: (node, error) => {
        if (!(error instanceof CoordinatorError)) this.#bug(node, error);
      },
    };
    for (let i = 0; i < config.nameservers; i++) {
      const endpoint = `10.0.0.${i + 1}:9527`;
      this.nameservers.push(new SimNameServerNode(endpoint, world, config.nameserver, (n) => deriveRng(config.seed, `ns/${endpoint}/${n}`)));
    }
    const limits = {
      ...DEFAULT_PARTITION_LIMITS,
      binlogSyncIntervalMs: config.binlogSyncIntervalMs,
      binlogSegmentBytesMax: 64 * 1024,
      snapshotThresholdOffset: 1_000,
    };
    for (let i = 0; i < config.tablets; i++) {
      const endpoint = `10.0.1.${i + 1}:9520`;
      this.tablets.push(
        new SimTabletNode(
          endpoint,
          world,
          { limits, replication: config.replication, diskDelayTurnsMax: config.diskDelayTurnsMax },
          deriveRng(config.seed, `disk/${endpoint}`),
        ),
      );
    }
    for (let i = 0; i < config.clients; i++) this.clients.push(new SimClientNode(`client-${i + 1}`, world, config.client));
  }

  /** Starts every node (nameservers first, as an operator would). */
  start(): void {
    for (const n of this.nodes()) n.start();
    this.trace.note('cluster started', { nameservers: this.nameservers.length, tablets: this.tablets.length, clients: this.clients.length });
  }

  nodes(): SimNode[] {
    return [...this.nameservers, ...this.tablets, ...this.clients];
  }

  /** Nameservers and tablets. */
  servers(): SimNode[] {
    return [...this.nameservers, ...this.tablets];
  }

  /** The nameserver serving as leader (the first, if a partition left two thinking so). */
  leader(): SimNameServerNode | undefined {
    return this.nameservers.find((n) => n.isLeader);
  }

  tablet(endpoint: string): SimTabletNode | undefined {
    return this.tablets.find((t) => t.endpoint === endpoint);
  }

  /** Runs the simulation until `promise` settles or `maxMs` of fake time pass. */
  async settle<T>(promise: Promise<T>, maxMs: number): Promise<{ done: true; value: T } | { done: false }> {
    let outcome: { done: true; value: T } | undefined;
    let failure: { error: unknown } | undefined;
    promise.then(
      (value) => {
        outcome = { done: true, value };
      },
      (error: unknown) => {
        failure = { error };
      },
    );
    await this.clock.runUntil(() => outcome !== undefined || failure !== undefined, { untilMs: this.clock.nowMs + maxMs });
    if (failure) throw failure.error;
    return outcome ?? { done: false };
  }

  #bug(node: string, error: unknown): void {
    const assertion = error instanceof AssertionError;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.bugs.push({ atMs: this.clock.nowMs, node, error: text, assertion });
    this.trace.note('BUG: unhandled error', { node, error: text });
  }
}
