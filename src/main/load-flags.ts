import { readFileSync } from 'node:fs';
import { Flags, parseCommandLine, parseFlagFile, resolveFlags } from '../config/flags.js';

export interface LoadedFlags {
  readonly flags: Flags;
  /** Non-flag arguments (shell commands). */
  readonly positional: string[];
}

/**
 * Command-line flags layered over the flag file named by --flagfile (later wins). Throws an Error
 * whose message names the flag and where it came from.
 */
export function loadFlags(argv: readonly string[]): LoadedFlags {
  const cli = parseCommandLine(argv);
  if (!cli.ok) throw new Error(cli.message);
  const flagfile = cli.value.settings.filter((s) => s.name === 'flagfile').at(-1)?.value;
  let fileSettings: ReturnType<typeof parseFlagFile> = { ok: true, value: [] };
  if (typeof flagfile === 'string' && flagfile !== '') {
    let text: string;
    try {
      text = readFileSync(flagfile, 'utf8');
    } catch (err) {
      throw new Error(`cannot read flag file ${flagfile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    fileSettings = parseFlagFile(text, flagfile);
    if (!fileSettings.ok) throw new Error(fileSettings.message);
  }
  const { values, sources } = resolveFlags(fileSettings.ok ? fileSettings.value : [], cli.value.settings);
  return { flags: new Flags(values, sources), positional: cli.value.positional };
}
