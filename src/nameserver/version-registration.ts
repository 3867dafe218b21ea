/**
 * A nameserver's version in the coordinator: the ephemeral node `<root>/versions/nameserver/<ep>`
 * holding its software version (the leader lock nodes keep holding only the endpoint, which
 * clients read). Re-created after a session expiry.
 */
import { EphemeralNode } from '../coord/ephemeral-node.js';
import type { Timers } from '../ports/clock.js';
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import type { Logger } from '../ports/logger.js';
import { nameserverVersionsPath } from '../protocol/cluster-version.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NameServerVersionRegistration {
  private readonly node: EphemeralNode;

  constructor(coord: Coordinator, root: string, endpoint: string, version: string, timers: Timers, logger: Logger) {
    const value = encoder.encode(version);
    this.node = new EphemeralNode({ coord, path: `${nameserverVersionsPath(root)}/${endpoint}`, value: () => value, timers, logger });
  }

  start(): Promise<void> {
    return this.node.start();
  }

  stop(): Promise<void> {
    return this.node.stop();
  }
}

/** endpoint → version of every registered nameserver. */
export async function readNameServerVersions(coord: Coordinator, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = await coord.children(nameserverVersionsPath(root));
  } catch (err) {
    if (err instanceof CoordinatorError && err.code === 'noNode') return out;
    throw err;
  }
  for (const name of names) {
    try {
      const { data } = await coord.get(`${nameserverVersionsPath(root)}/${name}`);
      out.set(name, decoder.decode(data));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}
