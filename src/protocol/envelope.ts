import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { Code, fail, ok, type Result } from '../base/status.js';
import { FRAME_BYTES_MAX_DEFAULT, FRAME_HEADER_BYTES, writeFrameHeader } from './frame.js';

/**
 * The messages of the internal RPC, one per frame, as msgpack maps. Plain maps (no msgpackr
 * records) so that peers of different versions never depend on shared structure state; int64
 * round-trips as bigint and Uint8Array/Buffer as binary. Decoding ignores unknown fields, fills
 * missing optional ones with defaults, and turns an unknown `kind` into an `unknown` envelope that
 * the receiver skips: a newer peer may add fields and kinds.
 *
 * The shapes of `hello`, `helloAck` and `error` are frozen: every version must be able to read
 * them, since they are how an incompatible peer is told why it is refused.
 */
export interface HelloFields {
  readonly protocolVersion: number;
  readonly softwareVersion: string;
  /** e.g. "tablet", "nameserver", "client". */
  readonly role: string;
  /** The sender's advertised endpoint ('' for a client that serves nothing). */
  readonly endpoint: string;
  /** Optional capabilities the sender supports; absent means none. */
  readonly features: readonly string[];
  /** Largest frame payload the sender accepts; absent means FRAME_BYTES_MAX_DEFAULT. */
  readonly frameBytesMax: number;
}

export interface HelloEnvelope extends HelloFields {
  readonly kind: 'hello';
}

export interface HelloAckEnvelope extends HelloFields {
  readonly kind: 'helloAck';
}

export interface RequestEnvelope {
  readonly kind: 'request';
  /** Chosen by the client, unique among its calls in flight on the connection. */
  readonly id: number;
  readonly method: string;
  /** What is left of the caller's deadline when the request is sent. */
  readonly timeoutMs?: number;
  readonly body: unknown;
}

export interface ResponseEnvelope {
  readonly kind: 'response';
  readonly id: number;
  /** 0 (Code.ok) with `body`, or a failure code with `message`. */
  readonly code: number;
  readonly message: string;
  readonly body: unknown;
}

/** A connection-level failure; the sender closes the connection after it. */
export interface ErrorEnvelope {
  readonly kind: 'error';
  readonly code: number;
  readonly message: string;
}

/** A message of a kind this build does not know (sent by a newer peer). */
export interface UnknownEnvelope {
  readonly kind: 'unknown';
  readonly wireKind: string;
}

export type OutgoingEnvelope = HelloEnvelope | HelloAckEnvelope | RequestEnvelope | ResponseEnvelope | ErrorEnvelope;
export type Envelope = OutgoingEnvelope | UnknownEnvelope;

