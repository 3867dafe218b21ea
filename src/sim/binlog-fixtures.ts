import type { LogEntry, NewLogEntry } from '../binlog/log-entry.js';
import type { TimerHandle, Timers } from '../ports/clock.js';
import type { LogFields, Logger } from '../ports/logger.js';
import type { RowInspector } from '../snapshot/row-inspector.js';

/**
 * Test fixtures for binlog and snapshot tests that run on the simulated disk: manual timers, a
 * logger that records, and a toy row format with its RowInspector and a naive model table.
 */

/** Timers that fire only when the test advances time. */
export class ManualTimers implements Timers {
  #nowMs = 0;
  #nextId = 0;
  readonly #timers = new Map<number, { atMs: number; intervalMs: number | undefined; fn: () => void }>();

  get nowMs(): number {
    return this.#nowMs;
  }
  get active(): number {
    return this.#timers.size;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    return this.#add(delayMs, undefined, fn);
  }

  every(intervalMs: number, fn: () => void): TimerHandle {
    return this.#add(intervalMs, intervalMs, fn);
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const until = this.#nowMs + ms;
    while (true) {
      let next: [number, { atMs: number; intervalMs: number | undefined; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].atMs <= until && (!next || entry[1].atMs < next[1].atMs)) next = entry;
      if (!next) break;
      const [id, timer] = next;
      this.#nowMs = timer.atMs;
      if (timer.intervalMs === undefined) this.#timers.delete(id);
      else timer.atMs += timer.intervalMs;
      timer.fn();
    }
    this.#nowMs = until;
  }

  #add(delayMs: number, intervalMs: number | undefined, fn: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { atMs: this.#nowMs + Math.max(1, delayMs), intervalMs, fn });
    return { cancel: () => this.#timers.delete(id) };
  }
}

export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];
  debug(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  child(): Logger {
    return this;
  }
  has(msg: string): boolean {
    return this.lines.some((l) => l.msg === msg);
  }
}

/**
 * Toy row: UTF-8 text `key0,key1,...|ts|expiresAtMs|payload`, one key per index position. The
 * row's time is `ts` for every index; it expires at `expiresAtMs` (0 = never).
 */
export function toyRow(keys: readonly string[], ts: number, payload: string, expiresAtMs = 0): Uint8Array {
  return new TextEncoder().encode(`${keys.join(',')}|${ts}|${expiresAtMs}|${payload}`);
}

function toyFields(row: Uint8Array): string[] {
  return new TextDecoder().decode(row).split('|');
}

export const toyInspector: RowInspector = {
  keyOf: (row, indexPos) => toyFields(row)[0]!.split(',')[indexPos] ?? '',
  tsOf: (row) => Number(toyFields(row)[1]),
  isExpired: (row, _insertTsMs, nowMs) => {
    const expiresAtMs = Number(toyFields(row)[2]);
    return expiresAtMs > 0 && expiresAtMs <= nowMs;
  },
};

export function toyPut(term: number, keys: readonly string[], ts: number, payload: string, expiresAtMs = 0): NewLogEntry {
  return {
    term,
    kind: 'put',
    insertTsMs: ts,
    indexPositions: keys.map((_, i) => i),
    row: toyRow(keys, ts, payload, expiresAtMs),
  };
}

/** A row as a comparable value (bytes as text). */
export interface ModelRow {
  readonly row: string;
  readonly insertTsMs: number;
  readonly indexPositions: readonly number[];
}

/**
 * The table a sequence of entries describes, with the delete semantics of the in-memory table and
 * of snapshots: a delete removes every earlier row stored under the index it names whose key and
 * time under that index match; the row goes whole, from every index.
 */
export class ModelTable {
  rows: ModelRow[] = [];

  putRow(row: Uint8Array, insertTsMs: number, indexPositions: readonly number[]): void {
    this.rows.push({ row: new TextDecoder().decode(row), insertTsMs, indexPositions: [...indexPositions] });
  }

  applyEntry(entry: LogEntry): void {
    if (entry.kind === 'put') {
      this.putRow(entry.row!, entry.insertTsMs, entry.indexPositions!);
      return;
    }
    const spec = entry.delete!;
    const encoder = new TextEncoder();
    this.rows = this.rows.filter((r) => {
      if (!r.indexPositions.includes(spec.indexPos)) return true;
      const bytes = encoder.encode(r.row);
      const key = toyInspector.keyOf(bytes, spec.indexPos);
      const ts = toyInspector.tsOf(bytes, spec.indexPos, r.insertTsMs);
      const hit =
        (spec.key === undefined || spec.key === key) &&
        (spec.fromTsMs === undefined || ts >= spec.fromTsMs) &&
        (spec.toTsMs === undefined || ts < spec.toTsMs);
      return !hit;
    });
  }

  dropExpired(nowMs: number): void {
    const encoder = new TextEncoder();
    this.rows = this.rows.filter((r) => !toyInspector.isExpired!(encoder.encode(r.row), r.insertTsMs, nowMs));
  }
}
