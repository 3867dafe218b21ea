/**
 * The nameserver's view of the tables as a SQL catalog: schemas only, for validating and planning
 * DEPLOY (sql/deploy/deploy-plan.ts). Planning never reads rows; a read is a bug.
 */
import { Code, fail } from '../base/status.js';
import { RowCodec } from '../protocol/row-codec.js';
import type { TableInfo, TableSchema } from '../protocol/schema.js';
import type { KeyScanRange, SqlCatalog, SqlTable, StoredRow } from '../sql/plan/catalog.js';
import type { Result } from '../base/status.js';

class SchemaTable implements SqlTable {
  readonly db: string;
  readonly name: string;
  readonly schema: TableSchema;
  readonly codec: RowCodec;

  constructor(info: TableInfo) {
    this.db = info.db;
    this.name = info.name;
    this.schema = info.schema;
    this.codec = new RowCodec(info.schema.columns);
  }

  scanKey(_indexPos: number, _key: string, _range: KeyScanRange): Result<readonly StoredRow[]> {
    return fail(Code.internal, `the nameserver does not read rows (table '${this.db}.${this.name}')`);
  }

  *scanAll(_indexPos: number): Iterable<Result<readonly StoredRow[]>> {
    yield fail(Code.internal, `the nameserver does not read rows (table '${this.db}.${this.name}')`);
  }
}

export class SchemaCatalog implements SqlCatalog {
  private readonly tables = new Map<string, SchemaTable>();

  constructor(
    private readonly infos: readonly TableInfo[],
    private readonly databases: ReadonlySet<string>,
  ) {}

  table(db: string, name: string): SqlTable | undefined {
    const id = `${db}.${name}`;
    let t = this.tables.get(id);
    if (t === undefined) {
      const info = this.infos.find((i) => i.db === db && i.name === name);
      if (info === undefined) return undefined;
      t = new SchemaTable(info);
      this.tables.set(id, t);
    }
    return t;
  }

  hasDatabase(db: string): boolean {
    return this.databases.has(db);
  }
}
