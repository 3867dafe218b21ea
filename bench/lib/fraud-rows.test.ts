import { describe, expect, it } from 'vitest';
import { BASE_TS_MS, cardName, DAY_MS, DEPLOYMENT_SELECT, HOUR_MS, MCC_COUNT, mccRows, requestRow, SPAN_MS, storedRow, WEEK_MS } from './fraud-rows.js';

describe('fraud rows', () => {
  const cards = 20;
  const rowsPerCard = 1000;

  it('gives every card rowsPerCard rows with strictly ascending timestamps inside the span', () => {
    const byCard = new Map<string, number[]>();
    for (let n = 0; n < cards * rowsPerCard; n++) {
      const r = storedRow(n, cards, rowsPerCard);
      expect(r.id).toBe(BigInt(n));
      expect(r.mcc).toBeGreaterThanOrEqual(0);
      expect(r.mcc).toBeLessThan(MCC_COUNT);
      expect(Math.abs(r.amount * 100 - Math.round(r.amount * 100))).toBeLessThan(1e-6);
      const list = byCard.get(r.card) ?? [];
      list.push(r.tsMs);
      byCard.set(r.card, list);
    }
    expect(byCard.size).toBe(cards);
    for (const tss of byCard.values()) {
      expect(tss).toHaveLength(rowsPerCard);
      for (let i = 1; i < tss.length; i++) expect(tss[i]!).toBeGreaterThan(tss[i - 1]!);
      expect(tss[0]!).toBeGreaterThanOrEqual(BASE_TS_MS);
      expect(tss.at(-1)!).toBeLessThan(BASE_TS_MS + SPAN_MS);
      // About 1,000 rows over 10 days: a week holds roughly 700.
      const end = BASE_TS_MS + SPAN_MS;
      const inWeek = tss.filter((t) => t >= end - WEEK_MS).length;
      expect(inWeek).toBeGreaterThan(650);
      expect(inWeek).toBeLessThan(750);
      expect(tss.filter((t) => t >= end - DAY_MS).length).toBeGreaterThan(80);
    }
  });

  it('makes request rows newer than every stored row, within an hour after the span', () => {
    const names = new Set(Array.from({ length: cards }, (_, c) => cardName(c)));
    for (let i = 0; i < 500; i++) {
      const r = requestRow(i, cards);
      expect(names.has(r.card)).toBe(true);
      expect(r.tsMs).toBeGreaterThanOrEqual(BASE_TS_MS + SPAN_MS);
      expect(r.tsMs).toBeLessThan(BASE_TS_MS + SPAN_MS + HOUR_MS);
    }
    expect(requestRow(3, cards)).toEqual(requestRow(3, cards));
  });

  it('keeps two versions of every category, the newer one a day later', () => {
    const rows = mccRows();
    expect(rows).toHaveLength(2 * MCC_COUNT);
    for (let m = 0; m < MCC_COUNT; m++) {
      const versions = rows.filter((r) => r.mcc === m).sort((a, b) => a.tsMs - b.tsMs);
      expect(versions).toHaveLength(2);
      expect(versions[1]!.tsMs - versions[0]!.tsMs).toBe(DAY_MS);
      expect(versions[1]!.category).toMatch(/_v1$/);
    }
  });

  it('deploys three ROWS_RANGE windows and one LAST JOIN', () => {
    expect(DEPLOYMENT_SELECT.match(/ROWS_RANGE BETWEEN (\w+) PRECEDING/g)).toHaveLength(3);
    expect(DEPLOYMENT_SELECT).toContain('LAST JOIN mcc_info ON tx.mcc = mcc_info.mcc');
  });
});
