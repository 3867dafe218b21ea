/**
 * `--role=probe`: exits 0 when a server answers, 1 otherwise (start.sh uses it to wait for a
 * component). `--endpoint=ip:port` asks the server's HTTP /status; `--zk_cluster=host:port` asks
 * ZooKeeper `srvr` whether it serves.
 */
import { request } from 'node:http';
import type { Flags } from '../config/flags.js';
import { parseServerMode, sendFourLetterWord } from '../runtime/zk-four-letter.js';

const PROBE_TIMEOUT_MS = 2000;

function httpStatus(endpoint: string): Promise<boolean> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve) => {
    const req = request({ host, port: Number(port), path: '/status', method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function runProbe(flags: Flags): Promise<number> {
  const zk = flags.string('zk_cluster');
  if (zk) {
    const [host, port] = zk.split(',')[0]!.split(':');
    try {
      const answer = await sendFourLetterWord(host!, Number(port), 'srvr', PROBE_TIMEOUT_MS);
      return parseServerMode(answer) ? 0 : 1;
    } catch {
      return 1;
    }
  }
  const endpoint = flags.string('endpoint');
  if (!endpoint) {
    process.stderr.write('probe: give --endpoint=ip:port or --zk_cluster=host:port\n');
    return 2;
  }
  return (await httpStatus(endpoint)) ? 0 : 1;
}
