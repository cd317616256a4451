// Folding ranges as `start-end` line pairs (`c` for comment runs) and selection
// ranges as the chain of texts they cover, innermost first.
import { describe, expect, it } from 'vitest';
import type { SelectionRange } from 'vscode-languageserver-types';
import { foldingRanges, selectionRanges } from '../../../server/src/lsp/structure.js';
import { prepare } from './helper.js';
import { cursorIn, example, slice } from './navigation-helpers.js';

const folds = (text: string) =>
  foldingRanges(prepare(text).ctx).map((r) => `${r.startLine}-${r.endLine}${r.kind === 'comment' ? ' c' : ''}`);

function chain(text: string, range: SelectionRange | undefined): string[] {
  const out: string[] = [];
  for (let r = range; r; r = r.parent) out.push(slice(text, r.range));
  return out;
}

/** The selection chain at `<|>` in `marked` (a piece of `file`), innermost first; the whole file shows as `<file>`. */
const selectAt = (files: Record<string, string>, base: string) => (marked: string) => {
  const { ctx, position, text } = cursorIn(files, base, marked);
  const [range] = selectionRanges(ctx, [position]);
  return chain(text, range).map((t) => (t === text ? '<file>' : t));
};

describe('folding ranges', () => {
  it('folds the blocks and comment runs of bilbao.surv', () => {
    expect(foldingRanges(prepare(Object.values(example('bilbao.surv'))[0] as string).ctx)
      .map((r) => `${r.startLine}-${r.endLine}${r.kind === 'comment' ? ' c' : ''}`)).toEqual([
      '0-13 c', // the header
      '15-53', // branch bilbao { ... } (the closing brace stays visible)
      '16-17 c', '23-24 c', '30-31 c', '38-39 c',
      '42-48', // outbound { ... }
      '43-45 c', '51-52 c', '56-57 c',
      '58-62', '65-66 c', '67-70', '73-74 c', '75-80', // the scenarios
    ]);
  });

  it('folds nested multi-line blocks and brackets, not one-line ones', () => {
    expect(folds('branch b {\n  gateway g { kind fxo }\n  upstream u {\n    proxy sip:a\n  }\n  group x parallel [\n    a,\n    b]\n}\n'))
      .toEqual(['0-7', '2-3', '5-7']);
  });

  it('folds to the closing line when the brace does not start it', () => {
    expect(folds('branch b {\n  lan 10.0.0.0/24\n  edge listen udp 10.0.0.1 }\n')).toEqual(['0-2']);
    expect(folds('branch b {\n}\n')).toEqual([]);
  });

  it('folds runs of two or more whole-line comments only', () => {
    expect(folds('# one\nbranch b { }\n# two\n# three\n  # four, indented\nbranch c { } # trailing\n# alone\n')).toEqual(['2-4 c']);
    expect(folds('# a\n# b\n\n# c\n# d\n')).toEqual(['0-1 c', '3-4 c']);
  });

  it('skips unmatched braces in a file with syntax errors', () => {
    expect(folds('branch b {\n  gateway g {\n    kind fxo\n')).toEqual([]);
    expect(folds('branch b {\n  gateway g {\n    kind fxo\n  }\n}\n}\n')).toEqual(['0-3', '1-2']);
    expect(folds(Object.values(example('broken/syntax-errors.surv'))[0] as string)).toEqual(['0-9 c', '11-24', '21-22']);
  });
});

describe('selection ranges', () => {
  const inBilbao = selectAt(example('bilbao.surv'), 'bilbao.surv');

  it('grows from a value to its property, block, setting, branch and file', () => {
    expect(inBilbao('kind b<|>ri')).toEqual([
      'bri',
      'kind bri',
      '{ address 10.10.1.3  kind bri  channels 2 }',
      'gateway pstn { address 10.10.1.3  kind bri  channels 2 }',
      expect.stringMatching(/^\{\n {2}# The edge proxy[\s\S]*\n\}$/),
      expect.stringMatching(/^branch bilbao \{[\s\S]*\n\}$/),
      expect.stringMatching(/^branch bilbao \{[\s\S]*in bilbao \{[\s\S]*\}$/), // every declaration
      '<file>',
    ]);
  });

  it('grows from a name in a ring chain through the step and the chain', () => {
    expect(inBilbao('then ring recep<|>tion')).toEqual([
      'reception',
      'ring reception',
      'ring front then ring reception',
      '{ ring front then ring reception }',
      'inbound from pstn { ring front then ring reception }',
      expect.stringMatching(/^\{\n/),
      expect.stringMatching(/^branch bilbao/),
      expect.stringMatching(/^branch bilbao/),
      '<file>',
    ]);
  });

  it('grows from a scenario statement to its scenario', () => {
    expect(inBilbao('expect desk1 gets 302 at 10s contact sip:9440<|>00000@10.10.1.3')).toEqual([
      'sip:944000000@10.10.1.3',
      'expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3',
      expect.stringMatching(/^\{\n {2}cloud silent[\s\S]*\}$/),
      expect.stringMatching(/^scenario "cloud down, desk dials out" in bilbao \{[\s\S]*\}$/),
      expect.stringMatching(/^branch bilbao/),
      '<file>',
    ]);
  });

  it('starts at a comment, or at the innermost node between tokens', () => {
    expect(inBilbao('# The central <|>PBX').slice(0, 2)).toEqual(['# The central PBX, reached over the VPN.', expect.stringMatching(/^\{\n/)]);
    expect(inBilbao('no-answer 10s <|> ringing').slice(0, 2)).toEqual([
      '{ no-answer 10s  ringing 60s  budget 15s }', 'timers { no-answer 10s  ringing 60s  budget 15s }',
    ]);
    expect(inBilbao('# Try it:  surv <|>check')).toEqual(['# Try it:  surv check examples/bilbao.surv', '<file>']);
  });

  it('answers one chain per position', () => {
    const { ctx } = prepare('branch b {\n  lan 10.0.0.0/24\n}\n');
    const ranges = selectionRanges(ctx, [{ line: 0, character: 8 }, { line: 1, character: 8 }, { line: 5, character: 0 }]);
    expect(ranges.map((r) => chain('branch b {\n  lan 10.0.0.0/24\n}\n', r))).toEqual([
      ['b', 'branch b {\n  lan 10.0.0.0/24\n}', 'branch b {\n  lan 10.0.0.0/24\n}\n'],
      ['10.0.0.0/24', 'lan 10.0.0.0/24', '{\n  lan 10.0.0.0/24\n}', 'branch b {\n  lan 10.0.0.0/24\n}', 'branch b {\n  lan 10.0.0.0/24\n}\n'],
      ['branch b {\n  lan 10.0.0.0/24\n}\n'],
    ]);
  });

  it('works on a file with syntax errors', () => {
    const broken = selectAt(example('broken/syntax-errors.surv'), 'syntax-errors.surv');
    expect(broken('kind is<|>dn }')).toEqual([
      'isdn',
      'kind isdn',
      '{ address 10.90.1.3  kind isdn }',
      'gateway pstn { address 10.90.1.3  kind isdn }',
      expect.stringMatching(/^\{\n {2}edge udp/),
      expect.stringMatching(/^branch syntax-errors \{/),
      '<file>',
    ]);
  });
});
