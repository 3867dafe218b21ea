/**
 * `openmldb --role=ops --cmd=<command>` (or `openmldb ops <command>`): the ops tool's upgrade and
 * repair commands (cluster.md §9), with auto_failover off while they run:
 *
 *   --cmd=pre-upgrade  --endpoints=<ep> [--allow_single_replica] [--statfile=.stat]
 *   --cmd=post-upgrade --endpoints=<ep> [--statfile=.stat]
 *   --cmd=recoverdata
 *
 * Exit status 0 on success, 1 when the command failed, 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { okVoid, type Result } from '../base/status.js';
import type { DbClient } from '../client/db-client.js';
import { Flags } from '../config/flags.js';
import { dbClientAdmin } from '../upgrade/admin-api.js';
import type { OpsContext } from '../upgrade/op-batch.js';
import { postUpgrade, preUpgrade, recoverData, withAutoFailoverOff } from '../upgrade/ops-tool.js';
import type { Pacer } from '../upgrade/pacer.js';
import { formatStatRecords, mergeStatRecords, parseStatRecords, type StatRecord } from '../upgrade/stat-records.js';
import { connectClient } from './connect-client.js';

const COMMANDS = ['pre-upgrade', 'post-upgrade', 'recoverdata'];

// ---- shared by the operator tools (ops, upgrade) ----

/** Real time for the Pacer, and Ctrl-C (or SIGTERM) as an interrupt; a second one exits at once. */
export function processPacer(): Pacer & { onInterrupt(fn: () => void): void } {
  let interrupted = false;
  const listeners: (() => void)[] = [];
  const handler = (signal: string) => {
    if (interrupted) {
      process.stderr.write(`${signal} again: exiting at once\n`);
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`${signal}: stopping after the current step (press Ctrl-C again to exit at once)\n`);
    for (const l of listeners) l();
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  return {
    nowMs: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    interrupted: () => interrupted,
    onInterrupt: (fn) => listeners.push(fn),
  };
}

/** A client of the cluster named by flags, or by `fallback` (values read from a node's flag file). */
export async function toolClient(flags: Flags, fallback?: { zkCluster?: string; zkRootPath?: string }): Promise<DbClient> {
  const values = new Map(flags.values);
  const sources = new Map(flags.sources);
  if (!flags.isSet('zk_cluster') && fallback?.zkCluster) {
    values.set('zk_cluster', fallback.zkCluster);
    sources.set('zk_cluster', 'node flag file');
  }
  if (!flags.isSet('zk_root_path') && fallback?.zkRootPath) {
    values.set('zk_root_path', fallback.zkRootPath);
    sources.set('zk_root_path', 'node flag file');
  }
  if (!values.get('zk_cluster')) {
    throw new Error('configuration error: give --zk_cluster and --zk_root_path (or a node whose flag file sets them)');
  }
  return connectClient(new Flags(values, sources));
}


async function readStat(path: string): Promise<StatRecord[]> {
  if (!existsSync(path)) return [];
  const r = parseStatRecords(await readFile(path, 'utf8'), path);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function writeStat(path: string, records: readonly StatRecord[]): Promise<void> {
  if (records.length === 0) {
    await rm(path, { force: true });
    return;
  }
  await writeFile(`${path}.tmp`, formatStatRecords(records));
  await rename(`${path}.tmp`, path);
}

export async function runOps(flags: Flags, positional: string[]): Promise<number> {
  const cmd = flags.string('cmd') || positional[0] || '';
  if (!COMMANDS.includes(cmd)) {
    process.stderr.write(`usage: openmldb --role=ops --cmd=${COMMANDS.join('|')} [--endpoints=<ep>] [--statfile=.stat] [--allow_single_replica]\n`);
    return 2;
  }
  const endpoints = flags
    .string('endpoints')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (cmd !== 'recoverdata' && endpoints.length !== 1) {
    process.stderr.write(`${cmd} needs exactly one tablet: --endpoints=<ip:port>\n`);
    return 2;
  }
  const statfile = flags.string('statfile');
  const pacer = processPacer();
  const client = await toolClient(flags);
  const ctx: OpsContext = {
    admin: dbClientAdmin(client),
    pacer,
    log: (l) => process.stdout.write(`${l}\n`),
    opTimeoutMs: flags.int('upgrade_wait_timeout'),
    pollMs: 500,
  };
  try {
    let r: Result<unknown>;
    const ep = endpoints[0]!;
    if (cmd === 'pre-upgrade') {
      r = await withAutoFailoverOff(ctx, async () => {
        const moved = await preUpgrade(ctx, ep, {
          allowSingleReplica: flags.bool('allow_single_replica'),
          saveRecords: async (recs) => {
            await writeStat(statfile, mergeStatRecords(await readStat(statfile), recs));
            return okVoid;
          },
        });
        if (moved.ok) ctx.log(`pre-upgrade ok: ${moved.value.length} partition(s) moved off ${ep}; records in ${statfile}`);
        return moved;
      });
    } else if (cmd === 'post-upgrade') {
      const all = await readStat(statfile);
      r = await withAutoFailoverOff(ctx, () => postUpgrade(ctx, ep, all));
      if (r.ok) {
        await writeStat(statfile, all.filter((x) => x.endpoint !== ep));
        ctx.log(`post-upgrade ok: ${ep}`);
      }
    } else {
      r = await withAutoFailoverOff(ctx, () => recoverData(ctx));
      if (r.ok) ctx.log('recoverdata ok');
    }
    if (!r.ok) {
      process.stderr.write(`${cmd} failed: ${r.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    await client.close();
  }
}
