/**
 * Our standalone database as a real process for benchmarks: the bundled program
 * (build/bin/openmldb.mjs) in its own temp dir on free loopback ports, started, stopped and
 * restarted over the same data. Tables are watched through the tablet's GetTableStatus RPC.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TablePartitionStatus } from '../../src/protocol/messages.js';
import { callNameServer, callTablet } from '../../src/protocol/typed-call.js';
import type { RpcClient } from '../../src/ports/transport.js';
import { TcpTransport } from '../../src/runtime/tcp-transport.js';
import { type Child, spawnChild, tempDir } from './children.js';
import { freePort } from './free-port.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const PROGRAM = join(ROOT, 'build', 'bin', 'openmldb.mjs');
const POLL_MS = 10;

/** Keeps the daily snapshot out of a run that happens to cross its hour (make_snapshot_time). */
const QUIET_FLAGS = ['--make_snapshot_check_interval=86400000'];

export interface StandaloneServer {
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  readonly nsEndpoint: string;
  readonly tabletEndpoint: string;
  /** <log dir>/standalone.INFO.log */
  readonly logFile: string;
  readonly dataDir: string;
  /** The running process (replaced by `start`). */
  readonly child: Child;
  /** Spawns the process over the same data (the previous one must have exited). */
  start(nodeArgs?: readonly string[]): void;
  /** Resolves once the nameserver answers ShowDatabases. */
  waitServing(timeoutMs?: number): Promise<void>;
  /** Partitions the tablet holds now ([] while it is not listening yet or still loading). */
  tableStatus(tid?: number): Promise<TablePartitionStatus[]>;
  /** The tablet's RPC client (for MakeSnapshot and such). */
  tablet(): RpcClient;
  close(): void;
}

export async function startStandalone(options: { nodeArgs?: readonly string[]; extraFlags?: readonly string[] } = {}): Promise<StandaloneServer> {
  const dir = tempDir('standalone');
  const port = await freePort();
  const tabletPort = await freePort();
  const host = '127.0.0.1';
  const nsEndpoint = `${host}:${port}`;
  const tabletEndpoint = `${host}:${tabletPort}`;
  const logDir = join(dir, 'logs');
  const dataDir = join(dir, 'db');
  const args = [
    '--role=standalone',
    `--flagfile=${join(ROOT, 'conf', 'standalone.flags')}`,
    `--endpoint=${nsEndpoint}`,
    `--tablet=${tabletEndpoint}`,
    `--db_root_path=${dataDir}`,
    `--recycle_bin_root_path=${join(dir, 'recycle')}`,
    `--openmldb_log_dir=${logDir}`,
    ...QUIET_FLAGS,
    ...(options.extraFlags ?? []),
  ];
  const transport = new TcpTransport({ role: 'client', connectTimeoutMs: 1_000 });
  const ns = transport.connect(nsEndpoint);
  const tablet = transport.connect(tabletEndpoint);
  let child = spawnChild(process.execPath, [...(options.nodeArgs ?? []), PROGRAM, ...args], dir);

  const exitedEarly = (): Error | undefined =>
    child.process.exitCode !== null || child.process.signalCode !== null
      ? new Error(`the standalone database exited (${child.process.exitCode ?? child.process.signalCode}): ${child.output()}`)
      : undefined;

  const server: StandaloneServer = {
    dir,
    host,
    port,
    nsEndpoint,
    tabletEndpoint,
    logFile: join(logDir, 'standalone.INFO.log'),
    dataDir,
    get child() {
      return child;
    },
    start(nodeArgs = options.nodeArgs ?? []) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        throw new Error('start: the previous standalone process is still running');
      }
      child = spawnChild(process.execPath, [...nodeArgs, PROGRAM, ...args], dir);
    },
    async waitServing(timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const early = exitedEarly();
        if (early) throw early;
        const r = await callNameServer(ns, 'ShowDatabases', {}, { timeoutMs: 1_000 });
        if (r.ok) return;
        if (performance.now() > deadline) {
          throw new Error(`the standalone database did not serve within ${timeoutMs} ms (last: ${r.message}): ${child.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async tableStatus(tid) {
      const early = exitedEarly();
      if (early) throw early;
      const r = await callTablet(tablet, 'GetTableStatus', tid === undefined ? {} : { tid }, { timeoutMs: 5_000 });
      return r.ok ? r.value.partitions : [];
    },
    tablet: () => tablet,
    close() {
      ns.close();
      tablet.close();
    },
  };
  await server.waitServing();
  return server;
}

/** The JSON lines (pino) of the server's log file; [] while it does not exist. */
export function logLines(logFile: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line being written as we read: skip it.
    }
  }
  return lines;
}
