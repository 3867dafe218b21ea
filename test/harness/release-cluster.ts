/**
 * A cluster laid out as operators run one: each node in its own release directory (bin/ and conf/
 * copied from a release written by scripts/release.mjs), started and stopped with
 * `sh bin/start.sh start|stop <component>`, over a real ZooKeeper on loopback. Used by the upgrade
 * tests: the procedure replaces bin/ and conf/ in these directories. cleanup() stops every node
 * (and kills any process a pid file still names), then ZooKeeper.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startZooKeeper, type ZooKeeperServer } from '../../src/runtime/zk-server.js';
import { parseTable } from './cluster.js';
import { freePort } from './ports.js';
import { ROOT, runProgram, tempDir } from './program.js';

const run = promisify(execFile);

export interface ReleaseNode {
  readonly component: 'nameserver' | 'tablet';
  readonly dir: string;
  readonly endpoint: string;
}

/** Settings each node keeps across upgrades: its identity and the test's faster intervals. */
export const NODE_TUNING: Readonly<Record<'nameserver' | 'tablet', readonly string[]>> = {
  nameserver: [
    '--zk_session_timeout=4000',
    '--tablet_heartbeat_timeout=1000',
    '--get_table_status_interval=300',
    '--get_task_status_interval=300',
    '--name_server_task_wait_time=100',
  ],
  tablet: ['--zk_session_timeout=4000', '--binlog_sync_to_disk_interval=200'],
};

/**
 * A release of this source tree stamped `version`, in build/releases/<version> (a build output, as
 * build/bin is). It is rebuilt when the bundle the test run built (build/bin/openmldb.mjs) changed
 * since, so the test files of one run share it.
 */
export async function buildRelease(version: string): Promise<string> {
  const releasesDir = join(ROOT, 'build', 'releases');
  const dir = join(releasesDir, version);
  const source = createHash('sha256').update(readFileSync(join(ROOT, 'build', 'bin', 'openmldb.mjs'))).digest('hex');
  const stamp = join(dir, '.source-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === source) return dir;
  const tmp = join(releasesDir, `.tmp-${version}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  await run(process.execPath, [join(ROOT, 'scripts', 'release.mjs'), '--out', tmp, '--version', version]);
  writeFileSync(join(tmp, '.source-sha256'), source);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** Sets `--name=value` in a flag file (replacing earlier settings of the name). */
export function setFlag(file: string, name: string, value: string): void {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(`--${name}=`));
  lines.push(`--${name}=${value}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export function flagFile(node: ReleaseNode): string {
  return join(node.dir, 'conf', `${node.component}.flags`);
}

export async function startSh(dir: string, action: 'start' | 'stop', component: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('sh', [join(dir, 'bin', 'start.sh'), action, component], {
      env: { ...process.env, START_TIMEOUT: '90', STOP_TIMEOUT: '30' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

export class ReleaseCluster {
  readonly nodes: ReleaseNode[] = [];

  private constructor(
    readonly zk: ZooKeeperServer,
    readonly rootPath: string,
    readonly dir: string,
  ) {}

  get zkCluster(): string {
    return this.zk.connectString;
  }

  nameservers(): ReleaseNode[] {
    return this.nodes.filter((n) => n.component === 'nameserver');
  }

  tablets(): ReleaseNode[] {
    return this.nodes.filter((n) => n.component === 'tablet');
  }

  /** Lays out and starts `nameservers` + `tablets` nodes from `release` (tablets first). */
  static async start(options: { release: string; nameservers: number; tablets: number; autoFailover: boolean }): Promise<ReleaseCluster> {
    const dir = tempDir('upgrade-cluster');
    const zk = await startZooKeeper({ dataDir: join(dir, 'zk'), tickTimeMs: 200, minSessionTimeoutMs: 400, maxSessionTimeoutMs: 30_000 });
    const c = new ReleaseCluster(zk, '/openmldb_upgrade', dir);
    for (let i = 0; i < options.tablets; i++) await c.addNode(options.release, 'tablet', `tablet${i}`, options.autoFailover);
    for (let i = 0; i < options.nameservers; i++) await c.addNode(options.release, 'nameserver', `ns${i}`, options.autoFailover);
    await Promise.all(c.tablets().map((n) => c.startNode(n)));
    await Promise.all(c.nameservers().map((n) => c.startNode(n)));
    return c;
  }

  private async addNode(release: string, component: 'nameserver' | 'tablet', name: string, autoFailover: boolean): Promise<void> {
    const nodeDir = join(this.dir, name);
    mkdirSync(nodeDir, { recursive: true });
    cpSync(join(release, 'bin'), join(nodeDir, 'bin'), { recursive: true });
    cpSync(join(release, 'conf'), join(nodeDir, 'conf'), { recursive: true });
    const node: ReleaseNode = { component, dir: nodeDir, endpoint: `127.0.0.1:${await freePort()}` };
    const file = flagFile(node);
    setFlag(file, 'endpoint', node.endpoint);
    setFlag(file, 'zk_cluster', this.zk.connectString);
    setFlag(file, 'zk_root_path', this.rootPath);
    if (component === 'nameserver') setFlag(file, 'auto_failover', String(autoFailover));
    for (const t of NODE_TUNING[component]) {
      const [k, v] = t.slice(2).split('=') as [string, string];
      setFlag(file, k, v);
    }
    this.nodes.push(node);
  }

  async startNode(node: ReleaseNode): Promise<void> {
    const r = await startSh(node.dir, 'start', node.component);
    if (r.code !== 0) throw new Error(`start ${node.component} in ${node.dir} failed: ${r.out}`);
  }

  async stopNode(node: ReleaseNode): Promise<void> {
    const r = await startSh(node.dir, 'stop', node.component);
    if (r.code !== 0) throw new Error(`stop ${node.component} in ${node.dir} failed: ${r.out}`);
  }

  /** One ns_client command, run with the program of this source tree. */
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

  async table(cmd: string, database?: string): Promise<Record<string, string>[]> {
    return parseTable((await this.nsClient(cmd, database)).out);
  }

  /** `<component> <dir>` lines for the upgrade's --hosts. */
  hostsFile(nodes: readonly ReleaseNode[] = this.nodes): string {
    const file = join(this.dir, `hosts-${nodes.length}-${Math.random().toString(36).slice(2, 8)}`);
    writeFileSync(file, `# component release-dir\n${nodes.map((n) => `${n.component} ${n.dir}`).join('\n')}\n`);
    return file;
  }

  /** The version in a node's bin/VERSION. */
  installedVersion(node: ReleaseNode): string {
    return readFileSync(join(node.dir, 'bin', 'VERSION'), 'utf8').trim();
  }

  /** Stops every node, kills what a pid file still names, stops ZooKeeper. */
  async cleanup(): Promise<void> {
    await Promise.all(this.nodes.map((n) => startSh(n.dir, 'stop', n.component).catch(() => undefined)));
    for (const n of this.nodes) {
      const runDir = join(n.dir, 'run');
      if (!existsSync(runDir)) continue;
      for (const f of readdirSync(runDir)) {
        const pid = Number(readFileSync(join(runDir, f), 'utf8'));
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
    await this.zk.stop();
  }
}
