import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_FORMAT_VERSION, type DeploymentInfo } from '../protocol/messages.js';
import { isPreformatted } from '../sql/statements/index.js';
import { deploymentText, showDeployment, showDeployments } from './sql-deployment-text.js';

const info: DeploymentInfo = {
  formatVersion: DEPLOYMENT_FORMAT_VERSION,
  db: 'shop',
  name: 'd1',
  sql: 'DEPLOY d1 SELECT c1 FROM t',
  normalizedSql: 'DEPLOY d1 SELECT\n  c1\nFROM\n  t\n;',
  mainTable: { db: 'shop', name: 't' },
  inputSchema: [
    { name: 'c1', type: 'string', notNull: false },
    { name: 'ts', type: 'timestamp', notNull: true },
  ],
  outputSchema: [{ name: 'c1', type: 'string' }],
  tables: [{ db: 'shop', name: 't' }],
  options: { skipIndexCheck: false, sync: true },
  routingColumns: [],
  createdAtMs: 0,
};

describe('SHOW DEPLOYMENT(S)', () => {
  it('lists deployments as DB, Deployment', () => {
    expect(showDeployments([{ db: 'shop', name: 'd1' }])).toEqual({
      columns: [
        { name: 'DB', type: 'string' },
        { name: 'Deployment', type: 'string' },
      ],
      rows: [['shop', 'd1']],
    });
  });

  it('shows one deployment as a pre-formatted cell: names, SQL, input and output schema', () => {
    const r = showDeployment(info);
    expect(isPreformatted(r)).toBe(true);
    const text = deploymentText(info);
    expect(r.rows).toEqual([[text]]);
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([' ------ ------------ ', '  DB     Deployment  ', ' ------ ------------ ', '  shop   d1          ', ' ------ ------------ ']);
    expect(text).toContain('  DEPLOY d1 SELECT  \n');
    expect(text).toMatch(/# Input Schema\n.*\n +# +Field +Type +IsConstant +\n.*\n +1 +c1 +Varchar +NO +\n +2 +ts +Timestamp +NO +\n/);
    expect(text).toMatch(/# Output Schema\n.*\n.*\n.*\n +1 +c1 +Varchar +NO +\n/);
  });
});
