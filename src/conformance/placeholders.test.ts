import { describe, expect, it } from 'vitest';
import { autoNameGenerator, fillPlaceholders } from './placeholders.js';

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
