/**
 * SHOW DEPLOYMENTS and SHOW DEPLOYMENT results (sql.md §2.5). SHOW DEPLOYMENT is one
 * pre-formatted cell: the DB / Deployment table, the SQL as the reference prints it (the unparse
 * layout ending in a `;` line), then the input and output schemas (`#, Field, Type, IsConstant`).
 */
import type { DeploymentInfo } from '../protocol/messages.js';
import { preformatted, renderTextTable, type ResultSet, stringTable, typeText } from '../sql/statements/index.js';

const SCHEMA_HEADER = ['#', 'Field', 'Type', 'IsConstant'] as const;

function schemaRows(columns: readonly { readonly name: string; readonly type: DeploymentInfo['outputSchema'][number]['type'] }[]): string[][] {
  return columns.map((c, i) => [String(i + 1), c.name, typeText(c.type), 'NO']);
}

export function deploymentText(info: DeploymentInfo): string {
  return (
    renderTextTable(['DB', 'Deployment'], [[info.db, info.name]]) +
    '1 row in set\n' +
    renderTextTable(['SQL'], [[info.normalizedSql]]) +
    '1 row in set\n' +
    '# Input Schema\n' +
    renderTextTable(SCHEMA_HEADER, schemaRows(info.inputSchema)) +
    '\n# Output Schema\n' +
    renderTextTable(SCHEMA_HEADER, schemaRows(info.outputSchema))
  );
}

export function showDeployment(info: DeploymentInfo): ResultSet {
  return preformatted([deploymentText(info)]);
}

export function showDeployments(list: readonly { readonly db: string; readonly name: string }[]): ResultSet {
  return stringTable(['DB', 'Deployment'], list.map((d) => [d.db, d.name]));
}
