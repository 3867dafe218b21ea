import { join } from 'node:path';
import { freePort } from './ports.js';
import { type Proc, ROOT, startProgram, tempDir, waitReady } from './program.js';

export interface Standalone {
  readonly dir: string;
  readonly nsEndpoint: string;
  readonly tabletEndpoint: string;
  readonly host: string;
  readonly port: number;
  proc: Proc;
  restart(): Promise<void>;
}

/** A standalone database in a temp dir on free loopback ports, started and ready. */
export async function startStandalone(extraFlags: string[] = []): Promise<Standalone> {
  const dir = tempDir('standalone');
  const port = await freePort();
  const tabletPort = await freePort();
  const nsEndpoint = `127.0.0.1:${port}`;
  const tabletEndpoint = `127.0.0.1:${tabletPort}`;
  const args = [
    '--role=standalone',
    `--flagfile=${join(ROOT, 'conf', 'standalone.flags')}`,
    `--endpoint=${nsEndpoint}`,
    `--tablet=${tabletEndpoint}`,
    `--db_root_path=${join(dir, 'db')}`,
    `--recycle_bin_root_path=${join(dir, 'recycle')}`,
    `--openmldb_log_dir=${join(dir, 'logs')}`,
    ...extraFlags,
  ];
  const s: Standalone = {
    dir,
    nsEndpoint,
    tabletEndpoint,
    host: '127.0.0.1',
    port,
    proc: startProgram(args, dir),
    async restart() {
      s.proc = startProgram(args, dir);
      await waitReady(s.proc, nsEndpoint, dir);
    },
  };
  await waitReady(s.proc, nsEndpoint, dir);
  return s;
}
