/**
 * The conformance runner's engine over a real cluster: Apache ZooKeeper (the Debian package's
 * jar, src/runtime/zk-server.ts), one nameserver and three tablets, each a process of the bundled
 * program in its own directory on free loopback ports, with the shipped flag files (conf/) so
 * that tables get the defaults a user gets. Driven through the SDK connected by ZooKeeper
 * (sdk-engine.ts). Ready when the nameserver reports every tablet healthy. close() (or a signal,
 * or a failed start) stops every process and removes the directory.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startZooKeeper, type ZooKeeperServer } from '../runtime/zk-server.js';
import { type Connection, connect } from '../sdk/index.js';
import type { EngineUnderTest } from './engine.js';
import { freePort, makeTempDir, onAbnormalExit, ownDirectoryFlags, ProgramProcess, repoRoot, type TempDir } from './program-process.js';
import { SdkEngine } from './sdk-engine.js';

export const CLUSTER_TABLETS = 3;
const ZK_ROOT_PATH = '/openmldb_conformance';
const START_TIMEOUT_MS = 120_000;
const HEALTH_POLL_MS = 100;

interface Node {
  readonly role: 'nameserver' | 'tablet';
  readonly name: string;
  readonly endpoint: string;
  readonly dir: string;
}

class RunningCluster {
  readonly processes: ProgramProcess[] = [];
  zk: ZooKeeperServer | undefined;
  private releaseZk: (() => void) | undefined;

  constructor(readonly dir: TempDir) {}

  async startZooKeeper(): Promise<string> {
    this.zk = await startZooKeeper({ dataDir: join(this.dir.path, 'zk') });
    const zk = this.zk;
    this.releaseZk = onAbnormalExit(() => {
      process.kill(zk.pid, 'SIGKILL');
      return zk.stop();
    });
    return this.zk.connectString;
  }

  start(node: Node, zkCluster: string): ProgramProcess {
    mkdirSync(node.dir, { recursive: true });
    const proc = ProgramProcess.start(
      node.name,
      [
        `--role=${node.role}`,
        `--flagfile=${resolve(repoRoot(), 'conf', `${node.role}.flags`)}`,
        `--endpoint=${node.endpoint}`,
        `--zk_cluster=${zkCluster}`,
        `--zk_root_path=${ZK_ROOT_PATH}`,
        ...ownDirectoryFlags(node.dir),
      ],
      node.dir,
    );
    this.processes.push(proc);
    return proc;
  }

  /** Stops the nameserver and tablets, then ZooKeeper, then removes the directory. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.zk?.stop();
    this.releaseZk?.();
    this.dir.remove();
  }
}

/** Polls the nameserver until it reports `count` healthy tablets; fails when a process exits. */
async function waitForHealthyTablets(conn: Connection, cluster: RunningCluster, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const dead = cluster.processes.find((p) => p.exited);
    if (dead) throw new Error(`${dead.name} exited while the cluster was starting; output:\n${dead.output()}`);
    const r = await conn.client.ns('ShowTablet', {});
    if (r.ok) {
      const healthy = r.value.tablets.filter((t) => t.state === 'kHealthy').length;
      if (healthy >= count) return;
      last = `${healthy} of ${count} tablets healthy`;
    } else {
      last = r.message;
    }
    if (Date.now() > deadline) throw new Error(`the cluster did not get ${count} healthy tablets within ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
  }
}

/** Starts ZooKeeper, a nameserver and three tablets in a fresh temp directory and connects to them. */
export async function startClusterEngine(): Promise<EngineUnderTest> {
  const cluster = new RunningCluster(makeTempDir('conformance-cluster'));
  let conn: Connection | undefined;
  try {
    const zkCluster = await cluster.startZooKeeper();
    const nodes: Node[] = [];
    for (let i = 0; i < CLUSTER_TABLETS; i++) {
      nodes.push({ role: 'tablet', name: `tablet${i}`, endpoint: `127.0.0.1:${await freePort()}`, dir: join(cluster.dir.path, `tablet${i}`) });
    }
    nodes.push({ role: 'nameserver', name: 'nameserver', endpoint: `127.0.0.1:${await freePort()}`, dir: join(cluster.dir.path, 'ns') });
    const procs = nodes.map((n) => cluster.start(n, zkCluster));
    await Promise.all(procs.map((p) => p.waitForOutput(' is up', START_TIMEOUT_MS)));
    conn = await connect({ zkCluster, zkPath: ZK_ROOT_PATH });
    await waitForHealthyTablets(conn, cluster, CLUSTER_TABLETS, START_TIMEOUT_MS);
    const tabletEndpoints = nodes.filter((n) => n.role === 'tablet').map((n) => n.endpoint);
    return new SdkEngine(conn, tabletEndpoints, () => cluster.stop());
  } catch (err) {
    await conn?.close().catch(() => undefined);
    await cluster.stop();
    throw err;
  }
}
