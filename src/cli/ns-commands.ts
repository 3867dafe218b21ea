/**
 * The ns_client commands (cluster.md §8 and its appendix): each takes the words after the command
 * name and returns the text to print. Output shapes follow the reference so that scripts written
 * for it keep working (`offline endpoint ok`, the showtable columns, ...).
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import { formatAge, formatBytes } from '../base/units.js';
import type { DbClient } from '../client/db-client.js';
import type { NameServerMethods } from '../protocol/messages.js';
import { COLUMN_TYPES, type ColumnDesc, type ColumnType, type IndexDef, isLiveIndex, type TableInfo, type Ttl } from '../protocol/schema.js';
import { formatValue, parseTextValue } from './text-values.js';
import { formatTable } from './tprinter.js';

export interface NsContext {
  readonly client: DbClient;
  db: string;
  readonly interactive: boolean;
  /** Asks a yes/no question (interactive only). */
  confirm(question: string): Promise<boolean>;
  /** Writes a file (gettablepartition); injected so commands stay free of I/O. */
  writeFile(path: string, text: string): Promise<void>;
  readFile(path: string): Promise<string>;
}

export interface NsCommand {
  readonly usage: string;
  readonly help: string;
  run(ctx: NsContext, args: string[]): Promise<Result<string>>;
}

async function ns<M extends keyof NameServerMethods>(
  ctx: NsContext,
  method: M,
  req: NameServerMethods[M]['req'],
): Promise<Result<NameServerMethods[M]['res']>> {
  return ctx.client.ns(method, req);
}

function usage(cmd: NsCommand): Result<string> {
  return fail(Code.invalidParameter, `bad format; usage: ${cmd.usage}`);
}

async function findTable(ctx: NsContext, name: string): Promise<Result<TableInfo>> {
  if (!ctx.db) return fail(Code.invalidParameter, 'please enter database first (use <db>)');
  const r = await ns(ctx, 'ShowTable', { db: ctx.db, name });
  if (!r.ok) return r;
  const t = r.value.tables[0];
  return t ? ok(t) : fail(Code.tableNotFound, `table ${name} does not exist in database '${ctx.db}'`);
}

function ttlText(ttl: Ttl): string {
  switch (ttl.type) {
    case 'absolute':
      return `${ttl.absMinutes}min`;
    case 'latest':
      return `${ttl.latCount}`;
    case 'absandlat':
      return `${ttl.absMinutes}min&&${ttl.latCount}`;
    case 'absorlat':
      return `${ttl.absMinutes}min||${ttl.latCount}`;
  }
}

export function parseLegacyTtl(text: string): Result<Ttl> {
  const parts = text.split(':');
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : Number.NaN);
  const kind = parts.length === 1 ? 'absolute' : parts[0]!.toLowerCase();
  const a = num(parts.length === 1 ? parts[0] : parts[1]);
  const b = num(parts[2]);
  switch (kind) {
    case 'absolute':
      if (Number.isNaN(a)) break;
      return ok({ type: 'absolute', absMinutes: a, latCount: 0 });
    case 'latest':
      if (Number.isNaN(a)) break;
      return ok({ type: 'latest', absMinutes: 0, latCount: a });
    case 'absandlat':
    case 'absorlat':
      if (Number.isNaN(a) || Number.isNaN(b)) break;
      return ok({ type: kind, absMinutes: a, latCount: b });
  }
  return fail(Code.invalidParameter, `invalid ttl '${text}': use N, absolute:N, latest:N, absandlat:A:L or absorlat:A:L`);
}

