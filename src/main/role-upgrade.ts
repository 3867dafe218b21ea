/**
 * `openmldb upgrade --to <new release dir> --hosts <file>` (also `--role=upgrade`): the one-command
 * rolling upgrade (docs/UPGRADE.md). The hosts file lists `<component> <release dir>` per line
 * (relative dirs are taken from the hosts file's directory). `--dry-run` prints the plan and
 * every node's conf diff and changes nothing; `--resume` continues a stopped run from its state
 * file (`<hosts file>.state`, or --statfile); `--allow_single_replica` leaves single-replica
 * partitions in place. Exit status: 0 done, 1 failed (the failing node was rolled back),
 * 2 bad usage, 130 interrupted (resume later).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { Code, fail, ok, type Result } from '../base/status.js';
import type { Flags } from '../config/flags.js';
import { dbClientAdmin } from '../upgrade/admin-api.js';
import { diffConf, formatConfDiff } from '../upgrade/conf-diff.js';
import { readFlagLines } from '../upgrade/flag-lines.js';
import { type HostEntry, parseHostsFile } from '../upgrade/hosts-file.js';
import type { NodeIo } from '../upgrade/node-io.js';
import { isInterrupted } from '../upgrade/pacer.js';
import { UpgradeRunner } from '../upgrade/upgrade-runner.js';
import { formatPlan, type NodeFacts, nodeId, type PlannedNode, planUpgrade } from '../upgrade/upgrade-plan.js';
import { checkResume, decodeUpgradeState, newUpgradeState, summarizeState, type UpgradeState } from '../upgrade/upgrade-state.js';
import { processPacer, toolClient } from './role-ops.js';

/** Roles that may be given as the first word: `openmldb upgrade ...`. */
const SUBCOMMANDS = new Set(['upgrade', 'ops', 'conf-diff']);
/** Hyphenated spellings accepted for the tools' flags. */
const HYPHENATED = new Map([
  ['dry-run', 'dry_run'],
  ['allow-single-replica', 'allow_single_replica'],
  ['upgrade-wait-timeout', 'upgrade_wait_timeout'],
]);

/**
 * `openmldb upgrade --dry-run ...` → `--role=upgrade --dry_run ...`: a leading subcommand becomes
 * the role (unless --role is given) and the tools' hyphenated flags get their underscore names.
 */
export function toolArgv(argv: readonly string[]): string[] {
  const out = argv.map((a) => {
    const m = /^--([a-z-]+)(=.*)?$/.exec(a);
    const name = m ? HYPHENATED.get(m[1]!) : undefined;
    return name ? `--${name}${m![2] ?? ''}` : a;
  });
  const first = out[0];
  if (first !== undefined && SUBCOMMANDS.has(first) && !out.some((a) => /^--?role(=|$)/.test(a))) {
    return [`--role=${first}`, ...out.slice(1)];
  }
  return out;
}

const BACKUP_DIR = 'upgrade_backup';
const START_SH_TIMEOUT_MS = 180_000;
const PROBE_TIMEOUT_MS = 2000;

