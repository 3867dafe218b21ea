/**
 * A tablet's liveness in the cluster (cluster.md §3.3): an ephemeral node `<root>/nodes/<endpoint>`
 * whose value is `startup_<endpoint>` on the first registration after the process started (its
 * memory is empty) and `<endpoint>` when it re-registers after a ZooKeeper session expired. A
 * version suffix lets the nameserver show each node's software version.
 */
import { EphemeralNode } from '../coord/ephemeral-node.js';
import type { Timers } from '../ports/clock.js';
import type { Coordinator } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';

const encoder = new TextEncoder();

export class TabletRegistration {
  private startup = true;
  private readonly node: EphemeralNode;

  constructor(coord: Coordinator, nodesPath: string, endpoint: string, version: string, timers: Timers, logger: Logger) {
    this.node = new EphemeralNode({
      coord,
      path: `${nodesPath}/${endpoint}`,
      value: () => encoder.encode(`${this.startup ? 'startup_' : ''}${endpoint}#${version}`),
      // Re-registering after a session expiry: the process kept its memory.
      onExpired: () => {
        this.startup = false;
      },
      timers,
      logger,
    });
  }

  start(): Promise<void> {
    return this.node.start();
  }

  stop(): Promise<void> {
    return this.node.stop();
  }
}
