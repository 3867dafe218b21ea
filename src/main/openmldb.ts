/**
 * `bin/openmldb --role=<role> [--flagfile=conf/x.flags] [--flag=value ...]`: one program, every role.
 * Configuration errors (unknown flag, bad value, unreadable file) print one line naming the flag
 * and its source and exit with status 2.
 */
import type { Flags } from '../config/flags.js';
import { SOFTWARE_VERSION } from '../protocol/version.js';
import { loadFlags } from './load-flags.js';
import { runConfDiff } from './role-conf-diff.js';
import { runNameServer } from './role-nameserver.js';
import { runNsClient } from './role-ns-client.js';
import { runOps } from './role-ops.js';
import { runProbe } from './role-probe.js';
import { runSqlClient } from './role-sql-client.js';
import { runStandalone } from './role-standalone.js';
import { runTablet } from './role-tablet.js';
import { runUpgrade, toolArgv } from './role-upgrade.js';

type RoleMain = (flags: Flags, positional: string[]) => Promise<number | undefined>;

const ROLES: Record<string, RoleMain> = {
  standalone: async (flags) => {
    await runStandalone(flags);
    return undefined;
  },
  tablet: async (flags) => {
    await runTablet(flags);
    return undefined;
  },
  nameserver: async (flags) => {
    await runNameServer(flags);
    return undefined;
  },
  apiserver: async (flags) => {
    // Loaded by this role only: setting up fastify costs every other role's start ~0.1 s of CPU.
    const { runApiServer } = await import('./role-apiserver.js');
    await runApiServer(flags);
    return undefined;
  },
  probe: (flags) => runProbe(flags),
  ns_client: (flags, positional) => runNsClient(flags, positional),
  sql_client: (flags, positional) => runSqlClient(flags, positional),
  upgrade: (flags, positional) => runUpgrade(flags, positional),
  ops: (flags, positional) => runOps(flags, positional),
  'conf-diff': (flags, positional) => runConfDiff(flags, positional),
};

async function main(argv: string[]): Promise<number | undefined> {
  let loaded: ReturnType<typeof loadFlags>;
  try {
    loaded = loadFlags(toolArgv(argv));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const { flags, positional } = loaded;
  if (flags.bool('version')) {
    process.stdout.write(`openmldb-ts ${SOFTWARE_VERSION}\n`);
    return 0;
  }
  const role = flags.string('role') || 'sql_client';
  const run = ROLES[role];
  if (!run) {
    process.stderr.write(`unknown --role=${role}; roles: ${Object.keys(ROLES).sort().join(', ')}\n`);
    return 2;
  }
  return run(flags, positional);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(err.message.startsWith('configuration error') ? 2 : 1);
  },
);
