import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { LogFields, Logger } from '../ports/logger.js';

/**
 * JSON-lines logs through pino. With a directory, each component writes `<dir>/<component>.INFO.log`
 * (start.sh sends stdout/stderr to `<component>.log` beside it); without one, logs go to stderr.
 * Writes are synchronous so nothing is lost when the process is killed right after an error.
 * The process id is `process_pid`: `pid` in a line is always a partition id (cluster.md's name).
 */
export function createLogger(options: { component: string; level: string; dir?: string }): Logger {
  let destination: pino.DestinationStream;
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    destination = pino.destination({ dest: join(options.dir, `${options.component}.INFO.log`), sync: true });
  } else {
    destination = pino.destination({ dest: 2, sync: true });
  }
  const base = pino({ level: options.level, base: { component: options.component, process_pid: process.pid } }, destination);
  return wrap(base);
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg: string, fields?: LogFields) => p.debug(fields ?? {}, msg),
    info: (msg: string, fields?: LogFields) => p.info(fields ?? {}, msg),
    warn: (msg: string, fields?: LogFields) => p.warn(fields ?? {}, msg),
    error: (msg: string, fields?: LogFields) => p.error(fields ?? {}, msg),
    child: (fields: LogFields) => wrap(p.child(fields)),
  };
}
