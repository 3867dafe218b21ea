/**
 * The tablet server process (`--role=tablet`). In a cluster it registers itself in ZooKeeper
 * (wired in by the cluster composition); here it builds the Tablet from flags.
 */
import type { Flags } from '../config/flags.js';
import { MINUTE_MS } from '../base/units.js';
import type { PartitionEnv } from '../tablet/partition-env.js';
import { Tablet } from '../tablet/tablet.js';

export function createTablet(flags: Flags, env: PartitionEnv, endpoint: string): Tablet {
  const dataDirs = flags
    .string('db_root_path')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (dataDirs.length === 0) throw new Error('configuration error: --db_root_path is empty');
  const hour = flags.int('make_snapshot_time');
  if (hour > 23) throw new Error(`configuration error: --make_snapshot_time must be an hour 0..23, got ${hour}`);
  return new Tablet(env, {
    endpoint,
    dataDirs,
    recycleDir: flags.string('recycle_bin_root_path'),
    recycleEnabled: flags.bool('recycle_bin_enabled'),
    gcIntervalMs: flags.int('gc_interval') * MINUTE_MS,
    snapshotHour: hour,
    snapshotCheckIntervalMs: flags.int('make_snapshot_check_interval'),
  });
}
