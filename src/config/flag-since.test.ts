import { describe, expect, it } from 'vitest';
import { FLAG_DEFINITIONS, flagsForVersion } from './flag-definitions.js';
import { parseFlagToken } from './flags.js';

describe('flags declared since a version', () => {
  it('put_dedup_window is known from 0.2.0 on and unknown to 0.1.0', () => {
    expect(FLAG_DEFINITIONS.find((d) => d.name === 'put_dedup_window')?.since).toBe('0.2.0');
    expect(flagsForVersion('0.1.0').has('put_dedup_window')).toBe(false);
    expect(flagsForVersion('0.2.0').has('put_dedup_window')).toBe(true);
    expect(flagsForVersion('0.1.0').has('leader_handoff_timeout')).toBe(true);
  });

  it('an older build refuses the newer flag as unknown, the newer one parses it', () => {
    expect(parseFlagToken('--put_dedup_window=500', 'tablet.flags:3', flagsForVersion('0.1.0'))).toEqual({
      ok: false,
      code: 307,
      message: 'tablet.flags:3: unknown flag --put_dedup_window',
    });
    expect(parseFlagToken('--put_dedup_window=500', 'command line', flagsForVersion('0.2.0'))).toEqual({
      ok: true,
      value: { name: 'put_dedup_window', value: 500, source: 'command line' },
    });
  });
});
