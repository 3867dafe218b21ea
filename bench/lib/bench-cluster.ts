/**
 * A real cluster for benchmarks: Apache ZooKeeper (Debian jar, loopback, its data in a temp dir),
 * nameserver and tablet processes of the bundled program (build/bin/openmldb.mjs), each in its own
 * temp dir with its own flag file, on free loopback ports. Children and dirs are registered with
 * children.ts, so they go away on a normal end, an error, SIGINT and SIGTERM; ZooKeeper is killed
 * by zk-server.ts's own exit hook and stopped by `close`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NameServerMethods } from '../../src/protocol/messages.js';
import { callNameServer, callTablet } from '../../src/protocol/typed-call.js';
import type { RpcClient } from '../../src/ports/transport.js';
import { startZooKeeper, type ZooKeeperServer } from '../../src/runtime/zk-server.js';
import { TcpTransport } from '../../src/runtime/tcp-transport.js';
import { type Child, spawnChild, tempDir } from './children.js';
import { freePort } from './free-port.js';
import { BUNDLE } from './pinned-program.js';

const POLL_MS = 20;
const ROOT_PATH = '/openmldb_bench';

export interface BenchClusterOptions {
  readonly nameservers: number;
  readonly tablets: number;
  readonly zkSessionTimeoutMs: number;
  readonly tabletHeartbeatTimeoutMs: number;
  /** ZooKeeper's tick; the session timeout must be at least 2 ticks. */
  readonly zkTickTimeMs: number;
  /** Flags every tablet / nameserver gets on top of the identity flags (`--name=value`). */
  readonly tabletFlags: readonly string[];
  readonly nameserverFlags: readonly string[];
  /** Node options for tablet processes (e.g. --cpu-prof). */
  readonly tabletNodeArgs?: readonly string[];
  /** The program file (default: the bundle in build/bin; see pinned-program.ts). */
  readonly program?: string;
}

export interface ClusterNode {
  readonly role: 'nameserver' | 'tablet';
  readonly name: string;
  readonly endpoint: string;
  readonly dir: string;
  readonly flagfile: string;
  /** The running process, or undefined while stopped. */
  child: Child | undefined;
}

export class BenchCluster {
  readonly nodes: ClusterNode[] = [];
  private readonly transport = new TcpTransport({ role: 'client', connectTimeoutMs: 1_000 });
  private readonly clients = new Map<string, RpcClient>();
  /** Children being stopped on purpose (kill9, stopNode, close): their exit is expected. */
  private readonly stopping = new Set<Child>();
  /** Nodes that exited without being asked to, with the tail of their output. */
  private readonly crashes: string[] = [];

  private constructor(
    readonly zk: ZooKeeperServer,
    readonly dir: string,
    readonly options: BenchClusterOptions,
  ) {}

  get zkCluster(): string {
    return this.zk.connectString;
  }

  get rootPath(): string {
    return ROOT_PATH;
  }

  tablets(): ClusterNode[] {
    return this.nodes.filter((n) => n.role === 'tablet');
  }

  nameservers(): ClusterNode[] {
    return this.nodes.filter((n) => n.role === 'nameserver');
  }

  /** The RPC client of a node's endpoint (kept for the cluster's life). */
  rpc(endpoint: string): RpcClient {
    let c = this.clients.get(endpoint);
    if (c === undefined) {
      c = this.transport.connect(endpoint);
      this.clients.set(endpoint, c);
    }
    return c;
  }

  static async start(options: BenchClusterOptions): Promise<BenchCluster> {
    const dir = tempDir('cluster');
    const zk = await startZooKeeper({
      dataDir: join(dir, 'zk'),
      tickTimeMs: options.zkTickTimeMs,
      minSessionTimeoutMs: 2 * options.zkTickTimeMs,
      maxSessionTimeoutMs: 60_000,
    });
    const c = new BenchCluster(zk, dir, options);
    for (let i = 0; i < options.tablets; i++) {
      await c.addNode('tablet', `tablet${i}`, [`--zk_session_timeout=${options.zkSessionTimeoutMs}`, ...options.tabletFlags]);
    }
    for (let i = 0; i < options.nameservers; i++) {
      await c.addNode('nameserver', `ns${i}`, [
        `--zk_session_timeout=${options.zkSessionTimeoutMs}`,
        `--tablet_heartbeat_timeout=${options.tabletHeartbeatTimeoutMs}`,
        '--auto_failover=true',
        ...options.nameserverFlags,
      ]);
    }
    for (const n of c.tablets()) c.spawn(n);
    await Promise.all(c.tablets().map((n) => c.waitListening(n)));
    for (const n of c.nameservers()) c.spawn(n);
    await Promise.all(c.nameservers().map((n) => c.waitListening(n)));
    await c.waitHealthyTablets(options.tablets, 60_000);
    return c;
  }

