// Semantic tokens decoded from LSP's relative 5-integer encoding back to
// `text type[.modifier...]`, compared exactly.
import { describe, expect, it } from 'vitest';
import { semanticTokenLegend, semanticTokens } from '../../../server/src/lsp/semantic-tokens.js';
import { prepare } from './helper.js';
import { example, petrolFleet, uriOf } from './navigation-helpers.js';

interface Decoded {
  readonly line: number;
  readonly char: number;
  readonly length: number;
  readonly type: string;
  readonly modifiers: readonly string[];
}

function decode(data: readonly number[]): Decoded[] {
  const out: Decoded[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dLine, dChar, length, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += dLine;
    char = dLine === 0 ? char + dChar : dChar;
    out.push({
      line, char, length,
      type: semanticTokenLegend.tokenTypes[type] ?? `?${type}`,
      modifiers: semanticTokenLegend.tokenModifiers.filter((_, bit) => (mods & (1 << bit)) !== 0),
    });
  }
  return out;
}

/** The tokens of `text` (with `others` as the rest of the fleet) as `text type.modifiers`. */
function tokens(text: string, others: Record<string, string> = {}, uri?: string): string[] {
  const lines = text.split('\n');
  const { ctx } = prepare(text, others, uri);
  return decode(semanticTokens(ctx).data).map((t) =>
    [lines[t.line]?.slice(t.char, t.char + t.length), [t.type, ...t.modifiers].join('.')].join(' '));
}

/** Sorted, inside one line each, never overlapping, never empty. */
function expectWellFormed(text: string, others: Record<string, string> = {}, uri?: string): void {
  const lines = text.split('\n');
  const { ctx } = prepare(text, others, uri);
  const data = semanticTokens(ctx).data;
  expect(data.length % 5).toBe(0);
  let previous: Decoded | undefined;
  for (const t of decode(data)) {
    expect(t.length).toBeGreaterThan(0);
    expect(t.char + t.length).toBeLessThanOrEqual((lines[t.line] ?? '').replace(/\r$/, '').length);
    expect(t.type.startsWith('?')).toBe(false);
    if (previous && previous.line === t.line) expect(t.char).toBeGreaterThanOrEqual(previous.char + previous.length);
    if (previous) expect(t.line).toBeGreaterThanOrEqual(previous.line);
    previous = t;
  }
}

