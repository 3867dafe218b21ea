/**
 * A standalone database for benchmarks that choose the program file (pinned-program.ts): the
 * same process and flags as standalone-server.ts (own temp dir, free loopback ports), started and
 * serving.
 */
import { join } from 'node:path';
import { callNameServer } from '../../src/protocol/typed-call.js';
import { TcpTransport } from '../../src/runtime/tcp-transport.js';
import { type Child, spawnChild, tempDir } from './children.js';
import { freePort } from './free-port.js';
import { ROOT } from './standalone-server.js';

export interface StandaloneProcess {
  readonly host: string;
  readonly port: number;
  readonly child: Child;
}

export async function startStandaloneProgram(program: string, nodeArgs: readonly string[] = [], timeoutMs = 60_000): Promise<StandaloneProcess> {
  const dir = tempDir('standalone');
  const host = '127.0.0.1';
  const port = await freePort();
  const tabletPort = await freePort();
  const child = spawnChild(
    process.execPath,
    [
      ...nodeArgs,
      program,
      '--role=standalone',
      `--flagfile=${join(ROOT, 'conf', 'standalone.flags')}`,
      `--endpoint=${host}:${port}`,
      `--tablet=${host}:${tabletPort}`,
      `--db_root_path=${join(dir, 'db')}`,
      `--recycle_bin_root_path=${join(dir, 'recycle')}`,
      `--openmldb_log_dir=${join(dir, 'logs')}`,
      '--make_snapshot_check_interval=86400000',
    ],
    dir,
  );
  const transport = new TcpTransport({ role: 'client', connectTimeoutMs: 1_000 });
  const ns = transport.connect(`${host}:${port}`);
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`the standalone database exited: ${child.output()}`);
      const r = await callNameServer(ns, 'ShowDatabases', {}, { timeoutMs: 1_000 });
      if (r.ok) break;
      if (performance.now() > deadline) throw new Error(`the standalone database did not serve within ${timeoutMs} ms: ${child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    ns.close();
  }
  return { host, port, child };
}
