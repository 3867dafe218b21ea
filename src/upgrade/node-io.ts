/**
 * What the upgrade runner does to a node's release directory and process: the file and process
 * work of the procedure (start.sh stop/start, back up, swap bin, write conf). The runtime
 * implementation lives in src/main (it touches the file system and runs start.sh); tests may fake it.
 */
import type { Result } from '../base/status.js';
import type { PlannedNode } from './upgrade-plan.js';

export interface NodeIo {
  /** `sh bin/start.sh stop <component>` in the node's directory; the output on success. */
  stop(node: PlannedNode): Promise<Result<string>>;
  /** `sh bin/start.sh start <component>`: succeeds once the process answers /status. */
  start(node: PlannedNode): Promise<Result<string>>;
  /** Copies bin/ and conf/ to the backup directory (replacing an older backup); returns its path. */
  backup(node: PlannedNode): Promise<Result<string>>;
  /** Puts the backed-up bin/ and conf/ back. */
  restore(node: PlannedNode): Promise<Result<void>>;
  /** Replaces bin/ with the new release's bin/. */
  installBin(node: PlannedNode, toDir: string): Promise<Result<void>>;
  /** The node's flag file as it was before the upgrade (from the backup). */
  readBackupConf(node: PlannedNode): Promise<Result<string>>;
  /** The new release's template for the node's component (`conf/<role>.flags`). */
  readTemplate(node: PlannedNode, toDir: string): Promise<Result<string>>;
  /** Writes the node's flag file, and copies the new release's other conf files the node lacks. */
  installConf(node: PlannedNode, toDir: string, flagFileText: string): Promise<Result<void>>;
  /** True when the endpoint answers HTTP /status. */
  probe(endpoint: string): Promise<boolean>;
}
