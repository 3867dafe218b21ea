import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fail, okVoid } from '../base/status.js';
import type { Result } from '../base/status.js';
import { parseCliArgs, runCli } from './cli.js';
import { runConformance } from './conformance.js';
import type { EngineFactory, EngineUnderTest, ExecResult } from './engine.js';

/** Scripted stand-in: `select 1 as x` answers one row, `select hang` never answers, the rest is ok. */
class ScriptedEngine implements EngineUnderTest {
  resets = 0;
  closed = false;
  failResets = 0;
  readonly executed: string[] = [];

  async reset(): Promise<Result<void>> {
    this.resets++;
    return this.failResets-- > 0 ? fail(599, 'wedged') : okVoid;
  }

  async execute(_db: string | undefined, sql: string): Promise<ExecResult> {
    this.executed.push(sql);
    if (sql.startsWith('select hang')) return new Promise(() => {});
    if (sql.startsWith('select 1')) return { ok: true, columns: [{ name: 'x', type: 'int' }], rows: [[1]] };
    if (sql.startsWith('select bad')) return fail(1003, 'no such column');
    return { ok: true };
  }

  async requestQuery(): Promise<ExecResult> {
    return { ok: true, columns: [{ name: 'x', type: 'int' }], rows: [[1]] };
  }

  async callDeployment(): Promise<ExecResult> {
    return { ok: true, columns: [{ name: 'x', type: 'int' }], rows: [[1]] };
  }