function runStartSh(dir: string, action: 'start' | 'stop', component: string): Promise<Result<string>> {
  return new Promise((resolveRun) => {
    const child = spawn('sh', [join(dir, 'bin', 'start.sh'), action, component], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), START_SH_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveRun(fail(Code.ioError, `sh bin/start.sh ${action} ${component} in ${dir}: ${err.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun(code === 0 ? ok(out) : fail(Code.cmdError, `sh bin/start.sh ${action} ${component} in ${dir} exited with ${code}: ${out.trim().split('\n').slice(-8).join(' | ')}`));
    });
  });
}

function httpProbe(endpoint: string): Promise<boolean> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolveProbe) => {
    const req = request({ host, port: Number(port), path: '/status', method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolveProbe(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveProbe(false));
    req.end();
  });
}

async function attempt<T>(what: string, fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    return fail(Code.ioError, `${what}: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim());
  }
}

const flagFileOf = (node: { dir: string; component: string }) => join(node.dir, 'conf', `${node.component}.flags`);

/** The file and process work on release directories (NodeIo) with node:fs and start.sh. */
export const fsNodeIo: NodeIo = {
  stop: (node) => runStartSh(node.dir, 'stop', node.component),
  start: (node) => runStartSh(node.dir, 'start', node.component),
  backup: (node) =>
    attempt(`backup of ${node.dir}`, async () => {
      const dest = join(node.dir, BACKUP_DIR);
      await rm(dest, { recursive: true, force: true });
      await mkdir(dest, { recursive: true });
      await cp(join(node.dir, 'bin'), join(dest, 'bin'), { recursive: true });
      await cp(join(node.dir, 'conf'), join(dest, 'conf'), { recursive: true });
      return dest;
    }),
  restore: (node) =>
    attempt(`restore of ${node.dir} from ${BACKUP_DIR}`, async () => {
      const src = join(node.dir, BACKUP_DIR);
      if (!existsSync(join(src, 'bin')) || !existsSync(join(src, 'conf'))) throw new Error(`no backup in ${src}`);
      for (const d of ['bin', 'conf']) {
        await rm(join(node.dir, `${d}.restore-tmp`), { recursive: true, force: true });
        await cp(join(src, d), join(node.dir, `${d}.restore-tmp`), { recursive: true });
        await rm(join(node.dir, d), { recursive: true, force: true });
        await rename(join(node.dir, `${d}.restore-tmp`), join(node.dir, d));
      }
    }),
  installBin: (node, toDir) =>
    attempt(`replacing ${node.dir}/bin`, async () => {
      const tmp = join(node.dir, 'bin.upgrade-tmp');
      await rm(tmp, { recursive: true, force: true });
      await cp(join(toDir, 'bin'), tmp, { recursive: true });
      await rm(join(node.dir, 'bin'), { recursive: true, force: true });
      await rename(tmp, join(node.dir, 'bin'));
    }),
  readBackupConf: (node) => attempt('reading the backed-up flag file', () => readFile(join(node.dir, BACKUP_DIR, 'conf', `${node.component}.flags`), 'utf8')),
  readTemplate: (node, toDir) => attempt('reading the new template', () => readFile(join(toDir, 'conf', `${node.role}.flags`), 'utf8')),
  installConf: (node, toDir, text) =>
    attempt(`writing ${flagFileOf(node)}`, async () => {
      const confDir = join(node.dir, 'conf');
      await mkdir(confDir, { recursive: true });
      for (const f of await readdir(join(toDir, 'conf'))) {
        if (!existsSync(join(confDir, f))) await cp(join(toDir, 'conf', f), join(confDir, f));
      }
      await writeFile(`${flagFileOf(node)}.tmp`, text);
      await rename(`${flagFileOf(node)}.tmp`, flagFileOf(node));
    }),
  probe: httpProbe,
};

async function readVersion(dir: string): Promise<string> {
  try {
    return (await readFile(join(dir, 'bin', 'VERSION'), 'utf8')).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

async function nodeFacts(entries: readonly HostEntry[], baseDir: string): Promise<Result<(NodeFacts & { zkCluster?: string; zkRootPath?: string })[]>> {
  const out: (NodeFacts & { zkCluster?: string; zkRootPath?: string })[] = [];
  for (const e of entries) {
    const dir = resolve(baseDir, e.dir);
    const file = join(dir, 'conf', `${e.component}.flags`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      return fail(Code.invalidParameter, `hosts line ${e.line}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!existsSync(join(dir, 'bin', 'start.sh'))) return fail(Code.invalidParameter, `hosts line ${e.line}: ${dir} has no bin/start.sh`);
    const values = readFlagLines(text).values;
    const zkCluster = values.get('zk_cluster');
    const zkRootPath = values.get('zk_root_path');
    out.push({
      component: e.component,
      role: e.role,
      dir,
      endpoint: values.get('endpoint') ?? '',
      version: await readVersion(dir),
      ...(zkCluster ? { zkCluster } : {}),
      ...(zkRootPath ? { zkRootPath } : {}),
    });
  }
  return ok(out);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runUpgrade(flags: Flags, _positional: string[]): Promise<number> {
  const toArg = flags.string('to');
  const hostsArg = flags.string('hosts');
  if (!toArg || !hostsArg) {
    process.stderr.write('usage: openmldb upgrade --to <new release dir> --hosts <file> [--dry-run] [--resume] [--allow_single_replica]\n');
    return 2;
  }
  const toDir = resolve(toArg);
  for (const f of ['bin/openmldb', 'bin/start.sh', 'bin/VERSION', 'conf']) {
    if (!existsSync(join(toDir, f))) {
      process.stderr.write(`upgrade: ${toDir} is not a release directory (no ${f})\n`);
      return 2;
    }
  }
  const toVersion = await readVersion(toDir);
  const hostsPath = resolve(hostsArg);
  let hostsText: string;
  try {
    hostsText = await readFile(hostsPath, 'utf8');
  } catch (err) {
    process.stderr.write(`upgrade: cannot read hosts file ${hostsPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  const entries = parseHostsFile(hostsText, hostsPath);
  if (!entries.ok) {
    process.stderr.write(`upgrade: ${entries.message}\n`);
    return 2;
  }
  const facts = await nodeFacts(entries.value, dirname(hostsPath));
  if (!facts.ok) {
    process.stderr.write(`upgrade: ${facts.message}\n`);
    return 2;
  }
  const statePath = flags.isSet('statfile') ? resolve(flags.string('statfile')) : `${hostsPath}.state`;
  let saved: UpgradeState | undefined;
  if (existsSync(statePath)) {
    const s = decodeUpgradeState(await readFile(statePath, 'utf8'), statePath);
    if (!s.ok) {
      process.stderr.write(`upgrade: ${s.message}\n`);
      return 2;
    }
    saved = s.value;
  }
  const dryRun = flags.bool('dry_run');
  const resume = flags.bool('resume');
  if (!dryRun) {
    if (resume && !saved) {
      process.stderr.write(`upgrade: --resume given but there is no state file ${statePath}\n`);
      return 2;
    }
    if (!resume && saved && saved.phase !== 'finished') {
      process.stderr.write(
        `upgrade: an upgrade to ${saved.plan.toVersion} was not finished (${summarizeState(saved)}; state in ${statePath}); ` +
          'run again with --resume to continue it, or remove the state file to start over\n',
      );
      return 2;
    }
  }
  const zkFrom = facts.value.find((f) => f.role === 'nameserver' && f.zkCluster) ?? facts.value.find((f) => f.zkCluster);
  const pacer = processPacer();
  const client = await withTimeout(
    toolClient(flags, { ...(zkFrom?.zkCluster ? { zkCluster: zkFrom.zkCluster } : {}), ...(zkFrom?.zkRootPath ? { zkRootPath: zkFrom.zkRootPath } : {}) }),
    15_000,
  ).catch((err: Error) => {
    process.stderr.write(`upgrade: cannot connect to the cluster: ${err.message}\n`);
    return undefined;
  });
  try {
    const admin = client ? dbClientAdmin(client) : undefined;
    const leader = admin ? await admin.nameservers() : undefined;
    const leaderEp = leader?.ok ? leader.value.find((n) => n.role === 'leader')?.endpoint : undefined;
    const made = planUpgrade({ toDir, toVersion, nodes: facts.value.map(({ zkCluster: _z, zkRootPath: _r, ...n }) => n), nameserverLeader: leaderEp });
    if (!made.ok) {
      process.stderr.write(`upgrade: ${made.message}\n`);
      return 2;
    }
    let plan = made.value;
    if (resume && saved) {
      const c = checkResume(saved, toDir, plan.nodes.map((n) => nodeId(n)));
      if (!c.ok) {
        process.stderr.write(`upgrade: cannot resume: ${c.message}\n`);
        return 2;
      }
      // The order and versions recorded when the upgrade began (a leader may have moved since).
      plan = saved.plan;
    }
    if (dryRun) {
      process.stdout.write(`${await dryRunText(plan, admin, leaderEp, saved, statePath)}\n`);
      return 0;
    }
    if (!admin) return 1;
    const state = resume && saved ? saved : newUpgradeState(plan);
    const runner = new UpgradeRunner(
      {
        io: fsNodeIo,
        admin,
        pacer,
        progress: (l) => process.stdout.write(`${l}\n`),
        saveState: async (text) =>
          attempt(`writing ${statePath}`, async () => {
            await writeFile(`${statePath}.tmp`, text);
            await rename(`${statePath}.tmp`, statePath);
          }),
        options: {
          allowSingleReplica: flags.bool('allow_single_replica'),
          waitTimeoutMs: flags.int('upgrade_wait_timeout'),
          pollMs: 500,
          catchUpWindowMs: 3000,
        },
      },
      state,
    );
    const r = await runner.run();
    if (r.ok) return 0;
    process.stderr.write(`upgrade: ${r.message}\n`);
    return isInterrupted(r) ? 130 : 1;
  } finally {
    await client?.close();
  }
}

async function dryRunText(
  plan: { toDir: string; toVersion: string; nodes: readonly PlannedNode[] },
  admin: ReturnType<typeof dbClientAdmin> | undefined,
  leaderEp: string | undefined,
  saved: UpgradeState | undefined,
  statePath: string,
): Promise<string> {
  const lines = ['dry run: nothing is changed', formatPlan(plan)];
  if (!admin) lines.push('note: the cluster could not be reached; nameservers are in hosts-file order');
  else if (!leaderEp) lines.push('note: no leader nameserver found; nameservers are in hosts-file order');
  if (admin) {
    const af = await admin.autoFailover();
    if (af.ok) lines.push(af.value ? 'auto_failover is on: it is turned off during the upgrade and back on at the end' : 'auto_failover is off (it stays off)');
  }
  if (saved && saved.phase !== 'finished') lines.push(`an unfinished upgrade is saved in ${statePath} (${summarizeState(saved)}): run with --resume to continue it`);
  for (const n of plan.nodes) {
    let mine = '';
    let template = '';
    try {
      mine = await readFile(flagFileOf(n), 'utf8');
      template = await readFile(join(plan.toDir, 'conf', `${n.role}.flags`), 'utf8');
    } catch (err) {
      lines.push(`conf ${n.endpoint}: cannot read: ${(err as Error).message}`);
      continue;
    }
    lines.push(`conf ${n.endpoint} (${flagFileOf(n)} vs the new ${n.role}.flags; the node's values are kept):`);
    for (const l of formatConfDiff(diffConf(mine, template)).split('\n')) lines.push(`  ${l}`);
  }
  return lines.join('\n');
}

