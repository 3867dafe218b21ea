/**
 * Name resolution inside one SELECT: the columns its FROM clause makes visible, each with the
 * qualifiers that reach it (alias or table name, optionally the database), and the source slot
 * and position the executor reads it from. Names compare case-insensitively.
 */
import type { ColumnRef, Star } from '../syntax/index.js';
import type { SqlType } from '../types.js';
import { abort } from './plan-error.js';
import type { ColumnExpr } from './plan-types.js';

export interface ScopeSource {
  readonly source: number;
  /** Alias, or the table name; undefined for an unaliased subquery. */
  readonly qualifier?: string;
  /** Database of the source: a table's own for an unaliased table, else the current one. */
  readonly db?: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class Scope {
  /** `currentDb`: the database a `t.c` reference (without a database) is looked up in. */
  constructor(
    readonly sources: readonly ScopeSource[],
    private readonly currentDb?: string,
  ) {}

  static empty(): Scope {
    return new Scope([]);
  }

  /** `db.t` must name the source's database; `t` alone the current one (a table of another database needs `db.t`). */
  private sourcesFor(db: string | undefined, table: string | undefined): readonly ScopeSource[] {
    if (table === undefined) return this.sources;
    const wantDb = db ?? this.currentDb;
    return this.sources.filter(
      (s) => s.qualifier !== undefined && same(s.qualifier, table) && (wantDb === undefined || s.db === undefined || same(s.db, wantDb)),
    );
  }

  resolve(ref: ColumnRef): ColumnExpr {
    const table = ref.table?.name;
    const candidates = this.sourcesFor(ref.db?.name, table);
    const shown = [ref.db?.name, table, ref.column.name].filter((p) => p !== undefined).join('.');
    if (table !== undefined && candidates.length === 0) {
      abort(ref.pos, `unknown column '${shown}': no table or alias '${table}' in the FROM clause`);
    }
    const found: ColumnExpr[] = [];
    for (const s of candidates) {
      s.columns.forEach((c, i) => {
        if (same(c.name, ref.column.name)) found.push({ kind: 'column', type: c.type, source: s.source, column: i, name: c.name });
      });
    }
    if (found.length === 0) {
      const where = this.sources.length === 0 ? ' (the query has no FROM clause)' : '';
      abort(ref.pos, `unknown column '${shown}'${where}`);
    }
    if (found.length > 1) abort(ref.pos, `column '${shown}' is ambiguous: ${found.length} columns of the FROM clause have that name`);
    return found[0]!;
  }

  /** The columns `*` or `t.*` stands for, in FROM order. */
  expandStar(star: Star): ColumnExpr[] {
    const table = star.table?.name;
    const candidates = this.sourcesFor(star.db?.name, table);
    if (table !== undefined && candidates.length === 0) abort(star.pos, `unknown table or alias '${table}' in '${table}.*'`);
    if (this.sources.length === 0) abort(star.pos, "'*' needs a FROM clause");
    const out: ColumnExpr[] = [];
    for (const s of candidates) {
      for (const [i, c] of s.columns.entries()) out.push({ kind: 'column', type: c.type, source: s.source, column: i, name: c.name });
    }
    return out;
  }
}
