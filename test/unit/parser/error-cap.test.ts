// A hostile file cannot make the parser spend seconds on error recovery: past
// maxSyntaxErrors the rest of the input is skipped, with one diagnostic saying so
// (the fuzzer found 100,000 stray words in a scenario taking 8.6 s).
import { describe, expect, it } from 'vitest';
import { parse } from '../../../grammar/src/index.js';
import { maxSyntaxErrors } from '../../../grammar/src/parser.js';

describe('the syntax error cap', () => {
  it('reports at most maxSyntaxErrors syntax errors, then one saying the rest is not read', () => {
    const text = `scenario "x" in b {\n${Array.from({ length: 20_000 }, () => 'foo').join(' ')}\n}\n`;
    const syntax = parse(text, 'stray.surv').diagnostics.filter((d) => d.code === 'SURV002');
    expect(syntax).toHaveLength(maxSyntaxErrors + 1);
    const last = syntax[syntax.length - 1]!;
    expect(last.message).toBe(`more than ${maxSyntaxErrors} syntax errors: the rest of the file is not read`);
    expect(last.range).toEqual(syntax[maxSyntaxErrors - 1]!.range);
  });

  it('counts the mistakes the parser forgives too: 50,000 unclosed branches stop at the cap', () => {
    const syntax = parse('branch x { '.repeat(50_000), 'nest.surv').diagnostics.filter((d) => d.code === 'SURV002');
    expect(syntax).toHaveLength(maxSyntaxErrors + 1);
    expect(syntax.slice(0, maxSyntaxErrors).every((d) => d.message === "expected '}' to close branch 'x'")).toBe(true);
    expect(syntax[maxSyntaxErrors]!.message).toBe(`more than ${maxSyntaxErrors} syntax errors: the rest of the file is not read`);
  });

  it('leaves a file under the cap as it was: every error reported, no extra line', () => {
    const text = `scenario "x" in b {\n${Array.from({ length: 40 }, () => 'foo').join(' ')}\n}\n`;
    const syntax = parse(text, 'stray.surv').diagnostics.filter((d) => d.code === 'SURV002');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.length).toBeLessThan(maxSyntaxErrors);
    expect(syntax.some((d) => d.message.startsWith('more than'))).toBe(false);
  });

  it('the parser is reusable after a capped parse: the next file parses cleanly', () => {
    parse(`scenario "x" in b {\n${Array.from({ length: 5_000 }, () => 'foo').join(' ')}\n}\n`, 'a.surv');
    expect(parse('profile p {}\n', 'b.surv').diagnostics).toEqual([]);
  });
});
