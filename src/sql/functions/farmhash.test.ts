import { describe, expect, it } from 'vitest';
import { fingerprint64 } from './farmhash.js';

/** Bytes (i * 31 + 7) & 255 of each length. */
function pattern(len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 31 + 7) & 255);
}

describe('fingerprint64', () => {
  // Values computed with farmhash-modern 1.1.0 (an independent port of FarmHash) on the same
  // inputs; they cover every length branch (0-16, 17-32, 33-64 and the >64 loop).
  it.each([
    [0, 11160318154034397263n],
    [1, 6305636504242451570n],
    [2, 172658089014669113n],
    [3, 6846658912458629505n],
    [4, 15920609078983942396n],
    [7, 6078383079216981503n],
    [8, 15079902322784532122n],
    [9, 14543372515319665015n],
    [15, 14066997000821131917n],
    [16, 15686757420722829688n],
    [17, 18426422322569481577n],
    [31, 7034730737438268021n],
    [32, 6557825886676886425n],
    [33, 15509195725936039944n],
    [48, 6221035263919484914n],
    [63, 18383750520318060361n],
    [64, 6210884751478203641n],
    [65, 6510967642095903190n],
    [100, 9161790132710673149n],
    [127, 9179598096963267461n],
    [129, 15628949882102983394n],
    [200, 10317091910287059053n],
    [255, 1574963405523568248n],
  ])('length %i', (len, expected) => {
    expect(fingerprint64(pattern(len))).toBe(expected);
  });

  it('hashes text', () => {
    expect(fingerprint64(new TextEncoder().encode('hello world'))).toBe(6381520714923946011n);
  });
});
