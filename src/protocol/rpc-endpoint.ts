import { Code, fail, ok, type Result } from '../base/status.js';

/** A node's network address as the cluster writes it: `host:port`, or `[v6]:port`. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

export function parseEndpoint(endpoint: string): Result<Address> {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(endpoint);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65_535) {
    return fail(Code.invalidParameter, `invalid endpoint '${endpoint}': expected host:port with a port in 0..65535`);
  }
  return ok({ host: m[1] ?? m[2]!, port });
}

export function formatEndpoint(address: Address): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
