/**
 * The data of the request-mode benchmark: card transactions (`tx`) and a merchant-category
 * dimension table (`mcc_info`, two versions of each category so LAST JOIN has to pick the newest),
 * plus request rows: new transactions, not stored, one hour at most after the stored data ends.
 * Every value is a pure function of the row number, so both systems get exactly the same rows.
 *
 * Stored transactions: `cards` cards × `rowsPerCard` rows, spread evenly over SPAN_MS (10 days;
 * each row jittered within its slot, so a card's timestamps ascend), loaded in time order (row j
 * of every card, then row j + 1). With 1,000 rows per card a 1 h window holds ~4 rows, 1 d ~100
 * and 7 d ~700.
 */
import type { TableSchema, Value } from '../../src/protocol/schema.js';

export const BASE_TS_MS = 1_700_000_000_000;
export const SPAN_MS = 10 * 86_400_000;
export const MCC_COUNT = 500;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export const TX_SCHEMA: TableSchema = {
  columns: [
    { name: 'id', type: 'bigint', notNull: true },
    { name: 'card', type: 'string', notNull: true },
    { name: 'mcc', type: 'int', notNull: true },
    { name: 'amount', type: 'double', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
  ],
  indexes: [{ name: 'by_card', keyColumns: ['card'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

export const MCC_SCHEMA: TableSchema = {
  columns: [
    { name: 'mcc', type: 'int', notNull: true },
    { name: 'ts', type: 'timestamp', notNull: true },
    { name: 'category', type: 'string', notNull: true },
    { name: 'risk', type: 'double', notNull: true },
  ],
  indexes: [{ name: 'by_mcc', keyColumns: ['mcc'], tsColumn: 'ts', ttl: { type: 'absolute', absMinutes: 0, latCount: 0 } }],
};

/** Three windows (1 h, 1 d, 7 d) of sum/count/avg per card, and the newest category row by LAST JOIN. */
export const DEPLOYMENT_SELECT =
  'SELECT tx.id, tx.card, ' +
  ['1h', '1d', '7d'].map((w) => `sum(tx.amount) OVER w${w} AS sum_${w}, count(tx.amount) OVER w${w} AS cnt_${w}, avg(tx.amount) OVER w${w} AS avg_${w}`).join(', ') +
  ', mcc_info.category AS category, mcc_info.risk AS risk ' +
  'FROM tx LAST JOIN mcc_info ON tx.mcc = mcc_info.mcc WINDOW ' +
  ['1h', '1d', '7d'].map((w) => `w${w} AS (PARTITION BY tx.card ORDER BY tx.ts ROWS_RANGE BETWEEN ${w} PRECEDING AND CURRENT ROW)`).join(', ');

/** Output columns after id and card, in order. */
export const FEATURE_NAMES = ['sum_1h', 'cnt_1h', 'avg_1h', 'sum_1d', 'cnt_1d', 'avg_1d', 'sum_7d', 'cnt_7d', 'avg_7d', 'category', 'risk'] as const;

/** A 32-bit mix of two integers (deterministic "randomness"). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

export function cardName(c: number): string {
  return `card_${String(c).padStart(10, '0')}`;
}

export interface TxRow {
  readonly id: bigint;
  readonly card: string;
  readonly mcc: number;
  readonly amount: number;
  readonly tsMs: number;
}

export function txValues(r: TxRow): Value[] {
  return [r.id, r.card, r.mcc, r.amount, r.tsMs];
}

/** Stored row `n` of a load of `cards` cards with `rowsPerCard` rows each (0 <= n < cards * rowsPerCard). */
export function storedRow(n: number, cards: number, rowsPerCard: number): TxRow {
  const c = n % cards;
  const j = Math.floor(n / cards);
  const slotMs = Math.floor(SPAN_MS / rowsPerCard);
  const h = mix(c, j);
  return {
    id: BigInt(n),
    card: cardName(c),
    mcc: h % MCC_COUNT,
    amount: (mix(h, 7) % 100_000) / 100,
    tsMs: BASE_TS_MS + j * slotMs + (mix(h, 11) % slotMs),
  };
}

/** Request `i`: a new transaction of a card, up to one hour after the stored data ends. */
export function requestRow(i: number, cards: number): TxRow {
  const h = mix(1_000_003, i);
  return {
    id: BigInt(10_000_000_000 + i),
    card: cardName(h % cards),
    mcc: mix(h, 3) % MCC_COUNT,
    amount: (mix(h, 5) % 100_000) / 100,
    tsMs: BASE_TS_MS + SPAN_MS + (mix(h, 9) % HOUR_MS),
  };
}

export interface MccRow {
  readonly mcc: number;
  readonly tsMs: number;
  readonly category: string;
  readonly risk: number;
}

/** Every mcc_info row: two versions per category, the newer one a day later. */
export function mccRows(): MccRow[] {
  const rows: MccRow[] = [];
  for (let m = 0; m < MCC_COUNT; m++) {
    for (const version of [0, 1]) {
      const h = mix(m, 100 + version);
      rows.push({ mcc: m, tsMs: BASE_TS_MS - (2 - version) * DAY_MS, category: `cat_${m % 37}_v${version}`, risk: (h % 1000) / 1000 });
    }
  }
  return rows;
}

export function mccValues(r: MccRow): Value[] {
  return [r.mcc, r.tsMs, r.category, r.risk];
}
