/**
 * An interactive prompt (node:readline with a history file) or a script reader (stdin, one line at
 * a time) around a line executor. Used by the ns_client and the sql_client.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ShellLine {
  /** Text to print (may be empty), and whether the line succeeded. */
  readonly output: string;
  readonly ok: boolean;
  readonly exit?: boolean;
}

export interface LineShellOptions {
  readonly prompt: () => string;
  /** Runs one complete input (a line, or for SQL a statement ending in ';'). */
  readonly execute: (input: string) => Promise<ShellLine>;
  /** Returns false while `buffer` is an incomplete input that needs more lines (SQL). */
  readonly isComplete?: (buffer: string) => boolean;
  readonly historyFile?: string;
  readonly interactive: boolean;
}

/** Asks a question at the prompt and resolves with the answer (interactive shells only). */
export type Ask = (question: string) => Promise<string>;

let activeAsk: Ask = async () => '';

/** The question function of the running shell (answers '' when not interactive). */
export function askAtPrompt(question: string): Promise<string> {
  return activeAsk(question);
}

const HISTORY_MAX = 1000;

/** Runs until end of input or an exit command; resolves with the number of failed inputs. */
export async function runLineShell(options: LineShellOptions): Promise<number> {
  const history =
    options.interactive && options.historyFile && existsSync(options.historyFile)
      ? readFileSync(options.historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_MAX)
      : [];
  const rl = createInterface({
    input: process.stdin,
    output: options.interactive ? process.stdout : undefined,
    terminal: options.interactive,
    history,
    historySize: HISTORY_MAX,
  });
  if (options.interactive) {
    activeAsk = (question) => new Promise((resolve) => rl.question(`${question} `, resolve));
  }
  let failures = 0;
  let buffer = '';
  const complete = options.isComplete ?? (() => true);
  if (options.interactive) {
    rl.setPrompt(options.prompt());
    rl.prompt();
  }
  for await (const line of rl) {
    buffer = buffer ? `${buffer}\n${line}` : line;
    if (!complete(buffer)) {
      if (options.interactive) {
        rl.setPrompt('    -> ');
        rl.prompt();
      }
      continue;
    }
    const input = buffer;
    buffer = '';
    if (input.trim() === '') {
      if (options.interactive) rl.prompt();
      continue;
    }
    if (options.interactive && options.historyFile) {
      try {
        appendFileSync(options.historyFile, `${input.replace(/\n/g, ' ')}\n`);
      } catch {
        // History is a convenience; a read-only home must not break the shell.
      }
    }
    const r = await options.execute(input);
    if (r.output) process.stdout.write(`${r.output}\n`);
    if (!r.ok) failures++;
    if (r.exit) break;
    if (options.interactive) {
      rl.setPrompt(options.prompt());
      rl.prompt();
    }
  }
  if (buffer.trim() !== '') {
    const r = await options.execute(buffer);
    if (r.output) process.stdout.write(`${r.output}\n`);
    if (!r.ok) failures++;
  }
  rl.close();
  return failures;
}
