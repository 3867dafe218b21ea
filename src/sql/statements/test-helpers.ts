/** Parsing helpers for the statement converters' tests. */
import { assert } from '../../base/assert.js';
import { parseStatement, type Statement } from '../syntax/index.js';

/** The statement of `sql`, which must parse and be of kind `kind`. */
export function parsed<K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  const r = parseStatement(sql);
  assert(r.ok, `test SQL does not parse: ${r.ok ? '' : r.message}`);
  assert(r.value.kind === kind, `test SQL is a ${r.value.kind}, not a ${kind}`);
  return r.value as Extract<Statement, { kind: K }>;
}
