import type { Socket } from 'node:net';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { LocalIdentity } from '../protocol/handshake.js';

/** The TcpTransport settings after defaults, shared by its server and client sides. */
export interface TcpSettings {
  readonly identity: LocalIdentity;
  readonly frameBytesMax: number;
  readonly callTimeoutMsDefault: number;
  readonly connectTimeoutMs: number;
  readonly requestsInFlightMax: number;
  readonly callsInFlightMax: number;
  readonly closeGraceMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/** Node timers cannot wait longer (about 24.8 days). */
export const TIMER_DELAY_MS_MAX = 0x7fff_ffff;

/** Frames written in one turn are concatenated into one buffer up to this size, else corked. */
const COALESCE_BYTES_MAX = 256 * 1024;

/**
 * Frames queued during one event-loop turn go out in one write: at 64 calls in flight a turn
 * typically carries one frame per call, and one syscall instead of 64 is most of the throughput.
 */
export class Outbox {
  private frames: Uint8Array[] = [];
  private bytes = 0;
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  push(frame: Uint8Array): void {
    this.frames.push(frame);
    this.bytes += frame.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is queued now (also called directly before closing). */
  readonly flush = (): void => {
    this.scheduled = false;
    const frames = this.frames;
    if (frames.length === 0) return;
    const bytes = this.bytes;
    this.frames = [];
    this.bytes = 0;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (frames.length === 1) {
      socket.write(frames[0]!);
    } else if (bytes <= COALESCE_BYTES_MAX) {
      socket.write(Buffer.concat(frames, bytes));
    } else {
      socket.cork();
      for (const frame of frames) socket.write(frame);
      socket.uncork();
    }
  };
}

/** Node's "connect ECONNREFUSED 127.0.0.1:9" without the syscall: the caller says what it tried. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { syscall } = error as NodeJS.ErrnoException;
  return syscall !== undefined && error.message.startsWith(`${syscall} `)
    ? error.message.slice(syscall.length + 1)
    : error.message;
}
