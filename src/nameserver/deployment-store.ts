/**
 * Deployments in the coordinator: one node per deployment, `<root>/store_procedure/db_sp_data/
 * <db>.<name>`, holding the DeploymentInfo as JSON with a format version (a newer build reads what
 * an older one wrote; a record from a newer format is refused with a message, not misread).
 */
import { type Coordinator, CoordinatorError } from '../ports/coordinator.js';
import { DEPLOYMENT_FORMAT_VERSION, type DeploymentInfo } from '../protocol/messages.js';
import { decodeJson, encodeJson } from './metadata-store.js';
import type { ZkPaths } from './zk-paths.js';

export interface DeploymentName {
  readonly db: string;
  readonly name: string;
}

export class DeploymentStore {
  constructor(
    private readonly coord: Coordinator,
    private readonly paths: ZkPaths,
  ) {}

  /** Every deployment's database and name, sorted. */
  async list(): Promise<DeploymentName[]> {
    const children = await this.coord.children(this.paths.deployments);
    const out: DeploymentName[] = [];
    for (const child of children) {
      const dot = child.indexOf('.');
      if (dot <= 0) continue;
      out.push({ db: child.slice(0, dot), name: child.slice(dot + 1) });
    }
    return out.sort((a, b) => a.db.localeCompare(b.db) || a.name.localeCompare(b.name));
  }

  async get(db: string, name: string): Promise<DeploymentInfo | undefined> {
    const path = this.paths.deployment(db, name);
    let data: Uint8Array;
    try {
      data = (await this.coord.get(path)).data;
    } catch (err) {
      if (err instanceof CoordinatorError && err.code === 'noNode') return undefined;
      throw err;
    }
    const info = decodeJson<DeploymentInfo>(data, path);
    if (typeof info !== 'object' || info === null || typeof info.formatVersion !== 'number' || info.formatVersion > DEPLOYMENT_FORMAT_VERSION) {
      throw new Error(`deployment record ${path} has format version ${info?.formatVersion}; this build reads up to ${DEPLOYMENT_FORMAT_VERSION}`);
    }
    return { ...info, routingColumns: info.routingColumns ?? [] };
  }

  /** The deployments that read table `db.name` (as main table or through a join), sorted. */
  async usingTable(db: string, name: string): Promise<DeploymentInfo[]> {
    const out: DeploymentInfo[] = [];
    for (const d of await this.list()) {
      const info = await this.get(d.db, d.name);
      if (info === undefined) continue;
      const reads = [info.mainTable, ...info.tables].some((t) => t.db === db && t.name === name);
      if (reads) out.push(info);
    }
    return out;
  }

  async create(info: DeploymentInfo): Promise<void> {
    await this.coord.create(this.paths.deployment(info.db, info.name), encodeJson(info), 'persistent');
  }

  /** Removes a deployment; false when there was none. */
  async delete(db: string, name: string): Promise<boolean> {
    try {
      await this.coord.delete(this.paths.deployment(db, name));
      return true;
    } catch (err) {
      if (err instanceof CoordinatorError && err.code === 'noNode') return false;
      throw err;
    }
  }
}
