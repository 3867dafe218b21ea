import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderZooCfg, writeZooCfg } from './zk-config.js';

describe('renderZooCfg', () => {
  it('defaults to loopback, no admin server, a short 4lw whitelist and sessions of 2..20 ticks', () => {
    const lines = renderZooCfg({ dataDir: '/d', clientPort: 2181 }).trim().split('\n');
    expect(lines).toEqual([
      'tickTime=500',
      'dataDir=/d',
      'clientPort=2181',
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,ruok,mntr,stat',
      'minSessionTimeout=1000',
      'maxSessionTimeout=10000',
    ]);
  });

  it('writes ensemble members, limits, forceSync and explicit session bounds', () => {
    const text = renderZooCfg({
      dataDir: '/d',
      clientPort: 2182,
      clientPortAddress: '0.0.0.0',
      tickTimeMs: 2000,
      minSessionTimeoutMs: 3000,
      maxSessionTimeoutMs: 9000,
      forceSync: false,
      ensemble: [
        { id: 1, host: '127.0.0.1', peerPort: 28881, electionPort: 38881 },
        { id: 2, host: '127.0.0.1', peerPort: 28882, electionPort: 38882 },
      ],
    });
    expect(text).toContain('tickTime=2000\n');
    expect(text).toContain('clientPortAddress=0.0.0.0\n');
    expect(text).toContain('minSessionTimeout=3000\nmaxSessionTimeout=9000\n');
    expect(text).toContain('forceSync=no\n');
    expect(text).toContain('initLimit=10\nsyncLimit=5\n');
    expect(text).toContain('server.1=127.0.0.1:28881:38881\nserver.2=127.0.0.1:28882:38882\n');
  });
});

describe('writeZooCfg', () => {
  it('writes the file, creates the data directory and the myid of an ensemble member', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zk-config-test-'));
    try {
      const dataDir = join(dir, 'n2', 'data');
      writeZooCfg(join(dir, 'n2', 'zoo.cfg'), { dataDir, clientPort: 2182 }, 2);
      expect(readFileSync(join(dir, 'n2', 'zoo.cfg'), 'utf8')).toBe(renderZooCfg({ dataDir, clientPort: 2182 }));
      expect(readFileSync(join(dataDir, 'myid'), 'utf8')).toBe('2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
