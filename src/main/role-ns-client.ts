/**
 * `--role=ns_client`: the nameserver shell. `--zk_cluster --zk_root_path` (cluster) or
 * `--endpoint=<nameserver>` (standalone). `--cmd "<command>"` runs one command and exits (status 1
 * when it failed); without a terminal, commands are read from stdin one per line.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NsContext } from '../cli/ns-commands.js';
import { registerOpCommands } from '../cli/ns-op-commands.js';
import { executeNsLine } from '../cli/ns-shell.js';
import type { Flags } from '../config/flags.js';
import { askAtPrompt, runLineShell } from '../runtime/line-shell.js';
import { connectClient } from './connect-client.js';

export async function runNsClient(flags: Flags, positional: string[]): Promise<number> {
  registerOpCommands();
  const client = await connectClient(flags);
  try {
    const leader = await client.ns('ShowNameServer', {});
    const interactive = flags.bool('interactive') && !flags.string('cmd') && process.stdin.isTTY === true;
    const ctx: NsContext = {
      client,
      db: flags.string('database'),
      interactive,
      confirm: async (q) => /^y(es)?$/i.test((await askAtPrompt(q)).trim()),
      writeFile: (path, text) => writeFile(path, text),
      readFile: (path) => readFile(path, 'utf8'),
    };
    const leaderEp = leader.ok ? (leader.value.nameservers.find((n) => n.role === 'leader')?.endpoint ?? '?') : '?';
    const run = async (line: string) => {
      const outcome = await executeNsLine(ctx, line);
      if (outcome.kind === 'exit') return { output: '', ok: true, exit: true };
      return outcome.result.ok ? { output: outcome.result.value, ok: true } : { output: outcome.result.message, ok: false };
    };
    const cmd = flags.string('cmd') || positional.join(' ');
    if (cmd) {
      const r = await run(cmd);
      if (r.output) process.stdout.write(`${r.output}\n`);
      return r.ok ? 0 : 1;
    }
    if (interactive) process.stdout.write(`ns leader: ${leaderEp}\n`);
    const failures = await runLineShell({
      prompt: () => `${leaderEp} ${ctx.db}> `,
      execute: run,
      historyFile: join(homedir(), '.openmldb_ns_history'),
      interactive,
    });
    return failures > 0 && !interactive ? 1 : 0;
  } finally {
    await client.close();
  }
}