const PACKR_OPTIONS = { useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' } as const;
const packr = new Packr(PACKR_OPTIONS);
const copyingUnpackr = new Packr({ ...PACKR_OPTIONS, copyBuffers: true });

/**
 * How binary fields are decoded. 'copy': each gets its own buffer, so keeping one (a row stored
 * by a tablet) pins nothing else. 'view': they are views into the received bytes, which is
 * cheaper (a fresh buffer per field costs 10-15% of an echo call's CPU) but keeping one pins the
 * whole receive buffer. See rpc-DESIGN.md.
 */
export type BinaryDecoding = 'copy' | 'view';

/**
 * Encodes an envelope into a whole frame (length header included) without copying the payload:
 * msgpackr leaves room for the header in front of it. Fails for a value msgpack cannot carry.
 */
export function encodeEnvelopeFrame(envelope: OutgoingEnvelope): Result<Uint8Array> {
  return packFrame(toWire(envelope), envelope.kind);
}

/** encodeEnvelopeFrame of a request, without building the envelope object first (the client's hot path). */
export function encodeRequestFrame(id: number, method: string, timeoutMs: number | undefined, body: unknown): Result<Uint8Array> {
  return packFrame(requestWire(id, method, timeoutMs, body), 'request');
}

/** encodeEnvelopeFrame of a response (the server's hot path); `message` is only sent with a failure code. */
export function encodeResponseFrame(id: number, code: number, message: string, body: unknown): Result<Uint8Array> {
  return packFrame(responseWire(id, code, message, body), 'response');
}

function packFrame(wire: WireMap, kind: string): Result<Uint8Array> {
  let frame: Uint8Array;
  try {
    frame = packr.pack(wire, RESERVE_START_SPACE | FRAME_HEADER_BYTES);
  } catch (error) {
    return fail(Code.rpcBadRequest, `cannot encode ${kind}: ${errorText(error)}`);
  }
  writeFrameHeader(frame, frame.length - FRAME_HEADER_BYTES);
  return ok(frame);
}

/** Decodes one frame payload; a failure (rpcMalformedFrame) says what was wrong. */
export function decodeEnvelope(payload: Uint8Array, binary: BinaryDecoding = 'copy'): Result<Envelope> {
  let wire: unknown;
  try {
    wire = (binary === 'copy' ? copyingUnpackr : packr).unpack(payload);
  } catch (error) {
    return fail(Code.rpcMalformedFrame, `malformed frame: not msgpack (${errorText(error)})`);
  }
  if (!isPlainMap(wire)) return malformed('message', `a map, found ${describe(wire)}`);
  const kind = wire['kind'];
  if (typeof kind !== 'string') return malformed('message', `a string field 'kind', found ${describe(kind)}`);
  switch (kind) {
    case 'request':
      return decodeRequest(wire);
    case 'response':
      return decodeResponse(wire);
    case 'hello':
    case 'helloAck':
      return decodeHello(kind, wire);
    case 'error':
      return decodeError(wire);
    default:
      return ok({ kind: 'unknown', wireKind: kind });
  }
}

type WireMap = Record<string, unknown>;

function toWire(envelope: OutgoingEnvelope): WireMap {
  switch (envelope.kind) {
    case 'request':
      return requestWire(envelope.id, envelope.method, envelope.timeoutMs, envelope.body);
    case 'response':
      return responseWire(envelope.id, envelope.code, envelope.message, envelope.body);
    case 'hello':
    case 'helloAck':
      return {
        kind: envelope.kind,
        protocolVersion: envelope.protocolVersion,
        softwareVersion: envelope.softwareVersion,
        role: envelope.role,
        endpoint: envelope.endpoint,
        features: envelope.features,
        frameBytesMax: envelope.frameBytesMax,
      };
    case 'error':
      return { kind: 'error', code: envelope.code, message: envelope.message };
  }
}

function requestWire(id: number, method: string, timeoutMs: number | undefined, body: unknown): WireMap {
  return timeoutMs === undefined ? { kind: 'request', id, method, body } : { kind: 'request', id, method, body, timeoutMs };
}

function responseWire(id: number, code: number, message: string, body: unknown): WireMap {
  return code === Code.ok ? { kind: 'response', id, code: Code.ok, body } : { kind: 'response', id, code, message };
}

// Decoders check the fields they read and fill in defaults on the decoded map itself (it is a
// fresh object): no copy on the hot path, and unknown fields stay where nobody reads them.

function decodeRequest(wire: WireMap): Result<RequestEnvelope> {
  const { id, method, timeoutMs } = wire;
  if (!isId(id)) return malformed('request', `field 'id' a non-negative integer, found ${describe(id)}`);
  if (typeof method !== 'string') return malformed('request', `field 'method' a string, found ${describe(method)}`);
  if (timeoutMs !== undefined && !isDuration(timeoutMs)) {
    return malformed('request', `field 'timeoutMs' a non-negative number, found ${describe(timeoutMs)}`);
  }
  return ok(wire as unknown as RequestEnvelope);
}

function decodeResponse(wire: WireMap): Result<ResponseEnvelope> {
  const { id, code, message } = wire;
  if (!isId(id)) return malformed('response', `field 'id' a non-negative integer, found ${describe(id)}`);
  if (!Number.isSafeInteger(code)) return malformed('response', `field 'code' an integer, found ${describe(code)}`);
  if (message === undefined) wire['message'] = '';
  else if (typeof message !== 'string') return malformed('response', `field 'message' a string, found ${describe(message)}`);
  return ok(wire as unknown as ResponseEnvelope);
}

function decodeHello(kind: 'hello' | 'helloAck', wire: WireMap): Result<HelloEnvelope | HelloAckEnvelope> {
  const { protocolVersion, softwareVersion, role, endpoint, features, frameBytesMax } = wire;
  if (!Number.isSafeInteger(protocolVersion)) {
    return malformed(kind, `field 'protocolVersion' an integer, found ${describe(protocolVersion)}`);
  }
  for (const [name, value] of [
    ['softwareVersion', softwareVersion],
    ['role', role],
    ['endpoint', endpoint],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      return malformed(kind, `field '${name}' a string, found ${describe(value)}`);
    }
  }
  if (features !== undefined && !(Array.isArray(features) && features.every((f) => typeof f === 'string'))) {
    return malformed(kind, `field 'features' a list of strings, found ${describe(features)}`);
  }
  if (frameBytesMax !== undefined && !(Number.isSafeInteger(frameBytesMax) && (frameBytesMax as number) > 0)) {
    return malformed(kind, `field 'frameBytesMax' a positive integer, found ${describe(frameBytesMax)}`);
  }
  return ok({
    kind,
    protocolVersion: protocolVersion as number,
    softwareVersion: (softwareVersion as string | undefined) ?? 'unknown',
    role: (role as string | undefined) ?? 'unknown',
    endpoint: (endpoint as string | undefined) ?? '',
    features: (features as string[] | undefined) ?? [],
    frameBytesMax: (frameBytesMax as number | undefined) ?? FRAME_BYTES_MAX_DEFAULT,
  });
}

function decodeError(wire: WireMap): Result<ErrorEnvelope> {
  const { code, message } = wire;
  if (!Number.isSafeInteger(code)) return malformed('error', `field 'code' an integer, found ${describe(code)}`);
  if (message !== undefined && typeof message !== 'string') {
    return malformed('error', `field 'message' a string, found ${describe(message)}`);
  }
  return ok({ kind: 'error', code: code as number, message: message ?? '' });
}

function malformed(what: string, expected: string): Result<never> {
  return fail(Code.rpcMalformedFrame, `malformed ${what}: expected ${expected}`);
}

function isPlainMap(value: unknown): value is WireMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function isId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return 'binary';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
