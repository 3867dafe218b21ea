/**
 * Goal: the client's write retries never duplicate a write whose outcome is unknown, and use the
 * cluster's dedupe when (and only when) this client's version, the cluster version and the
 * connection's peer all support it (feature idempotentPut). Reads retry across a leader change.
 * Method: a scripted transport (no network): each tablet call is answered by a test function.
 */
import { describe, expect, it } from 'vitest';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { PeerInfo, RpcClient, Transport } from '../ports/transport.js';
import type { RequestIdMsg } from '../protocol/messages.js';
import { TABLE_INFO_FORMAT_VERSION, type TableInfo, TTL_NONE } from '../protocol/schema.js';
import { DbClient } from './db-client.js';
import { staticDiscovery } from './discovery.js';

interface Call {
  readonly endpoint: string;
  readonly method: string;
  readonly request: Record<string, unknown>;
}

type Script = (call: Call, n: number) => Result<unknown>;

function table(leader: string, followers: string[] = []): TableInfo {
  return {
    formatVersion: TABLE_INFO_FORMAT_VERSION,
    tid: 7,
    db: 'db',
    name: 't',
    partitionNum: 1,
    replicaNum: 1 + followers.length,
    schema: {
      columns: [
        { name: 'k', type: 'string', notNull: true },
        { name: 'ts', type: 'bigint', notNull: true },
      ],
      indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: TTL_NONE }],
    },
    partitions: [
      {
        pid: 0,
        replicas: [{ endpoint: leader, isLeader: true, isAlive: true }, ...followers.map((endpoint) => ({ endpoint, isLeader: false, isAlive: true }))],
        termOffsets: [{ term: 1, offset: 0 }],
      },
    ],
    storageMode: 'memory',
    replicationMode: 'async',
    compress: 'none',
    createdAtMs: 0,
  };
}

/** A cluster answering from scripts; `leader` and the versions can change between calls. */
class FakeCluster implements Transport {
  readonly calls: Call[] = [];
  leader = 'tab1:1';
  followers: string[] = ['tab2:1'];
  clusterVersion = '0.2.0';
  tabletVersion = '0.2.0';
  nsKnowsClusterVersion = true;
  private tabletCalls = 0;

  constructor(private readonly tablet: Script) {}

  connect(endpoint: string): RpcClient {
    let peer: PeerInfo | undefined;
    return {
      endpoint,
      peer: () => peer,
      close: () => {},
      call: async (method, request) => {
        peer = { protocolVersion: 2, softwareVersion: endpoint === 'ns:1' ? '0.2.0' : this.tabletVersion, role: 'x', endpoint };
        const call = { endpoint, method, request: structuredClone(request) as Record<string, unknown> };
        this.calls.push(call);
        if (endpoint === 'ns:1') {
          if (method === 'ShowTable') return ok({ tables: [table(this.leader, this.followers)] });
          if (method === 'GetClusterVersion') {
            return this.nsKnowsClusterVersion ? ok({ version: this.clusterVersion }) : fail(Code.rpcBadRequest, "unknown method 'GetClusterVersion'");
          }
          return fail(Code.rpcBadRequest, `unexpected ${method}`);
        }
        return this.tablet(call, this.tabletCalls++);
      },
    };
  }

  listen(): never {
    throw new Error('not used');
  }

  puts(): Call[] {
    return this.calls.filter((c) => c.method === 'Put');
  }
}

function client(cluster: FakeCluster, softwareVersion: string, clientId: string | null = 'client-a'): DbClient {
  return new DbClient(
    {
      transport: cluster,
      discovery: staticDiscovery('ns:1'),
      clock: { nowMs: () => 1_000, monotonicMs: () => 0 },
      sleep: async () => {},
      ...(clientId === null ? {} : { clientId }),
    },
    { requestTimeoutMs: 60_000, retryDelayMs: 1, retriesMax: 5, softwareVersion },
  );
}

/** The first Put is applied but its answer is lost; later ones succeed. */
const lostFirstAnswer: Script = (call, n) =>
  call.method === 'Put' ? (n === 0 ? fail(Code.rpcConnectionLost, 'connection lost: closed by the peer') : ok({ offset: 1 })) : fail(Code.rpcBadRequest, 'x');

