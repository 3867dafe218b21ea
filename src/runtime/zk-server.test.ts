import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZkCoordinator } from './zk-coordinator.js';
import { parseServerMode, sendFourLetterWord } from './zk-four-letter.js';
import { startZooKeeper } from './zk-server.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'zk-server-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function connectRefused(host: string, port: number): Promise<boolean> {
  return sendFourLetterWord(host, port, 'ruok', 2_000).then(
    () => false,
    (err: Error) => /ECONNREFUSED/.test(err.message),
  );
}

describe('startZooKeeper', () => {
  it('starts a standalone server on a free loopback port, answers whitelisted 4lw only, and stops', async () => {
    const dataDir = tempDir();
    const server = await startZooKeeper({ dataDir });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.connectString).toBe(`127.0.0.1:${server.port}`);
      expect(isRunning(server.pid)).toBe(true);
      expect(parseServerMode(await sendFourLetterWord('127.0.0.1', server.port, 'srvr', 2_000))).toBe('standalone');
      expect(await sendFourLetterWord('127.0.0.1', server.port, 'ruok', 2_000)).toBe('imok');
      expect(await sendFourLetterWord('127.0.0.1', server.port, 'conf', 2_000)).toMatch(/not in the whitelist/);
      const cfg = readFileSync(join(dataDir, 'zoo.cfg'), 'utf8');
      expect(cfg).toContain('clientPortAddress=127.0.0.1');
      expect(cfg).toContain('admin.enableServer=false');
      // Loopback only: another local address of this machine refuses the connection.
      const other = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (other) expect(await connectRefused(other.address, server.port)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(isRunning(server.pid)).toBe(false);
    expect(await connectRefused('127.0.0.1', server.port)).toBe(true);
    await server.stop();
  });

  it('keeps its data across a restart on the same data directory', async () => {
    const dataDir = tempDir();
    const first = await startZooKeeper({ dataDir });
    const port = first.port;
    try {
      const c = await ZkCoordinator.connect({ connectString: first.connectString });
      await c.create('/kept', new TextEncoder().encode('yes'), 'persistent');
      await c.close();
    } finally {
      await first.stop();
    }
    const second = await startZooKeeper({ dataDir, port });
    try {
      const c = await ZkCoordinator.connect({ connectString: second.connectString });
      expect(new TextDecoder().decode((await c.get('/kept')).data)).toBe('yes');
      await c.close();
    } finally {
      await second.stop();
    }
  });

  it('fails with the log tail when the port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      await expect(startZooKeeper({ dataDir: tempDir(), port })).rejects.toThrow(
        new RegExp(`127\\.0\\.0\\.1:${port}.*did not start[\\s\\S]*Address already in use`),
      );
    } finally {
      busy.close();
    }
  });

  it('names the fix when the ZooKeeper jar is missing', async () => {
    const dataDir = join(tempDir(), 'never-created');
    await expect(startZooKeeper({ dataDir, zookeeperJar: '/nonexistent/zookeeper.jar' })).rejects.toThrow(
      /\/nonexistent\/zookeeper\.jar is missing; run 'node scripts\/setup\.mjs test'/,
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('says so when java cannot be run', async () => {
    await expect(startZooKeeper({ dataDir: tempDir(), javaPath: '/nonexistent/java' })).rejects.toThrow(
      /could not run java/,
    );
  });
});
