import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LoadedFile } from './cases.js';
import { listCaseFiles, loadCaseFile, loadCaseText } from './cases.js';
import { defaultCasesDir } from './cli.js';
import { decideMode } from './modes.js';
import { parseValue } from './values.js';

describe('loadCaseText', () => {
  it('reports a file that does not parse as an error of that file', () => {
    const f = loadCaseText('bad.yaml', 'cases:\n  - id: 1\n    sql: [select\n  x: }\n');
    expect(f.error).toMatch(/^YAML parse failed/);
    expect(f.cases).toEqual([]);
    expect(loadCaseText('x.yaml', 'just: a map\n').error).toBe("not a case file: no top-level 'cases' list");
  });

  it('keeps malformed cases as failed results and applies debugs by desc', () => {
    const f = loadCaseText(
      'f.yaml',
      [
        'db: d',
        'debugs: ["second"]',
        'cases:',
        '  - {id: 1, desc: first, sql: select 1}',
        '  - {id: 2, desc: second, sql: select 2, inputs: [{columns: ["c9 decimal"]}]}',
        '  - {id: 3, desc: third, sql: "select d[0]", dataProvider: [[a, b]]}',
      ].join('\n'),
    );
    expect(f.topLevelCases).toBe(3);
    expect(f.cases.map((c) => [c.id, c.selectedByDebugs, c.parsed.ok])).toEqual([
      ['1', false, true],
      ['2', true, false],
      ['3_0', false, true],
      ['3_1', false, true],
    ]);
    const second = f.cases[1]!.parsed;
    expect(!second.ok && second.message).toBe("inputs[0]: column 'c9 decimal' has unsupported type 'decimal'");
  });
});

/**
 * The reference case directory, checked against sql.md §8.4 (per directory: files, top-level cases,
 * expansions, top-level todo cases) and §8.5 (per Tier-1 file: positive / negative expansions and
 * the positives eligible for batch / request). Observed on this checkout; deviations are noted.
 */
const CASES_DIR = defaultCasesDir();

