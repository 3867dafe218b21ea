/**
 * ns_client commands that create or manage nameserver ops (cluster.md §8): offlineendpoint,
 * recoverendpoint, recovertable, changeleader, migrate, addreplica, delreplica, makesnapshot,
 * showopstatus, cancelop, deleteop, updatetablealive, gettablepartition, settablepartition, setttl.
 */
import { Code, fail, ok, type Result } from '../base/status.js';
import type { TablePartition, TtlType } from '../protocol/schema.js';
import { type NsCommand, type NsContext, registerNsCommand } from './ns-commands.js';
import { formatTable } from './tprinter.js';

/** `N`, `a,b,c` or `a-b` (inclusive). */
export function parsePidGroup(text: string): Result<number[]> {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (a > b) return fail(Code.invalidParameter, `invalid pid range '${text}'`);
    if (b - a > 100_000) return fail(Code.invalidParameter, `pid range '${text}' is too large`);
    return ok(Array.from({ length: b - a + 1 }, (_, i) => a + i));
  }
  const parts = text.split(',');
  if (parts.every((p) => /^\d+$/.test(p))) return ok(parts.map(Number));
  return fail(Code.invalidParameter, `invalid pid group '${text}': use N, a,b,c or a-b`);
}

function usage(cmd: NsCommand): Result<string> {
  return fail(Code.invalidParameter, `bad format; usage: ${cmd.usage}`);
}

function needDb(ctx: NsContext): Result<string> {
  return ctx.db ? ok(ctx.db) : fail(Code.invalidParameter, 'please enter database first (use <db>)');
}

async function call(ctx: NsContext, method: string, req: unknown): Promise<Result<unknown>> {
  return ctx.client.nsRaw(method, req);
}

async function simple(ctx: NsContext, method: string, req: unknown, okText: string, failText: string): Promise<Result<string>> {
  const r = await call(ctx, method, req);
  if (r.ok) {
    const message = (r.value as { message?: string }).message;
    return ok(message ?? okText);
  }
  return fail(r.code, `${failText}: ${r.message}`);
}

