/**
 * Shared wiring for server processes: logger from flags, the tablet's partition environment, the
 * endpoint to bind, and orderly shutdown on SIGTERM/SIGINT (stop accepting, flush, exit 0).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { Flags } from '../config/flags.js';
import type { Logger } from '../ports/logger.js';
import { FsDisk } from '../runtime/fs-disk.js';
import { nodeTimers, systemClock } from '../runtime/node-clock.js';
import { createLogger } from '../runtime/pino-logger.js';
import type { PartitionEnv } from '../tablet/partition-env.js';
import { partitionLimitsFromFlags } from './partition-limits.js';

export function loggerFor(flags: Flags, component: string): Logger {
  const dir = flags.string('openmldb_log_dir');
  return createLogger({ component, level: flags.string('log_level'), ...(dir ? { dir } : {}) });
}

export function endpointOf(flags: Flags): string {
  const endpoint = flags.string('endpoint');
  if (endpoint) return endpoint;
  const port = flags.int('port');
  if (port > 0) return `127.0.0.1:${port}`;
  throw new Error('configuration error: --endpoint (ip:port) is required');
}

export function partitionEnv(flags: Flags, logger: Logger): PartitionEnv {
  return {
    disk: new FsDisk(),
    crc32: (data, initial) => zlibCrc32(data, initial),
    clock: systemClock,
    timers: nodeTimers,
    logger,
    limits: partitionLimitsFromFlags(flags),
  };
}

export function warnIneffectiveFlags(flags: Flags, logger: Logger): void {
  for (const name of flags.ineffective()) {
    logger.warn(`flag --${name} is accepted for compatibility but has no effect in this implementation`);
  }
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits (1 if stopping failed). */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (err) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
