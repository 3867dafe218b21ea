import { describe, expect, it } from 'vitest';
import { Flags, parseCommandLine, parseFlagFile, resolveFlags } from './flags.js';

describe('flag files', () => {
  it('reads --name=value lines, comments and blank lines', () => {
    const r = parseFlagFile('# tablet\n--endpoint=127.0.0.1:9527\n\n--binlog_notify_on_put\n--gc_interval=60\n', 't.flags');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { values } = resolveFlags(r.value, []);
    const f = new Flags(values);
    expect(f.string('endpoint')).toBe('127.0.0.1:9527');
    expect(f.bool('binlog_notify_on_put')).toBe(true);
    expect(f.int('gc_interval')).toBe(60);
    expect(f.int('zk_session_timeout')).toBe(2000);
  });

  it('names the file, line and flag of an unknown flag', () => {
    const r = parseFlagFile('--endpoint=1.2.3.4:5\n--no_such_flag=1\n', 'conf/tablet.flags');
    expect(r).toEqual({ ok: false, code: 307, message: 'conf/tablet.flags:2: unknown flag --no_such_flag' });
  });

  it('rejects malformed lines and wrong types with the place and the value', () => {
    const bad = parseFlagFile('endpoint 1.2.3.4:5\n', 'a.flags');
    expect(!bad.ok && bad.message).toBe("a.flags:1: expected --name=value, got 'endpoint 1.2.3.4:5'");
    const notInt = parseFlagFile('--gc_interval=ten\n', 'a.flags');
    expect(!notInt.ok && notInt.message).toBe("a.flags:1: flag --gc_interval expects an integer, got 'ten'");
    const notBool = parseFlagFile('--auto_failover=maybe\n', 'a.flags');
    expect(!notBool.ok && notBool.message).toMatch(/--auto_failover expects true or false, got 'maybe'/);
    const belowMin = parseFlagFile('--partition_num=0\n', 'a.flags');
    expect(!belowMin.ok && belowMin.message).toMatch(/--partition_num must be >= 1, got 0/);
  });

  it('lets the command line override the file, and supports --noflag and --name value', () => {
    const file = parseFlagFile('--auto_failover=true\n--zk_root_path=/a\n', 'f');
    const cli = parseCommandLine(['--noauto_failover', '--zk_root_path', '/b', 'showtable']);
    expect(file.ok && cli.ok).toBe(true);
    if (!file.ok || !cli.ok) return;
    const { values, sources } = resolveFlags(file.value, cli.value.settings);
    const f = new Flags(values, sources);
    expect(f.bool('auto_failover')).toBe(false);
    expect(f.string('zk_root_path')).toBe('/b');
    expect(cli.value.positional).toEqual(['showtable']);
    expect(sources.get('zk_root_path')).toBe('command line');
  });

  it('reports accepted flags that have no effect here', () => {
    const r = parseFlagFile('--thread_pool_size=24\n--endpoint=x:1\n', 'f');
    if (!r.ok) throw new Error(r.message);
    const { values, sources } = resolveFlags(r.value, []);
    expect(new Flags(values, sources).ineffective()).toEqual(['thread_pool_size']);
  });
});
