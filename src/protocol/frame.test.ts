import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from './frame.js';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Cuts `bytes` at the given positions (any order, duplicates allowed). */
function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

function decodeAll(decoder: FrameDecoder, chunks: readonly Uint8Array[]) {
  const frames: Uint8Array[] = [];
  for (const chunk of chunks) {
    const pushed = decoder.push(chunk, (f) => frames.push(Uint8Array.from(f)));
    if (!pushed.ok) return { frames, failure: pushed };
  }
  return { frames, failure: undefined };
}

function header(length: number): Uint8Array {
  return new Uint8Array([length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
}

describe('FrameDecoder', () => {
  it('hands out a payload that lies inside one chunk as a view of that chunk', () => {
    const chunk = concat([encodeFrame(new Uint8Array([1, 2, 3])), encodeFrame(new Uint8Array([4]))]);
    const views: Uint8Array[] = [];
    expect(new FrameDecoder().push(chunk, (f) => views.push(f)).ok).toBe(true);
    expect(views.map((v) => [...v])).toEqual([[1, 2, 3], [4]]);
    expect(views[0]!.buffer).toBe(chunk.buffer);
    expect(views[1]!.byteOffset).toBe(chunk.byteOffset + 2 * FRAME_HEADER_BYTES + 3);
  });

  it('assembles a frame whose header and payload are split over several chunks', () => {
    const frame = encodeFrame(new Uint8Array([9, 8, 7, 6, 5]));
    const decoder = new FrameDecoder();
    const { frames, failure } = decodeAll(decoder, [frame.subarray(0, 2), frame.subarray(2, 6)]);
    expect(failure).toBeUndefined();
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes).toBe(6);
    expect(decoder.describePartialFrame()).toBe('truncated frame: got 2 of 5 payload bytes');
    expect(decodeAll(decoder, [frame.subarray(6)]).frames).toEqual([new Uint8Array([9, 8, 7, 6, 5])]);
    expect(decoder.describePartialFrame()).toBeUndefined();
  });

  it('describes a stream that stops inside a header', () => {
    const decoder = new FrameDecoder();
    decoder.push(new Uint8Array([0, 0, 1]), () => {});
    expect(decoder.describePartialFrame()).toBe('truncated frame: got 3 of 4 header bytes');
  });

  it('rejects a zero length as malformed', () => {
    const failure = new FrameDecoder().push(header(0), () => {});
    expect(failure).toEqual({ ok: false, code: Code.rpcMalformedFrame, message: expect.stringContaining('length 0') });
  });

  it('rejects a frame over the limit, naming its size and the limit, and stays failed', () => {
    const decoder = new FrameDecoder(1000);
    const seen: Uint8Array[] = [];
    const chunk = concat([encodeFrame(new Uint8Array(1000)), header(1001), new Uint8Array(5)]);
    const failure = decoder.push(chunk, (f) => seen.push(f));
    expect(seen.map((f) => f.length)).toEqual([1000]); // frames before the bad one are delivered
    expect(failure).toEqual({
      ok: false,
      code: Code.rpcFrameTooLarge,
      message: 'frame too large: 1001 bytes, over the limit of 1000 bytes',
    });
    expect(decoder.push(encodeFrame(new Uint8Array([1])), (f) => seen.push(f))).toEqual(failure);
    expect(seen).toHaveLength(1);
  });

  it('reads a garbage length such as 0xffffffff as too large', () => {
    const failure = new FrameDecoder().push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1]), () => {});
    expect(failure.ok ? undefined : failure.message).toMatch(/4294967295 bytes, over the limit of 33554432 bytes/);
  });

  it('refuses a nonsensical limit at construction', () => {
    expect(() => new FrameDecoder(0)).toThrow(/frameBytesMax/);
    expect(() => new FrameDecoder(1.5)).toThrow(/frameBytesMax/);
  });

  it('gives back exactly the frames of any frame sequence split at any points (property)', () => {
    const payload = fc.uint8Array({ minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(
        fc.array(payload, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (payloads, cuts) => {
          const stream = concat(payloads.map(encodeFrame));
          const decoder = new FrameDecoder(300);
          const { frames, failure } = decodeAll(decoder, splitAt(stream, cuts));
          expect(failure).toBeUndefined();
          expect(frames).toEqual(payloads.map((p) => Uint8Array.from(p)));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodes a stream fed one byte at a time', () => {
    const payloads = [new Uint8Array([1]), new Uint8Array(70).fill(3), new Uint8Array([2, 2])];
    const stream = concat(payloads.map(encodeFrame));
    const chunks = [...stream].map((b) => new Uint8Array([b]));
    expect(decodeAll(new FrameDecoder(), chunks).frames).toEqual(payloads);
  });

  it('never throws on random bytes: frames or a failure value (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
        const decoder = new FrameDecoder(max);
        const { frames, failure } = decodeAll(decoder, chunks);
        for (const f of frames) expect(f.length).toBeGreaterThan(0);
        for (const f of frames) expect(f.length).toBeLessThanOrEqual(max);
        if (failure !== undefined) expect([Code.rpcMalformedFrame, Code.rpcFrameTooLarge]).toContain(failure.code);
      }),
      { numRuns: 500 },
    );
  });
});