/** `<name> <table> <pid_group> <endpoint>`: AddReplica / DelReplica, answering `<Method> ok` or `<Method> failed`. */
function replicaCommand(name: string, method: 'AddReplica' | 'DelReplica', help: string): NsCommand {
  return {
    usage: `${name} <table> <pid_group> <endpoint>`,
    help,
    async run(ctx, args) {
      if (args.length !== 3) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      const pids = parsePidGroup(args[1]!);
      if (!pids.ok) return pids;
      return simple(ctx, method, { db: db.value, name: args[0], pids: pids.value, endpoint: args[2] }, `${method} ok`, `${method} failed`);
    },
  };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `%Y%m%d%H%M%S` in local time, as the reference prints op times. */
export function formatOpTime(seconds: number): string {
  if (!seconds) return '-';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

interface OpRow {
  opId: number;
  opType: string;
  db: string;
  name: string;
  pid: number;
  status: string;
  startTimeS: number;
  executeTimeS: number;
  endTimeS: number;
  curTask: string;
  forReplicaCluster: boolean;
}

const commands: Record<string, NsCommand> = {
  offlineendpoint: {
    usage: 'offlineendpoint <endpoint> [concurrency]',
    help: 'take a tablet out: move its leaders, mark its replicas not alive (auto_failover off only)',
    async run(ctx, args) {
      if (args.length < 1 || args.length > 2) return usage(this);
      const concurrency = args[1] === undefined ? undefined : Number(args[1]);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) return usage(this);
      return simple(ctx, 'OfflineEndpoint', { endpoint: args[0], ...(concurrency ? { concurrency } : {}) }, 'offline endpoint ok', 'offline endpoint failed');
    },
  },
  recoverendpoint: {
    usage: 'recoverendpoint <endpoint> [need_restore true|false] [concurrency]',
    help: 'bring a restarted tablet back: reload its replicas and catch them up (auto_failover off only)',
    async run(ctx, args) {
      if (args.length < 1 || args.length > 3) return usage(this);
      if (args[1] !== undefined && !/^(true|false)$/i.test(args[1])) return usage(this);
      const needRestore = args[1] === undefined ? undefined : args[1].toLowerCase() === 'true';
      const concurrency = args[2] === undefined ? undefined : Number(args[2]);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) return usage(this);
      return simple(
        ctx,
        'RecoverEndpoint',
        { endpoint: args[0], ...(needRestore !== undefined ? { needRestore } : {}), ...(concurrency ? { concurrency } : {}) },
        'recover endpoint ok',
        'recover endpoint failed',
      );
    },
  },
  recovertable: {
    usage: 'recovertable <table> <pid> <endpoint>',
    help: 'recover one replica that is not alive',
    async run(ctx, args) {
      if (args.length !== 3 || !/^\d+$/.test(args[1]!)) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      return simple(ctx, 'RecoverTable', { db: db.value, name: args[0], pid: Number(args[1]), endpoint: args[2] }, 'recover table ok', 'recover table failed');
    },
  },
  changeleader: {
    usage: 'changeleader <table> <pid> [candidate_endpoint|auto]',
    help: 'elect a new leader for a partition (the follower with the highest offset unless a candidate is named)',
    async run(ctx, args) {
      if (args.length < 2 || args.length > 3 || !/^\d+$/.test(args[1]!)) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      return simple(
        ctx,
        'ChangeLeader',
        { db: db.value, name: args[0], pid: Number(args[1]), ...(args[2] ? { candidate: args[2] } : {}) },
        'change leader ok',
        'change leader failed',
      );
    },
  },
  migrate: {
    usage: 'migrate <src_endpoint> <table> <pid_group> <des_endpoint>',
    help: 'move follower replicas from one tablet to another',
    async run(ctx, args) {
      if (args.length !== 4) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      const pids = parsePidGroup(args[2]!);
      if (!pids.ok) return pids;
      return simple(
        ctx,
        'Migrate',
        { srcEndpoint: args[0], db: db.value, name: args[1], pids: pids.value, desEndpoint: args[3] },
        'partition migrate ok',
        'migrate failed',
      );
    },
  },
  addreplica: replicaCommand('addreplica', 'AddReplica', 'add a follower replica on a tablet'),
  delreplica: replicaCommand('delreplica', 'DelReplica', 'remove a follower replica'),
  makesnapshot: {
    usage: 'makesnapshot <table> <pid>',
    help: "snapshot a partition's leader (covered binlog files are removed afterwards)",
    async run(ctx, args) {
      if (args.length !== 2 || !/^\d+$/.test(args[1]!)) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      return simple(ctx, 'MakeSnapshotNS', { db: db.value, name: args[0], pid: Number(args[1]) }, 'MakeSnapshot ok', 'MakeSnapshot failed');
    },
  },
  showopstatus: {
    usage: 'showopstatus [table [pid]]',
    help: 'ops with their status and current task',
    async run(ctx, args) {
      if (args.length > 2 || (args[1] !== undefined && !/^\d+$/.test(args[1]))) return usage(this);
      const r = await call(ctx, 'ShowOPStatus', {
        ...(args[0] ? { name: args[0], ...(ctx.db ? { db: ctx.db } : {}) } : ctx.db ? { db: ctx.db } : {}),
        ...(args[1] ? { pid: Number(args[1]) } : {}),
      });
      if (!r.ok) return r;
      const ops = (r.value as { ops: OpRow[] }).ops;
      return ok(
        formatTable(
          ['op_id', 'op_type', 'name', 'pid', 'status', 'start_time', 'execute_time', 'end_time', 'cur_task', 'for_replica_cluster'],
          ops.map((o) => [
            String(o.opId),
            o.opType,
            o.name,
            String(o.pid),
            o.status,
            formatOpTime(o.startTimeS),
            `${o.executeTimeS}s`,
            formatOpTime(o.endTimeS),
            o.curTask,
            o.forReplicaCluster ? 'yes' : 'no',
          ]),
        ),
      );
    },
  },
  cancelop: {
    usage: 'cancelop <op_id>',
    help: 'cancel an op that has not finished',
    async run(ctx, args) {
      if (args.length !== 1 || !/^\d+$/.test(args[0]!)) return usage(this);
      return simple(ctx, 'CancelOP', { opId: Number(args[0]) }, 'Cancel op ok', 'Cancel op failed');
    },
  },
  deleteop: {
    usage: 'deleteop <op_id | done | failed | canceled>',
    help: 'remove ops from the op history',
    async run(ctx, args) {
      if (args.length !== 1) return usage(this);
      const statuses: Record<string, string> = { done: 'kDone', failed: 'kFailed', canceled: 'kCanceled' };
      const req = /^\d+$/.test(args[0]!) ? { opId: Number(args[0]) } : statuses[args[0]!.toLowerCase()] ? { status: statuses[args[0]!.toLowerCase()] } : undefined;
      if (!req) return usage(this);
      return simple(ctx, 'DeleteOP', { ...req, ...(ctx.db ? { db: ctx.db } : {}) }, 'Delete op ok', 'Delete op failed');
    },
  },
  updatetablealive: {
    usage: 'updatetablealive <table> <pid|*> <endpoint> <yes|no>',
    help: 'set is_alive of one replica in metadata only (tablets are not touched)',
    async run(ctx, args) {
      if (args.length !== 4 || !/^(\d+|\*)$/.test(args[1]!) || !/^(yes|no)$/.test(args[3]!)) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      return simple(
        ctx,
        'UpdateTableAlive',
        { db: db.value, name: args[0], pid: args[1] === '*' ? '*' : Number(args[1]), endpoint: args[2], isAlive: args[3] === 'yes' },
        'update ok',
        'update failed',
      );
    },
  },
  gettablepartition: {
    usage: 'gettablepartition <table> <pid>',
    help: 'write the partition metadata to ./<table>_<pid>.txt (JSON)',
    async run(ctx, args) {
      if (args.length !== 2 || !/^\d+$/.test(args[1]!)) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      const r = await call(ctx, 'GetTablePartition', { db: db.value, name: args[0], pid: Number(args[1]) });
      if (!r.ok) return r;
      const file = `${args[0]}_${args[1]}.txt`;
      await ctx.writeFile(file, `${JSON.stringify((r.value as { partition: TablePartition }).partition, null, 2)}\n`);
      return ok(`get table partition ok, written to ${file}`);
    },
  },
  settablepartition: {
    usage: 'settablepartition <table> <file>',
    help: 'replace one partition\'s metadata from a file written by gettablepartition (auto_failover off only)',
    async run(ctx, args) {
      if (args.length !== 2) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      let partition: TablePartition;
      try {
        partition = JSON.parse(await ctx.readFile(args[1]!)) as TablePartition;
      } catch (err) {
        return fail(Code.invalidParameter, `settablepartition failed: cannot read ${args[1]}: ${(err as Error).message}`);
      }
      const leaders = partition.replicas?.filter((r) => r.isLeader) ?? [];
      const eps = partition.replicas?.map((r) => r.endpoint) ?? [];
      if (leaders.length === 0) return fail(Code.invalidParameter, 'settablepartition failed: the partition has no leader');
      if (new Set(eps).size !== eps.length) return fail(Code.invalidParameter, 'settablepartition failed: a replica is listed twice');
      return simple(ctx, 'SetTablePartition', { db: db.value, name: args[0], partition }, 'set table partition ok', 'set table partition failed');
    },
  },
  setttl: {
    usage: 'setttl <table> <absolute|latest|absandlat|absorlat> <ttl> [lat] [index]',
    help: 'change the TTL of one index or of all; absolute in minutes, latest as a row count',
    async run(ctx, args) {
      if (args.length < 3 || args.length > 5) return usage(this);
      const db = needDb(ctx);
      if (!db.ok) return db;
      const type = args[1]!.toLowerCase() as TtlType;
      const n = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : Number.NaN);
      let absMinutes = 0;
      let latCount = 0;
      let index: string | undefined;
      if (type === 'absolute' || type === 'latest') {
        const v = n(args[2]);
        if (Number.isNaN(v)) return usage(this);
        if (type === 'absolute') absMinutes = v;
        else latCount = v;
        index = args[3];
      } else if (type === 'absandlat' || type === 'absorlat') {
        absMinutes = n(args[2]);
        latCount = n(args[3]);
        if (Number.isNaN(absMinutes) || Number.isNaN(latCount)) return usage(this);
        index = args[4];
      } else return usage(this);
      return simple(
        ctx,
        'SetTtlNS',
        { db: db.value, name: args[0], ttlType: type, absMinutes, latCount, ...(index ? { index } : {}) },
        'Set ttl ok ! Note that, it will take effect after two garbage collection intervals (i.e. gc_interval)',
        'Set ttl failed',
      );
    },
  },
};

export function registerOpCommands(): void {
  for (const [name, c] of Object.entries(commands)) registerNsCommand(name, c);
}
