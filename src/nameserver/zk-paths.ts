/** ZooKeeper node layout under the cluster root (cluster.md §3.1). */
export class ZkPaths {
  constructor(readonly root: string) {}

  get leader(): string {
    return `${this.root}/leader`;
  }
  get nodes(): string {
    return `${this.root}/nodes`;
  }
  node(endpoint: string): string {
    return `${this.nodes}/${endpoint}`;
  }
  get tableIndex(): string {
    return `${this.root}/table/table_index`;
  }
  get term(): string {
    return `${this.root}/table/term`;
  }
  get tableData(): string {
    return `${this.root}/table/db_table_data`;
  }
  table(tid: number): string {
    return `${this.tableData}/${tid}`;
  }
  get notify(): string {
    return `${this.root}/table/notify`;
  }
  get dbs(): string {
    return `${this.root}/db`;
  }
  db(name: string): string {
    return `${this.dbs}/${name}`;
  }
  get opIndex(): string {
    return `${this.root}/op/op_index`;
  }
  get opData(): string {
    return `${this.root}/op/op_data`;
  }
  op(id: number): string {
    return `${this.opData}/${id}`;
  }
  get autoFailover(): string {
    return `${this.root}/config/auto_failover`;
  }
  get deployments(): string {
    return `${this.root}/store_procedure/db_sp_data`;
  }
  deployment(db: string, name: string): string {
    return `${this.deployments}/${db}.${name}`;
  }
  /** Cluster version, raised by the explicit finalize step of a rolling upgrade. */
  get clusterVersion(): string {
    return `${this.root}/config/cluster_version`;
  }
  get globalVariables(): string {
    return `${this.root}/config/global_variables`;
  }
}
