import { crc32 } from '../base/crc32.js';
import type { Rng } from '../ports/clock.js';
import type { RpcClient } from '../ports/transport.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import type { PartitionEnv, PartitionLimits } from '../tablet/partition-env.js';
import { TabletRegistration } from '../tablet/registration.js';
import type { ReplicationOptions } from '../tablet/replication-options.js';
import { Tablet } from '../tablet/tablet.js';
import { MemDisk } from './mem-disk.js';
import { SimNode, type SimWorld } from './sim-node.js';
import { gatedDisk } from './sim-process.js';

export interface SimTabletConfig {
  readonly limits: PartitionLimits;
  readonly replication: Partial<ReplicationOptions>;
  /** MemDisk delay mode: each disk operation waits up to this many microtask turns. */
  readonly diskDelayTurnsMax: number;
}

export type CrashKind = 'kill' | 'powerLoss';

const DATA_DIR = '/data';
const DAY_MS = 24 * 3_600_000;

/**
 * A tablet server: one MemDisk for all its lives, and per life a Tablet serving the tablet RPC on
 * the sim network and registered in ZooKeeper (`startup_<endpoint>` on every start, as a restarted
 * process starts with empty memory; the nameserver then reloads its tables).
 */
export class SimTabletNode extends SimNode {
  readonly disk: MemDisk;
  #tablet: Tablet | undefined;

  constructor(
    endpoint: string,
    world: SimWorld,
    private readonly config: SimTabletConfig,
    diskRng: Rng,
  ) {
    super(endpoint, world);
    this.disk = new MemDisk({ rng: diskRng, delayTurnsMax: config.diskDelayTurnsMax });
  }

  get endpoint(): string {
    return this.name;
  }

  /** The running tablet (undefined while the node is down). */
  get tablet(): Tablet | undefined {
    return this.up ? this.#tablet : undefined;
  }

  /** Starts a new process on the node's disk. */
  start(): void {
    const { proc, coord, logger } = this.newIncarnation();
    const { clock, network, zkRootPath } = this.world;
    const timers = clock.timers(proc);
    const env: PartitionEnv = {
      disk: gatedDisk(this.disk, proc),
      crc32,
      clock: clock.clock,
      timers,
      logger,
      limits: this.config.limits,
    };
    const transport = network.transport(proc, 'tablet');
    const tablet = new Tablet(
      env,
      {
        endpoint: this.endpoint,
        dataDirs: [DATA_DIR],
        recycleDir: '/recycle',
        recycleEnabled: false,
        gcIntervalMs: 60_000,
        snapshotHour: 0,
        // Scheduled snapshots depend on the local hour; runs are shorter than this period, so they
        // never fire and snapshots come only from the simulated operator (MakeSnapshotNS).
        snapshotCheckIntervalMs: DAY_MS,
      },
      { connect: (ep): RpcClient => transport.connect(ep), replication: this.config.replication },
    );
    this.#tablet = tablet;
    transport
      .listen(this.endpoint, createRpcRouter('tablet', tablet.handlers()))
      .then(() => {
        tablet.start();
        const registration = new TabletRegistration(coord, `${zkRootPath}/nodes`, this.endpoint, SOFTWARE_VERSION, timers, logger);
        return registration.start();
      })
      .catch((error: unknown) => this.exitedOnError(proc, error));
  }

  /** Kills the process; a power loss also drops the disk's unsynced bytes (torn writes). */
  crashWith(kind: CrashKind): void {
    if (!this.up) return;
    this.crash();
    if (kind === 'powerLoss') this.disk.crash();
  }

  protected override onCrash(): void {
    this.#tablet = undefined;
  }
}
