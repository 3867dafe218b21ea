/**
 * The request-mode features of bench/request.ts computed by DuckDB, in process: the same stored
 * rows (tx physically ordered by card then ts, an ART index on card; mcc_info as is), and per
 * request one execution of a prepared statement bound to the request row. Two equivalent
 * formulations: `window` (RANGE window aggregates over the key's stored rows in the last 7 days
 * plus the request row, keeping the request row's output) and `filter` (one scan of those stored
 * rows with FILTERed sum/count per range, the request row's amount and count added
 * arithmetically: less work for DuckDB, same figures). LAST JOIN = the newest mcc_info row of the
 * category. (DuckDB 1.5 does not use the ART index for these lookups, prepared or with literals.)
 * DuckDB's zone maps keep only the first 8 bytes of a string's min/max, and every card name starts
 * with `card_000`, so a filter on `card` alone scans all 1,000,000 rows (~17 ms of CPU a call).
 * tx therefore also holds `card_key`, a dense integer per card assigned at load (a surrogate key,
 * as one would model it for DuckDB), the rows are ordered by (card_key, ts), and both statements
 * filter `card_key = $5 AND card = $1`: the integer zone maps skip all but the card's row group.
 * Timestamps are BIGINT epoch milliseconds, so a 1 h range is 3,600,000.
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { DAY_MS, HOUR_MS, type MccRow, type TxRow, WEEK_MS } from './fraud-rows.js';

export type DuckSql = 'window' | 'filter';

const WINDOW_SQL = `
WITH hist AS (
  SELECT ts, amount, 0 AS is_req FROM tx WHERE card_key = $5 AND card = $1 AND ts >= $2 - ${WEEK_MS} AND ts <= $2
  UNION ALL SELECT $2::BIGINT, $3::DOUBLE, 1
), w AS (
  SELECT is_req,
    sum(amount) OVER h AS sum_1h, count(amount) OVER h AS cnt_1h, avg(amount) OVER h AS avg_1h,
    sum(amount) OVER d AS sum_1d, count(amount) OVER d AS cnt_1d, avg(amount) OVER d AS avg_1d,
    sum(amount) OVER k AS sum_7d, count(amount) OVER k AS cnt_7d, avg(amount) OVER k AS avg_7d
  FROM hist
  WINDOW h AS (ORDER BY ts RANGE BETWEEN ${HOUR_MS} PRECEDING AND CURRENT ROW),
         d AS (ORDER BY ts RANGE BETWEEN ${DAY_MS} PRECEDING AND CURRENT ROW),
         k AS (ORDER BY ts RANGE BETWEEN ${WEEK_MS} PRECEDING AND CURRENT ROW)
)
SELECT sum_1h, cnt_1h, avg_1h, sum_1d, cnt_1d, avg_1d, sum_7d, cnt_7d, avg_7d, m.category, m.risk
FROM w LEFT JOIN (SELECT category, risk FROM mcc_info WHERE mcc = $4 ORDER BY ts DESC LIMIT 1) m ON true
WHERE is_req = 1`;

/** One scan of the key's last 7 days with FILTERed aggregates; the request row is added arithmetically. */
function filterAggregates(suffix: string, rangeMs: number | undefined): string {
  const f = rangeMs === undefined ? '' : ` FILTER (WHERE ts >= $2 - ${rangeMs})`;
  return (
    `coalesce(sum(amount)${f}, 0) + $3 AS sum_${suffix}, count(amount)${f} + 1 AS cnt_${suffix}, ` +
    `(coalesce(sum(amount)${f}, 0) + $3) / (count(amount)${f} + 1) AS avg_${suffix}`
  );
}

const FILTER_SQL = `
WITH f AS (
  SELECT ${filterAggregates('1h', HOUR_MS)}, ${filterAggregates('1d', DAY_MS)}, ${filterAggregates('7d', undefined)}
  FROM tx WHERE card_key = $5 AND card = $1 AND ts >= $2 - ${WEEK_MS} AND ts <= $2
)
SELECT f.*, m.category, m.risk
FROM f LEFT JOIN (SELECT category, risk FROM mcc_info WHERE mcc = $4 ORDER BY ts DESC LIMIT 1) m ON true`;

/** sum/count/avg of 1 h, 1 d, 7 d, then category and risk (counts as numbers). */
export type Features = readonly (number | string | null)[];

