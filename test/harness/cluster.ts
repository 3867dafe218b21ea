/**
 * A real cluster for black-box tests: Apache ZooKeeper (Debian package, loopback, temp data dir),
 * nameserver and tablet processes from the bundled program, each in its own directory with its own
 * flag file, on free loopback ports. Every process and directory is removed by cleanup().
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startZooKeeper, type ZooKeeperServer } from '../../src/runtime/zk-server.js';
import { freePort } from './ports.js';
import { kill9, type Proc, runProgram, startProgram, stopGracefully, tempDir, waitReady } from './program.js';

export interface Node {
  readonly role: 'nameserver' | 'tablet';
  readonly endpoint: string;
  readonly dir: string;
  readonly flagfile: string;
  proc: Proc | undefined;
}

export interface ClusterOptions {
  nameservers: number;
  tablets: number;
  zkSessionTimeoutMs?: number;
  tabletHeartbeatTimeoutMs?: number;
  autoFailover?: boolean;
  extraNameserverFlags?: string[];
  extraTabletFlags?: string[];
}

const zkServers: ZooKeeperServer[] = [];

export class Cluster {
  readonly nodes: Node[] = [];

  private constructor(
    readonly zk: ZooKeeperServer,
    readonly rootPath: string,
    readonly dir: string,
  ) {}

  get zkCluster(): string {
    return this.zk.connectString;
  }

  nameservers(): Node[] {
    return this.nodes.filter((n) => n.role === 'nameserver');
  }

  tablets(): Node[] {
    return this.nodes.filter((n) => n.role === 'tablet');
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const dir = tempDir('cluster');
    const zk = await startZooKeeper({ dataDir: join(dir, 'zk'), tickTimeMs: 200, minSessionTimeoutMs: 400, maxSessionTimeoutMs: 30_000 });
    zkServers.push(zk);
    const c = new Cluster(zk, '/openmldb_test', dir);
    const session = options.zkSessionTimeoutMs ?? 2000;
    for (let i = 0; i < options.tablets; i++) {
      await c.addNode('tablet', `tablet${i}`, [
        `--zk_session_timeout=${session}`,
        '--binlog_sync_to_disk_interval=200',
        '--get_table_status_interval=500',
        ...(options.extraTabletFlags ?? []),
      ]);
    }
    for (let i = 0; i < options.nameservers; i++) {
      await c.addNode('nameserver', `ns${i}`, [
        `--zk_session_timeout=${session}`,
        `--tablet_heartbeat_timeout=${options.tabletHeartbeatTimeoutMs ?? 1000}`,
        `--auto_failover=${options.autoFailover ?? true}`,
        '--get_table_status_interval=300',
        '--get_task_status_interval=300',
        '--name_server_task_wait_time=100',
        ...(options.extraNameserverFlags ?? []),
      ]);
    }
    await Promise.all(c.nodes.map((n) => c.startNode(n)));
    return c;
  }

  private async addNode(role: 'nameserver' | 'tablet', name: string, flags: string[]): Promise<Node> {
    const dir = join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    const endpoint = `127.0.0.1:${await freePort()}`;
    const flagfile = join(dir, `${role}.flags`);
    writeFileSync(
      flagfile,
      [
        `--endpoint=${endpoint}`,
        `--zk_cluster=${this.zk.connectString}`,
        `--zk_root_path=${this.rootPath}`,
        `--openmldb_log_dir=${join(dir, 'logs')}`,
        `--db_root_path=${join(dir, 'db')}`,
        `--recycle_bin_root_path=${join(dir, 'recycle')}`,
        ...flags,
      ].join('\n'),
    );
    const node: Node = { role, endpoint, dir, flagfile, proc: undefined };
    this.nodes.push(node);
    return node;
  }

  async startNode(node: Node): Promise<void> {
    node.proc = startProgram([`--role=${node.role}`, `--flagfile=${node.flagfile}`], node.dir);
    await waitReady(node.proc, node.endpoint, node.dir);
  }

  async kill9(node: Node): Promise<void> {
    if (node.proc) await kill9(node.proc);
    node.proc = undefined;
  }

  async stop(node: Node): Promise<void> {
    if (node.proc) await stopGracefully(node.proc);
    node.proc = undefined;
  }

  /** Runs one ns_client command against the cluster and returns its output. */
  async nsClient(cmd: string, database?: string): Promise<{ code: number | null; out: string }> {
    return runProgram(
      [
        '--role=ns_client',
        `--zk_cluster=${this.zk.connectString}`,
        `--zk_root_path=${this.rootPath}`,
        '--interactive=false',
        ...(database ? [`--database=${database}`] : []),
        `--cmd=${cmd}`,
      ],
      this.dir,
    );
  }

  static async stopZooKeepers(): Promise<void> {
    for (const zk of zkServers.splice(0)) await zk.stop();
  }
}

/** Parses ns_client table output into rows of cells keyed by the header. */
export function parseTable(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const sep = lines.findIndex((l) => /^-+$/.test(l.trim()));
  if (sep < 1) return [];
  const header = lines[sep - 1]!.trim().split(/\s+/);
  return lines.slice(sep + 1).map((l) => {
    const cells = l.trim().split(/\s+/);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}
