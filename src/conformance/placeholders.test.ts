import { describe, expect, it } from 'vitest';
import { autoNameGenerator, fillCurrentTime, fillPlaceholders } from './placeholders.js';

const naming = { tableNames: ['auto_t0', 'orders'], autoName: 'auto_x', endpoints: ['127.0.0.1:9520'] };

describe('fillPlaceholders', () => {
  it('replaces {N}, {auto} (one name per case) and {tb_endpoint_N}', () => {
    const r = fillPlaceholders(
      "select {0}.c1, {1}.c2 from {0} last join {1} on {0}.id={1}.id; create table {auto}; drop table {auto}; ('{tb_endpoint_0}')",
      naming,
    );
    expect(r.ok && r.value).toBe(
      "select auto_t0.c1, orders.c2 from auto_t0 last join orders on auto_t0.id=orders.id; create table auto_x; drop table auto_x; ('127.0.0.1:9520')",
    );
  });

  it('leaves other braces alone', () => {
    expect(fillPlaceholders("select '{x}', '{}'", naming)).toEqual({ ok: true, value: "select '{x}', '{}'" });
  });

  it('fails on a table or endpoint the case does not have', () => {
    const table = fillPlaceholders('select * from {2}', naming);
    expect(!table.ok && table.message).toBe('SQL refers to {2} but the case has 2 input table(s)');
    const endpoint = fillPlaceholders('{tb_endpoint_1}', naming);
    expect(!endpoint.ok && endpoint.message).toBe('SQL refers to {tb_endpoint_1} but the engine reports 1 tablet endpoint(s)');
  });
});

describe('autoNameGenerator', () => {
  it('yields distinct identifier-shaped names', () => {
    const next = autoNameGenerator();
    const names = Array.from({ length: 2000 }, next);
    expect(new Set(names).size).toBe(2000);
    for (const n of names) expect(n).toMatch(/^auto_[a-z]{6,}$/);
  });
});

describe('fillCurrentTime', () => {
  it('replaces {currentTime} and {currentTime}-N with epoch milliseconds, leaves other values alone', () => {
    expect(fillCurrentTime('{currentTime}', 1_700_000_000_000)).toEqual({ ok: true, value: '1700000000000' });
    expect(fillCurrentTime('{currentTime}-600001', 1_700_000_000_000)).toEqual({ ok: true, value: '1699999399999' });
    expect(fillCurrentTime(' {currentTime} + 5 ', 1_700_000_000_000)).toEqual({ ok: true, value: '1700000000005' });
    expect(fillCurrentTime('1590738990000', undefined)).toEqual({ ok: true, value: '1590738990000' });
    expect(fillCurrentTime('x{currentTime}', 1)).toEqual({ ok: true, value: 'x{currentTime}' });
    expect(fillCurrentTime('{currentTime}-1', undefined).ok).toBe(false);
  });
});
