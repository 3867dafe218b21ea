/**
 * Online SQL end to end on a real standalone process through the SDK: queries in batch and
 * request mode, LAST JOIN, DEPLOY and deployment calls, SHOW/DROP DEPLOYMENT, CREATE INDEX with
 * backfill, DROP INDEX, and all of it again after a restart (the backfill and later writes are
 * replayed from the binlog; deployments and indexes, dropped ones included, come back from the
 * metadata).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, DbError, type Value } from '../src/sdk/index.js';
import { PREFORMATTED_COLUMN } from '../src/sql/statements/index.js';
import { cleanup, stopGracefully } from './harness/program.js';
import { type Standalone, startStandalone } from './harness/standalone.js';

let db: Standalone;
let conn: Connection;
/** Recent event times: the deployment below keeps one hour. */
const T = Date.now() - 600_000;

async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    if (e instanceof DbError) return e.message;
    throw e;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  db = await startStandalone(['--binlog_sync_to_disk_interval=0']);
  conn = await connect({ host: db.host, port: db.port });
});

afterAll(async () => {
  await conn?.close();
  await cleanup();
});

const WINDOW_SQL =
  'SELECT id, user, sum(amount) OVER w AS total, count(id) OVER w AS n FROM orders ' +
  'WINDOW w AS (PARTITION BY user ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)';

const VISITS_BY_PAGE =
  'SELECT id, count(id) OVER w AS n FROM visits WINDOW w AS (PARTITION BY page ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)';

