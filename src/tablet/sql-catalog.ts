/**
 * The SQL catalog of a tablet: one consistent snapshot of the cluster's table metadata (taken
 * from the client core's cache), with each table read through `TabletSqlTable`. A new snapshot is
 * taken when the metadata changed; prepared queries hold the tables of the snapshot they were
 * planned with.
 */
import type { TableHandle } from '../client/table-handle.js';
import type { SqlCatalog } from '../sql/plan/catalog.js';
import { type SqlTableDeps, TabletSqlTable } from './sql-table.js';

export class TabletSqlCatalog implements SqlCatalog {
  private readonly made = new Map<string, TabletSqlTable>();

  constructor(
    private readonly handles: ReadonlyMap<string, TableHandle>,
    private readonly databases: ReadonlySet<string>,
    private readonly deps: SqlTableDeps,
  ) {}

  table(db: string, name: string): TabletSqlTable | undefined {
    const id = `${db}.${name}`;
    let t = this.made.get(id);
    if (t === undefined) {
      const handle = this.handles.get(id);
      if (handle === undefined) return undefined;
      t = new TabletSqlTable(handle, this.deps);
      this.made.set(id, t);
    }
    return t;
  }

  hasDatabase(db: string): boolean {
    return this.databases.has(db);
  }
}
