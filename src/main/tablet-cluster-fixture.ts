/**
 * Test fixture (used by the *-tcp.test.ts files beside it): real Tablet instances on real files
 * (FsDisk in a temp dir) serving over real TcpTransport on loopback, plus helpers to write rows,
 * read every row of a replica and wait on conditions. In src/main because only main may combine
 * the runtime with the tablet.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Code, fail, type Result } from '../base/status.js';
import { silentLogger } from '../ports/logger.js';
import type { RpcClient, RpcHandler, RpcListener } from '../ports/transport.js';
import type { PartitionMetaMsg, TabletMethods } from '../protocol/messages.js';
import { RowCodec } from '../protocol/row-codec.js';
import { createRpcRouter } from '../protocol/rpc-router.js';
import { TTL_NONE, type TableSchema } from '../protocol/schema.js';
import { callTablet } from '../protocol/typed-call.js';
import { FsDisk } from '../runtime/fs-disk.js';
import { nodeTimers, systemClock } from '../runtime/node-clock.js';
import { TcpTransport } from '../runtime/tcp-transport.js';
import { DEFAULT_PARTITION_LIMITS, type PartitionEnv, type PartitionLimits } from '../tablet/partition-env.js';
import type { ReplicationOptions } from '../tablet/replication-options.js';
import { Tablet } from '../tablet/tablet.js';

export const SCHEMA: TableSchema = {
  columns: [
    { name: 'k', type: 'string', notNull: true },
    { name: 'v', type: 'bigint', notNull: false },
    { name: 'ts', type: 'timestamp', notNull: true },
  ],
  indexes: [{ name: 'by_k', keyColumns: ['k'], tsColumn: 'ts', ttl: TTL_NONE }],
};
const codec = new RowCodec(SCHEMA.columns);

export function row(k: string, v: number, ts: number): Uint8Array {
  const r = codec.encode([k, BigInt(v), ts]);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function meta(tid: number, mode: 'leader' | 'follower', followers: string[] = [], extra: Partial<PartitionMetaMsg> = {}): PartitionMetaMsg {
  return { tid, pid: 0, db: 'db', name: `t${tid}`, schema: SCHEMA, mode, term: 1, followers, replicationMode: 'async', partitionNum: 1, ...extra };
}

/** Fast retries so tests do not wait on production back-off times. */
export const TEST_REPLICATION: Partial<ReplicationOptions> = {
  coffeeTimeMs: 20,
  matchRetryMs: 20,
  idleWaitMs: 20,
  appendTimeoutMs: 2000,
  sendFileRetryWaitMs: 10,
  transferTimeoutMs: 5000,
  streamBlockBytes: 4096,
  streamBandwidthBytesPerSec: 0,
};

export interface NodeOptions {
  readonly replication?: Partial<ReplicationOptions>;
  readonly limits?: Partial<PartitionLimits>;
  /** Wraps the clients this tablet uses to reach other tablets (fault injection). */
  readonly wrapClient?: (client: RpcClient) => RpcClient;
  /** Listen on this endpoint (a restart); default a fresh port. */
  readonly endpoint?: string;
  /** The tablet's software version (default this build's). */
  readonly softwareVersion?: string;
}

const clientTransport = new TcpTransport({ role: 'client', callTimeoutMsDefault: 10_000 });
const clients = new Map<string, RpcClient>();

/** A test client to a tablet (shared per endpoint). */
export function clientOf(endpoint: string): RpcClient {
  let c = clients.get(endpoint);
  if (!c) {
    c = clientTransport.connect(endpoint);
    clients.set(endpoint, c);
  }
  return c;
}

export function closeClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}

export async function call<M extends keyof TabletMethods>(
  endpoint: string,
  method: M,
  request: TabletMethods[M]['req'],
): Promise<Result<TabletMethods[M]['res']>> {
  return callTablet(clientOf(endpoint), method, request);
}

export async function must<T>(result: Promise<Result<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`call failed (${r.code}): ${r.message}`);
  return r.value;
}

