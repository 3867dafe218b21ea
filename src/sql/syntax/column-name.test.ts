import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseDocument } from 'yaml';
import type { SelectItem } from './ast.js';
import { exprName, selectItemName } from './column-name.js';
import { parseExpression, parseStatement } from './parse.js';

function items(sql: string): readonly SelectItem[] {
  const result = parseStatement(sql);
  if (!result.ok) throw new Error(result.message);
  const s = result.value;
  if (s.kind !== 'queryStatement' || s.query.body.kind !== 'select') throw new Error('not a select');
  return s.query.body.items;
}

function names(sql: string): string[] {
  return items(sql).map(selectItemName);
}

function name(expr: string): string {
  const result = parseExpression(expr);
  if (!result.ok) throw new Error(result.message);
  return exprName(result.value);
}

describe('selectItemName', () => {
  it('uses the alias, else the column name of a column reference', () => {
    expect(names('select c1 as a, t0.c2, db.t0.c3, `c4` from t0')).toEqual(['a', 'c2', 'c3', 'c4']);
  });

  it('names other expressions after their normalized text (examples from the cases)', () => {
    // cases/function/select/test_sub_select.yaml id 0, test_select_sample.yaml id 14,
    // window/test_window_row.yaml id 18.
    expect(names('select c1, c2+1,c3+1 from t0')).toEqual(['c1', 'c2 + 1', 'c3 + 1']);
    expect(names('select c1 as name,c2,c3,c4,1 from t0')).toEqual(['name', 'c2', 'c3', 'c4', '1']);
    expect(names('SELECT id, c1, c3, sum(c4) OVER w1 FROM t0')).toEqual(['id', 'c1', 'c3', 'sum(c4)over w1']);
  });

  it('follows the same rules for the other expression shapes', () => {
    expect(name('t0.c2 * (c3 - 1)')).toBe('t0.c2 * c3 - 1');
    expect(name('count(*)')).toBe('count(*)');
    expect(name('substr(c1, 1, 2)')).toBe('substr(c1, 1, 2)');
    expect(name('-c1')).toBe('- c1');
    expect(name('-5')).toBe('-5');
    expect(name('1.5')).toBe('1.500000');
    expect(name('"abc"')).toBe('abc');
    expect(name('a DIV b')).toBe('a DIV b');
    expect(name('NOT a')).toBe('NOT a');
    expect(name('a IS NOT NULL')).toBe('a IS NOT NULL');
    expect(name('CAST(a AS VARCHAR)')).toBe('CAST(a AS string)');
  });
});

/**
 * Every case whose expected columns line up one-to-one with a star-free select list: the name
 * of each item must be the expected column name.
 */
describe('names expected by the conformance cases', () => {
  const dir = resolve(import.meta.dirname, '../../../../shared/conformance/cases');
  const files: string[] = [];
  const walkDir = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walkDir(p);
      else if (/\.ya?ml$/.test(n)) files.push(p);
    }
  };
  walkDir(dir);

  it('match selectItemName for every comparable case', () => {
    let compared = 0;
    let unaliased = 0;
    const mismatches: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let doc: { cases?: Record<string, unknown>[] };
      try {
        doc = parseYaml(text, { schema: 'failsafe' }) as typeof doc;
      } catch {
        doc = parseDocument(text, { schema: 'failsafe' }).toJS() as typeof doc;
      }
      for (const c of doc.cases ?? []) {
        const columns = (c.expect as { columns?: unknown } | undefined)?.columns;
        if (typeof c.sql !== 'string' || !Array.isArray(columns) || c.dataProvider !== undefined) continue;
        const parsed = parseStatement(c.sql.replace(/\{(\d+)\}/g, 't$1'));
        if (!parsed.ok || parsed.value.kind !== 'queryStatement' || parsed.value.query.body.kind !== 'select') continue;
        const top = parsed.value.query.body;
        // `SELECT * FROM (SELECT ...)`: the columns are the subquery's.
        const from = top.from;
        const onlyStar = top.items.length === 1 && top.items[0]!.expr.kind === 'star';
        const inner = onlyStar && from?.kind === 'subqueryRef' && from.query.body.kind === 'select' ? from.query.body : top;
        const list = inner.items;
        if (list.some((i) => i.expr.kind === 'star') || list.length !== columns.length) continue;
        list.forEach((item, i) => {
          const spec = String(columns[i]).replace(/\s+not\s+null\s*$/i, '').trim();
          const expected = !spec.includes(' ') && spec.includes(':') ? spec.slice(0, spec.lastIndexOf(':')) : spec.slice(0, spec.lastIndexOf(' '));
          compared++;
          if (item.alias === undefined && item.expr.kind !== 'column') unaliased++;
          const actual = selectItemName(item);
          if (actual !== expected) mismatches.push(`${relative(dir, file)} id=${String(c.id)}: "${actual}" != "${expected}"`);
        });
      }
    }
    console.log(`column names: ${compared} select items compared with expected columns, ${unaliased} of them unaliased expressions`);
    expect(mismatches).toEqual([]);
    expect(unaliased).toBeGreaterThanOrEqual(5);
    expect(compared).toBeGreaterThan(1000);
  });
});
