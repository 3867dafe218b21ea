import { describe, expect, it } from 'vitest';
import { matchTermOffset } from './match-term-offset.js';

// term 1 from offset 0, term 3 from 11, term 5 from 21 (offsets 1..10 were written under term 1, ...)
const history = [
  { term: 1, offset: 0 },
  { term: 3, offset: 11 },
  { term: 5, offset: 21 },
];

describe('matchTermOffset', () => {
  it('matches a replica that stopped inside its term, before the next term began', () => {
    expect(matchTermOffset(history, true, 1, 10)).toBe(true);
    expect(matchTermOffset(history, true, 3, 20)).toBe(true);
    expect(matchTermOffset(history, true, 5, 99)).toBe(true);
  });

  it('rejects a replica with entries past the start of the next term (diverged)', () => {
    expect(matchTermOffset(history, true, 1, 11)).toBe(false);
    expect(matchTermOffset(history, true, 3, 25)).toBe(false);
  });

  it('rejects an unknown term, and a replica with no table and nothing on disk', () => {
    expect(matchTermOffset(history, true, 4, 12)).toBe(false);
    expect(matchTermOffset(history, false, 1, 0)).toBe(false);
    expect(matchTermOffset(history, true, 1, 0)).toBe(true);
  });

  it('a term adopted without entries matches only if no later term began after it', () => {
    // The replica took term 5 through FollowOfNoOne at offset 20, before anything was written under 5.
    expect(matchTermOffset(history, true, 5, 20)).toBe(true);
    expect(matchTermOffset(history, true, 3, 9)).toBe(false);
  });
});
