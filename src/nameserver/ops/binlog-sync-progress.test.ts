import { describe, expect, it } from 'vitest';
import { binlogSyncCaughtUp } from './binlog-sync-progress.js';
import { tableOf, viewOf } from './view-builder.js';

describe('binlogSyncCaughtUp', () => {
  const t = tableOf(1, 't', [['a*', 'b-', 'c']]);
  const p = t.partitions[0]!;
  const check = (status: Record<string, number | { offset: number; tabletHasPartition: boolean }>, delta: number) =>
    binlogSyncCaughtUp(viewOf({ tables: [t], healthy: ['a', 'b', 'c'], status }), 1, p, 'b', delta);

  it('compares the alive leader with the follower within delta', () => {
    expect(check({ '1_0_a': 150, '1_0_b': 100 }, 50)).toBe(true);
    expect(check({ '1_0_a': 151, '1_0_b': 100 }, 50)).toBe(false);
    expect(check({ '1_0_a': 100, '1_0_b': 100 }, 0)).toBe(true);
  });

  it('counts as done when some tablet does not hold the partition', () => {
    expect(check({ '1_0_a': 900, '1_0_b': 0, '1_0_c': { offset: 0, tabletHasPartition: false } }, 0)).toBe(true);
  });

  it('skips replicas with unknown offsets (an unknown follower counts as 0)', () => {
    expect(check({ '1_0_a': 10 }, 5)).toBe(false);
    expect(check({ '1_0_a': 10 }, 10)).toBe(true);
    expect(check({ '1_0_b': 10 }, 0)).toBe(true);
  });

  it('a single replica is always caught up', () => {
    const s = tableOf(2, 's', [['a*']]);
    expect(binlogSyncCaughtUp(viewOf({ tables: [s], healthy: ['a'] }), 2, s.partitions[0]!, 'a', 0)).toBe(true);
  });
});
