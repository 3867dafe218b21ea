import { describe, expect, it } from 'vitest';
import { parseYamlFailsafe, reindentFlowContinuation } from './yaml-source.js';

describe('parseYamlFailsafe', () => {
  it('keeps every scalar a string: dates, int64, null, floats', () => {
    const r = parseYamlFailsafe('rows:\n  - [2681491882390849628, 2020-05-01, null, NULL, 1.10, true]\n');
    expect(r.ok && r.value).toEqual({ rows: [['2681491882390849628', '2020-05-01', 'null', 'NULL', '1.10', 'true']] });
  });

  it('accepts a flow sequence continued below its key, as the reference parser does (test_type.yaml)', () => {
    const text = [
      'cases:',
      '  - id: 14',
      '    inputs:',
      '      - columns: ["id int32", "c1 int16",',
      '      "c6 string", "c7 date"]',
      '        indexs: ["index1:c6:c8"]',
      '    sql: select 1;',
    ].join('\n');
    const r = parseYamlFailsafe(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const doc = r.value as { cases: { inputs: { columns: string[]; indexs: string[] }[] }[] };
    expect(doc.cases[0]!.inputs[0]!.columns).toEqual(['id int32', 'c1 int16', 'c6 string', 'c7 date']);
    expect(doc.cases[0]!.inputs[0]!.indexs).toEqual(['index1:c6:c8']);
  });

  it('reports a file that does not parse, with the position', () => {
    const r = parseYamlFailsafe('cases:\n  - id: 1\n    sql: [select\n  x: }\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^YAML parse failed: .*line \d+/);
  });
});

describe('reindentFlowContinuation', () => {
  it('indents the continuation one column past the open bracket, ignoring brackets in quotes', () => {
    const lines = ['  - c: ["a[", "b",', '  "d"]'];
    expect(reindentFlowContinuation(lines, 1)).toEqual(['  - c: ["a[", "b",', '        "d"]']);
  });

  it('declines when no earlier line leaves a bracket open', () => {
    expect(reindentFlowContinuation(['a: [1]', 'b: 2'], 1)).toBeUndefined();
  });
});
