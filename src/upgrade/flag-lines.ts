/**
 * A tolerant reader of gflags-style flag files (`--name=value` per line, `#` comments): unlike
 * config/flags.ts it accepts names this build does not know, because a flag file of another
 * release may define flags this one never heard of. The last setting of a name wins, as when
 * the program reads the file.
 */

export interface FlagLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
  /** Set when the line is a `--name=value` (or `--name`) setting. */
  readonly name?: string;
  readonly value?: string;
}

export interface FlagFileText {
  readonly lines: readonly FlagLine[];
  /** name → value of its last setting. */
  readonly values: ReadonlyMap<string, string>;
}

const SETTING = /^--?([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/;

export function readFlagLines(text: string): FlagFileText {
  const lines: FlagLine[] = [];
  const values = new Map<string, string>();
  const raw = text.split(/\r?\n/);
  // A trailing newline does not make an extra empty line.
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  raw.forEach((t, i) => {
    const trimmed = t.trim();
    const m = trimmed.startsWith('#') ? null : SETTING.exec(trimmed);
    if (m) {
      const value = m[2] ?? 'true';
      lines.push({ line: i + 1, text: t, name: m[1]!, value });
      values.set(m[1]!, value);
    } else {
      lines.push({ line: i + 1, text: t });
    }
  });
  return { lines, values };
}

/** Replaces (or appends) `--name=value`; every earlier setting of the name is dropped. */
export function setFlagLine(text: string, name: string, value: string): string {
  const parsed = readFlagLines(text);
  const kept = parsed.lines.filter((l) => l.name !== name).map((l) => l.text);
  kept.push(`--${name}=${value}`);
  return `${kept.join('\n')}\n`;
}
