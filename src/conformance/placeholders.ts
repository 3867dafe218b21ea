/**
 * Placeholders in case SQL: `{N}` is the name of input table N, `{auto}` a fresh name for the case,
 * `{tb_endpoint_N}` the endpoint of tablet N. Input tables without a `name` get generated
 * `auto_...` names, unique within a run. In input rows, `{currentTime}` and `{currentTime}-N`
 * (Java dialect, TTL cases) are the replay's current epoch milliseconds, minus N.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import { invalid } from './raw.js';

export interface Naming {
  readonly tableNames: readonly string[];
  /** Substituted for every `{auto}` of the case. */
  readonly autoName: string;
  readonly endpoints: readonly string[];
  /** Current epoch milliseconds for `{currentTime}` in rows; cases using it fail without. */
  readonly nowMs?: number;
}

const CURRENT_TIME = /^\{currentTime\}\s*(?:([+-])\s*(\d+))?$/;

/** A row value with `{currentTime}[±N]` replaced by the number; other values are returned as is. */
export function fillCurrentTime(value: string, nowMs: number | undefined): Result<string> {
  const m = CURRENT_TIME.exec(value.trim());
  if (!m) return ok(value);
  if (nowMs === undefined) return invalid(`'${value}' needs the current time, which the runner did not give`);
  const offset = m[2] === undefined ? 0 : Number(m[2]) * (m[1] === '-' ? -1 : 1);
  return ok(String(nowMs + offset));
}

const PLACEHOLDER = /\{(\d+)\}|\{auto\}|\{tb_endpoint_(\d+)\}/g;

export function fillPlaceholders(text: string, naming: Naming): Result<string> {
  let problem: string | undefined;
  const filled = text.replace(PLACEHOLDER, (whole, table: string | undefined, endpoint: string | undefined) => {
    if (table !== undefined) {
      const name = naming.tableNames[Number(table)];
      if (name === undefined) problem ??= `SQL refers to ${whole} but the case has ${naming.tableNames.length} input table(s)`;
      return name ?? whole;
    }
    if (endpoint !== undefined) {
      const ep = naming.endpoints[Number(endpoint)];
      if (ep === undefined) problem ??= `SQL refers to ${whole} but the engine reports ${naming.endpoints.length} tablet endpoint(s)`;
      return ep ?? whole;
    }
    return naming.autoName;
  });
  return problem === undefined ? ok(filled) : invalid(problem);
}

/** Generates `auto_` names: lower-case letters, unique per generator. */
export function autoNameGenerator(prefix = 'auto_'): () => string {
  let next = 0;
  return () => {
    let n = next++;
    let letters = '';
    do {
      letters = String.fromCharCode(97 + (n % 26)) + letters;
      n = Math.floor(n / 26);
    } while (n > 0);
    return prefix + letters.padStart(6, 'a');
  };
}
