/**
 * How a client finds the leader nameserver and learns that metadata changed: a fixed endpoint in
 * standalone mode, or ZooKeeper in a cluster (the first lock node under `<root>/leader` names the
 * leader; `<root>/table/notify` is bumped on every metadata change and watched).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Coordinator } from '../ports/coordinator.js';

export interface Discovery {
  /** Endpoint of the nameserver to ask (the leader, as far as is known). */
  leader(): Promise<Result<string>>;
  /** Calls `listener` whenever cluster metadata changed; returns an unsubscribe function. */
  onMetadataChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export function staticDiscovery(endpoint: string): Discovery {
  return {
    leader: async () => ok(endpoint),
    onMetadataChange: () => () => {},
    close: async () => {},
  };
}

const PREFIX = 'lock_request';

export function coordinatorDiscovery(coord: Coordinator, rootPath: string, ownsCoordinator: boolean): Discovery {
  const listeners = new Set<() => void>();
  let closed = false;
  const notifyPath = `${rootPath}/table/notify`;
  const watchNotify = (): void => {
    if (closed || listeners.size === 0) return;
    coord
      .exists(notifyPath, () => {
        for (const l of listeners) l();
        watchNotify();
      })
      .catch(() => {
        // Connection trouble: the next session event re-arms (see below).
      });
  };
  coord.onSession((event) => {
    if (event !== 'disconnected') {
      for (const l of listeners) l();
      watchNotify();
    }
  });
  return {
    async leader() {
      try {
        const children = (await coord.children(`${rootPath}/leader`))
          .filter((c) => c.startsWith(PREFIX))
          .sort((a, b) => Number(a.slice(PREFIX.length)) - Number(b.slice(PREFIX.length)));
        if (children.length === 0) return fail(Code.unavailable, `no nameserver is registered under ${rootPath}/leader`);
        const { data } = await coord.get(`${rootPath}/leader/${children[0]}`);
        return ok(new TextDecoder().decode(data));
      } catch (err) {
        return fail(Code.unavailable, `could not read the nameserver leader from ZooKeeper at ${rootPath}: ${(err as Error).message}`);
      }
    },
    onMetadataChange(listener) {
      listeners.add(listener);
      if (listeners.size === 1) watchNotify();
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
      if (ownsCoordinator) await coord.close();
    },
  };
}
