import { describe, expect, it } from 'vitest';
import { messageResult, preformatted, renderTextTable, stringTable } from '../sql/statements/index.js';
import { formatResultSet } from './table-format.js';

describe('formatResultSet', () => {
  it('prints a header, rulers, the rows with NULL, and the row count', () => {
    const out = formatResultSet({
      columns: [
        { name: 'c1', type: 'string' },
        { name: 'c2', type: 'bigint' },
        { name: 'ok', type: 'bool' },
      ],
      rows: [
        ['aa', 12n, true],
        [null, -3n, null],
      ],
    });
    expect(out).toBe(
      [
        ' ------ ---- ------ ',
        '  c1     c2   ok    ',
        ' ------ ---- ------ ',
        '  aa     12   true  ',
        '  NULL   -3   NULL  ',
        ' ------ ---- ------ ',
        '',
        '2 rows in set',
        '',
      ].join('\n'),
    );
  });

  it('says Empty set for a query without rows', () => {
    expect(formatResultSet(stringTable(['Databases'], []))).toBe('Empty set\n');
  });

  it('prints pre-formatted results as they are, one cell after the other', () => {
    const a = renderTextTable(['x'], [['1']]);
    expect(formatResultSet(preformatted([a, 'plain text']))).toBe(`${a}plain text\n`);
  });

  it('prints the message of a statement without rows', () => {
    expect(formatResultSet(messageResult('Database changed'))).toBe('Database changed\n');
    expect(formatResultSet({ columns: [], rows: [] })).toBe('');
  });
});
