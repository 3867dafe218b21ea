/**
 * UTF-8 for the row codec without per-call allocation on the common path: short ASCII strings are
 * built from char codes (TextDecoder costs about 90 ns whatever the length, which dominates for
 * keys of a few bytes); longer or non-ASCII strings go through TextDecoder, which replaces invalid
 * sequences with U+FFFD and never throws.
 */
const decoder = new TextDecoder('utf-8');

/** Up to this many bytes, `s += char` yields a flat string (V8 makes cons strings from 13 chars). */
const CONCAT_BYTES_MAX = 12;
/** Up to this many bytes, `String.fromCharCode.apply` beats TextDecoder. */
const APPLY_BYTES_MAX = 32;
const applyCodes: number[] = [];

/** Decodes `bytes[start, end)` as UTF-8. */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= CONCAT_BYTES_MAX) {
    let s = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(b);
    }
    return s;
  }
  if (n <= APPLY_BYTES_MAX) {
    applyCodes.length = n;
    for (let i = 0; i < n; i++) {
      const b = bytes[start + i]!;
      if (b >= 0x80) return decoder.decode(bytes.subarray(start, end));
      applyCodes[i] = b;
    }
    return String.fromCharCode.apply(null, applyCodes);
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Number of UTF-8 bytes of `s`, or -1 when `s` holds an unpaired surrogate (which has no UTF-8
 * form: encoding it would silently change the value).
 */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return -1;
      bytes += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return -1;
    else bytes += 3;
  }
  return bytes;
}

/** Writes `s` (well-formed, see utf8ByteLength) at `pos`; returns the position after it. */
export function writeUtf8(s: string, out: Uint8Array, pos: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[pos++] = 0xf0 | (c >> 18);
      out[pos++] = 0x80 | ((c >> 12) & 0x3f);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}
