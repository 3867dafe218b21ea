/**
 * dataProvider expansion. `dataProvider: [[a, b], [x, y, z]]` yields the cross product (first list
 * outermost), substituting `d[i]` in `sql` and `sqls` with the choice of list i. `expectProvider`
 * is indexed by the choice of list 0 (a map keyed by the index, or a list); inside an entry, keys
 * that are indices select by the choice of the next list, other keys override the inherited
 * expectation field by field. A missing entry inherits the parent expectation unchanged.
 */
import type { Result } from '../base/status.js';
import { ok } from '../base/status.js';
import type { RawMap } from './raw.js';
import { invalid, isRawMap } from './raw.js';

export interface Expansion {
  readonly raw: RawMap;
  /** Choice index per dataProvider list (empty when the case has no dataProvider). */
  readonly indices: readonly number[];
  readonly choices: readonly string[];
}

/** Upper bound on expansions of one case (the largest reference case has 324). */
export const EXPANSIONS_PER_CASE_MAX = 100_000;

const PROVIDER_REF = /d\[(\d+)\]/g;

export function expandCase(raw: RawMap): Result<Expansion[]> {
  const provider = raw['dataProvider'];
  if (provider === undefined || provider === null) return ok([{ raw, indices: [], choices: [] }]);
  if (!Array.isArray(provider) || provider.length === 0) return invalid("'dataProvider' must be a non-empty list of lists");
  const lists: string[][] = [];
  for (const [i, list] of provider.entries()) {
    if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string')) {
      return invalid(`dataProvider[${i}] must be a non-empty list of scalars`);
    }
    lists.push(list as string[]);
  }
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total > EXPANSIONS_PER_CASE_MAX) return invalid(`dataProvider expands to ${total} cases (max ${EXPANSIONS_PER_CASE_MAX})`);

  const out: Expansion[] = [];
  for (const indices of crossProduct(lists.map((l) => l.length))) {
    const choices = indices.map((c, i) => lists[i]![c]!);
    const substitute = (text: string): Result<string> => substituteChoices(text, choices);
    const expanded: Record<string, unknown> = { ...raw };
    delete expanded['dataProvider'];
    delete expanded['expectProvider'];
    expanded['id'] = [typeof raw['id'] === 'string' ? raw['id'] : '', ...indices].join('_');
    if (typeof raw['sql'] === 'string') {
      const sql = substitute(raw['sql']);
      if (!sql.ok) return sql;
      expanded['sql'] = sql.value;
    }
    if (Array.isArray(raw['sqls'])) {
      const sqls: unknown[] = [];
      for (const s of raw['sqls']) {
        if (typeof s !== 'string') return invalid("'sqls' must be a list of strings");
        const r = substitute(s);
        if (!r.ok) return r;
        sqls.push(r.value);
      }
      expanded['sqls'] = sqls;
    }
    const expect = expectFor(raw['expect'] ?? raw['output'], raw['expectProvider'], indices);
    if (!expect.ok) return expect;
    delete expanded['output'];
    expanded['expect'] = expect.value;
    out.push({ raw: expanded, indices, choices });
  }
  return ok(out);
}

export function substituteChoices(text: string, choices: readonly string[]): Result<string> {
  let missing: number | undefined;
  const replaced = text.replace(PROVIDER_REF, (whole, index: string) => {
    const choice = choices[Number(index)];
    if (choice === undefined) {
      missing = Number(index);
      return whole;
    }
    return choice;
  });
  if (missing !== undefined) {
    return invalid(`SQL refers to d[${missing}] but dataProvider has ${choices.length} list(s)`);
  }
  return ok(replaced);
}

function* crossProduct(sizes: readonly number[]): Generator<number[]> {
  const indices = sizes.map(() => 0);
  for (;;) {
    yield indices.slice();
    let k = sizes.length - 1;
    while (k >= 0 && ++indices[k]! === sizes[k]) {
      indices[k] = 0;
      k--;
    }
    if (k < 0) return;
  }
}

function expectFor(parent: unknown, provider: unknown, indices: readonly number[]): Result<RawMap> {
  if (parent !== undefined && parent !== null && !isRawMap(parent)) return invalid("'expect' must be a map");
  let expect: Record<string, unknown> = { ...((parent as RawMap | undefined) ?? {}) };
  let level: unknown = provider;
  for (const index of indices) {
    if (level === undefined || level === null) break;
    if (!Array.isArray(level) && !isRawMap(level)) return invalid("'expectProvider' must be a map or a list");
    const entry = Array.isArray(level) ? level[index] : level[String(index)];
    if (entry === undefined || entry === null) break;
    if (!isRawMap(entry)) return invalid(`expectProvider entry ${index} must be a map`);
    const fields: Record<string, unknown> = {};
    const next: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (/^\d+$/.test(key)) next[key] = value;
      else fields[key] = value;
    }
    expect = { ...expect, ...fields };
    level = Object.keys(next).length > 0 ? next : undefined;
  }
  return ok(expect);
}
