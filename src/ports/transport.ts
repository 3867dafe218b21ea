import type { Result } from '../base/status.js';

/**
 * Request/response messaging between nodes. The runtime implements it over TCP (length-prefixed
 * frames, request ids, pipelining, deadlines, a version handshake); the simulator delivers
 * messages in memory with loss, delay and partitions. Message bodies are plain objects; the typed
 * method catalogue lives in src/protocol.
 */
export interface PeerInfo {
  /** Wire protocol version the peer speaks. */
  protocolVersion: number;
  /** Software version of the peer, e.g. "0.1.0". */
  softwareVersion: string;
  /** Role of the peer process, e.g. "tablet", "nameserver", "client". */
  role: string;
  endpoint: string;
  /** Optional capabilities the peer announced in its handshake. */
  features?: readonly string[];
  /** Largest frame payload the peer accepts, when it said (the TCP transport's handshake does). */
  frameBytesMax?: number;
}

export interface CallOptions {
  /** Deadline for this call; the call fails with rpcTimeout when it passes. */
  timeoutMs?: number;
}

export interface RpcClient {
  readonly endpoint: string;
  call(method: string, request: unknown, options?: CallOptions): Promise<Result<unknown>>;
  /** The peer's handshake, once connected. */
  peer(): PeerInfo | undefined;
  close(): void;
}

export interface CallContext {
  readonly peer: PeerInfo;
  /** Absolute monotonic deadline carried by the request, if the caller set one. */
  readonly deadlineMs?: number;
}

export type RpcHandler = (
  method: string,
  request: unknown,
  context: CallContext,
) => Promise<Result<unknown>> | Result<unknown>;

export interface RpcListener {
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface Transport {
  connect(endpoint: string): RpcClient;
  listen(endpoint: string, handler: RpcHandler): Promise<RpcListener>;
}
