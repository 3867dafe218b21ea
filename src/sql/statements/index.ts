/**
 * What SQL statements mean: pure converters from the syntax tree (with a table's schema where
 * needed) to actions and values, and the builders of SHOW / DESC results. No I/O: the client's
 * SQL session fetches metadata, calls these, and performs the actions.
 */
export { type Coerced, literalToColumn, normalizeDateText, paramToColumn } from './column-value.js';
export { type CreateIndexPlan, createIndexTarget, planCreateIndex } from './create-index.js';
export { type CreateTableOptions, type CreateTablePlan, checkName, type DistributionEntry, planCreateTable } from './create-table.js';
export { type DeletePlan, deleteTarget, planDelete } from './delete.js';
export {
  DESC_COLUMN_HEADER,
  DESC_INDEX_HEADER,
  DESC_STORAGE_HEADER,
  describeColumnRows,
  describeIndexRows,
  describeStorageRow,
  describeTable,
  typeText,
} from './describe.js';
export { bindInsert, type InsertCell, type InsertPlan, type InsertTarget, insertTarget, planInsert } from './insert.js';
export {
  isPreformatted,
  messageResult,
  PREFORMATTED_COLUMN,
  preformatted,
  type ResultColumn,
  type ResultSet,
  SUCCEED_MESSAGE,
  stringTable,
} from './result-set.js';
export {
  EXECUTE_MODES,
  type ExecuteMode,
  GLOBAL_VARIABLE_DEFAULTS,
  planSet,
  SESSION_VARIABLE_DEFAULTS,
  type VariableAssignment,
} from './set-variable.js';
export {
  createTableText,
  showCreateTable,
  showDatabases,
  showGlobalVariables,
  showSessionVariables,
  showTables,
  showTableStatus,
  TABLE_STATUS_COLUMNS,
  type TableStatusInput,
} from './show.js';
export { relocateFailure, type StatementFailure, shiftPos, statementFail } from './statement-error.js';
export { renderTextTable } from './text-table.js';
export { intervalMinutes, ttlFromSpec, ttlText, ttlTypeName } from './ttl.js';
export { valueText } from './value-text.js';
