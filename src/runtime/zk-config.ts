import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One member of a ZooKeeper ensemble (`server.<id>=host:peerPort:electionPort`). */
export interface ZooEnsembleMember {
  id: number;
  host: string;
  peerPort: number;
  electionPort: number;
}

export interface ZooCfg {
  /** Where ZooKeeper keeps snapshots and transaction logs. */
  dataDir: string;
  clientPort: number;
  /** Loopback by default: the server never listens on other interfaces unless asked. */
  clientPortAddress?: string;
  /** The session-timeout unit; the server clamps sessions to [min, max] (default [2, 20] ticks). */
  tickTimeMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** false skips fsync on every write (benchmarks only). */
  forceSync?: boolean;
  /** Ensemble members; omit for a standalone server. */
  ensemble?: ZooEnsembleMember[];
  initLimitTicks?: number;
  syncLimitTicks?: number;
}

/** The four-letter-word commands the server answers; everything else is refused. */
export const zooFourLetterWhitelist = ['srvr', 'ruok', 'mntr', 'stat'] as const;

/** zoo.cfg text: loopback-only client port, admin server (Jetty on :8080) off, a short 4lw whitelist. */
export function renderZooCfg(cfg: ZooCfg): string {
  const tickTimeMs = cfg.tickTimeMs ?? 500;
  const lines = [
    `tickTime=${tickTimeMs}`,
    `dataDir=${cfg.dataDir}`,
    `clientPort=${cfg.clientPort}`,
    `clientPortAddress=${cfg.clientPortAddress ?? '127.0.0.1'}`,
    'admin.enableServer=false',
    `4lw.commands.whitelist=${zooFourLetterWhitelist.join(',')}`,
    `minSessionTimeout=${cfg.minSessionTimeoutMs ?? 2 * tickTimeMs}`,
    `maxSessionTimeout=${cfg.maxSessionTimeoutMs ?? 20 * tickTimeMs}`,
  ];
  if (cfg.forceSync === false) lines.push('forceSync=no');
  if (cfg.ensemble && cfg.ensemble.length > 0) {
    lines.push(`initLimit=${cfg.initLimitTicks ?? 10}`, `syncLimit=${cfg.syncLimitTicks ?? 5}`);
    for (const m of cfg.ensemble) lines.push(`server.${m.id}=${m.host}:${m.peerPort}:${m.electionPort}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes zoo.cfg at `file` and creates the data directory. For an ensemble member pass `myId`:
 * it is written to dataDir/myid as ZooKeeper requires.
 */
export function writeZooCfg(file: string, cfg: ZooCfg, myId?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  mkdirSync(cfg.dataDir, { recursive: true });
  writeFileSync(file, renderZooCfg(cfg));
  if (myId !== undefined) writeFileSync(join(cfg.dataDir, 'myid'), `${myId}\n`);
}