export class TabletNode {
  /** AppendEntries requests held while the gate is closed (a paused follower). */
  private held: (() => void)[] = [];
  private gateClosed = false;
  appendsSeen = 0;

  private constructor(
    readonly endpoint: string,
    readonly dir: string,
    readonly tablet: Tablet,
    private readonly listener: RpcListener,
  ) {}

  static async start(dir: string, options: NodeOptions = {}): Promise<TabletNode> {
    let route: RpcHandler = () => fail(Code.unavailable, 'starting');
    const transport = new TcpTransport({ role: 'tablet', logger: silentLogger });
    let node: TabletNode | undefined;
    const gated: RpcHandler = async (method, request, context) => {
      if (method === 'AppendEntries' && node) {
        node.appendsSeen++;
        if (node.gateClosed) await new Promise<void>((resolve) => node!.held.push(resolve));
      }
      return route(method, request, context);
    };
    const listener = await transport.listen(options.endpoint ?? '127.0.0.1:0', gated);
    const env: PartitionEnv = {
      disk: new FsDisk(),
      crc32: (data, initial) => zlibCrc32(data, initial),
      clock: systemClock,
      timers: nodeTimers,
      logger: silentLogger,
      limits: { ...DEFAULT_PARTITION_LIMITS, binlogSegmentBytesMax: 4096, binlogSyncIntervalMs: 50, ...options.limits },
    };
    const peers = new TcpTransport({ role: 'tablet', advertisedEndpoint: listener.endpoint, logger: silentLogger });
    const tablet = new Tablet(
      env,
      {
        endpoint: listener.endpoint,
        dataDirs: [join(dir, 'db')],
        recycleDir: join(dir, 'recycle'),
        recycleEnabled: true,
        gcIntervalMs: 3_600_000,
        snapshotHour: 99,
        snapshotCheckIntervalMs: 3_600_000,
        ...(options.softwareVersion === undefined ? {} : { softwareVersion: options.softwareVersion }),
      },
      {
        connect: (ep) => (options.wrapClient ? options.wrapClient(peers.connect(ep)) : peers.connect(ep)),
        replication: { ...TEST_REPLICATION, ...options.replication },
      },
    );
    route = createRpcRouter('tablet', tablet.handlers());
    tablet.start();
    node = new TabletNode(listener.endpoint, dir, tablet, listener);
    return node;
  }

  /** Holds every AppendEntries this node receives until `resume` (a paused follower). */
  pause(): void {
    this.gateClosed = true;
  }

  resume(): void {
    this.gateClosed = false;
    for (const release of this.held.splice(0)) release();
  }

  get heldAppends(): number {
    return this.held.length;
  }

  async stop(): Promise<void> {
    this.resume();
    await this.listener.close();
    await this.tablet.close();
  }
}

export async function tempRoot(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every live row of a replica as sortable text `key@ts=hexbytes`. */
export function allRows(node: TabletNode, tid: number, pid = 0): string[] {
  const p = node.tablet.partition(tid, pid);
  if (!p) throw new Error(`table ${tid} is not on ${node.endpoint}`);
  const out: string[] = [];
  let cursor: Parameters<typeof p.table.traverse>[3];
  for (;;) {
    const page = p.table.traverse(0, systemClock.nowMs(), 10_000, cursor);
    if (!page.ok) throw new Error(page.message);
    for (const r of page.value.rows) out.push(`${r.key}@${r.tsMs}=${Buffer.from(r.row).toString('hex')}`);
    if (!page.value.next) break;
    cursor = page.value.next;
  }
  return out.sort();
}

export function offsetOf(node: TabletNode, tid: number, pid = 0): number {
  return node.tablet.partition(tid, pid)?.offset ?? -1;
}

/** Polls `check` every few milliseconds until it is true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = systemClock.monotonicMs() + timeoutMs;
  while (!(await check())) {
    if (systemClock.monotonicMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => nodeTimers.after(5, () => resolve(undefined)));
  }
}
