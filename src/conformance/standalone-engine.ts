/**
 * The conformance runner's engine over a standalone database: one process of the bundled program
 * (`build/bin/openmldb.mjs --role=standalone`) in a temp directory on free loopback ports, driven
 * through the SDK (sdk-engine.ts). close() stops the process and removes the directory.
 */
import { resolve } from 'node:path';
import { connect } from '../sdk/index.js';
import type { EngineUnderTest } from './engine.js';
import { freePort, makeTempDir, ownDirectoryFlags, ProgramProcess, repoRoot } from './program-process.js';
import { SdkEngine } from './sdk-engine.js';

const START_TIMEOUT_MS = 60_000;

/** Starts a standalone database in a fresh temp directory and connects to it. */
export async function startStandaloneEngine(): Promise<EngineUnderTest> {
  const dir = makeTempDir('conformance');
  let proc: ProgramProcess | undefined;
  try {
    const nsPort = await freePort();
    const tabletEndpoint = `127.0.0.1:${await freePort()}`;
    proc = ProgramProcess.start(
      'the standalone database',
      [
        '--role=standalone',
        `--flagfile=${resolve(repoRoot(), 'conf', 'standalone.flags')}`,
        `--endpoint=127.0.0.1:${nsPort}`,
        `--tablet=${tabletEndpoint}`,
        ...ownDirectoryFlags(dir.path),
      ],
      dir.path,
    );
    await proc.waitForOutput('standalone is up', START_TIMEOUT_MS);
    const conn = await connect({ host: '127.0.0.1', port: nsPort });
    const started = proc;
    return new SdkEngine(conn, [tabletEndpoint], async () => {
      await started.stop();
      dir.remove();
    });
  } catch (err) {
    proc?.kill();
    dir.remove();
    throw err;
  }
}