const commands: Record<string, NsCommand> = {
  use: {
    usage: 'use <db>',
    help: 'switch the current database',
    async run(ctx, args) {
      if (args.length !== 1) return usage(this);
      const dbs = await ctx.client.listDatabases();
      if (!dbs.ok) return dbs;
      if (!dbs.value.includes(args[0]!)) return fail(Code.databaseNotFound, `database ${args[0]} does not exist`);
      ctx.db = args[0]!;
      return ok(`Database changed`);
    },
  },
  showdb: {
    usage: 'showdb',
    help: 'list databases',
    async run(ctx) {
      const dbs = await ctx.client.listDatabases();
      if (!dbs.ok) return dbs;
      return ok(formatTable(['#', 'name'], dbs.value.map((d, i) => [String(i + 1), d])));
    },
  },
  showtablet: {
    usage: 'showtablet',
    help: 'list tablets with their state, the time since it last changed, and their software version',
    async run(ctx) {
      const r = await ns(ctx, 'ShowTablet', {});
      if (!r.ok) return r;
      return ok(
        formatTable(
          ['endpoint', 'real_endpoint', 'state', 'age', 'version'],
          r.value.tablets.map((t) => [t.endpoint, '-', t.state, formatAge(t.ageMs), t.version]),
        ),
      );
    },
  },
  showns: {
    usage: 'showns',
    help: 'list nameservers: the leader first, then standbys',
    async run(ctx) {
      const r = await ns(ctx, 'ShowNameServer', {});
      if (!r.ok) return r;
      return ok(
        formatTable(
          ['endpoint', 'real_endpoint', 'role', 'version'],
          r.value.nameservers.map((n) => [n.endpoint, '-', n.role, n.version || '-']),
        ),
      );
    },
  },
  showversion: {
    usage: 'showversion',
    help: 'the cluster version (raised by finalizeupgrade) and the software version of every node',
    async run(ctx, args) {
      if (args.length !== 0) return usage(this);
      const r = await ns(ctx, 'ShowVersion', {});
      if (!r.ok) return r;
      const table = formatTable(
        ['role', 'endpoint', 'version', 'state'],
        r.value.nodes.map((n) => [n.role, n.endpoint, n.version || '-', n.state]),
      );
      return ok(`cluster version: ${r.value.clusterVersion || '-'}\n${table}`);
    },
  },
  finalizeupgrade: {
    usage: 'finalizeupgrade [version]',
    help: 'raise the cluster version (default: the leader nameserver version) once every node runs it; enables its features',
    async run(ctx, args) {
      if (args.length > 1) return usage(this);
      const r = await ns(ctx, 'FinalizeUpgrade', args.length === 1 ? { version: args[0]! } : {});
      if (!r.ok) return r;
      return ok(`finalize upgrade ok: cluster version ${r.value.previous || '-'} -> ${r.value.clusterVersion}`);
    },
  },
  showtable: {
    usage: 'showtable [table]',
    help: 'one row per replica: role, liveness, binlog offset, rows, memory and disk used',
    async run(ctx, args) {
      if (args.length > 1) return usage(this);
      const scope = ctx.db ? { db: ctx.db } : {};
      const r = await ns(ctx, 'ShowTableStatus', args[0] ? { ...scope, name: args[0] } : scope);
      if (!r.ok) return r;
      if (args[0] && r.value.replicas.length === 0) return fail(Code.tableNotFound, `table ${args[0]} does not exist`);
      const rows = r.value.replicas.map((x) => [
        x.name,
        String(x.tid),
        String(x.pid),
        x.endpoint,
        x.isLeader ? 'leader' : 'follower',
        x.isAlive ? 'yes' : 'no',
        x.offset === undefined ? '-' : String(x.offset),
        x.recordCnt === undefined ? '-' : String(x.recordCnt),
        x.memBytes === undefined ? '-' : formatBytes(x.memBytes),
        x.diskBytes === undefined ? '-' : formatBytes(x.diskBytes),
      ]);
      return ok(formatTable(['name', 'tid', 'pid', 'endpoint', 'role', 'is_alive', 'offset', 'record_cnt', 'memused', 'diskused'], rows));
    },
  },
  showschema: {
    usage: 'showschema <table>',
    help: 'columns and indexes of a table',
    async run(ctx, args) {
      if (args.length !== 1) return usage(this);
      const t = await findTable(ctx, args[0]!);
      if (!t.ok) return t;
      const cols = formatTable(
        ['#', 'name', 'type'],
        t.value.schema.columns.map((c, i) => [String(i), c.name, c.type]),
      );
      const keys = formatTable(
        ['#', 'index_name', 'col_name', 'ts_col', 'ttl', 'ttl_type'],
        t.value.schema.indexes.filter(isLiveIndex).map((x, i) => [String(i), x.name, x.keyColumns.join('|'), x.tsColumn ?? '-', ttlText(x.ttl), x.ttl.type]),
      );
      return ok(`${cols}\n\n#ColumnKey\n${keys}`);
    },
  },
  deleteindex: {
    usage: 'deleteindex <table> <index>',
    help: 'drop an index of a table (not the first one, nor one a deployment uses)',
    async run(ctx, args) {
      if (args.length !== 2) return usage(this);
      if (!ctx.db) return fail(Code.invalidParameter, 'please enter database first (use <db>)');
      const r = await ns(ctx, 'DeleteTableIndex', { db: ctx.db, name: args[0]!, index: args[1]! });
      ctx.client.invalidateMetadata();
      return r.ok ? ok('delete index ok') : fail(r.code, `Fail to delete index. error msg: ${r.message}`);
    },
  },
  create: {
    usage: 'create <name> <ttl> <partition_num> <replica_num> [col:type[:index] ...]',
    help: 'create a table (legacy form); ttl is N, absolute:N, latest:N, absandlat:A:L or absorlat:A:L',
    async run(ctx, args) {
      if (args.length < 5) return usage(this);
      if (!ctx.db) return fail(Code.invalidParameter, 'please enter database first (use <db>)');
      const [name, ttlArg, pn, rn, ...colArgs] = args as [string, string, string, string, ...string[]];
      const ttl = parseLegacyTtl(ttlArg);
      if (!ttl.ok) return fail(ttl.code, `Fail to create table. error msg: ${ttl.message}`);
      const columns: ColumnDesc[] = [];
      const indexes: IndexDef[] = [];
      for (const spec of colArgs) {
        const [col, type, flag] = spec.split(':');
        const t = type?.toLowerCase() as ColumnType;
        if (!col || !COLUMN_TYPES.includes(t)) return fail(Code.invalidParameter, `Fail to create table. error msg: bad column '${spec}'`);
        columns.push({ name: col, type: t, notNull: false });
        if (flag === 'index') indexes.push({ name: col, keyColumns: [col], ttl: ttl.value });
      }
      if (indexes.length === 0) return fail(Code.invalidParameter, 'Fail to create table. error msg: no index (mark a column col:type:index)');
      const r = await ctx.client.createTable(ctx.db, name, { columns, indexes }, { partitionNum: Number(pn), replicaNum: Number(rn) });
      return r.ok ? ok('Create table ok') : fail(r.code, `Fail to create table. error msg: ${r.message}`);
    },
  },
  drop: {
    usage: 'drop <table>',
    help: 'drop a table (asks for confirmation when interactive)',
    async run(ctx, args) {
      if (args.length !== 1) return usage(this);
      if (ctx.interactive && !(await ctx.confirm(`Drop table ${args[0]}? yes/no`))) return ok('drop cancelled');
      const r = await ctx.client.dropTable(ctx.db, args[0]!);
      return r.ok ? ok('drop ok') : fail(r.code, `failed to drop table ${args[0]}: ${r.message}`);
    },
  },
  put: {
    usage: 'put <table> [ts] <v1> <v2> ...',
    help: 'write one row (values in schema order; a leading ts when no index has a ts column)',
    async run(ctx, args) {
      if (args.length < 2) return usage(this);
      const t = await findTable(ctx, args[0]!);
      if (!t.ok) return fail(t.code, `put failed! table ${args[0]} does not exist`);
      const cols = t.value.schema.columns;
      const hasTsCol = t.value.schema.indexes.some((i) => i.tsColumn !== undefined);
      let rest = args.slice(1);
      let insertTsMs: number | undefined;
      if (!hasTsCol) {
        if (!/^\d+$/.test(rest[0] ?? '')) return fail(Code.invalidParameter, 'put format error! the first value must be the ts');
        insertTsMs = Number(rest[0]);
        rest = rest.slice(1);
      }
      if (rest.length !== cols.length) return fail(Code.invalidParameter, 'put format error! input value does not match the schema');
      const values = [];
      for (let i = 0; i < cols.length; i++) {
        const v = parseTextValue(rest[i]!, cols[i]!.type, cols[i]!.name);
        if (!v.ok) return fail(v.code, `put format error! ${v.message}`);
        values.push(v.value);
      }
      const r = await ctx.client.put(ctx.db, args[0]!, [values], insertTsMs);
      return r.ok ? ok('Put ok') : fail(r.code, `Put failed! ${r.message}`);
    },
  },
  scan: {
    usage: 'scan <table> <key> <index_name> <start_time> <end_time> [limit]',
    help: 'rows of one key, newest first, with start_time >= ts > end_time (0 = unbounded)',
    async run(ctx, args) {
      if (args.length < 5 || args.length > 6) return usage(this);
      const [table, key, index, st, et, limit] = args as [string, string, string, string, string, string?];
      const newest = Number(st);
      const oldestExclusive = Number(et);
      if (!Number.isInteger(newest) || !Number.isInteger(oldestExclusive)) return usage(this);
      const r = await ctx.client.scan(ctx.db, table, {
        index,
        key,
        ...(newest > 0 ? { newestTsMs: newest } : {}),
        ...(oldestExclusive > 0 ? { oldestTsMs: oldestExclusive + 1 } : {}),
        ...(limit ? { limit: Number(limit) } : { limit: 100 }),
      });
      if (!r.ok) return r;
      const t = await findTable(ctx, table);
      if (!t.ok) return t;
      return ok(
        formatTable(
          ['#', 'ts', ...t.value.schema.columns.map((c) => c.name)],
          r.value.map((row, i) => [String(i + 1), String(row.tsMs), ...row.values.map(formatValue)]),
        ),
      );
    },
  },
  count: {
    usage: 'count <table> <key> [index_name] [filter_expired_data]',
    help: 'number of rows of one key',
    async run(ctx, args) {
      if (args.length < 2 || args.length > 4) return usage(this);
      const r = await ctx.client.count(ctx.db, args[0]!, { key: args[1]!, ...(args[2] ? { index: args[2] } : {}) });
      return r.ok ? ok(`count: ${r.value}`) : r;
    },
  },
  preview: {
    usage: 'preview <table> [limit]',
    help: 'the first rows of a table',
    async run(ctx, args) {
      if (args.length < 1 || args.length > 2) return usage(this);
      const limit = args[1] ? Number(args[1]) : 100;
      if (!Number.isInteger(limit) || limit <= 0) return usage(this);
      const t = await findTable(ctx, args[0]!);
      if (!t.ok) return t;
      const r = await ctx.client.preview(ctx.db, args[0]!, limit);
      if (!r.ok) return r;
      return ok(
        formatTable(
          ['#', ...t.value.schema.columns.map((c) => c.name)],
          r.value.map((row, i) => [String(i + 1), ...row.values.map(formatValue)]),
        ),
      );
    },
  },
  confset: {
    usage: 'confset auto_failover true|false',
    help: 'set a cluster configuration value (kept in ZooKeeper)',
    async run(ctx, args) {
      if (args.length !== 2) return usage(this);
      const r = await ns(ctx, 'ConfSet', { key: args[0]!, value: args[1]! });
      return r.ok ? ok(`set ${args[0]} ok`) : fail(r.code, `set ${args[0]} failed: ${r.message}`);
    },
  },
  confget: {
    usage: 'confget [key]',
    help: 'show cluster configuration values',
    async run(ctx, args) {
      const r = await ns(ctx, 'ConfGet', {});
      if (!r.ok) return r;
      const entries = r.value.entries.filter((e) => !args[0] || e.key === args[0]);
      if (args[0] && entries.length === 0) return fail(Code.invalidParameter, `unknown conf key '${args[0]}'`);
      return ok(formatTable(['key', 'value'], entries.map((e) => [e.key, e.value])));
    },
  },
};

export function nsCommands(): Readonly<Record<string, NsCommand>> {
  return commands;
}

/** Extra commands registered by other modules (ops commands). */
export function registerNsCommand(name: string, command: NsCommand): void {
  commands[name] = command;
}

export function helpText(name?: string): Result<string> {
  if (name) {
    const c = commands[name];
    if (!c) return fail(Code.invalidParameter, `unknown command '${name}'`);
    return ok(`${c.usage}\n  ${c.help}`);
  }
  const names = Object.keys(commands).sort();
  return ok(
    `${names.map((n) => `${commands[n]!.usage.padEnd(70)} ${commands[n]!.help}`).join('\n')}\n` +
      'help [cmd]                                                             this list, or one command\n' +
      'exit | quit                                                            leave the shell',
  );
}
