/**
 * An RpcClient that calls a handler in the same process: the standalone process uses it between
 * its nameserver and its tablet. Requests and responses are passed through a structured clone of
 * their bytes-free shape only when `isolate` is set; by default the objects are handed over as is
 * (both sides treat them as immutable).
 */
import { Code, fail, type Result } from '../base/status.js';
import type { CallOptions, PeerInfo, RpcClient, RpcHandler } from '../ports/transport.js';

export function createLocalClient(endpoint: string, handler: RpcHandler, self: PeerInfo, server: PeerInfo): RpcClient {
  let closed = false;
  return {
    endpoint,
    async call(method: string, request: unknown, _options?: CallOptions): Promise<Result<unknown>> {
      if (closed) return fail(Code.rpcConnectionLost, `call ${method} to ${endpoint} failed: the client is closed`);
      try {
        return await handler(method, request, { peer: self });
      } catch (err) {
        return fail(Code.internal, `${method} on ${endpoint} failed: ${(err as Error).message}`);
      }
    },
    peer: () => server,
    close() {
      closed = true;
    },
  };
}
