/**
 * gflags-style flags: `--name=value` on the command line and in flag files (one per line, `#`
 * comments, blank lines ignored). Strict: an unknown flag, a malformed line or a value of the wrong
 * type is an error that names the flag and where it came from (file:line or the command line).
 */
import { type Failure, fail, ok, type Result } from '../base/status.js';
import { Code } from '../base/status.js';
import { FLAGS_BY_NAME, type FlagDefinition } from './flag-definitions.js';

export type FlagValue = string | number | boolean;

export interface FlagSetting {
  readonly name: string;
  readonly value: FlagValue;
  /** 'file:line' or 'command line'. */
  readonly source: string;
}

export type FlagValues = ReadonlyMap<string, FlagValue>;

function parseValue(def: FlagDefinition, raw: string | undefined, where: string): Result<FlagValue> {
  switch (def.type) {
    case 'bool': {
      if (raw === undefined) return ok(true);
      const v = raw.trim().toLowerCase();
      if (v === 'true' || v === '1' || v === 'yes') return ok(true);
      if (v === 'false' || v === '0' || v === 'no') return ok(false);
      return fail(Code.invalidParameter, `${where}: flag --${def.name} expects true or false, got '${raw}'`);
    }
    case 'int': {
      const v = (raw ?? '').trim();
      if (!/^-?\d+$/.test(v)) {
        return fail(Code.invalidParameter, `${where}: flag --${def.name} expects an integer, got '${raw ?? ''}'`);
      }
      const n = Number(v);
      if (!Number.isSafeInteger(n)) {
        return fail(Code.invalidParameter, `${where}: flag --${def.name} value ${v} is out of range`);
      }
      if (def.min !== undefined && n < def.min) {
        return fail(Code.invalidParameter, `${where}: flag --${def.name} must be >= ${def.min}, got ${n}`);
      }
      return ok(n);
    }
    case 'string':
      return ok(raw ?? '');
  }
}

/**
 * Parses one `--name=value` token (also `--name value`-less bools and `--noname`). `known`: the
 * flags of this build (tests pass another version's, see flagsForVersion).
 */
export function parseFlagToken(
  token: string,
  where: string,
  known: ReadonlyMap<string, FlagDefinition> = FLAGS_BY_NAME,
): Result<FlagSetting> {
  const m = /^--?([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(token);
  if (!m) return fail(Code.invalidParameter, `${where}: expected --name=value, got '${token}'`);
  let name = m[1]!;
  let raw = m[2];
  let def = known.get(name);
  if (!def && name.startsWith('no') && raw === undefined) {
    const negated = known.get(name.slice(2));
    if (negated?.type === 'bool') {
      def = negated;
      name = negated.name;
      raw = 'false';
    }
  }
  if (!def) return fail(Code.invalidParameter, `${where}: unknown flag --${name}`);
  if (raw === undefined && def.type !== 'bool') {
    return fail(Code.invalidParameter, `${where}: flag --${name} needs a value (--${name}=...)`);
  }
  const value = parseValue(def, raw, where);
  if (!value.ok) return value;
  return ok({ name, value: value.value, source: where });
}

/** Parses the text of a flag file. */
export function parseFlagFile(text: string, fileName: string): Result<FlagSetting[]> {
  const settings: FlagSetting[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseFlagToken(line, `${fileName}:${i + 1}`);
    if (!parsed.ok) return parsed;
    if (parsed.value.name === 'flagfile') {
      return fail(Code.invalidParameter, `${fileName}:${i + 1}: nested --flagfile is not supported`);
    }
    settings.push(parsed.value);
  }
  return ok(settings);
}

export interface ParsedArgs {
  readonly settings: FlagSetting[];
  /** Arguments that are not flags (commands for the shells). */
  readonly positional: string[];
}

export function parseCommandLine(argv: readonly string[]): Result<ParsedArgs> {
  const settings: FlagSetting[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    // Accept `--name value` for non-bool flags, as gflags does.
    let token = arg;
    const m = /^--?([A-Za-z_][A-Za-z0-9_]*)$/.exec(arg);
    const def = m ? FLAGS_BY_NAME.get(m[1]!) : undefined;
    if (def && def.type !== 'bool' && i + 1 < argv.length) token = `${arg}=${argv[++i]}`;
    const parsed = parseFlagToken(token, 'command line');
    if (!parsed.ok) return parsed;
    settings.push(parsed.value);
  }
  return ok({ settings, positional });
}

/**
 * Layers defaults, then the flag file, then the command line (later wins), and returns the
 * final values plus where each non-default came from.
 */
export function resolveFlags(
  fileSettings: readonly FlagSetting[],
  commandLine: readonly FlagSetting[],
): { values: Map<string, FlagValue>; sources: Map<string, string> } {
  const values = new Map<string, FlagValue>();
  const sources = new Map<string, string>();
  for (const def of FLAGS_BY_NAME.values()) values.set(def.name, def.defaultValue);
  for (const s of [...fileSettings, ...commandLine]) {
    values.set(s.name, s.value);
    sources.set(s.name, s.source);
  }
  return { values, sources };
}

/** Typed accessors over resolved flags; a missing name is a programming error. */
export class Flags {
  constructor(
    readonly values: FlagValues,
    readonly sources: ReadonlyMap<string, string> = new Map(),
  ) {}

  string(name: string): string {
    return this.get(name, 'string') as string;
  }

  int(name: string): number {
    return this.get(name, 'int') as number;
  }

  bool(name: string): boolean {
    return this.get(name, 'bool') as boolean;
  }

  isSet(name: string): boolean {
    return this.sources.has(name);
  }

  /** This build knows the flag (one declared `since` a newer version is unknown). */
  isKnown(name: string): boolean {
    return FLAGS_BY_NAME.has(name);
  }

  /** Flags set explicitly (file or command line) that this implementation accepts but ignores. */
  ineffective(): string[] {
    return [...this.sources.keys()].filter((n) => FLAGS_BY_NAME.get(n)?.effect === 'none');
  }

  private get(name: string, type: string): FlagValue {
    const def = FLAGS_BY_NAME.get(name);
    if (!def || def.type !== type) throw new Error(`flag --${name} is not a known ${type} flag`);
    return this.values.get(name) ?? def.defaultValue;
  }
}

export function flagError(failure: Failure): string {
  return `configuration error: ${failure.message}`;
}
