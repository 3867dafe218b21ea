import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffConf, formatConfDiff, isEmptyDiff } from './conf-diff.js';
import { mergeNodeConf } from './conf-merge.js';
import { readFlagLines, setFlagLine } from './flag-lines.js';

const OLD = `# tablet
--endpoint=127.0.0.1:9001
--zk_cluster=127.0.0.1:2181
--zk_root_path=/prod
--db_root_path=./db
--gc_interval=60
--binlog_enable_crc=true
`;
const NEW = `# Tablet server (cluster mode)
--endpoint=127.0.0.1:10921
--zk_cluster=127.0.0.1:2181
--zk_root_path=/openmldb
--db_root_path=./db
--gc_interval=120
--put_dedup_window=10000
`;

describe('diffConf', () => {
  it('lists added, removed and changed flags, sorted, and warns on endpoint and zk_root_path only when they differ', () => {
    const d = diffConf(OLD, NEW);
    expect(d.added).toEqual([{ name: 'put_dedup_window', value: '10000' }]);
    expect(d.removed).toEqual([{ name: 'binlog_enable_crc', value: 'true' }]);
    expect(d.changed.map((c) => c.name)).toEqual(['endpoint', 'gc_interval', 'zk_root_path']);
    expect(d.warnings).toHaveLength(2);
    expect(d.warnings[0]).toMatch(/--endpoint differs \(old '127\.0\.0\.1:9001', new '127\.0\.0\.1:10921'\)/);
    expect(d.warnings[1]).toMatch(/--zk_root_path differs/);
    expect(formatConfDiff(d).split('\n')).toEqual([
      '+ --put_dedup_window=10000',
      '- --binlog_enable_crc=true',
      '~ --endpoint: 127.0.0.1:9001 -> 127.0.0.1:10921',
      '~ --gc_interval: 60 -> 120',
      '~ --zk_root_path: /prod -> /openmldb',
      '1 added, 1 removed, 3 changed',
      d.warnings[0],
      d.warnings[1],
    ]);
  });

  it('warns when zk_cluster is set on one side only', () => {
    const d = diffConf('--endpoint=a:1\n', '--endpoint=a:1\n--zk_cluster=z:2181\n');
    expect(d.warnings).toEqual([`warning: --zk_cluster differs (old unset, new 'z:2181'): keep this node's value`]);
  });

  it('takes the last setting of a repeated flag, as the program does, and ignores comments', () => {
    expect(diffConf('--a=1\n--a=2\n# --b=3\n', '--a=2\n').changed).toEqual([]);
    expect(isEmptyDiff(diffConf('--a=1\n--a=2\n', '--a=2\n'))).toBe(true);
  });

  it('is empty for identical files and symmetric in what it reports (property)', () => {
    const flagFile = fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.stringMatching(/^[a-z0-9.:/]{0,8}$/), { maxKeys: 8 });
    fc.assert(
      fc.property(flagFile, flagFile, (a, b) => {
        const text = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `--${k}=${v}`).join('\n');
        expect(isEmptyDiff(diffConf(text(a), text(a)))).toBe(true);
        const ab = diffConf(text(a), text(b));
        const ba = diffConf(text(b), text(a));
        expect(ab.added.map((x) => x.name)).toEqual(ba.removed.map((x) => x.name));
        expect(ab.changed.map((x) => [x.name, x.oldValue, x.newValue])).toEqual(ba.changed.map((x) => [x.name, x.newValue, x.oldValue]));
      }),
    );
  });
});

describe('mergeNodeConf', () => {
  it("keeps every value the node sets, takes new flags from the template, and carries over the node's extra flags", () => {
    const m = mergeNodeConf(OLD, NEW);
    const v = readFlagLines(m.text).values;
    expect(v.get('endpoint')).toBe('127.0.0.1:9001');
    expect(v.get('zk_root_path')).toBe('/prod');
    expect(v.get('gc_interval')).toBe('60');
    expect(v.get('put_dedup_window')).toBe('10000');
    expect(v.get('binlog_enable_crc')).toBe('true');
    expect(m.keptValues).toEqual(['endpoint', 'gc_interval', 'zk_root_path']);
    expect(m.carriedOver).toEqual(['binlog_enable_crc']);
    expect(m.text.startsWith('# Tablet server (cluster mode)\n')).toBe(true);
  });

  it('writes each flag once even when the template repeats it', () => {
    const m = mergeNodeConf('--a=1\n', '--a=5\n--b=2\n--a=6\n');
    expect(m.text.split('\n').filter((l) => l.startsWith('--a='))).toEqual(['--a=1']);
  });

  it('any node value survives the merge and any template-only flag is added (property)', () => {
    const flagFile = fc.dictionary(fc.stringMatching(/^[a-z_]{1,6}$/), fc.stringMatching(/^[a-z0-9]{0,5}$/), { maxKeys: 6 });
    fc.assert(
      fc.property(flagFile, flagFile, (node, template) => {
        const text = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `--${k}=${v}`).join('\n');
        const merged = readFlagLines(mergeNodeConf(text(node), text(template)).text).values;
        for (const [k, val] of Object.entries(node)) expect(merged.get(k)).toBe(val);
        for (const [k, val] of Object.entries(template)) if (!(k in node)) expect(merged.get(k)).toBe(val);
        expect(merged.size).toBe(new Set([...Object.keys(node), ...Object.keys(template)]).size);
      }),
    );
  });
});

describe('setFlagLine', () => {
  it('replaces every setting of the flag with one at the end', () => {
    expect(setFlagLine('--a=1\n# c\n--a=2\n--b=3\n', 'a', '9')).toBe('# c\n--b=3\n--a=9\n');
  });
});
