import type { LogFields, Logger } from '../ports/logger.js';

/**
 * The simulator's log: faults, restarts, phase changes and every process's log lines (info and
 * above), stamped with fake time and the process name. The last `linesKept` lines are kept for
 * the report of a failed run; with a `sink` every line is also printed (--verbose). A running hash
 * of all lines lets tests check that a seed replays identically.
 */
export type TraceLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<TraceLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface SimTraceOptions {
  readonly nowMs: () => number;
  readonly linesKept?: number;
  /** Lowest level recorded from process loggers (the simulator's own lines are always recorded). */
  readonly level?: TraceLevel;
  readonly sink?: (line: string) => void;
}

export class SimTrace {
  readonly #ring: string[];
  #next = 0;
  #count = 0;
  #hash = 0x811c9dc5;
  readonly #rank: number;

  constructor(private readonly options: SimTraceOptions) {
    this.#ring = new Array<string>(Math.max(1, options.linesKept ?? 400));
    this.#rank = LEVEL_RANK[options.level ?? 'info'];
  }

  /** Lines recorded so far (including those no longer kept). */
  get count(): number {
    return this.#count;
  }

  /** FNV-1a over every recorded line: equal for two runs of the same seed. */
  get hash(): string {
    return (this.#hash >>> 0).toString(16).padStart(8, '0');
  }

  /** A line from the simulator itself (faults, phases, checks). */
  note(message: string, fields?: LogFields): void {
    this.#record(`sim ${message}${formatFields(fields)}`);
  }

  /** The last lines kept, oldest first. */
  lines(last = Number.POSITIVE_INFINITY): string[] {
    const kept = Math.min(this.#count, this.#ring.length);
    const out: string[] = [];
    for (let i = kept; i > 0; i--) out.push(this.#ring[(this.#next - i + this.#ring.length) % this.#ring.length]!);
    return out.slice(Math.max(0, out.length - last));
  }

  /** A Logger for one process that writes into this trace. */
  logger(node: string, base: LogFields = {}): Logger {
    const write = (level: TraceLevel, msg: string, fields?: LogFields): void => {
      if (LEVEL_RANK[level] < this.#rank) return;
      this.#record(`${node} ${level} ${msg}${formatFields({ ...base, ...fields })}`);
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => this.logger(node, { ...base, ...fields }),
    };
  }

  #record(text: string): void {
    const line = `[${String(this.options.nowMs()).padStart(7)} ms] ${text}`;
    this.#ring[this.#next] = line;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#count++;
    for (let i = 0; i < line.length; i++) this.#hash = Math.imul(this.#hash ^ line.charCodeAt(i), 16777619);
    this.options.sink?.(line);
  }
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(`${k}=${typeof v === 'string' ? v : safeJson(v)}`);
  }
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
