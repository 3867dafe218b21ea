import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Code } from '../base/status.js';
import { decodeEnvelope, encodeEnvelopeFrame, type Envelope, type OutgoingEnvelope } from './envelope.js';
import { FRAME_BYTES_MAX_DEFAULT, FRAME_HEADER_BYTES, FrameDecoder } from './frame.js';

function frameOf(envelope: OutgoingEnvelope): Uint8Array {
  const encoded = encodeEnvelopeFrame(envelope);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.value;
}

function payloadOf(envelope: OutgoingEnvelope): Uint8Array {
  return frameOf(envelope).subarray(FRAME_HEADER_BYTES);
}

function roundTrip(envelope: OutgoingEnvelope): Envelope {
  const decoded = decodeEnvelope(payloadOf(envelope));
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.value;
}

/** A foreign peer's encoder: plain maps, as any msgpack implementation would write them. */
const foreign = new Packr({ useRecords: false });

function decodeForeign(wire: unknown) {
  return decodeEnvelope(foreign.pack(wire));
}

const hello = {
  kind: 'hello',
  protocolVersion: 1,
  softwareVersion: '0.1.0',
  role: 'tablet',
  endpoint: '127.0.0.1:9527',
  features: ['scan-v2'],
  frameBytesMax: 1024,
} as const;

// Values a message body may hold. -0 is left out (msgpack has no negative zero integer), and so is
// the key '__proto__' (msgpackr renames it, on purpose, to stop prototype pollution).
const bodyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double().map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4, noNullPrototype: true },
    ),
  ),
})).value;