export class DuckFeatures {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly setup: DuckDBConnection,
  ) {}

  /** card -> card_key, filled by `load`. */
  private readonly cardKeys = new Map<string, number>();

  static async create(): Promise<DuckFeatures> {
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    await setup.run('CREATE TABLE tx (id BIGINT, card VARCHAR, mcc INTEGER, amount DOUBLE, ts BIGINT, card_key INTEGER)');
    await setup.run('CREATE TABLE mcc_info (mcc INTEGER, ts BIGINT, category VARCHAR, risk DOUBLE)');
    return new DuckFeatures(instance, setup);
  }

  /** Appends `rowAt(i)` for i in [0, count) to a staging table, copies it into tx ordered by (card_key, ts), and indexes card. */
  async load(count: number, rowAt: (i: number) => TxRow, mcc: readonly MccRow[]): Promise<void> {
    await this.setup.run('CREATE TABLE tx_load (id BIGINT, card VARCHAR, mcc INTEGER, amount DOUBLE, ts BIGINT, card_key INTEGER)');
    const appender = await this.setup.createAppender('tx_load');
    for (let i = 0; i < count; i++) {
      const r = rowAt(i);
      appender.appendBigInt(r.id);
      appender.appendVarchar(r.card);
      appender.appendInteger(r.mcc);
      appender.appendDouble(r.amount);
      appender.appendBigInt(BigInt(r.tsMs));
      let key = this.cardKeys.get(r.card);
      if (key === undefined) {
        key = this.cardKeys.size;
        this.cardKeys.set(r.card, key);
      }
      appender.appendInteger(key);
      appender.endRow();
    }
    appender.closeSync();
    await this.setup.run('INSERT INTO tx SELECT * FROM tx_load ORDER BY card_key, ts');
    await this.setup.run('DROP TABLE tx_load');
    await this.setup.run('CREATE INDEX tx_card ON tx (card)');
    const m = await this.setup.createAppender('mcc_info');
    for (const r of mcc) {
      m.appendInteger(r.mcc);
      m.appendBigInt(BigInt(r.tsMs));
      m.appendVarchar(r.category);
      m.appendDouble(r.risk);
      m.endRow();
    }
    m.closeSync();
  }

  /** A client: its own connection and prepared statement (a statement is bound and run by one caller at a time). */
  async client(sql: DuckSql): Promise<DuckClient> {
    const connection = await this.instance.connect();
    const statement = await connection.prepare(sql === 'window' ? WINDOW_SQL : FILTER_SQL);
    return new DuckClient(connection, statement, this.cardKeys);
  }

  async version(): Promise<string> {
    const r = await this.setup.runAndReadAll('SELECT version()');
    return String(r.getRows()[0]![0]);
  }

  async plan(sql: DuckSql): Promise<string> {
    const text = (sql === 'window' ? WINDOW_SQL : FILTER_SQL).replace(/\$1/g, "'card_0000000000'").replace(/\$2/g, '1700864000000').replace(/\$3/g, '1.0').replace(/\$4/g, '1').replace(/\$5/g, '0');
    const r = await this.setup.runAndReadAll(`EXPLAIN ${text}`);
    return r
      .getRows()
      .map((row) => String(row[1]))
      .join('\n');
  }

  close(): void {
    this.setup.closeSync();
    this.instance.closeSync();
  }
}

export class DuckClient {
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly statement: DuckDBPreparedStatement,
    private readonly cardKeys: ReadonlyMap<string, number>,
  ) {}

  async features(r: TxRow): Promise<Features> {
    this.statement.bindVarchar(1, r.card);
    this.statement.bindBigInt(2, BigInt(r.tsMs));
    this.statement.bindDouble(3, r.amount);
    this.statement.bindInteger(4, r.mcc);
    // A card with no stored rows has no key: -1 matches nothing, as `card = $1` would.
    this.statement.bindInteger(5, this.cardKeys.get(r.card) ?? -1);
    const reader = await this.statement.runAndReadAll();
    const rows = reader.getRowsJS();
    if (rows.length !== 1) throw new Error(`DuckDB returned ${rows.length} rows for request ${r.id}`);
    return rows[0]!.map((v) => (typeof v === 'bigint' ? Number(v) : (v as number | string | null)));
  }

  close(): void {
    this.connection.closeSync();
  }
}
