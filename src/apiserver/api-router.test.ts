import { describe, expect, it } from 'vitest';
import { matchRoute } from './api-router.js';

describe('matchRoute', () => {
  it('matches every endpoint with its parameters', () => {
    expect(matchRoute('PUT', '/dbs/d1/tables/t1')).toEqual({ ok: true, route: 'put', params: { db: 'd1', table: 't1' } });
    expect(matchRoute('POST', '/dbs/d1/deployments/dep')).toEqual({ ok: true, route: 'callDeployment', params: { db: 'd1', name: 'dep' } });
    expect(matchRoute('POST', '/dbs/d1/procedures/sp')).toEqual({ ok: true, route: 'callProcedure', params: { db: 'd1', name: 'sp' } });
    expect(matchRoute('GET', '/dbs/d1/deployments/dep')).toEqual({ ok: true, route: 'getDeployment', params: { db: 'd1', name: 'dep' } });
    expect(matchRoute('GET', '/dbs/d1/procedures/sp')).toEqual({ ok: true, route: 'getProcedure', params: { db: 'd1', name: 'sp' } });
    expect(matchRoute('POST', '/dbs/d1')).toEqual({ ok: true, route: 'executeSql', params: { db: 'd1' } });
    expect(matchRoute('GET', '/dbs')).toEqual({ ok: true, route: 'listDatabases', params: {} });
    expect(matchRoute('GET', '/dbs/d1/tables')).toEqual({ ok: true, route: 'listTables', params: { db: 'd1' } });
    expect(matchRoute('GET', '/dbs/d1/tables/t1')).toEqual({ ok: true, route: 'getTable', params: { db: 'd1', table: 't1' } });
    expect(matchRoute('POST', '/refresh')).toEqual({ ok: true, route: 'refresh', params: {} });
  });

  it('ignores the query string and one trailing slash, and decodes segments', () => {
    expect(matchRoute('get', '/dbs/?x=1')).toMatchObject({ ok: true, route: 'listDatabases' });
    expect(matchRoute('GET', '/dbs/my%20db/tables#frag')).toEqual({ ok: true, route: 'listTables', params: { db: 'my db' } });
  });

  it('says which part did not match', () => {
    expect(matchRoute('DELETE', '/dbs/d1')).toEqual({ ok: false, msg: 'unsupported method' });
    expect(matchRoute('PATCH', '/dbs')).toEqual({ ok: false, msg: 'unsupported method' });
    expect(matchRoute('GET', '/dbs/d1')).toEqual({ ok: false, msg: 'no match method' });
    expect(matchRoute('PUT', '/dbs/d1/tables')).toEqual({ ok: false, msg: 'no match method' });
    expect(matchRoute('POST', '/dbs/d1/tables/t1')).toEqual({ ok: false, msg: 'no match method' });
    expect(matchRoute('GET', '/dbs//tables')).toEqual({ ok: false, msg: 'no match method' });
    expect(matchRoute('GET', '/')).toEqual({ ok: false, msg: 'no match method' });
    expect(matchRoute('GET', '/dbs/%zz/tables')).toEqual({ ok: false, msg: 'invalid url' });
    expect(matchRoute('GET', 'dbs')).toEqual({ ok: false, msg: 'invalid url' });
  });
});