/** Decoded binary is a Buffer in Node; compare bytes, not classes. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return { binary: [...value] };
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

describe('envelope codec', () => {
  it('writes the frame header in front of the msgpack payload', () => {
    const frame = frameOf({ kind: 'error', code: Code.rpcBadRequest, message: 'no' });
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    expect(view.getUint32(0)).toBe(frame.length - FRAME_HEADER_BYTES);
    const frames: Uint8Array[] = [];
    new FrameDecoder().push(frame, (p) => frames.push(p));
    expect(frames).toHaveLength(1);
  });

  it('round-trips every kind', () => {
    expect(roundTrip(hello)).toEqual(hello);
    expect(roundTrip({ ...hello, kind: 'helloAck' })).toEqual({ ...hello, kind: 'helloAck' });
    const request = { kind: 'request', id: 7, method: 'put', timeoutMs: 250, body: { tid: 3 } } as const;
    expect(roundTrip(request)).toEqual(request);
    const noTimeout = { kind: 'request', id: 8, method: 'get', body: 'k' } as const;
    expect(roundTrip(noTimeout)).toEqual(noTimeout);
    const okResponse = { kind: 'response', id: 7, code: Code.ok, message: '', body: [1, 'a'] } as const;
    expect(roundTrip(okResponse)).toEqual(okResponse);
    const failed = { kind: 'response', id: 9, code: Code.tableNotFound, message: "table 'ads' not found", body: undefined };
    expect(roundTrip({ ...failed, kind: 'response' })).toEqual(failed);
    expect(roundTrip({ kind: 'error', code: Code.rpcMalformedFrame, message: 'bad' })).toEqual({
      kind: 'error',
      code: Code.rpcMalformedFrame,
      message: 'bad',
    });
  });

  it('round-trips any body, with int64 as bigint and binary as bytes (property)', () => {
    fc.assert(
      fc.property(fc.nat(), bodyValue, fc.string(), (id, body, method) => {
        const decoded = roundTrip({ kind: 'request', id, method, body });
        expect(decoded.kind).toBe('request');
        if (decoded.kind !== 'request') return;
        expect(decoded.id).toBe(id);
        expect(decoded.method).toBe(method);
        expect(normalize(decoded.body)).toEqual(normalize(body));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the type of int64 and binary fields exactly', () => {
    const body = { big: 2n ** 62n + 1n, small: 5n, neg: -(2n ** 63n), u64: 2n ** 64n - 1n, ts: 1_700_000_000_123, row: new Uint8Array([0, 255]) };
    const decoded = roundTrip({ kind: 'response', id: 1, code: 0, message: '', body });
    const got = (decoded as { body: Record<string, unknown> }).body;
    expect(got['big']).toBe(2n ** 62n + 1n);
    expect(got['small']).toBe(5n);
    expect(got['neg']).toBe(-(2n ** 63n));
    expect(got['u64']).toBe(2n ** 64n - 1n);
    expect(got['ts']).toBe(1_700_000_000_123);
    expect(got['row']).toBeInstanceOf(Uint8Array);
    expect([...(got['row'] as Uint8Array)]).toEqual([0, 255]);
  });

  it("copies binary fields out of the frame by default, or leaves them as views with 'view'", () => {
    const payload = payloadOf({ kind: 'request', id: 1, method: 'put', body: { row: new Uint8Array(16).fill(7) } });
    const rowOf = (decoded: ReturnType<typeof decodeEnvelope>) =>
      ((decoded.ok && decoded.value.kind === 'request' ? decoded.value.body : undefined) as { row: Uint8Array }).row;
    const copied = rowOf(decodeEnvelope(payload));
    expect(copied.buffer).not.toBe(payload.buffer);
    expect(copied.buffer.byteLength).toBe(16); // its own buffer, pinning nothing else
    const viewed = rowOf(decodeEnvelope(payload, 'view'));
    expect(viewed.buffer).toBe(payload.buffer);
    expect([...viewed]).toEqual([...copied]);
  });

  it('encodes without shared structure state: the same message gives the same bytes, readable by a plain decoder', () => {
    const message = { kind: 'request', id: 3, method: 'scan', body: { a: 1, b: 'x' } } as const;
    const first = Uint8Array.from(payloadOf(message));
    const second = Uint8Array.from(payloadOf(message));
    expect(second).toEqual(first);
    expect(new Unpackr({ useRecords: false }).unpack(first)).toEqual({ ...message });
  });

  it('keeps a record definition sent by a peer inside that one message', () => {
    const withRecord = new Packr({ useRecords: true }).pack({ kind: 'cancel', a: 1 });
    expect(decodeEnvelope(withRecord)).toEqual({ ok: true, value: { kind: 'unknown', wireKind: 'cancel' } });
    // 0x40 is the fixint 64 unless a record slot 0 were still defined from the message above.
    expect(decodeForeign({ kind: 'request', id: 64, method: 'get' })).toEqual({
      ok: true,
      value: { kind: 'request', id: 64, method: 'get', body: undefined },
    });
  });

  it('fails as a value, not an exception, for an integer msgpack cannot carry', () => {
    const encoded = encodeEnvelopeFrame({ kind: 'request', id: 1, method: 'put', body: 2n ** 64n });
    expect(encoded.ok).toBe(false);
    expect(encoded.ok ? '' : encoded.message).toMatch(/cannot encode request/);
  });

  it('ignores unknown fields and defaults missing optional ones (a newer or older peer)', () => {
    expect(decodeForeign({ kind: 'hello', protocolVersion: 2, addedInV2: { x: 1 } })).toEqual({
      ok: true,
      value: {
        kind: 'hello',
        protocolVersion: 2,
        softwareVersion: 'unknown',
        role: 'unknown',
        endpoint: '',
        features: [],
        frameBytesMax: FRAME_BYTES_MAX_DEFAULT,
      },
    });
    // Request and response maps are checked in place: an unknown field may stay on the object,
    // but nothing reads it.
    const request = decodeForeign({ kind: 'request', id: 4, method: 'get', priority: 'high' });
    expect(request).toMatchObject({ ok: true, value: { kind: 'request', id: 4, method: 'get' } });
    expect(request.ok && request.value.kind === 'request' && request.value.body).toBeUndefined();
    expect(request.ok && request.value.kind === 'request' && request.value.timeoutMs).toBeUndefined();
    expect(decodeForeign({ kind: 'response', id: 4, code: Code.internal })).toEqual({
      ok: true,
      value: { kind: 'response', id: 4, code: Code.internal, message: '' },
    });
  });

  it('turns an unknown kind into an unknown envelope for the receiver to skip', () => {
    expect(decodeForeign({ kind: 'cancel', id: 4 })).toEqual({ ok: true, value: { kind: 'unknown', wireKind: 'cancel' } });
  });

  it('reports malformed messages with what was expected and what was found', () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /malformed message: expected a map, found a list/],
      [{ id: 1 }, /expected a string field 'kind', found nothing/],
      [{ kind: 'request', id: -1, method: 'get' }, /malformed request: expected field 'id' a non-negative integer, found number -1/],
      [{ kind: 'request', id: 1, method: 5 }, /field 'method' a string, found number 5/],
      [{ kind: 'request', id: 1, method: 'x', timeoutMs: 'soon' }, /field 'timeoutMs' a non-negative number, found string "soon"/],
      [{ kind: 'response', id: 1, code: 1.5 }, /field 'code' an integer, found number 1.5/],
      [{ kind: 'hello', role: 'tablet' }, /malformed hello: expected field 'protocolVersion' an integer, found nothing/],
      [{ kind: 'helloAck', protocolVersion: 1, features: 'all' }, /field 'features' a list of strings/],
      [{ kind: 'error', code: 'x' }, /malformed error: expected field 'code' an integer/],
    ];
    for (const [wire, message] of cases) {
      const decoded = decodeForeign(wire);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) {
        expect(decoded.code).toBe(Code.rpcMalformedFrame);
        expect(decoded.message).toMatch(message);
      }
    }
  });

  it('reports bytes that are not msgpack, or have trailing bytes, as malformed', () => {
    const truncated = decodeEnvelope(new Uint8Array([0x85, 0xa4]));
    expect(truncated.ok ? '' : truncated.message).toMatch(/not msgpack/);
    const trailing = new Uint8Array([...payloadOf({ kind: 'error', code: 1, message: '' }), 0xc0]);
    expect(decodeEnvelope(trailing).ok).toBe(false);
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (bytes) => {
        const decoded = decodeEnvelope(bytes);
        if (!decoded.ok) expect(decoded.code).toBe(Code.rpcMalformedFrame);
      }),
      { numRuns: 1000 },
    );
  });
});
