import { describe, expect, it } from 'vitest';
import { decideTerm } from './term-fence.js';

describe('decideTerm', () => {
  it('refuses a lower term, accepts an equal one, adopts a higher one', () => {
    expect(decideTerm(5, 4)).toEqual({ kind: 'refuse', localTerm: 5 });
    expect(decideTerm(5, 5)).toEqual({ kind: 'accept', adoptTerm: undefined });
    expect(decideTerm(5, 9)).toEqual({ kind: 'accept', adoptTerm: 9 });
  });
});
