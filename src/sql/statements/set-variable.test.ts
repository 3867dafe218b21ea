import { describe, expect, it } from 'vitest';
import { planSet } from './set-variable.js';
import { parsed } from './test-helpers.js';

function set(sql: string) {
  return planSet(parsed(sql, 'setVariable'));
}

describe('SET', () => {
  it('lower-cases names and values and keeps the scope', () => {
    expect(set("SET @@execute_mode = 'ONLINE'")).toEqual({ ok: true, value: { scope: 'session', name: 'execute_mode', value: 'online', known: true } });
    expect(set('set @@session.Execute_Mode = offline')).toMatchObject({ ok: true, value: { scope: 'session', value: 'offline' } });
    expect(set("SET GLOBAL execute_mode = 'request'")).toMatchObject({ ok: true, value: { scope: 'global', value: 'request' } });
    expect(set('SET @@global.sync_job = true')).toMatchObject({ ok: true, value: { scope: 'global', name: 'sync_job', value: 'true' } });
    expect(set('SET @@job_timeout = 20000')).toMatchObject({ ok: true, value: { value: '20000' } });
    expect(set("SET @@spark_config = 'spark.driver.memory=2g;spark.executor.Cores=2'")).toMatchObject({
      ok: true,
      value: { value: 'spark.driver.memory=2g;spark.executor.Cores=2' },
    });
  });

  it('checks the known variables', () => {
    expect(set("SET @@execute_mode = 'batch'")).toMatchObject({
      ok: false,
      message: "set failed: invalid value 'batch' for execute_mode; expected one of online, request, offline [at 1:22]",
    });
    expect(set("SET @@enable_trace = 'yes'")).toMatchObject({ ok: false, message: expect.stringMatching(/expected true or false/) });
    expect(set('SET @@job_timeout = -1')).toMatchObject({ ok: false });
    expect(set('SET @@insert_memory_usage_limit = 101')).toMatchObject({ ok: false, message: expect.stringMatching(/0\.\.100/) });
    expect(set('SET @@insert_memory_usage_limit = 100')).toMatchObject({ ok: true });
    expect(set("SET @@spark_config = 'nonsense'")).toMatchObject({ ok: false });
    expect(set('SET @@execute_mode = NULL')).toMatchObject({ ok: false, message: expect.stringMatching(/cannot be NULL/) });
  });

  it('accepts unknown variables and marks them', () => {
    expect(set("SET @@whatever = 'X'")).toEqual({ ok: true, value: { scope: 'session', name: 'whatever', value: 'x', known: false } });
  });
});
