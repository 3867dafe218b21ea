/**
 * Parses every SQL text in the conformance YAML cases (`sql`, `sqls`, `tearDown`, and the inputs'
 * `create` / `insert` / `inserts`), after the runner's substitutions: `{N}` → the input's table
 * name (`tN` when unnamed), `{auto}`, `{tb_endpoint_N}`, and `d[i]` from each dataProvider choice.
 * Cases expected to succeed must parse; cases with `success: false` may fail (most of those fail
 * later, in type checking). The counts are printed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import type { Statement } from './ast.js';
import { parseScript } from './parse.js';
import { type PrintStyle, printStatement } from './printer.js';
import { formatSyntaxError } from './syntax-error.js';
import { withoutPositions } from './without-positions.js';

const CASES_DIR = resolve(import.meta.dirname, '../../../../shared/conformance/cases');

type Yaml = Record<string, unknown>;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return asList(value).filter((v): v is string => typeof v === 'string');
}

/** Every combination of one choice per dataProvider list (one empty combination without one). */
function choices(provider: unknown): number[][] {
  let combos: number[][] = [[]];
  for (const list of asList(provider)) {
    const n = asList(list).length;
    combos = combos.flatMap((c) => Array.from({ length: n }, (_, i) => [...c, i]));
  }
  return combos;
}

function expectsFailure(testCase: Yaml, combo: number[]): boolean {
  let success = (testCase.expect as Yaml | undefined)?.success;
  let level: unknown = testCase.expectProvider;
  for (const index of combo) {
    level = (level as Yaml | undefined)?.[String(index)] ?? (Array.isArray(level) ? level[index] : undefined);
    const s = (level as Yaml | undefined)?.success;
    if (s !== undefined) success = s;
  }
  return String(success).toLowerCase() === 'false';
}

interface Outcome {
  readonly file: string;
  readonly id: string;
  readonly sql: string;
  readonly mayFail: boolean;
  readonly error?: string;
  readonly statements: readonly Statement[];
}

/** Why printing `statement` in `style` and parsing it back does not give the same tree, if so. */
function roundTripProblem(statement: Statement, style: PrintStyle): string | undefined {
  const printed = printStatement(statement, style);
  const reparsed = parseScript(printed);
  if (!reparsed.ok) return `${style} print does not parse:\n${formatSyntaxError(printed, reparsed)}`;
  const same = JSON.stringify(withoutPositions(reparsed.value), bigints) === JSON.stringify([withoutPositions(statement)], bigints);
  return same ? undefined : `${style} print parses to a different tree:\n${printed}`;
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function runCases(): { outcomes: Outcome[]; files: number; yamlErrors: string[]; cases: number } {
  const outcomes: Outcome[] = [];
  const yamlErrors: string[] = [];
  let cases = 0;
  const files = yamlFiles(CASES_DIR);
  for (const path of files) {
    const file = relative(CASES_DIR, path);
    const text = readFileSync(path, 'utf8');
    let root: Yaml;
    try {
      root = (parse(text, { schema: 'failsafe' }) ?? {}) as Yaml;
    } catch {
      // One file has flow sequences the strict YAML reader rejects; the SQL in it still loads.
      yamlErrors.push(file);
      root = (parseDocument(text, { schema: 'failsafe' }).toJS() ?? {}) as Yaml;
    }
    for (const testCase of asList(root.cases) as Yaml[]) {
      cases++;
      const inputs = asList(testCase.inputs) as Yaml[];
      const names = inputs.map((input, i) => (typeof input.name === 'string' && input.name !== '' ? input.name : `t${i}`));
      const substitute = (sql: string): string =>
        sql
          .replace(/\{tb_endpoint_(\d+)\}/g, (_, n: string) => `127.0.0.1:${9520 + Number(n)}`)
          .replace(/\{auto\}/g, 'auto_table')
          .replace(/\{(\d+)\}/g, (_, n: string) => names[Number(n)] ?? `t${n}`);
      const provider = asList(testCase.dataProvider).map((list) => strings(list));
      for (const combo of choices(testCase.dataProvider)) {
        const expand = (sql: string): string =>
          sql.replace(/d\[(\d+)\]/g, (whole, i: string) => {
            const choice = combo[Number(i)];
            return choice === undefined ? whole : (provider[Number(i)]?.[choice] ?? whole);
          });
        const texts = [...strings(testCase.sql), ...strings(testCase.sqls), ...strings(testCase.tearDown)].map((s) =>
          substitute(expand(s)),
        );
        for (const input of inputs) {
          texts.push(...[input.create, input.insert, input.inserts].flatMap(strings).map(substitute));
        }
        const mayFail = expectsFailure(testCase, combo);
        const id = `${String(testCase.id)}${combo.length > 0 ? `[${combo.join(',')}]` : ''}`;
        for (const sql of texts) {
          const parsed = parseScript(sql);
          outcomes.push(
            parsed.ok
              ? { file, id, sql, mayFail, statements: parsed.value }
              : { file, id, sql, mayFail, error: formatSyntaxError(sql, parsed), statements: [] },
          );
        }
      }
    }
  }
  return { outcomes, files: files.length, yamlErrors, cases };
}

describe('conformance cases', () => {
  it('finds the case directory', () => {
    expect(existsSync(CASES_DIR), `missing ${CASES_DIR}`).toBe(true);
  });

  const { outcomes, files, yamlErrors, cases } = runCases();

  it('prints every parsed statement back to SQL that parses to the same tree, in both layouts', () => {
    const statements = outcomes.flatMap((o) => o.statements.map((s) => ({ o, s })));
    const problems = statements.flatMap(({ o, s }) =>
      (['compact', 'unparse'] as const).flatMap((style) => {
        const problem = roundTripProblem(s, style);
        return problem === undefined ? [] : [`${o.file} id=${o.id}: ${problem}`];
      }),
    );
    console.log(`conformance round trip: ${statements.length} statements printed in 2 layouts and parsed back`);
    expect(problems.slice(0, 10).join('\n\n'), `${problems.length} problems`).toBe('');
    expect(statements.length).toBeGreaterThan(1000);
  });

  it('parses every SQL text of every case that is expected to succeed', () => {
    const positive = outcomes.filter((o) => !o.mayFail);
    const negative = outcomes.filter((o) => o.mayFail);
    const badPositive = positive.filter((o) => o.error !== undefined);
    const rejectedNegative = negative.filter((o) => o.error !== undefined);
    console.log(
      `conformance parse: ${files} files (${yamlErrors.length} with YAML errors: ${yamlErrors.join(', ')}), ` +
        `${cases} cases, ${outcomes.length} SQL texts after expansion; ` +
        `${positive.length - badPositive.length}/${positive.length} expected-to-succeed texts parsed; ` +
        `${negative.length} expected-to-fail texts, of which ${rejectedNegative.length} are rejected by the parser`,
    );
    const report = badPositive
      .slice(0, 20)
      .map((o) => `${o.file} id=${o.id}\n${o.error}`)
      .join('\n\n');
    if (process.env.SHOW_REJECTED) {
      console.log(rejectedNegative.map((o) => `${o.file} id=${o.id}\n${o.error}`).join('\n\n'));
    }
    expect(badPositive.length, report).toBe(0);
    expect(positive.length).toBeGreaterThan(1000);
  });
});