describe('online SQL on a standalone database', () => {
  it('creates, inserts and selects rows, typed and as objects', async () => {
    await conn.execute('CREATE DATABASE shop');
    await conn.use('shop');
    expect(conn.database).toBe('shop');
    await conn.execute(`CREATE TABLE orders (id int, user string, shop string, amount bigint, ts timestamp,
      INDEX(KEY=user, TS=ts, TTL=0m))`);
    await conn.execute('CREATE TABLE shops (shop string, city string, ts timestamp, INDEX(KEY=shop, TS=ts))');
    const rows: Value[][] = [
      [1, 'ann', 's1', 10n, T + 1000],
      [2, 'bob', 's2', 20n, T + 2000],
      [3, 'ann', 's2', 30n, T + 3000],
      [4, 'ann', 's1', 40n, T + 4000],
      [5, 'bob', 's1', 50n, T + 5000],
    ];
    const insert = await conn.prepareInsert('shop', 'INSERT INTO orders VALUES (?, ?, ?, ?, ?)');
    for (const r of rows) expect(insert.add(r).ok).toBe(true);
    expect(await insert.execute()).toEqual({ ok: true, value: rows.length });
    await conn.execute(`INSERT INTO shops VALUES ('s1', 'paris', ${T}), ('s2', 'oslo', ${T}), ('s2', 'rome', ${T + 10})`);
    const all = await conn.query('SELECT id, user, amount FROM orders');
    expect(all.columns).toEqual([
      { name: 'id', type: 'int' },
      { name: 'user', type: 'string' },
      { name: 'amount', type: 'bigint' },
    ]);
    expect([...all.rows].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(rows.map((r) => [r[0], r[1], r[3]]));
    expect(all.objects.find((o) => o.id === 4)).toEqual({ id: 4, user: 'ann', amount: 40n });
    const filtered = await conn.query('SELECT id FROM orders WHERE amount > ? AND user = ?', [15n, 'ann']);
    expect(filtered.rows.map((r) => r[0]).sort()).toEqual([3, 4]);
  });

  it('computes windows over stored rows in batch mode', async () => {
    const r = await conn.query(WINDOW_SQL);
    expect([...r.rows].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'ann', 10n, 1n],
      [2, 'bob', 20n, 1n],
      [3, 'ann', 40n, 2n],
      [4, 'ann', 80n, 3n],
      [5, 'bob', 70n, 2n],
    ]);
  });

  it('takes the newest matching row in a LAST JOIN', async () => {
    const r = await conn.query('SELECT orders.id, shops.city FROM orders LAST JOIN shops ON orders.shop = shops.shop');
    expect([...r.rows].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'paris'],
      [2, 'rome'],
      [3, 'rome'],
      [4, 'paris'],
      [5, 'paris'],
    ]);
  });

  it('answers request mode for a row that is not stored (CONFIG, SET @@execute_mode, requestQuery)', async () => {
    const expected = [[9, 'ann', 150n, 3n]];
    const viaConfig = await conn.query(`${WINDOW_SQL} CONFIG (execute_mode='request', values=(9, 'ann', 's1', 80, ${T + 9000}))`);
    expect(viaConfig.rows).toEqual(expected);
    expect((await conn.requestQuery('shop', WINDOW_SQL, [9, 'ann', 's1', 80n, T + 9000])).rows).toEqual(expected);
    await conn.execute("SET @@execute_mode='request'");
    expect((await conn.query(`${WINDOW_SQL} CONFIG (values=(9, 'ann', 's1', 80, ${T + 9000}))`)).rows).toEqual(expected);
    expect(await failure(() => conn.query(WINDOW_SQL))).toMatch(/request mode needs request rows/);
    await conn.execute("SET @@execute_mode='online'");
    // The request row was not stored.
    expect((await conn.query('SELECT id FROM orders')).rows).toHaveLength(5);
    // Request mode needs an index for the window.
    expect(
      await failure(() =>
        conn.requestQuery('shop', 'SELECT id, sum(amount) OVER w AS s FROM orders WINDOW w AS (PARTITION BY shop ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)', [
          9,
          'ann',
          's1',
          1n,
          T,
        ]),
      ),
    ).toMatch(/needs an index/);
  });

  it('deploys a query (adding the index it needs, backfilled) and calls it', async () => {
    await conn.execute(
      'DEPLOY by_shop SELECT id, shop, sum(amount) OVER w AS total FROM orders WINDOW w AS (PARTITION BY shop ORDER BY ts ROWS_RANGE BETWEEN 1h PRECEDING AND CURRENT ROW)',
    );
    const out = await conn.callDeployment('shop', 'by_shop', [
      [10, 'cid', 's1', 1n, T + 6000],
      [11, 'cid', 's2', 2n, T + 6000],
      [12, 'cid', 's3', 3n, T + 6000],
    ]);
    expect(out.columns.map((c) => c.name)).toEqual(['id', 'shop', 'total']);
    expect(out.rows).toEqual([
      [10, 's1', 101n],
      [11, 's2', 52n],
      [12, 's3', 3n],
    ]);
    const desc = String((await conn.query('DESC orders')).rows[1]![0]);
    expect(desc).toMatch(/INDEX_1_\d+ +shop +ts +60min +kAbsoluteTime/);
    expect(await failure(() => conn.execute('DEPLOY by_shop SELECT id FROM orders'))).toMatch(/deployment 'by_shop' already exists/);
    await conn.execute('DEPLOY IF NOT EXISTS by_shop SELECT id FROM orders');
    expect(await failure(() => conn.execute('DEPLOY bad SELECT id FROM orders WHERE id > 1'))).toMatch(/deploy failed/);
  });

  it('shows and drops deployments', async () => {
    await conn.execute('DEPLOY plain SELECT id, user FROM orders');
    expect((await conn.query('SHOW DEPLOYMENTS')).rows).toEqual([
      ['shop', 'by_shop'],
      ['shop', 'plain'],
    ]);
    const shown = await conn.query('SHOW DEPLOYMENT by_shop');
    expect(shown.columns.map((c) => c.name)).toEqual([PREFORMATTED_COLUMN]);
    const text = String(shown.rows[0]![0]);
    expect(text).toMatch(/ DB +Deployment /);
    expect(text).toContain('DEPLOY by_shop SELECT');
    expect(text).toMatch(/# Input Schema[\s\S]*1 +id +Int +NO[\s\S]*# Output Schema[\s\S]*3 +total +BigInt +NO/);
    await conn.execute('DROP DEPLOYMENT plain');
    expect((await conn.query('SHOW DEPLOYMENTS')).rows).toEqual([['shop', 'by_shop']]);
    expect(await failure(() => conn.execute('DROP DEPLOYMENT plain'))).toMatch(/does not exist/);
    expect(await failure(() => conn.callDeployment('shop', 'plain', [[1, 'a', 's', 1n, T]]))).toMatch(/does not exist/);
  });

  it('adds an index with CREATE INDEX, backfilled, which a request-mode window then uses', async () => {
    const sql = 'SELECT id, sum(amount) OVER w AS total FROM orders WINDOW w AS (PARTITION BY id ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)';
    expect(await failure(() => conn.requestQuery('shop', sql, [3, 'x', 's', 5n, T + 9000]))).toMatch(/needs an index/);
    await conn.execute('CREATE INDEX by_id ON orders (id) OPTIONS (ts=ts, ttl=0m)');
    await conn.execute(`INSERT INTO orders VALUES (3, 'dan', 's3', 7, ${T + 8000})`);
    expect((await conn.requestQuery('shop', sql, [3, 'x', 's', 5n, T + 9000])).rows).toEqual([[3, 42n]]);
  });

  it('drops an index with DROP INDEX, refusing the first index, an unknown one and one a deployment uses', async () => {
    await conn.execute(`CREATE TABLE visits (id int, user string, page string, ts timestamp,
      INDEX by_user(KEY=user, TS=ts), INDEX by_page(KEY=page, TS=ts))`);
    await conn.execute(`INSERT INTO visits VALUES (1, 'ann', 'p1', ${T + 1000}), (2, 'bob', 'p1', ${T + 2000}), (3, 'ann', 'p2', ${T + 3000})`);
    expect((await conn.requestQuery('shop', VISITS_BY_PAGE, [9, 'x', 'p1', T + 9000])).rows).toEqual([[9, 3n]]);
    expect(await failure(() => conn.execute('DROP INDEX visits.by_user'))).toMatch(/index 'by_user' is the table's first index/);
    expect(await failure(() => conn.execute('DROP INDEX visits.nope'))).toMatch(/table 'shop.visits' has no index 'nope'/);
    const shopIndex = /INDEX_1_\d+/.exec(JSON.stringify((await conn.query('DESC orders')).rows))![0];
    expect(await failure(() => conn.execute(`DROP INDEX orders.${shopIndex}`))).toMatch(/is used by deployment shop\.by_shop/);
    expect(await failure(() => conn.execute('DROP TABLE orders'))).toMatch(/table 'shop.orders' is used by deployment shop\.by_shop/);

    await conn.execute('DROP INDEX shop.visits.by_page');
    const desc = JSON.stringify((await conn.query('DESC visits')).rows);
    expect(desc).toContain('by_user');
    expect(desc).not.toContain('by_page');
    expect(JSON.stringify((await conn.query('SHOW CREATE TABLE visits')).rows)).not.toContain('by_page');
    expect(await failure(() => conn.requestQuery('shop', VISITS_BY_PAGE, [9, 'x', 'p1', T + 9000]))).toMatch(/needs an index/);
    expect(await failure(() => conn.execute('DROP INDEX visits.by_page'))).toMatch(/has no index 'by_page'/);
    await conn.execute(`INSERT INTO visits VALUES (4, 'cid', 'p1', ${T + 4000})`);
    const p1 = await conn.query("SELECT id FROM visits WHERE page = 'p1'");
    expect(p1.rows.map((r) => r[0]).sort()).toEqual([1, 2, 4]);
  });

  it('keeps rows, indexes and deployments across a restart', async () => {
    await conn.close();
    await stopGracefully(db.proc);
    await db.restart();
    conn = await connect({ host: db.host, port: db.port });
    await conn.use('shop');
    const sql = 'SELECT id, sum(amount) OVER w AS total FROM orders WINDOW w AS (PARTITION BY id ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)';
    // Row 3 from before CREATE INDEX (backfilled) and from after it are both in the new index.
    expect((await conn.requestQuery('shop', sql, [3, 'x', 's', 5n, T + 9000])).rows).toEqual([[3, 42n]]);
    const out = await conn.callDeployment('shop', 'by_shop', [[10, 'cid', 's3', 1n, T + 9000]]);
    expect(out.rows).toEqual([[10, 's3', 8n]]);
    expect((await conn.query('SHOW DEPLOYMENTS')).rows).toEqual([['shop', 'by_shop']]);
  });

  it('keeps a dropped index dropped across the restart; CREATE INDEX of its name adds it again', async () => {
    expect(JSON.stringify((await conn.query('DESC visits')).rows)).not.toContain('by_page');
    expect(await failure(() => conn.requestQuery('shop', VISITS_BY_PAGE, [9, 'x', 'p1', T + 9000]))).toMatch(/needs an index/);
    const p1 = await conn.query("SELECT id FROM visits WHERE page = 'p1'");
    expect(p1.rows.map((r) => r[0]).sort()).toEqual([1, 2, 4]);
    await conn.execute('CREATE INDEX by_page ON visits (page) OPTIONS (ts=ts, ttl=0m)');
    expect(JSON.stringify((await conn.query('DESC visits')).rows)).toContain('by_page');
    expect((await conn.requestQuery('shop', VISITS_BY_PAGE, [9, 'x', 'p1', T + 9000])).rows).toEqual([[9, 4n]]);
  });
});
