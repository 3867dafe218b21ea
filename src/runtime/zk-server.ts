import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeZooCfg } from './zk-config.js';
import { parseServerMode, sendFourLetterWord } from './zk-four-letter.js';

/** The config writer lives in zk-config.ts; re-exported for callers that start from here. */
export { renderZooCfg, writeZooCfg } from './zk-config.js';

export const debianZooKeeperJar = '/usr/share/java/zookeeper.jar';
/** SLF4J binding so the server logs to stderr; without it ZooKeeper logs nothing. Optional. */
const slf4jSimpleJar = '/usr/share/java/slf4j-simple.jar';
const host = '127.0.0.1';
const probeTimeoutMs = 1_000;
const probeIntervalMs = 50;
/** Attempts when the port is picked here (another process may take it between pick and bind). */
const freePortAttemptsMax = 3;
const logTailBytes = 4_000;

export interface StartZooKeeperOptions {
  /** A directory this server owns (created if missing): zoo.cfg, zookeeper.log and the data. */
  dataDir: string;
  /** 0 (the default) picks a free loopback port. */
  port?: number;
  tickTimeMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** false skips fsync per write (benchmarks only). Default true. */
  forceSync?: boolean;
  /** How long to wait for `srvr` to report standalone mode. Default 30 s (a JVM on a busy 2-core box). */
  readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL in stop(). Default 5 s. */
  stopTimeoutMs?: number;
  javaPath?: string;
  heapMbMax?: number;
  zookeeperJar?: string;
}

export interface ZooKeeperServer {
  /** For clients: '127.0.0.1:<port>'. */
  readonly connectString: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** SIGTERM, wait for exit, SIGKILL after stopTimeoutMs. Idempotent. */
  stop(): Promise<void>;
}

/** Servers still running when this process exits are killed (a crashed test must not leak a JVM). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForExit(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/**
 * Starts a standalone Apache ZooKeeper (the Debian package's jar) on loopback and resolves once
 * `srvr` reports `Mode: standalone`. Throws with the log tail if it never gets ready.
 */
export async function startZooKeeper(options: StartZooKeeperOptions): Promise<ZooKeeperServer> {
  const jar = options.zookeeperJar ?? debianZooKeeperJar;
  if (!existsSync(jar)) {
    throw new Error(
      `cannot start ZooKeeper: ${jar} is missing; run 'node scripts/setup.mjs test' ` +
        `(or 'apt-get install zookeeper'; not zookeeperd)`,
    );
  }
  mkdirSync(options.dataDir, { recursive: true });
  const attempts = options.port ? 1 : freePortAttemptsMax;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port || (await pickFreeLoopbackPort());
    try {
      return await startOnPort(options, jar, port);
    } catch (err) {
      lastError = err as Error;
      if (!/Address already in use/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function startOnPort(options: StartZooKeeperOptions, jar: string, port: number): Promise<ZooKeeperServer> {
  const dataDir = options.dataDir;
  const cfgFile = join(dataDir, 'zoo.cfg');
  const logFile = join(dataDir, 'zookeeper.log');
  writeZooCfg(cfgFile, {
    dataDir,
    clientPort: port,
    clientPortAddress: host,
    tickTimeMs: options.tickTimeMs ?? 500,
    minSessionTimeoutMs: options.minSessionTimeoutMs,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs,
    forceSync: options.forceSync,
  });
  const classPath = existsSync(slf4jSimpleJar) ? `${jar}:${slf4jSimpleJar}` : jar;
  const args = [
    `-Xmx${options.heapMbMax ?? 256}m`,
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dzookeeper.admin.enableServer=false',
    '-cp',
    classPath,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    cfgFile,
  ];
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.javaPath ?? 'java', args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  trackForExit(child);
  const status: { exit: number | string | null; spawnError: Error | null } = { exit: null, spawnError: null };
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status.exit = code ?? signal ?? 'unknown';
      running.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      status.spawnError = err;
      status.exit ??= 'spawn error';
      running.delete(child);
      resolve();
    });
  });

  const what = `ZooKeeper on ${host}:${port} (dataDir ${dataDir})`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = performance.now() + readyTimeoutMs;
  let lastAnswer = 'no answer yet';
  for (;;) {
    if (status.exit !== null) {
      const cause = status.spawnError
        ? `could not run java: ${status.spawnError.message}`
        : `it exited (${status.exit})`;
      throw new Error(`${what} did not start: ${cause}\n${logTail(logFile)}`);
    }
    try {
      const answer = await sendFourLetterWord(host, port, 'srvr', probeTimeoutMs);
      if (parseServerMode(answer) === 'standalone') break;
      lastAnswer = answer.trim().slice(0, 200) || 'empty answer';
    } catch (err) {
      lastAnswer = (err as Error).message;
    }
    if (performance.now() >= deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `${what} was not serving after ${readyTimeoutMs} ms (last srvr probe: ${lastAnswer})\n${logTail(logFile)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, probeIntervalMs));
  }

  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (status.exit !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), stopTimeoutMs);
      });
      const graceOver = await Promise.race([exited.then(() => false), timedOut]);
      clearTimeout(timer);
      if (graceOver) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };
  return { connectString: `${host}:${port}`, port, pid: child.pid!, dataDir, logFile, stop };
}

function pickFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free loopback port'))));
    });
  });
}

function logTail(logFile: string): string {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return `(no log at ${logFile})`;
  }
  const tail = text.length > logTailBytes ? `...${text.slice(-logTailBytes)}` : text;
  return `--- tail of ${logFile} ---\n${tail.trimEnd() || '(empty)'}`;
}
