import { describe, expect, it } from 'vitest';
import { formatStatRecords, mergeStatRecords, parseStatRecords, type StatRecord } from './stat-records.js';

const rec = (pid: number, added = ''): StatRecord => ({ endpoint: '127.0.0.1:1', db: 'd', name: 't', tid: 3, pid, addedEndpoint: added });

describe('stat records', () => {
  it('round-trips the reference line format ep,db,name,tid,pid,added_ep', () => {
    const text = formatStatRecords([rec(0), rec(1, '127.0.0.1:2')]);
    expect(text).toBe('127.0.0.1:1,d,t,3,0,\n127.0.0.1:1,d,t,3,1,127.0.0.1:2\n');
    expect(parseStatRecords(text, 's')).toEqual({ ok: true, value: [rec(0), rec(1, '127.0.0.1:2')] });
  });

  it('names the line of a malformed record', () => {
    expect(parseStatRecords('a,b,c\n', '.stat')).toMatchObject({ ok: false, message: expect.stringMatching(/^\.stat:1: expected/) });
  });

  it('merges without duplicates and never forgets a temporary replica', () => {
    expect(mergeStatRecords([rec(0, 'x:1')], [rec(0), rec(1)])).toEqual([rec(0, 'x:1'), rec(1)]);
  });
});
