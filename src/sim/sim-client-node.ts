import { type ClientOptions, DbClient } from '../client/db-client.js';
import { coordinatorDiscovery } from '../client/discovery.js';
import { SimNode, type SimWorld } from './sim-node.js';

/**
 * An application process using the client SDK core: nameserver discovery through ZooKeeper, the
 * metadata cache, and the data path straight to the tablets. Clients are partitioned and lose
 * their ZooKeeper connection in the simulation, but do not crash (their writes are the record of
 * what was acknowledged).
 */
export class SimClientNode extends SimNode {
  #client: DbClient | undefined;

  constructor(
    name: string,
    world: SimWorld,
    private readonly options: ClientOptions,
  ) {
    super(name, world);
  }

  get client(): DbClient {
    const c = this.#client;
    if (!c || !this.up) throw new Error(`client ${this.name} is not running`);
    return c;
  }

  start(): void {
    const { proc, coord, logger } = this.newIncarnation();
    const { clock, network, zkRootPath } = this.world;
    const timers = clock.timers(proc);
    this.#client = new DbClient(
      {
        transport: network.transport(proc, 'client'),
        discovery: coordinatorDiscovery(coord, zkRootPath, true),
        clock: clock.clock,
        sleep: (ms) => new Promise((resolve) => timers.after(ms, resolve)),
        logger,
      },
      this.options,
    );
  }
}
