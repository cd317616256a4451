// Inlay hints: exact labels and positions on the shipped examples and on broken
// text. `hintsIn(example)(range?)` gives `line:character label` strings.
import { describe, expect, it } from 'vitest';
import type { InlayHint, Range } from 'vscode-languageserver-types';
import { inlayHints } from '../../../server/src/lsp/inlay-hints.js';
import { example, type Example } from './examples.js';
import { prepare } from './helper.js';

const everything: Range = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

function hintsOf(text: string, others: Record<string, string> = {}, uri?: string, range: Range = everything): InlayHint[] {
  const { ctx } = prepare(text, others, uri);
  return inlayHints(ctx, range);
}

const show = (h: InlayHint) => `${h.position.line}:${h.position.character} ${typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')}`;

/** `hints(text)(expected)`: exactly these hints, as `line:character label`. */
const hints = (text: string, others: Record<string, string> = {}, uri?: string, range?: Range) => (expected: string[]) =>
  expect(hintsOf(text, others, uri, range).map(show)).toEqual(expected);

const hintsIn = (ex: Example, range?: Range) => hints(ex.text, ex.others, ex.uri, range);

const tooltip = (h: InlayHint | undefined) => (typeof h?.tooltip === 'string' ? h.tooltip : h?.tooltip?.value);

const bilbao = example('examples/bilbao.surv');
const critical = example('examples/critical-branch.surv');
const profile = example('examples/petrol-stations/profile.surv');
const station01 = example('examples/petrol-stations/station-01.surv');
const station12 = example('examples/petrol-stations/station-12.surv');
const station18 = example('examples/petrol-stations/station-18.surv');

describe('inlay hints on the examples', () => {
  it('bilbao: channels are written, so only the worst post-dial delay after via', () =>
    hintsIn(bilbao)(['42:29 worst post-dial 10s (budget 15s)']));
  it('critical-branch: the default channels of pri and fxo, and the delay', () =>
    hintsIn(critical)(['21:46 channels: 30', '24:48 channels: 1', '56:29 worst post-dial 5s (budget 8s)']));
  it('the profile: the kind\'s default and the delay over every branch using it', () =>
    hintsIn(profile)(['22:25 channels: 1', '29:29 worst post-dial 8s–10s (budget 10s–12s)']));
  it('a station: the effective timers of its profile chain after `uses`', () => hintsIn(station01)(['3:30 no-answer 8s · ringing 60s · budget 10s']));
  it('a station that overrides timers: the effective values', () => hintsIn(station12)(['6:30 no-answer 10s · ringing 60s · budget 12s']));
  it('a station whose gateway writes channels: no channel hint', () => hintsIn(station18)(['4:30 no-answer 8s · ringing 60s · budget 10s']));
});

describe('inlay hint details', () => {
  it('hints pad to the left and say where values come from', () => {
    const [hint] = hintsOf(station12.text, station12.others, station12.uri);
    expect(hint?.paddingLeft).toBe(true);
    expect(tooltip(hint)).toBe('Effective timers of branch station-12:\nno-answer 10s: line 12\nringing 60s: from profile station, profile.surv line 26\nbudget 12s: line 12');
  });
  it('the channel hint names the default', () => {
    const [channels] = hintsOf(critical.text, {}, critical.uri);
    expect(tooltip(channels)).toBe('channels 30: default for pri');
  });
  it('the post-dial hint explains the sum', () => {
    const [via] = hintsOf(bilbao.text, {}, bilbao.uri);
    expect(tooltip(via)).toBe('Branch bilbao: 1 upstream × no-answer 10s (line 33); budget 15s (line 33)');
  });
  it('only within the requested range', () => {
    hintsIn(critical, { start: { line: 21, character: 0 }, end: { line: 22, character: 0 } })(['21:46 channels: 30']);
    hintsIn(critical, { start: { line: 30, character: 0 }, end: { line: 40, character: 0 } })([]);
  });
  it('two upstreams: twice the no-answer', () =>
    hints('branch b {\n  upstream a { proxy sip:a.example.com }\n  upstream c { proxy sip:c.example.com }\n  timers { no-answer 8s }\n  outbound from lan via a, c { }\n}')(
      ['4:28 worst post-dial 16s (budget 20s)']));
});

describe('inlay hints on broken text', () => {
  const broken = example('examples/broken/syntax-errors.surv');
  it('a file with syntax errors keeps the hints of what parsed', () => hintsIn(broken)(['21:29 worst post-dial 10s (budget 20s)']));
  it('a trunk without channels has no default to show', () => hints('branch b {\n  gateway g { address 10.0.0.3  kind trunk }\n}')([]));
  it('an unfinished file: no hint, no crash', () => hints('branch b uses\n  gateway g { kind bri')([]));
});
