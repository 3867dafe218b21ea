/**
 * Loads case files: every `*.yaml` / `*.yml` under a directory, parsed with the failsafe schema,
 * expanded per dataProvider and parsed into `SqlCase`s. A file that does not parse is reported as
 * an error of that file; a case that does not parse is kept as a failed `Result` so it is counted
 * (and skipped if its mode or tags say so) instead of disappearing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Result } from '../base/status.js';
import type { SqlCase } from './case-model.js';
import { expandCase } from './expand.js';
import type { CaseTraits } from './modes.js';
import { traitsOf } from './modes.js';
import { parseCase } from './parse-case.js';
import type { RawMap } from './raw.js';
import { invalid, isRawMap } from './raw.js';
import { parseYamlFailsafe } from './yaml-source.js';

export interface LoadedCase {
  readonly file: string;
  /** Position of the top-level case in its file (expansions share it). */
  readonly topLevelIndex: number;
  readonly id: string;
  readonly desc: string;
  readonly traits: CaseTraits;
  /** False when the file's non-empty `debugs` list does not name this case. */
  readonly selectedByDebugs: boolean;
  readonly parsed: Result<SqlCase>;
}

export interface LoadedFile {
  /** Path relative to the cases directory, with '/' separators. */
  readonly file: string;
  /** Set when the file could not be read or parsed; `cases` is then empty. */
  readonly error?: string;
  readonly topLevelCases: number;
  readonly cases: readonly LoadedCase[];
}

/** Bound on the directory walk: case trees are a few hundred files. */
export const CASE_FILES_MAX = 10_000;

/** Lists case files under `dir`, sorted, as paths relative to `dir`. */
export async function listCaseFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(at, e.name);
      if (e.isDirectory()) await walk(path);
      else if (/\.ya?ml$/i.test(e.name)) {
        if (out.length >= CASE_FILES_MAX) throw new Error(`more than ${CASE_FILES_MAX} case files under ${dir}`);
        out.push(relative(dir, path).split(sep).join('/'));
      }
    }
  };
  await walk(dir);
  return out.sort();
}

export async function loadCaseFile(dir: string, file: string): Promise<LoadedFile> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (e) {
    return { file, error: `cannot read: ${(e as Error).message}`, topLevelCases: 0, cases: [] };
  }
  return loadCaseText(file, text);
}

export function loadCaseText(file: string, text: string): LoadedFile {
  const parsed = parseYamlFailsafe(text);
  if (!parsed.ok) return { file, error: parsed.message, topLevelCases: 0, cases: [] };
  const doc = parsed.value;
  if (!isRawMap(doc) || !Array.isArray(doc['cases'])) {
    return { file, error: "not a case file: no top-level 'cases' list", topLevelCases: 0, cases: [] };
  }
  const fileDb = typeof doc['db'] === 'string' ? doc['db'] : undefined;
  const debugs = Array.isArray(doc['debugs']) ? doc['debugs'].filter((d): d is string => typeof d === 'string') : [];
  const rawCases = doc['cases'] as unknown[];
  const cases: LoadedCase[] = [];
  for (const [index, rawCase] of rawCases.entries()) {
    const raw: RawMap = isRawMap(rawCase) ? rawCase : {};
    const id = typeof raw['id'] === 'string' ? raw['id'] : String(index);
    const desc = typeof raw['desc'] === 'string' ? raw['desc'] : '';
    const base = {
      file,
      topLevelIndex: index,
      desc,
      traits: traitsOf(raw),
      selectedByDebugs: debugs.length === 0 || debugs.includes(desc),
    };
    if (!isRawMap(rawCase)) {
      cases.push({ ...base, id, parsed: invalid(`case ${index} is not a map`) });
      continue;
    }
    const expansions = expandCase(raw);
    if (!expansions.ok) {
      cases.push({ ...base, id, parsed: expansions });
      continue;
    }
    for (const expansion of expansions.value) {
      const expandedId = typeof expansion.raw['id'] === 'string' ? expansion.raw['id'] : id;
      const sqlCase = parseCase(expansion.raw, { file, fileDb, choices: expansion.choices });
      cases.push({ ...base, id: expandedId, parsed: sqlCase });
    }
  }
  return { file, topLevelCases: rawCases.length, cases };
}
