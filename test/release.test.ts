/**
 * The operator layout as users see it: `npm run release -- --out DIR` writes bin/ and conf/;
 * `sh bin/start.sh start|stop|restart <component>` runs components from that directory with pid
 * files in run/ and logs in logs/; a broken flag file makes the start fail with a clear message.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/sdk/index.js';
import { freePort } from './harness/ports.js';
import { cleanup, ROOT, tempDir } from './harness/program.js';

const run = promisify(execFile);
let dir: string;
let nsPort: number;

async function startSh(action: string, component: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('sh', [join(dir, 'bin', 'start.sh'), action, component], {
      env: { ...process.env, START_TIMEOUT: '60', STOP_TIMEOUT: '30' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function setFlag(file: string, name: string, value: string): void {
  const path = join(dir, 'conf', file);
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => !l.startsWith(`--${name}=`));
  lines.push(`--${name}=${value}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = tempDir('release');
  await run(process.execPath, [join(ROOT, 'scripts', 'release.mjs'), '--out', dir, '--version', '0.1.0']);
  nsPort = await freePort();
  setFlag('standalone.flags', 'endpoint', `127.0.0.1:${nsPort}`);
  setFlag('standalone.flags', 'tablet', `127.0.0.1:${await freePort()}`);
});

afterAll(async () => {
  await startSh('stop', 'standalone');
  await cleanup();
});

describe('release layout and start.sh', () => {
  it('writes a self-contained bin and the conf templates', () => {
    for (const f of ['bin/openmldb', 'bin/openmldb.mjs', 'bin/start.sh', 'bin/VERSION']) expect(existsSync(join(dir, f))).toBe(true);
    for (const f of ['standalone.flags', 'tablet.flags', 'nameserver.flags', 'apiserver.flags', 'zoo.cfg']) {
      expect(existsSync(join(dir, 'conf', f))).toBe(true);
    }
    expect(readFileSync(join(dir, 'bin', 'VERSION'), 'utf8').trim()).toBe('0.1.0');
  });

  it('starts, reports already running, stops and restarts the standalone component', async () => {
    const started = await startSh('start', 'standalone');
    expect(started.out).toMatch(/Start standalone success/);
    expect(started.code).toBe(0);
    const pid = Number(readFileSync(join(dir, 'run', 'standalone.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect((await startSh('start', 'standalone')).out).toMatch(/standalone already running \(pid \d+\)/);

    const conn = await connect({ host: '127.0.0.1', port: nsPort });
    await conn.createDatabase('rel');
    await conn.close();

    const restarted = await startSh('restart', 'standalone');
    expect(restarted.out).toMatch(/Stop standalone success[\s\S]*Start standalone success/);
    const again = await connect({ host: '127.0.0.1', port: nsPort });
    expect(await again.listDatabases()).toEqual(['rel']);
    await again.close();

    const stopped = await startSh('stop', 'standalone');
    expect(stopped.out).toMatch(/Stop standalone success/);
    expect(existsSync(join(dir, 'run', 'standalone.pid'))).toBe(false);
    expect(existsSync(join(dir, 'logs', 'standalone.log'))).toBe(true);
    expect((await startSh('stop', 'standalone')).out).toMatch(/standalone is not running/);
  });

  it('refuses to start with an unknown flag, naming the file, the line and the flag', async () => {
    setFlag('standalone.flags', 'no_such_flag', '1');
    const r = await startSh('start', 'standalone');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/conf\/standalone\.flags:\d+: unknown flag --no_such_flag/);
    const path = join(dir, 'conf', 'standalone.flags');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/--no_such_flag=1\n/, ''));
  });

  it('starts and stops ZooKeeper from conf/zoo.cfg on loopback', async () => {
    const zkPort = await freePort();
    const cfg = join(dir, 'conf', 'zoo.cfg');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8')
        .replace(/clientPort=\d+/, `clientPort=${zkPort}`)
        .replace(/dataDir=.*/, `dataDir=${join(dir, 'zk-data')}`),
    );
    const started = await startSh('start', 'zookeeper');
    expect(started.out).toMatch(/Start zookeeper success/);
    const stopped = await startSh('stop', 'zookeeper');
    expect(stopped.out).toMatch(/Stop zookeeper success/);
  });
});
