import { describe, expect, it } from 'vitest';
import { parseHostsFile, roleOfComponent } from './hosts-file.js';

describe('parseHostsFile', () => {
  it('reads one node per line, skipping comments and blank lines', () => {
    const r = parseHostsFile('# nodes\nnameserver /a\n\ntablet /b  # first\ntablet2 /b\napiserver rel/c\n', 'hosts');
    expect(r.ok && r.value.map((e) => [e.component, e.role, e.dir, e.line])).toEqual([
      ['nameserver', 'nameserver', '/a', 2],
      ['tablet', 'tablet', '/b', 4],
      ['tablet2', 'tablet', '/b', 5],
      ['apiserver', 'apiserver', 'rel/c', 6],
    ]);
  });

  it('names the line of a malformed entry, an unknown component or a duplicate', () => {
    expect(parseHostsFile('tablet\n', 'h')).toMatchObject({ ok: false, message: expect.stringMatching(/^h:1: expected '<component> <release dir>'/) });
    expect(parseHostsFile('tablet /a\nzookeeper /z\n', 'h')).toMatchObject({ ok: false, message: expect.stringMatching(/^h:2: unknown component 'zookeeper'/) });
    expect(parseHostsFile('tablet /a\ntablet /a\n', 'h')).toMatchObject({ ok: false, message: expect.stringMatching(/^h:2: tablet in \/a is listed twice/) });
    expect(parseHostsFile('# empty\n', 'h')).toMatchObject({ ok: false, message: 'hosts file h lists no node' });
  });

  it('maps numbered components to their role', () => {
    expect(roleOfComponent('tablet12')).toBe('tablet');
    expect(roleOfComponent('standalone')).toBeUndefined();
  });
});
