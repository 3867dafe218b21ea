import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../base/seeded-rng.js';
import { placePartitions } from './placement.js';

const tablets = (n: number) => Array.from({ length: n }, (_, i) => ({ endpoint: `127.0.0.1:${9000 + i}`, replicas: 0, leaders: 0 }));

describe('placePartitions', () => {
  it('gives every partition replicaNum distinct tablets and exactly one leader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 16 }), fc.integer(), (n, parts, seed) => {
        const replicaNum = Math.min(3, n);
        const r = placePartitions(tablets(n), parts, replicaNum, seededRng(seed));
        if (!r.ok) throw new Error(r.message);
        expect(r.value).toHaveLength(parts);
        for (const p of r.value) {
          expect(new Set(p.replicas.map((x) => x.endpoint)).size).toBe(replicaNum);
          expect(p.replicas.filter((x) => x.isLeader)).toHaveLength(1);
        }
      }),
    );
  });

  it('balances leaders across tablets', () => {
    const r = placePartitions(tablets(3), 8, 3, seededRng(7));
    if (!r.ok) throw new Error(r.message);
    const counts = new Map<string, number>();
    for (const p of r.value) for (const x of p.replicas) if (x.isLeader) counts.set(x.endpoint, (counts.get(x.endpoint) ?? 0) + 1);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
  });

  it('refuses more replicas than healthy tablets, naming both numbers', () => {
    const r = placePartitions(tablets(2), 4, 3, seededRng(1));
    expect(!r.ok && r.message).toBe('replicanum 3 is more than the 2 healthy tablet(s)');
  });
});