  private async addNode(role: 'nameserver' | 'tablet', name: string, flags: readonly string[]): Promise<void> {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    const endpoint = `127.0.0.1:${await freePort()}`;
    const flagfile = join(dir, `${role}.flags`);
    writeFileSync(
      flagfile,
      [
        `--endpoint=${endpoint}`,
        `--zk_cluster=${this.zk.connectString}`,
        `--zk_root_path=${ROOT_PATH}`,
        `--openmldb_log_dir=${join(dir, 'logs')}`,
        `--db_root_path=${join(dir, 'db')}`,
        `--recycle_bin_root_path=${join(dir, 'recycle')}`,
        ...flags,
      ].join('\n'),
    );
    this.nodes.push({ role, name, endpoint, dir, flagfile, child: undefined });
  }

  private spawn(node: ClusterNode): void {
    if (node.child !== undefined) throw new Error(`${node.name} is already running`);
    const nodeArgs = node.role === 'tablet' ? (this.options.tabletNodeArgs ?? []) : [];
    const child = spawnChild(process.execPath, [...nodeArgs, this.options.program ?? BUNDLE, `--role=${node.role}`, `--flagfile=${node.flagfile}`], node.dir);
    node.child = child;
    // A node that dies on its own (a crash prints its stack on stderr, not in its log file):
    // report it at once with its output, and let `checkNoCrash` fail the run.
    void child.exited.then((code) => {
      if (this.stopping.delete(child)) return;
      const report = `${node.name} (${node.endpoint}) exited unexpectedly (code ${code}, signal ${child.process.signalCode}); its last output:\n${child.output()}`;
      this.crashes.push(report);
      process.stderr.write(`\n[bench-cluster] ${report}\n`);
    });
  }

  /** Throws when a node exited without being stopped by the benchmark. */
  checkNoCrash(): void {
    if (this.crashes.length > 0) throw new Error(`a cluster node crashed: ${this.crashes[0]}`);
  }

  /** Until the node answers an RPC (any answer: a standby nameserver says it is not the leader). */
  private async waitListening(node: ClusterNode, timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const child = node.child;
      if (child === undefined || child.process.exitCode !== null || child.process.signalCode !== null) {
        throw new Error(`${node.name} exited while starting: ${child?.output() ?? ''}`);
      }
      const r =
        node.role === 'tablet'
          ? await callTablet(this.rpc(node.endpoint), 'GetTableStatus', {}, { timeoutMs: 1_000 })
          : await callNameServer(this.rpc(node.endpoint), 'ShowDatabases', {}, { timeoutMs: 1_000 });
      if (r.ok || !/connect|ECONNREFUSED|unavailable|lost/i.test(r.message)) return;
      if (performance.now() > deadline) throw new Error(`${node.name} did not answer within ${timeoutMs} ms: ${child.output()}`);
      await sleep(POLL_MS);
    }
  }

  /** Starts a stopped node and waits until it answers RPCs. */
  async startNode(node: ClusterNode): Promise<void> {
    this.spawn(node);
    await this.waitListening(node);
  }

  /** kill -9; resolves when the process has exited, with the time the signal was sent (performance.now). */
  async kill9(node: ClusterNode): Promise<number> {
    const child = node.child;
    if (child === undefined) throw new Error(`${node.name} is not running`);
    const sentAt = performance.now();
    this.stopping.add(child);
    await child.stop('SIGKILL');
    node.child = undefined;
    return sentAt;
  }

  async stopNode(node: ClusterNode): Promise<void> {
    if (node.child !== undefined && node.child.process.exitCode === null && node.child.process.signalCode === null) this.stopping.add(node.child);
    await node.child?.stop('SIGTERM', 10_000);
    node.child = undefined;
  }

  /** A call to the leader nameserver (tries each nameserver; a standby refuses). */
  async ns<M extends keyof NameServerMethods>(method: M, request: NameServerMethods[M]['req']): Promise<NameServerMethods[M]['res']> {
    let last = '';
    for (const n of this.nameservers()) {
      if (n.child === undefined) continue;
      const r = await callNameServer(this.rpc(n.endpoint), method, request, { timeoutMs: 5_000 });
      if (r.ok) return r.value;
      last = `${n.name}: ${r.message}`;
    }
    throw new Error(`${method} failed on every nameserver (last: ${last})`);
  }

  async waitHealthyTablets(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        const r = await this.ns('ShowTablet', {});
        if (r.tablets.filter((t) => t.state === 'kHealthy').length >= count) return;
      } catch {
        // No leader yet.
      }
      if (performance.now() > deadline) throw new Error(`fewer than ${count} healthy tablets after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** Stops every node (SIGTERM, then SIGKILL), closes RPC clients and stops ZooKeeper. */
  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopNode(n)));
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    await this.zk.stop();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
