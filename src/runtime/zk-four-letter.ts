import { connect } from 'node:net';

/** The largest answer read from a four-letter-word command (mntr is about 2 KiB). */
const answerBytesMax = 64 * 1024;

/**
 * Sends a ZooKeeper four-letter-word command ('srvr', 'ruok', 'mntr', 'stat') and returns the
 * whole answer (the server closes the connection after answering). Rejects with a message naming
 * the server and the command on refusal, timeout or an oversized answer.
 */
export function sendFourLetterWord(host: string, port: number, word: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const what = `'${word}' to ZooKeeper at ${host}:${port}`;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => finish(new Error(`${what} got no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > answerBytesMax) finish(new Error(`${what} answered more than ${answerBytesMax} bytes`));
      else chunks.push(chunk);
    });
    socket.on('end', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('error', (err) => finish(new Error(`${what} failed: ${err.message}`)));
  });
}

/** The `Mode:` line of a `srvr` answer ('standalone', 'leader', 'follower'), or null when not serving. */
export function parseServerMode(srvrAnswer: string): string | null {
  const m = /^Mode: (\w+)/m.exec(srvrAnswer);
  return m ? m[1]! : null;
}
