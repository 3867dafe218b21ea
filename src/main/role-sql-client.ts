/**
 * `--role=sql_client`: the SQL shell. `--zk_cluster --zk_root_path` (cluster) or `--host --port`
 * (standalone). `--cmd "<statements>"` runs them and exits (status 1 when one failed); without a
 * terminal, statements are read from stdin (a script; status 1 when any failed); otherwise an
 * interactive prompt with history, where a statement may span lines until its ';'.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SqlQueryClient } from '../client/sql-query-client.js';
import { SqlSession } from '../client/sql-session.js';
import { isCompleteInput, runSqlInput } from '../cli/sql-shell.js';
import type { Flags } from '../config/flags.js';
import { runLineShell } from '../runtime/line-shell.js';
import { connectClient } from './connect-client.js';

export async function runSqlClient(flags: Flags, positional: string[]): Promise<number> {
  const client = await connectClient(flags);
  try {
    const database = flags.string('database');
    const session = new SqlSession(client, { queryExecutor: new SqlQueryClient(client), ...(database ? { database } : {}) });
    const run = (input: string) => runSqlInput(session, input);
    const cmd = flags.string('cmd') || positional.join(' ');
    if (cmd) {
      const r = await run(cmd);
      if (r.output) process.stdout.write(`${r.output}\n`);
      return r.ok ? 0 : 1;
    }
    const interactive = flags.bool('interactive') && process.stdin.isTTY === true;
    if (interactive) process.stdout.write("Welcome to the OpenMLDB-TS SQL shell. Statements end with ';'. Type help or exit.\n");
    const failures = await runLineShell({
      prompt: () => `${session.database ?? ''}> `,
      execute: run,
      isComplete: isCompleteInput,
      historyFile: join(homedir(), '.openmldb_sql_history'),
      interactive,
    });
    return failures > 0 && !interactive ? 1 : 0;
  } finally {
    await client.close();
  }
}
