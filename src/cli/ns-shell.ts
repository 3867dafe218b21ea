/**
 * The ns_client's command dispatch: one input line → the text to print. Words are split on
 * whitespace; `help`/`man` and `exit`/`quit` are handled here.
 */
import { type Result, fail, ok } from '../base/status.js';
import { Code } from '../base/status.js';
import { helpText, type NsContext, nsCommands } from './ns-commands.js';

export type LineOutcome = { kind: 'output'; result: Result<string> } | { kind: 'exit' };

export async function executeNsLine(ctx: NsContext, line: string): Promise<LineOutcome> {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { kind: 'output', result: ok('') };
  const [name, ...args] = words as [string, ...string[]];
  const lower = name.toLowerCase();
  if (lower === 'exit' || lower === 'quit') return { kind: 'exit' };
  if (lower === 'help' || lower === 'man') return { kind: 'output', result: helpText(args[0]) };
  const command = nsCommands()[lower];
  if (!command) {
    return { kind: 'output', result: fail(Code.invalidParameter, `unsupported cmd '${name}'; type help for the list`) };
  }
  try {
    return { kind: 'output', result: await command.run(ctx, args) };
  } catch (err) {
    return { kind: 'output', result: fail(Code.internal, `${name} failed: ${(err as Error).message}`) };
  }
}
