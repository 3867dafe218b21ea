import type { NameServerOptions } from '../nameserver/nameserver.js';
import { NameServer } from '../nameserver/nameserver.js';
import type { Rng } from '../ports/clock.js';
import type { RpcClient, RpcHandler } from '../ports/transport.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { SimNode, type SimWorld } from './sim-node.js';

export type SimNameServerConfig = Omit<NameServerOptions, 'endpoint' | 'zkRootPath' | 'standaloneTablet'>;

/** A nameserver process: election, metadata and the op engine, on the sim network and ZooKeeper. */
export class SimNameServerNode extends SimNode {
  #ns: NameServer | undefined;
  #router: RpcHandler | undefined;

  constructor(
    endpoint: string,
    world: SimWorld,
    private readonly config: SimNameServerConfig,
    private readonly rngFor: (incarnation: number) => Rng,
  ) {
    super(endpoint, world);
  }

  get endpoint(): string {
    return this.name;
  }

  /** The running nameserver (undefined while down). */
  get nameserver(): NameServer | undefined {
    return this.up ? this.#ns : undefined;
  }

  /** Its RPC router, to query it directly (the checker reads state without going through the network). */
  get router(): RpcHandler | undefined {
    return this.up ? this.#router : undefined;
  }

  get isLeader(): boolean {
    return this.nameserver?.isLeader === true;
  }

  start(): void {
    const { proc, coord, logger } = this.newIncarnation();
    const { clock, network, zkRootPath } = this.world;
    const transport = network.transport(proc, 'nameserver');
    const clients = new Map<string, RpcClient>();
    const ns = new NameServer(
      {
        coord,
        tabletClient: (ep) => {
          let c = clients.get(ep);
          if (!c) clients.set(ep, (c = transport.connect(ep)));
          return c;
        },
        clock: clock.clock,
        timers: clock.timers(proc),
        rng: this.rngFor(proc.incarnation),
        logger,
      },
      { ...this.config, endpoint: this.endpoint, zkRootPath },
    );
    this.#ns = ns;
    this.#router = createRpcRouter('nameserver', ns.handlers());
    transport
      .listen(this.endpoint, this.#router)
      .then(() => ns.start())
      .catch((error: unknown) => this.exitedOnError(proc, error));
  }

  protected override onCrash(): void {
    this.#ns = undefined;
    this.#router = undefined;
  }
}
