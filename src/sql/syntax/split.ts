/**
 * Splits a script into statements at `;`, ignoring `;` inside quotes ('...', "...", `...`) and
 * comments (`-- ...`, `/* ... *\/`). Used by the SQL shell to run scripts and to know when a typed
 * statement is complete. It does not parse: a slice may still hold a syntax error.
 */
export interface StatementSlice {
  /** The statement without its `;`, trimmed of surrounding whitespace (comments kept). */
  readonly text: string;
  /** Where `text` starts in the script: 0-based offset, 1-based line and column. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** Ended by a `;` (the last statement of a script may not be). */
  readonly terminated: boolean;
}

export interface SplitResult {
  /** Statements holding something other than whitespace and comments, in order. */
  readonly statements: readonly StatementSlice[];
  /** Set when the script ends inside a quote or a block comment: more input is needed. */
  readonly openAtEnd?: 'string' | 'identifier' | 'comment';
}

type State = 'code' | "'" | '"' | '`' | 'line-comment' | 'block-comment';

export function splitStatements(script: string): SplitResult {
  const statements: StatementSlice[] = [];
  let state: State = 'code';
  let start = 0;
  let hasContent = false;

  const lineStarts = [0];
  for (let i = 0; i < script.length; i++) if (script.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const locate = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };

  const finish = (end: number, terminated: boolean): void => {
    if (hasContent) {
      const raw = script.slice(start, end);
      const lead = raw.length - raw.trimStart().length;
      const offset = start + lead;
      statements.push({ text: raw.trim(), offset, ...locate(offset), terminated });
    }
    hasContent = false;
  };

  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    const next = script[i + 1];
    switch (state) {
      case 'code':
        if (c === ';') {
          finish(i, true);
          start = i + 1;
        } else if (c === '-' && next === '-') {
          state = 'line-comment';
          i++;
        } else if (c === '/' && next === '*') {
          state = 'block-comment';
          i++;
        } else if (c === "'" || c === '"' || c === '`') {
          state = c;
          hasContent = true;
        } else if (!/\s/.test(c)) {
          hasContent = true;
        }
        break;
      case "'":
      case '"':
      case '`':
        if (c === '\\') i++;
        else if (c === state) state = 'code';
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
    }
  }
  finish(script.length, false);
  const openAtEnd =
    state === "'" || state === '"' ? 'string' : state === '`' ? 'identifier' : state === 'block-comment' ? 'comment' : undefined;
  return openAtEnd === undefined ? { statements } : { statements, openAtEnd };
}
