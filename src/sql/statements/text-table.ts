/**
 * The ASCII tables the reference's shell prints and embeds in pre-formatted results (DESC):
 * a dashed ruler, the header, a ruler, the rows, a ruler. Every cell is padded to its column's
 * width with one space on each side, and columns are separated by one space:
 *
 *    --- ------- ------
 *     #   Field   Null
 *    --- ------- ------
 *     1   c1      YES
 *    --- ------- ------
 *
 * A cell holding newlines spans several lines (SHOW CREATE TABLE), the other cells blank there.
 */

/** Width of a text in characters (code points, not UTF-16 units). */
function widthOf(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(width - widthOf(text));
}

/** The table as text, each line (rulers included) ending with a newline. */
export function renderTextTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const split = (cells: readonly string[]): string[][] => header.map((_, i) => (cells[i] ?? '').split('\n'));
  const all = [split(header), ...rows.map(split)];
  const widths = header.map((_, i) => all.reduce((w, row) => Math.max(w, ...row[i]!.map(widthOf)), 0));
  const ruler = ` ${widths.map((w) => '-'.repeat(w + 2)).join(' ')} \n`;
  const lines = (cells: string[][]): string => {
    const height = Math.max(...cells.map((c) => c.length));
    let out = '';
    for (let k = 0; k < height; k++) out += ` ${widths.map((w, i) => ` ${pad(cells[i]![k] ?? '', w)} `).join(' ')} \n`;
    return out;
  };
  return ruler + lines(all[0]!) + ruler + all.slice(1).map(lines).join('') + ruler;
}
