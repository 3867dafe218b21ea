/**
 * Parses a case file with the YAML failsafe schema: every scalar stays a string, as the reference
 * runner reads them (no dates, no lossy int64, `null` is the text "null").
 *
 * The reference parser (yaml-cpp) accepts one thing the `yaml` package rejects: a flow sequence that
 * continues on a line indented no deeper than its key, e.g.
 *     - columns: ["id int32", "c1 int16",
 *     "c6 string"]
 * When parsing reports such a bad indentation we indent the offending continuation line under its
 * opening bracket and parse again; anything else is reported as the file's error.
 */
import { parseDocument } from 'yaml';
import type { Result } from '../base/status.js';
import { Code, fail, ok } from '../base/status.js';

const REPAIR_PASSES_MAX = 20;

export function parseYamlFailsafe(text: string): Result<unknown> {
  let lines = text.split('\n');
  for (let pass = 0; pass <= REPAIR_PASSES_MAX; pass++) {
    const doc = parseDocument(lines.join('\n'), { schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length === 0) return ok(doc.toJS({ maxAliasCount: 1000 }));
    // Repair every reported bad indentation at once; lines keep their positions, so one re-parse
    // usually suffices.
    let repaired: string[] | undefined;
    for (const error of doc.errors) {
      if (error.code !== 'BAD_INDENT') continue;
      const next = reindentFlowContinuation(repaired ?? lines, lineOfOffset(lines, error.pos[0]));
      if (next) repaired = next;
    }
    if (!repaired) {
      const original = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: true });
      const message = (original.errors[0] ?? doc.errors[0]!).message.split('\n')[0];
      return fail(Code.invalidParameter, `YAML parse failed: ${message}`);
    }
    lines = repaired;
  }
  return fail(Code.invalidParameter, 'YAML parse failed: too many flow-indentation repairs');
}

function lineOfOffset(lines: readonly string[], offset: number): number {
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const end = start + lines[i]!.length + 1;
    if (offset < end) return i;
    start = end;
  }
  return lines.length - 1;
}

/**
 * If line `at` continues a flow collection opened on an earlier line, returns the lines with `at`
 * indented one column past the opening bracket; otherwise undefined.
 */
export function reindentFlowContinuation(lines: readonly string[], at: number): string[] | undefined {
  const line = lines[at]!;
  const indent = line.length - line.trimStart().length;
  for (let open = at - 1; open >= 0 && at - open <= 50; open--) {
    const column = unclosedBracketColumn(lines.slice(open, at));
    if (column === undefined) continue;
    if (indent > column) return undefined;
    const copy = lines.slice();
    copy[at] = ' '.repeat(column + 1) + line.trimStart();
    return copy;
  }
  return undefined;
}

/** Column (in the first line) of the outermost bracket still open after `chunk`, if any. */
function unclosedBracketColumn(chunk: readonly string[]): number | undefined {
  const stack: { line: number; column: number }[] = [];
  let quote: string | undefined;
  for (let l = 0; l < chunk.length; l++) {
    const text = chunk[l]!;
    for (let c = 0; c < text.length; c++) {
      const ch = text[c]!;
      if (quote) {
        if (ch === '\\' && quote === '"') c++;
        else if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (c === 0 || text[c - 1] === ' ')) break;
      else if (ch === '[' || ch === '{') stack.push({ line: l, column: c });
      else if (ch === ']' || ch === '}') stack.pop();
    }
  }
  const outer = stack[0];
  return outer && outer.line === 0 ? outer.column : undefined;
}