  async close() {
    this.closed = true;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'conformance-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'a'));
writeFileSync(
  join(dir, 'a', 'good.yaml'),
  `db: d1
cases:
  - id: 1
    desc: passes
    inputs: [{columns: ["x int"], rows: [[1]]}]
    sql: select 1 as x from {0};
    expect: {columns: ["x int"], rows: [[1]]}
  - id: 2
    desc: wrong value
    mode: request-unsupport
    sql: select 1 as x;
    expect: {rows: [[2]]}
  - id: 3
    desc: todo
    tags: [TODO]
    sql: select 1;
  - id: 4
    desc: must fail
    sql: select bad;
    expect: {success: false}
`,
);
writeFileSync(join(dir, 'a', 'broken.yml'), 'cases:\n  - id: 1\n    sql: [select\n  x: }\n');
writeFileSync(join(dir, 'hang.yaml'), 'cases:\n  - id: 1\n    sql: select hang;\n  - id: 2\n    sql: select 1;\n');
writeFileSync(join(dir, 'notes.txt'), 'not a case file');
writeFileSync(
  join(dir, 'targets.yaml'),
  `cases:
  - id: 1
    mode: standalone-unsupport
    inputs: [{name: t1, columns: ["x int"], indexs: ["i1:x"], rows: [[1]]}]
    sql: select 1 as x from {0};
    expect: {columns: ["x int"], rows: [[1]]}
  - id: 2
    mode: cluster-unsupport
    inputs: [{name: t2, columns: ["x int"], indexs: ["i1:x"], replicaNum: 3, rows: [[1]]}]
    sql: select 1 as x from {0};
    expect: {columns: ["x int"], rows: [[1]]}
  - id: 3
    inputs: [{name: t3, columns: ["x int"], indexs: ["i1:x"], partitionNum: 2, replicaNum: 3, rows: [[1]]}]
    sql: select 1 as x from {0};
    expect: {columns: ["x int"], rows: [[1]]}
`,
);

function factory(engines: ScriptedEngine[], setup: (e: ScriptedEngine) => void = () => {}): EngineFactory {
  return async () => {
    const e = new ScriptedEngine();
    setup(e);
    engines.push(e);
    return e;
  };
}

describe('runConformance', () => {
  it('tallies per file and mode, counting a broken file as one failure', async () => {
    const engines: ScriptedEngine[] = [];
    const report = await runConformance({ casesDir: dir, modes: ['batch', 'request'], filter: 'a/', timeoutMs: 1_000 }, factory(engines));
    expect(report.files).toEqual([
      { file: 'a/broken.yml', passed: 0, failed: 1, skipped: 0, error: expect.stringMatching(/^YAML parse failed/) },
      { file: 'a/good.yaml', passed: 3, failed: 1, skipped: 4 },
    ]);
    expect([report.passed, report.failed, report.skipped]).toEqual([3, 2, 4]);
    const byKey = Object.fromEntries(report.results.map((r) => [`${r.id}/${r.mode}`, r.status]));
    expect(byKey).toMatchObject({
      '1/batch': 'passed',
      '1/request': 'passed',
      '2/batch': 'failed',
      '2/request': 'skipped',
      '3/batch': 'skipped',
      '4/batch': 'passed',
      '4/request': 'skipped', // no input table: nothing to send as a request
    });
    // one engine, reset before each of the 4 replays, closed at the end
    expect(engines).toHaveLength(1);
    expect(engines[0]!.resets).toBe(4);
    expect(engines[0]!.closed).toBe(true);
  });

  it('replaces an engine after a call timed out and after a failed reset', async () => {
    const engines: ScriptedEngine[] = [];
    const report = await runConformance({ casesDir: dir, modes: ['batch'], filter: 'hang', timeoutMs: 30 }, factory(engines));
    expect(report.results.map((r) => [r.id, r.status, r.message])).toEqual([
      ['1', 'failed', "statement 'select hang;': no answer within 30 ms"],
      ['2', 'passed', undefined],
    ]);
    expect(engines.map((e) => e.closed)).toEqual([true, true]);

    const wedged: ScriptedEngine[] = [];
    // the first engine's first reset fails: it is closed and a second engine serves the run
    const again = await runConformance(
      { casesDir: dir, modes: ['batch'], filter: 'good', timeoutMs: 1_000 },
      factory(wedged, (e) => {
        if (wedged.length === 0) e.failResets = 1;
      }),
    );
    expect([again.passed, again.failed]).toEqual([2, 1]);
    expect(wedged.map((e) => [e.resets, e.closed])).toEqual([
      [1, true],
      [3, true],
    ]);
  });
});

describe('runCli', () => {
  async function cli(argv: string[], engineFactory?: EngineFactory) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { standalone: engineFactory }, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err };
  }

  it('refuses to run without an engine, saying why', async () => {
    const r = await cli(['--cases', dir]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('no standalone engine registered');
  });

  it('prints per-file lines and ends with exactly "N passed, N failed"', async () => {
    const r = await cli(['--cases', dir, '--mode', 'batch', '--filter', 'good'], factory([]));
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['a/good.yaml: 2 passed, 1 failed, 1 skipped', 'total: 1 files, 1 skipped', '2 passed, 1 failed']);
  });

  it('prints failures with their diff in verbose mode, and JSON with --json', async () => {
    const verbose = await cli(['--cases', dir, '--mode=batch', '--filter=good', '--verbose'], factory([]));
    expect(verbose.out[0]).toBe('FAIL [batch] a/good.yaml #2 wrong value');
    expect(verbose.out.slice(1, 4)).toEqual([
      '    rows differ: expected 1, got 1, 1 differing; - expected, + actual:',
      '    - [2]',
      '    + [1]   <- x',
    ]);
    expect(verbose.out.at(-1)).toBe('2 passed, 1 failed');

    const json = await cli(['--cases', dir, '--mode', 'batch', '--filter', 'good', '--json'], factory([]));
    expect(json.out).toHaveLength(2);
    const body = JSON.parse(json.out[0]!);
    expect(body).toMatchObject({ passed: 2, failed: 1, skipped: 1, failures: [{ id: '2', mode: 'batch' }] });
    expect(json.out[1]).toBe('2 passed, 1 failed');
  });

  it('runs against the cluster engine with --cluster: cluster skip flags, tables with cluster defaults', async () => {
    const standalone: ScriptedEngine[] = [];
    const cluster: ScriptedEngine[] = [];
    const out: string[] = [];
    const code = await runCli(
      ['--cases', dir, '--mode', 'batch', '--filter', 'targets', '--cluster'],
      { standalone: factory(standalone), cluster: factory(cluster) },
      (l) => out.push(l),
      () => {},
    );
    expect(code).toBe(0);
    expect(out).toEqual(['targets.yaml: 2 passed, 0 failed, 1 skipped', 'total: 1 files, 1 skipped', '2 passed, 0 failed']);
    expect(standalone).toHaveLength(0);
    const creates = cluster[0]!.executed.filter((s) => s.startsWith('create table'));
    // id 1 (standalone-unsupport) runs with the cluster's default options; id 3 keeps its own.
    expect(creates).toEqual(['create table t1(\nx int,\nindex(key=(x)));', 'create table t3(\nx int,\nindex(key=(x))) options(partitionnum=2, replicanum=3);']);

    const alone: ScriptedEngine[] = [];
    const r = await cli(['--cases', dir, '--mode', 'batch', '--filter', 'targets'], factory(alone));
    expect(r.out.at(-1)).toBe('2 passed, 0 failed');
    expect(alone[0]!.executed.filter((s) => s.startsWith('create table'))).toEqual([
      'create table t2(\nx int,\nindex(key=(x))) options(partitionnum=1, replicanum=1);',
      'create table t3(\nx int,\nindex(key=(x))) options(partitionnum=1, replicanum=1);',
    ]);
  });

  it('refuses --cluster when no cluster engine is registered', async () => {
    const r = await cli(['--cases', dir, '--cluster'], factory([]));
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('no cluster engine registered');
  });

  it('parses --cluster into the cluster target (standalone by default)', () => {
    const parsed = parseCliArgs(['--cluster', '--mode', 'deploy'], '/cases');
    expect(parsed.ok && [parsed.value.target, parsed.value.modes]).toEqual(['cluster', ['deploy']]);
    const plain = parseCliArgs([], '/cases');
    expect(plain.ok && plain.value.target).toBe('standalone');
    expect(parseCliArgs(['--cluster=yes'], '/cases')).toMatchObject({ ok: false, message: "--cluster takes no value, not 'yes'" });
  });

  it('rejects bad arguments', async () => {
    for (const argv of [['--mode', 'offline'], ['--timeout-ms', '0'], ['--frobnicate'], ['--cases']]) {
      const r = await cli(argv, factory([]));
      expect(r.code).toBe(2);
      expect(r.err.at(-1)).toMatch(/^usage: conformance/);
    }
    const missing = await cli(['--cases', join(dir, 'nope')], factory([]));
    expect(missing.code).toBe(2);
  });
});

describe('runCli when the engine cannot be made', () => {
  it('aborts with exit code 2 and the reason', async () => {
    const err: string[] = [];
    const code = await runCli(
      ['--cases', dir, '--filter', 'good'],
      {
        standalone: async () => {
          throw new Error('port 9527 in use');
        },
      },
      () => {},
      (l) => err.push(l),
    );
    expect(code).toBe(2);
    expect(err).toEqual(['conformance: run aborted: port 9527 in use']);
  });
});