describe.runIf(existsSync(CASES_DIR))('the reference case directory', async () => {
  const files: LoadedFile[] = [];
  if (existsSync(CASES_DIR)) {
    for (const file of await listCaseFiles(CASES_DIR)) files.push(await loadCaseFile(CASES_DIR, file));
  }

  function stats(paths: readonly string[]) {
    const s = { files: 0, cases: 0, expanded: 0, todo: 0, pos: 0, neg: 0, posB: 0, posR: 0, bad: 0 };
    for (const f of files.filter((x) => paths.some((p) => x.file === p || x.file.startsWith(`${p}/`)))) {
      s.files++;
      s.cases += f.topLevelCases;
      s.expanded += f.cases.length;
      const todoTop = new Set<number>();
      for (const c of f.cases) {
        if (c.traits.tags.some((t) => t.toLowerCase() === 'todo')) {
          todoTop.add(c.topLevelIndex);
          continue;
        }
        if (!c.parsed.ok) {
          s.bad++;
          continue;
        }
        const positive = c.parsed.value.expect.success;
        if (!positive) {
          s.neg++;
          continue;
        }
        s.pos++;
        if (decideMode(c.traits, 'batch', 'standalone').run) s.posB++;
        if (decideMode(c.traits, 'request', 'standalone').run) s.posR++;
      }
      s.todo += todoTop.size;
    }
    return s;
  }

  it('parses every file and every case', () => {
    expect(files.filter((f) => f.error !== undefined).map((f) => `${f.file}: ${f.error}`)).toEqual([]);
    const bad = files.flatMap((f) => f.cases.filter((c) => !c.parsed.ok).map((c) => `${f.file}#${c.id}`));
    expect(bad).toEqual([]);
  });

  // [dir, files, top-level cases, expansions, todo top-level cases]: sql.md §8.4. (The §8.4 "todo"
  // column counts top-level cases, not expansions: expansions of todo cases are 19 in expression/,
  // 5 in function/, 23 in join/ and 30 in window/.)
  it.each([
    ['function/cluster', 4, 23, 23, 0],
    ['function/ddl', 5, 154, 154, 16],
    ['function/deploy', 3, 33, 36, 1],
    ['function/dml', 4, 68, 68, 0],
    ['function/expression', 6, 142, 926, 6],
    ['function/function', 6, 130, 1153, 1],
    ['function/join', 2, 77, 86, 19],
    ['function/select', 3, 44, 44, 9],
    ['function/multiple_databases', 1, 15, 15, 0],
  ])('%s matches §8.4', (dir, nFiles, cases, expanded, todo) => {
    expect(stats([dir])).toMatchObject({ files: nFiles, cases, expanded, todo });
  });

  it('matches §8.4 for the root files and is a subset where files are absent', () => {
    const root = ['test_batch_request', 'test_feature_zero_function', 'test_fz_sql', 'test_index_optimized'];
    expect(stats(root.map((r) => `function/${r}.yaml`))).toMatchObject({ files: 4, cases: 24, expanded: 24, todo: 0 });
    // §8.4: window 10 files / 297 / 328 / 28; one single-case file is not in this copy.
    expect(stats(['function/window'])).toMatchObject({ files: 9, cases: 296, expanded: 327, todo: 28 });
    // §8.4: long_window 2 files / 37 / 72; only test_count_where.yaml is here (21 → 40).
    expect(stats(['function/long_window'])).toMatchObject({ files: 1, cases: 21, expanded: 40, todo: 0 });
    // §8.4: v040 5 files / 95; only test_groupby.yaml (28, §8.5 Tier 2) is here.
    expect(stats(['function/v040'])).toMatchObject({ files: 1, cases: 28, expanded: 28, todo: 0 });
  });

  // [paths, pos, neg, posB, posR]: sql.md §8.5 Tier 1.
  it.each([
    [['function/window/test_window_row.yaml'], 28, 3, 27, 27],
    [['function/window/test_window_row_range.yaml'], 44, 7, 41, 41],
    [['function/window/test_window_union.yaml'], 43, 3, 37, 41],
    [['function/window/test_current_row.yaml'], 25, 1, 25, 25],
    [['function/window/test_maxsize.yaml'], 23, 3, 23, 23],
    [['function/window/test_window_exclude_current_time.yaml'], 19, 0, 18, 19],
    [['function/window/window_attributes.yaml'], 13, 0, 13, 13],
    [['function/window/test_window.yaml'], 66, 0, 64, 64],
    [['function/window/error_window.yaml'], 0, 19, 0, 0],
    [['function/join/test_lastjoin_simple.yaml'], 30, 8, 25, 24],
    [['function/join/test_lastjoin_complex.yaml'], 22, 3, 20, 11],
    [['function/expression/test_arithmetic.yaml'], 46, 343, 46, 46],
    [['function/expression/test_predicate.yaml'], 97, 208, 89, 89],
    [['function/expression/test_condition.yaml'], 20, 0, 20, 20],
    [['function/expression/test_logic.yaml'], 33, 0, 33, 33],
    [['function/expression/test_type.yaml'], 29, 11, 29, 29],
    [['function/expression/test_like.yaml'], 72, 48, 72, 72],
    [['function/function/test_calculate.yaml'], 7, 77, 7, 7],
    [['function/function/test_date.yaml'], 6, 63, 6, 6],
    [['function/function/test_string.yaml'], 23, 96, 23, 23],
    [['function/function/test_udaf_function.yaml'], 129, 678, 129, 127],
    [['function/function/test_udf_function.yaml'], 9, 0, 9, 8],
    [['function/function/test_like_match.yaml'], 38, 22, 38, 38],
    [['function/select/test_select_sample.yaml'], 14, 2, 13, 13],
    [['function/select/test_sub_select.yaml'], 10, 1, 10, 10],
    [['function/select/test_where.yaml'], 8, 0, 6, 0],
    [['function/cluster'], 23, 0, 23, 20],
    [['function/multiple_databases/test_multiple_databases.yaml'], 12, 3, 12, 12],
  ])('%s matches §8.5', (paths, pos, neg, posB, posR) => {
    expect(stats(paths)).toMatchObject({ pos, neg, posB, posR, bad: 0 });
  });

  it('deviates from §8.5 only where request rows or batch semantics are missing', () => {
    // §8.5 counts 23 batch-eligible positives in the root files; the 9 batch_request cases of
    // test_batch_request.yaml expect request-mode output, so this runner replays them only in
    // request and deploy modes (14 batch + 24 request).
    const root = ['test_batch_request', 'test_feature_zero_function', 'test_fz_sql', 'test_index_optimized'];
    expect(stats(root.map((r) => `function/${r}.yaml`))).toMatchObject({ pos: 24, neg: 0, posB: 14, posR: 24 });
    // §8.5 counts 14 request-eligible positives in each of these; cases whose inputs[0] is
    // loaded by literal INSERT statements have no request rows, so request/deploy skip them.
    expect(stats(['function/dml/test_insert.yaml', 'function/dml/multi_insert.yaml'])).toMatchObject({
      pos: 14,
      neg: 8,
      posB: 14,
      posR: 2,
    });
    expect(stats(['function/ddl/test_create.yaml'])).toMatchObject({ pos: 28, neg: 21, posB: 24, posR: 10 });
  });

  it('applies the debugs list of long_window/test_count_where.yaml (2 of 40 expansions selected)', () => {
    const f = files.find((x) => x.file === 'function/long_window/test_count_where.yaml')!;
    expect(f.cases.filter((c) => c.selectedByDebugs).map((c) => c.id)).toEqual(['0', '0-1']);
  });

  it('keeps int64 literals exact through loading (test_udf_function.yaml hash outputs)', () => {
    const f = files.find((x) => x.file === 'function/function/test_udf_function.yaml')!;
    const hits = f.cases.flatMap((c) => {
      if (!c.parsed.ok) return [];
      const e = c.parsed.value.expect;
      return (e.rows ?? []).flatMap((row) =>
        row.flatMap((cell, i) => (cell === '2681491882390849628' ? [e.columns?.[i]?.type] : [])),
      );
    });
    expect(hits).toEqual(['bigint']);
    expect(parseValue('2681491882390849628', 'bigint')).toEqual({ ok: true, value: 2681491882390849628n });
  });
});
