import { assert } from '../base/assert.js';
import { Code, fail, okVoid, type Result } from '../base/status.js';

/**
 * Frames on a byte stream: a u32 big-endian payload length, then the payload. A zero length is
 * invalid (every envelope encodes to at least one byte), and so is a length over the receiver's
 * `frameBytesMax`.
 */
export const FRAME_HEADER_BYTES = 4;

/** Default largest payload a node accepts in one frame. */
export const FRAME_BYTES_MAX_DEFAULT = 32 * 1024 * 1024;

/** Largest limit a node may configure: the u32 length field cannot say more. */
export const FRAME_BYTES_MAX_LIMIT = 0xffff_ffff;

/** Writes the length header for a payload of `payloadBytes` into `frame[0..4)`. */
export function writeFrameHeader(frame: Uint8Array, payloadBytes: number): void {
  frame[0] = payloadBytes >>> 24;
  frame[1] = (payloadBytes >>> 16) & 0xff;
  frame[2] = (payloadBytes >>> 8) & 0xff;
  frame[3] = payloadBytes & 0xff;
}

/** Header plus a copy of `payload`. Hot paths reserve the header space instead (see envelope.ts). */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(frame, payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/** Checks a frame length read from the wire against the receiver's limit. */
export function checkFrameLength(payloadBytes: number, frameBytesMax: number): Result<void> {
  if (payloadBytes === 0) return fail(Code.rpcMalformedFrame, 'malformed frame: length 0 (a frame carries at least one byte)');
  if (payloadBytes > frameBytesMax) {
    return fail(
      Code.rpcFrameTooLarge,
      `frame too large: ${payloadBytes} bytes, over the limit of ${frameBytesMax} bytes`,
    );
  }
  return okVoid;
}

/**
 * Turns a stream of chunks, split anywhere, back into frame payloads. Payloads that lie inside
 * one chunk are handed out as views of it (no copy); only a payload spanning chunks is assembled
 * into a buffer of its exact size. After an error the stream cannot be re-synchronized: every
 * later `push` returns the same failure.
 */
export class FrameDecoder {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  /** The payload being assembled across chunks, once its header is complete. */
  private partial: Uint8Array | undefined;
  private partialFilled = 0;
  private failure: Result<void> | undefined;

  constructor(readonly frameBytesMax: number = FRAME_BYTES_MAX_DEFAULT) {
    assert(
      Number.isInteger(frameBytesMax) && frameBytesMax > 0 && frameBytesMax <= FRAME_BYTES_MAX_LIMIT,
      `frameBytesMax must be an integer in 1..${FRAME_BYTES_MAX_LIMIT}, got ${frameBytesMax}`,
    );
  }

  /** Bytes of an incomplete frame held from earlier chunks (header included). */
  get bufferedBytes(): number {
    return this.partial === undefined ? this.headerFilled : FRAME_HEADER_BYTES + this.partialFilled;
  }

  /** Describes the incomplete frame, for a stream that ends inside one; undefined between frames. */
  describePartialFrame(): string | undefined {
    if (this.partial !== undefined) {
      return `truncated frame: got ${this.partialFilled} of ${this.partial.length} payload bytes`;
    }
    if (this.headerFilled > 0) return `truncated frame: got ${this.headerFilled} of ${FRAME_HEADER_BYTES} header bytes`;
    return undefined;
  }

  /**
   * Feeds one chunk; calls `onFrame` for every payload completed by it, in order. A view handed to
   * `onFrame` shares memory with `chunk`. Returns a failure for a zero or oversized length.
   */
  push(chunk: Uint8Array, onFrame: (payload: Uint8Array) => void): Result<void> {
    if (this.failure !== undefined) return this.failure;
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.partial !== undefined) {
        const take = Math.min(end - pos, this.partial.length - this.partialFilled);
        this.partial.set(chunk.subarray(pos, pos + take), this.partialFilled);
        this.partialFilled += take;
        pos += take;
        if (this.partialFilled === this.partial.length) {
          const payload = this.partial;
          this.partial = undefined;
          this.partialFilled = 0;
          onFrame(payload);
        }
        continue;
      }
      let length: number;
      if (this.headerFilled === 0 && end - pos >= FRAME_HEADER_BYTES) {
        length = readU32(chunk, pos);
        pos += FRAME_HEADER_BYTES;
      } else {
        while (this.headerFilled < FRAME_HEADER_BYTES && pos < end) this.header[this.headerFilled++] = chunk[pos++]!;
        if (this.headerFilled < FRAME_HEADER_BYTES) break;
        this.headerFilled = 0;
        length = readU32(this.header, 0);
      }
      const checked = checkFrameLength(length, this.frameBytesMax);
      if (!checked.ok) {
        this.failure = checked;
        return checked;
      }
      if (end - pos >= length) {
        const payload = chunk.subarray(pos, pos + length);
        pos += length;
        onFrame(payload);
      } else {
        this.partial = new Uint8Array(length);
        this.partialFilled = 0;
      }
    }
    return okVoid;
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
