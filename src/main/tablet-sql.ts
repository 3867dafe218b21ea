/**
 * Wires online SQL into a tablet process: the tablet's own RPC methods merged with the SQL ones
 * (src/tablet/sql-handlers.ts), over a client of the cluster the tablet reads metadata and other
 * tablets through.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import { CLIENT_DEFAULTS, DbClient } from '../client/db-client.js';
import type { Discovery } from '../client/discovery.js';
import type { Transport } from '../ports/transport.js';
import type { MethodHandler } from '../protocol/rpc-router.js';
import { systemClock } from '../runtime/node-clock.js';
import type { PartitionEnv } from '../tablet/partition-env.js';
import { tabletSqlHandlers } from '../tablet/sql-handlers.js';
import { TabletSqlService } from '../tablet/sql-service.js';
import type { Tablet } from '../tablet/tablet.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface TabletSql {
  readonly handlers: Record<string, MethodHandler>;
  readonly client: DbClient | undefined;
  close(): Promise<void>;
}

/** The tablet's handlers with SQL; without `cluster` (no way to reach a nameserver) queries are refused. */
export function tabletWithSql(
  tablet: Tablet,
  env: PartitionEnv,
  cluster: { readonly transport: Transport; readonly discovery: Discovery; readonly requestTimeoutMs: number } | undefined,
): TabletSql {
  const client =
    cluster === undefined
      ? undefined
      : new DbClient(
          { transport: cluster.transport, discovery: cluster.discovery, clock: systemClock, sleep, logger: env.logger },
          { ...CLIENT_DEFAULTS, requestTimeoutMs: cluster.requestTimeoutMs },
        );
  const service = client === undefined ? undefined : new TabletSqlService({ partitions: tablet, client, env });
  const base = tablet.handlers();
  const handlers = {
    ...base,
    ...tabletSqlHandlers(
      {
        service,
        partitions: tablet,
        addIndex: {
          partitions: tablet,
          client,
          env,
          sleep,
          backfillDeadlineMs: 600_000,
          remoteCallTimeoutMs: cluster?.requestTimeoutMs ?? 20_000,
        },
      },
      base,
    ),
  };
  return {
    handlers,
    client,
    close: async () => {
      await client?.close();
    },
  };
}

/**
 * Discovery of a nameserver in the same process (standalone): its endpoint is fixed and it tells
 * listeners of every metadata change directly. `attach` connects the nameserver once it exists.
 */
export function inProcessDiscovery(endpoint: string): Discovery & { attach(source: (listener: () => void) => () => void): void } {
  const listeners = new Set<() => void>();
  let detach: (() => void) | undefined;
  return {
    leader: async (): Promise<Result<string>> => ok(endpoint),
    onMetadataChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attach(source) {
      detach?.();
      detach = source(() => {
        for (const l of listeners) l();
      });
    },
    close: async () => {
      detach?.();
      listeners.clear();
    },
  };
}

/** A transport that reaches some endpoints in process and every other one through `fallback`. */
export function transportWithLocal(local: ReadonlyMap<string, () => ReturnType<Transport['connect']>>, fallback: Transport): Transport {
  return {
    connect: (endpoint) => local.get(endpoint)?.() ?? fallback.connect(endpoint),
    listen: () => Promise.reject(fail(Code.internal, 'this transport only connects')),
  };
}