describe('DbClient write retries', () => {
  it('0.2.0 client, finalized 0.2.0 cluster: retries an unknown outcome with the same request id', async () => {
    const cluster = new FakeCluster(lostFirstAnswer);
    const c = client(cluster, '0.2.0');
    const r = await c.put('db', 't', [['k1', 1n]]);
    expect(r.ok).toBe(true);
    const puts = cluster.puts();
    expect(puts).toHaveLength(2);
    const ids = puts.map((p) => p.request.requestId as RequestIdMsg);
    expect(ids[0]).toEqual({ clientId: 'client-a', seq: 1 });
    expect(ids[1]).toEqual(ids[0]);
    expect(c.clusterVersion).toBe('0.2.0');
    // The next put is another request.
    await c.put('db', 't', [['k2', 2n]]);
    expect((cluster.puts()[2]!.request.requestId as RequestIdMsg).seq).toBe(2);
  });

  it('0.2.0 client, cluster still at 0.1.0 (not finalized): no request id, an unknown outcome is final', async () => {
    const cluster = new FakeCluster(lostFirstAnswer);
    cluster.clusterVersion = '0.1.0';
    const r = await client(cluster, '0.2.0').put('db', 't', [['k1', 1n]]);
    expect(r).toMatchObject({ ok: false, code: Code.rpcConnectionLost });
    expect(cluster.puts()).toHaveLength(1);
    expect(cluster.puts()[0]!.request.requestId).toBeUndefined();
  });

  it('0.1.0 client (SDK N-1) against a finalized 0.2.0 cluster: no request id, never retries an unknown outcome', async () => {
    const cluster = new FakeCluster(lostFirstAnswer);
    const c = client(cluster, '0.1.0');
    const r = await c.put('db', 't', [['k1', 1n]]);
    expect(r).toMatchObject({ ok: false, code: Code.rpcConnectionLost });
    expect(cluster.puts()).toHaveLength(1);
    expect(cluster.puts()[0]!.request.requestId).toBeUndefined();
    // And it does not even ask for the cluster version.
    expect(cluster.calls.some((x) => x.method === 'GetClusterVersion')).toBe(false);
  });

  it('0.2.0 client against a 0.1.0 nameserver that has no cluster version (servers N-1): plain puts', async () => {
    const cluster = new FakeCluster(lostFirstAnswer);
    cluster.nsKnowsClusterVersion = false;
    const c = client(cluster, '0.2.0');
    expect(await c.put('db', 't', [['k1', 1n]])).toMatchObject({ ok: false, code: Code.rpcConnectionLost });
    expect(cluster.puts()).toHaveLength(1);
    expect(c.clusterVersion).toBe('');
  });

  it('reads the peer of the connection: a tablet that does not know request ids gets no retry', async () => {
    const cluster = new FakeCluster(lostFirstAnswer);
    cluster.tabletVersion = '0.1.0';
    const r = await client(cluster, '0.2.0').put('db', 't', [['k1', 1n]]);
    expect(r).toMatchObject({ ok: false, code: Code.rpcConnectionLost });
    expect(r.ok ? '' : r.message).toContain('unknown outcome');
    expect(cluster.puts()).toHaveLength(1);
  });

  it('retries a refusal that proves nothing was applied at the new leader, with any version', async () => {
    for (const version of ['0.1.0', '0.2.0']) {
      const cluster = new FakeCluster((call) => {
        if (call.endpoint === 'tab1:1') {
          cluster.leader = 'tab2:1';
          cluster.followers = ['tab1:1'];
          return fail(Code.tableIsFollower, 'put failed: handing over leadership');
        }
        return ok({ offset: 5 });
      });
      expect((await client(cluster, version).put('db', 't', [['k1', 1n]])).ok).toBe(true);
      expect(cluster.puts().map((p) => p.endpoint)).toEqual(['tab1:1', 'tab2:1']);
    }
  });

  it('never retries a failure that may have applied the write without a request id (timeout)', async () => {
    const cluster = new FakeCluster(() => fail(Code.rpcTimeout, 'timed out'));
    const r = await client(cluster, '0.2.0', null).put('db', 't', [['k1', 1n]]);
    expect(r).toMatchObject({ ok: false, code: Code.rpcTimeout });
    expect(cluster.puts()).toHaveLength(1);
  });

  it('with a request id, keeps retrying timeouts until one attempt is answered', async () => {
    const cluster = new FakeCluster((_call, n) => (n < 2 ? fail(Code.rpcTimeout, 'timed out') : ok({ offset: 3 })));
    expect((await client(cluster, '0.2.0').put('db', 't', [['k1', 1n]])).ok).toBe(true);
    const ids = cluster.puts().map((p) => JSON.stringify(p.request.requestId));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });
});

describe('DbClient read retries', () => {
  it('follows a leader change: a read refused by a gone leader is retried at the new one', async () => {
    const cluster = new FakeCluster((call) => {
      if (call.endpoint === 'tab1:1') {
        cluster.leader = 'tab2:1';
        cluster.followers = [];
        return fail(Code.rpcConnectionLost, 'connection lost');
      }
      return ok({ rows: [], tss: [] });
    });
    const r = await client(cluster, '0.1.0').scan('db', 't', { key: 'k1' });
    expect(r).toEqual(ok([]));
    expect(cluster.calls.filter((x) => x.method === 'Scan').map((x) => x.endpoint)).toEqual(['tab1:1', 'tab2:1']);
  });
});

describe('DbClient read fallback', () => {
  it('reads from another replica once the leader cannot be reached', async () => {
    const cluster = new FakeCluster((call) =>
      call.endpoint === 'tab1:1'
        ? fail(Code.unavailable, 'connect to tab1:1 failed: ECONNREFUSED')
        : ok(call.method === 'Count' ? { count: 4 } : { rows: [], tss: [] }),
    );
    expect(await client(cluster, '0.2.0').scan('db', 't', { key: 'k1' })).toEqual(ok([]));
    const scans = cluster.calls.filter((x) => x.method === 'Scan').map((x) => x.endpoint);
    expect(scans[0]).toBe('tab1:1');
    expect(scans.at(-1)).toBe('tab2:1');
    expect(await client(cluster, '0.1.0').count('db', 't', { key: 'k1' })).toEqual(ok(4));
    expect(cluster.calls.filter((x) => x.method === 'Count').map((x) => x.endpoint).at(-1)).toBe('tab2:1');
  });
});