describe('semantic tokens', () => {
  it('has a legend of standard token types and modifiers', () => {
    expect(semanticTokenLegend).toEqual({
      tokenTypes: ['keyword', 'namespace', 'class', 'interface', 'variable', 'enum', 'property', 'number', 'string', 'comment', 'type', 'enumMember'],
      tokenModifiers: ['declaration', 'readonly', 'defaultLibrary'],
    });
  });

  it('classifies a small file exactly', () => {
    expect(tokens([
      '# hq',
      'branch b {',
      '  edge listen udp 10.0.0.1:5060',
      '  gateway pstn { kind fxo }',
      '  upstream cloud { proxy sip:pbx.example.com }',
      '  timers { no-answer 8s }',
      '  phone desk 100 at 10.0.0.10',
      '  group g parallel [desk] ring 20s',
      '  outbound from lan via cloud { on timeout { announce 181 "x" redirect 302 to pstn } pass 4xx }',
      '}',
      'scenario "s" in b {',
      '  cloud silent',
      '  network loss 5%',
      '}',
    ].join('\n'))).toEqual([
      '# hq comment',
      'branch keyword', 'b namespace.declaration',
      'edge keyword', 'listen keyword', 'udp type.defaultLibrary', '10.0.0.1:5060 number',
      'gateway keyword', 'pstn class.declaration', 'kind property', 'fxo type.defaultLibrary',
      'upstream keyword', 'cloud interface.declaration', 'proxy property', 'sip:pbx.example.com string',
      'timers keyword', 'no-answer property', '8s number',
      'phone keyword', 'desk variable.declaration', '100 number', 'at keyword', '10.0.0.10 number',
      'group keyword', 'g enum.declaration', 'parallel keyword', 'desk variable', 'ring keyword', '20s number',
      'outbound keyword', 'from keyword', 'lan keyword', 'via keyword', 'cloud interface',
      'on keyword', 'timeout keyword', 'announce keyword', '181 number', '"x" string',
      'redirect keyword', '302 number', 'to keyword', 'pstn class', 'pass keyword', '4xx number',
      'scenario keyword', '"s" string', 'in keyword', 'b namespace',
      'cloud interface', 'silent enumMember.defaultLibrary',
      'network keyword', 'loss keyword', '5% number',
    ]);
  });

  it('classifies names through the symbol index, across files', () => {
    const fleet = petrolFleet();
    const uri = uriOf(fleet, 'station-01.surv');
    const others = Object.fromEntries(Object.entries(fleet).filter(([u]) => u !== uri));
    const names = tokens(fleet[uri] as string, others, uri).filter((t) => /namespace|class|interface|variable|enum /.test(t));
    expect(names).toEqual([
      'station-01 namespace.declaration', 'station namespace.readonly',
      'pstn class.declaration', 'shop variable.declaration',
      'station-01 namespace', 'cloud interface', 'shop variable', 'shop variable', 'shop variable',
    ]);
  });

  it('colours a keyword standing as a name as the name, and leaves unknown names alone', () => {
    expect(tokens('branch b {\n  phone ring 1 registered\n  inbound from nowhere { ring ring }\n}\n')).toEqual([
      'branch keyword', 'b namespace.declaration',
      'phone keyword', 'ring variable.declaration', '1 number', 'registered keyword',
      'inbound keyword', 'from keyword', 'ring keyword', 'ring variable',
    ]);
  });

  it('colours the names a profile nobody uses declares, which the symbol index does not know', () => {
    expect(tokens('profile p {\n  gateway g { kind fxo }\n  group front serial [a] \n}\n')).toEqual([
      'profile keyword', 'p namespace.declaration.readonly',
      'gateway keyword', 'g class.declaration', 'kind property', 'fxo type.defaultLibrary',
      'group keyword', 'front enum.declaration', 'serial keyword',
    ]);
  });

  it('encodes positions relative to the previous token', () => {
    const { ctx } = prepare('branch b {\n  lan 10.0.0.0/24 # x\n}\n');
    expect(semanticTokens(ctx).data).toEqual([
      0, 0, 6, 0, 0, // branch
      0, 7, 1, 1, 1, // b: namespace, declaration
      1, 2, 3, 0, 0, // lan
      0, 4, 11, 7, 0, // 10.0.0.0/24
      0, 12, 3, 9, 0, // # x
    ]);
  });

  it('handles CRLF line ends, syntax errors and an empty file', () => {
    expect(tokens('branch b {\r\n  lan 10.0.0.0/24 # x\r\n}\r\n')).toEqual([
      'branch keyword', 'b namespace.declaration', 'lan keyword', '10.0.0.0/24 number', '# x comment',
    ]);
    expect(tokens('')).toEqual([]);
    // The parser gives up on a nameless branch: its words are still coloured, `kind` as a plain keyword.
    expect(tokens('branch { gateway { kind bri } @@ "open\n')).toEqual([
      'branch keyword', 'gateway keyword', 'kind keyword', 'bri type.defaultLibrary', '"open string',
    ]);
  });

  it('is well formed on every example', () => {
    for (const name of ['bilbao.surv', 'critical-branch.surv', 'ipv6-branch.surv', 'two-head-offices.surv', 'broken/syntax-errors.surv', 'broken/reserved-words.surv']) {
      const text = Object.values(example(name))[0] as string;
      expectWellFormed(text);
    }
    const fleet = petrolFleet();
    const uri = uriOf(fleet, 'profile.surv');
    expectWellFormed(fleet[uri] as string, Object.fromEntries(Object.entries(fleet).filter(([u]) => u !== uri)), uri);
  });
});
