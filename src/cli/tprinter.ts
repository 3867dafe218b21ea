/**
 * Tables as the reference's ns_client prints them (TPrinter): a header row, a line of dashes as wide
 * as the table, then the rows; every column padded to its widest cell. Scripts parse this text, so
 * the shape is stable: cells never contain spaces that would split a column (they are replaced).
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => c.replace(/\s+/g, '_') || '-'));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    `  ${r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}`;
  const total = widths.reduce((a, b) => a + b, 0) + 2 * widths.length;
  return [line(cells[0]!), '-'.repeat(total), ...cells.slice(1).map(line)].join('\n');
}
