/**
 * `conformance --cluster` through the real CLI entry (src/conformance/main.ts as a child process):
 * it starts ZooKeeper, a nameserver and three tablets, replays two small case files written here,
 * prints one line per file and `N passed, N failed` last, and leaves no process or directory
 * behind. The cases check what only a cluster does: replicanum=3 over three tablets, tables
 * without options getting the cluster defaults (8 partitions, 3 replicas), a window query over
 * such a table, `cluster-unsupport` cases skipped and `standalone-unsupport` ones run. One case
 * is wrong on purpose, so the failure count is shown to be counted.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness/program.js';

const work = mkdtempSync(join(tmpdir(), 'omts-conformance-cluster-test-'));
const casesDir = join(work, 'cases');
/** The CLI's TMPDIR: the engine's directories are made here (omts-*), so leftovers can be seen. */
const cliTmp = join(work, 'tmp');
afterAll(() => rmSync(work, { recursive: true, force: true }));

mkdirSync(join(casesDir, 'cluster'), { recursive: true });
mkdirSync(cliTmp);
writeFileSync(
  join(casesDir, 'cluster', 'options.yaml'),
  `db: conformance_cluster
cases:
  - id: 0
    desc: three replicas on three tablets
    mode: standalone-unsupport
    inputs:
      - name: t3
    sql: |
      create table t3 (c1 string NOT NULL, c4 timestamp, index(key=(c1), ts=c4))
      options (partitionnum = 1, replicanum = 3);
    expect:
      name: t3
      success: true
      options: {partitionNum: 1, replicaNum: 3}
  - id: 1
    desc: a generated table without options gets the cluster defaults
    inputs:
      - columns: ["c1 string", "c2 int", "c7 timestamp"]
        indexs: ["index1:c1:c7"]
        rows: [["aa", 1, 1590738990000]]
    sql: select c1, c2 from {0};
    expect:
      columns: ["c1 string", "c2 int"]
      rows: [["aa", 1]]
      options: {partitionNum: 8, replicaNum: 3}
  - id: 2
    desc: skipped against a cluster
    mode: cluster-unsupport
    inputs:
      - columns: ["c1 string", "c2 int", "c7 timestamp"]
        indexs: ["index1:c1:c7"]
        rows: [["aa", 1, 1590738990000]]
    sql: select c1, c2 from {0};
    expect:
      rows: [["never", 0]]
`,
);
writeFileSync(
  join(casesDir, 'cluster', 'window.yaml'),
  `db: conformance_cluster
cases:
  - id: 0
    desc: window over keys spread on eight partitions
    inputs:
      - columns: ["id int", "c1 string", "c3 int", "c7 timestamp"]
        indexs: ["index1:c1:c7"]
        rows:
          - [1, "aa", 1, 1590738990000]
          - [2, "aa", 2, 1590738991000]
          - [3, "bb", 3, 1590738992000]
          - [4, "aa", 4, 1590738993000]
          - [5, "bb", 5, 1590738994000]
          - [6, "cc", 6, 1590738995000]
    sql: |
      SELECT id, c1, sum(c3) OVER w1 AS s FROM {0}
      WINDOW w1 AS (PARTITION BY {0}.c1 ORDER BY {0}.c7 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
    expect:
      order: id
      columns: ["id int", "c1 string", "s int"]
      rows:
        - [1, "aa", 1]
        - [2, "aa", 3]
        - [3, "bb", 3]
        - [4, "aa", 6]
        - [5, "bb", 8]
        - [6, "cc", 6]
  - id: 1
    desc: wrong on purpose
    mode: request-unsupport
    inputs:
      - columns: ["c1 string", "c2 int", "c7 timestamp"]
        indexs: ["index1:c1:c7"]
        rows: [["aa", 1, 1590738990000]]
    sql: select c2 from {0};
    expect:
      columns: ["c2 int"]
      rows: [[2]]
`,
);

function runCliProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'conformance', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: cliTmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('conformance --cluster', () => {
  it('runs case files against ZooKeeper + nameserver + 3 tablets and cleans up', async () => {
    const r = await runCliProcess(['--cluster', '--cases', casesDir, '--mode', 'all', '--verbose', '--timeout-ms', '30000']);
    const lines = r.stdout.trimEnd().split('\n');
    const context = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    // Each file's line when it is done, the one failure with its diff (verbose) before the line
    // of its file, then the totals.
    expect(lines[0], context).toBe('cluster/options.yaml: 4 passed, 0 failed, 5 skipped');
    expect(lines[1], context).toBe('FAIL [batch] cluster/window.yaml #1 wrong on purpose');
    expect(lines.slice(-3), context).toEqual(['cluster/window.yaml: 3 passed, 1 failed, 2 skipped', 'total: 2 files, 7 skipped', '7 passed, 1 failed']);
    expect(r.code).toBe(1);
    // Every process stopped, every directory (ZooKeeper's data, the nodes' dirs) removed.
    expect(readdirSync(cliTmp).filter((name) => name.startsWith('omts-'))).toEqual([]);
  });
});
