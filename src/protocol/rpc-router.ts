import { Code, fail, type Result } from '../base/status.js';
import type { CallContext, RpcHandler } from '../ports/transport.js';

export type MethodHandler = (request: unknown, context: CallContext) => Promise<Result<unknown>> | Result<unknown>;

const METHOD_NAMES_LISTED_MAX = 20;

/**
 * An RpcHandler that dispatches on the method name. An unknown method is answered with
 * rpcUnknownMethod naming it (and, briefly, the methods this service has), so a peer running a
 * newer version learns that this node does not have the method yet.
 */
export function createRpcRouter(service: string, methods: Readonly<Record<string, MethodHandler>>): RpcHandler {
  // A Map, not the object itself: 'constructor' or 'toString' must not resolve to a prototype member.
  const table = new Map(Object.entries(methods));
  const names = [...table.keys()].sort();
  const listed =
    names.length > METHOD_NAMES_LISTED_MAX
      ? `${names.slice(0, METHOD_NAMES_LISTED_MAX).join(', ')}, … (${names.length} in all)`
      : names.join(', ');
  return (method, request, context) => {
    const handler = table.get(method);
    if (handler === undefined) {
      return fail(Code.rpcUnknownMethod, `unknown method '${method}': ${service} has ${listed || 'no methods'}`);
    }
    return handler(request, context);
  };
}
