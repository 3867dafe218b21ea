import { describe, expect, it } from 'vitest';
import { Code, ok } from '../base/status.js';
import { formatEndpoint, parseEndpoint } from './rpc-endpoint.js';

describe('endpoints', () => {
  it('parses host:port and [v6]:port, and formats them back', () => {
    for (const [text, address] of [
      ['127.0.0.1:9527', { host: '127.0.0.1', port: 9527 }],
      ['tablet-3.local:0', { host: 'tablet-3.local', port: 0 }],
      ['[::1]:65535', { host: '::1', port: 65535 }],
    ] as const) {
      expect(parseEndpoint(text)).toEqual(ok(address));
      expect(formatEndpoint(address)).toBe(text);
    }
  });

  it('refuses anything else as invalidParameter, quoting the input', () => {
    for (const text of ['', 'host', ':80', 'host:', 'host:65536', 'host:12345678', '::1:80', 'a b:1', 'h:-1']) {
      expect(parseEndpoint(text)).toEqual({
        ok: false,
        code: Code.invalidParameter,
        message: `invalid endpoint '${text}': expected host:port with a port in 0..65535`,
      });
    }
  });
});
