import { describe, expect, it } from 'vitest';
import { splitStatements } from './split.js';

describe('splitStatements', () => {
  it('splits at semicolons and reports where each statement starts', () => {
    const result = splitStatements('use db;\n  select 1;\nselect 2');
    expect(result.statements).toEqual([
      { text: 'use db', offset: 0, line: 1, column: 1, terminated: true },
      { text: 'select 1', offset: 10, line: 2, column: 3, terminated: true },
      { text: 'select 2', offset: 20, line: 3, column: 1, terminated: false },
    ]);
    expect(result.openAtEnd).toBeUndefined();
  });

  it('ignores semicolons in quotes, back-quotes and comments', () => {
    const script = "select ';', \"a;b\", `c;d` -- x;y\nfrom t /* ; */; select 'it\\'s;'";
    expect(splitStatements(script).statements.map((s) => s.text)).toEqual([
      "select ';', \"a;b\", `c;d` -- x;y\nfrom t /* ; */",
      "select 'it\\'s;'",
    ]);
  });

  it('drops empty statements and statements holding only comments', () => {
    expect(splitStatements(' ; ;-- only a comment\n; /* c */ ;').statements).toEqual([]);
    expect(splitStatements('').statements).toEqual([]);
  });

  it('says when the input ends inside a quote or comment', () => {
    expect(splitStatements("select 'abc").openAtEnd).toBe('string');
    expect(splitStatements('select `abc').openAtEnd).toBe('identifier');
    expect(splitStatements('select 1 /* open').openAtEnd).toBe('comment');
    expect(splitStatements('select 1 -- trailing').openAtEnd).toBeUndefined();
  });

  it('marks an unfinished last statement for the shell', () => {
    const typed = splitStatements('select *\nfrom t');
    expect(typed.statements.at(-1)?.terminated).toBe(false);
    expect(splitStatements('select * from t;').statements.at(-1)?.terminated).toBe(true);
  });
});
