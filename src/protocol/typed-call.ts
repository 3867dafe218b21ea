/**
 * Typed calls over an RpcClient: the method catalogue of messages.ts gives request and response
 * types. Responses come from a peer and are trusted only as far as the catalogue's compatibility
 * rules go (fields may be missing from older peers; callers default them).
 */
import type { Result } from '../base/status.js';
import type { CallOptions, RpcClient } from '../ports/transport.js';
import type { NameServerMethods, TabletMethods } from './messages.js';

export function callTablet<M extends keyof TabletMethods>(
  client: RpcClient,
  method: M,
  request: TabletMethods[M]['req'],
  options?: CallOptions,
): Promise<Result<TabletMethods[M]['res']>> {
  return client.call(method, request, options) as Promise<Result<TabletMethods[M]['res']>>;
}

export function callNameServer<M extends keyof NameServerMethods>(
  client: RpcClient,
  method: M,
  request: NameServerMethods[M]['req'],
  options?: CallOptions,
): Promise<Result<NameServerMethods[M]['res']>> {
  return client.call(method, request, options) as Promise<Result<NameServerMethods[M]['res']>>;
}
