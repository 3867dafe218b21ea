import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { type Manifest, encodeManifest, parseManifest } from './manifest.js';

const manifest: Manifest = { formatVersion: 1, offset: 42, term: 3, count: 7, dataFile: '00000000000000000042-5.sdb', createdAtMs: 5 };
const text = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('manifest', () => {
  it('round-trips and ignores unknown fields', () => {
    expect(parseManifest(encodeManifest(manifest), 'M')).toEqual({ ok: true, value: manifest });
    expect(parseManifest(text({ ...manifest, addedLater: true }), 'M')).toEqual({ ok: true, value: manifest });
  });

  it('refuses damaged or incomplete manifests with the field named', () => {
    expect(parseManifest(new TextEncoder().encode('{"formatVer'), 'M')).toMatchObject({ ok: false, code: Code.corruption });
    const { offset: _drop, ...noOffset } = manifest;
    const missing = parseManifest(text(noOffset), '/s/MANIFEST');
    expect(!missing.ok && missing.message).toBe("snapshot manifest /s/MANIFEST field 'offset' is undefined, expected a non-negative integer");
    const badName = parseManifest(text({ ...manifest, dataFile: '../x' }), 'M');
    expect(!badName.ok && badName.message).toMatch(/field 'dataFile'/);
  });

  it('refuses a newer format version, naming both', () => {
    const newer = parseManifest(text({ ...manifest, formatVersion: 4 }), 'M');
    expect(!newer.ok && newer.message).toBe('snapshot manifest M has format version 4; this build reads up to version 1');
  });
});
