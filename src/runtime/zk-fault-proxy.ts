import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy that injects connection faults between a ZooKeeper client and a real
 * server, for tests: a network partition (no bytes, no FIN, no RST either way) long enough for the
 * server to expire the session, or a plain connection reset that the session survives.
 */
export interface FaultProxy {
  /** Point clients here: '127.0.0.1:<port>'. */
  readonly connectString: string;
  readonly port: number;
  /** Stops forwarding both ways without closing anything; new connections are accepted and held. */
  partition(): void;
  /** Ends the partition: every connection from before is reset; new ones are forwarded again. */
  heal(): void;
  /** Resets every current connection (a broken link); clients reconnect through the proxy. */
  resetConnections(): void;
  /** Number of open client connections (forwarded or held). */
  connectionCount(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

export function startFaultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let partitioned = false;

  const drop = (pair: Pair): void => {
    if (!pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const server = createServer((client) => {
    const pair: Pair = { client, upstream: null };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    if (partitioned) {
      // Held: bytes vanish, and the connection is reset when the partition heals.
      client.on('data', () => {});
      client.on('close', () => drop(pair));
      return;
    }
    const upstream = connect({ host: targetHost, port: targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    client.on('data', (chunk) => {
      if (!partitioned) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!partitioned) client.write(chunk);
    });
    // During a partition a close on one side does not reach the other.
    client.on('close', () => {
      if (!partitioned) drop(pair);
    });
    upstream.on('close', () => {
      if (!partitioned) drop(pair);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        connectString: `127.0.0.1:${port}`,
        port,
        partition() {
          partitioned = true;
        },
        heal() {
          partitioned = false;
          for (const pair of [...pairs]) drop(pair);
        },
        resetConnections() {
          for (const pair of [...pairs]) {
            pairs.delete(pair);
            pair.client.resetAndDestroy();
            pair.upstream?.destroy();
          }
        },
        connectionCount: () => pairs.size,
        close() {
          for (const pair of [...pairs]) drop(pair);
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}
