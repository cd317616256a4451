// Completion: exact labels offered at a cursor, on the shipped examples and on
// broken text. Helpers in the manner of Langium's expectCompletion.
import { describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver-types';
import { completion } from '../../../server/src/lsp/completion.js';
import { at, example, type Example } from './examples.js';
import { prepare } from './helper.js';

function itemsAt(text: string, others: Record<string, string> = {}, uri?: string): CompletionItem[] {
  const { ctx, position } = prepare(text, others, uri);
  return completion(ctx, position).items;
}

/** `completes(text)(labels)`: exactly these labels, in this order. */
const completes = (text: string, others: Record<string, string> = {}, uri?: string) => (labels: string[]) =>
  expect(itemsAt(text, others, uri).map((i) => i.label)).toEqual(labels);

/** `inExample(ex)(needle)(labels)`: the cursor after `needle` in an example file. */
const inExample = (ex: Example) => (needle: string, nth = 1) => (labels: string[]) =>
  completes(at(ex.text, needle, nth), ex.others, ex.uri)(labels);

/** The item labelled `label` at the cursor. */
const item = (text: string, label: string, others: Record<string, string> = {}, uri?: string) =>
  itemsAt(text, others, uri).find((i) => i.label === label);

const bilbao = example('examples/bilbao.surv');
const critical = example('examples/critical-branch.surv');
const profile = example('examples/petrol-stations/profile.surv');
const station01 = example('examples/petrol-stations/station-01.surv');
const station07 = example('examples/petrol-stations/station-07.surv');
const inBilbao = inExample(bilbao);
const inCritical = inExample(critical);

const top = ['branch', 'profile', 'scenario', 'use', 'branch block', 'profile block', 'scenario block'];
const container = [
  'edge', 'lan', 'gateway', 'upstream', 'timers', 'phone', 'group', 'register', 'limits', 'tls', 'router', 'outbound', 'inbound',
  'gateway block', 'upstream block', 'timers block', 'register block', 'limits block', 'tls block', 'outbound block', 'inbound block',
];

describe('completion at the top level', () => {
  it('an empty file: the declarations and their skeletons', () => completes('<|>')(top));
  it('after the last scenario of bilbao.surv', () => completes(`${bilbao.text}\n<|>`, {}, bilbao.uri)(top));
  it('a partly typed word keeps the same list (the client filters)', () => completes('bra<|>')(top));
  it('the branch skeleton is a snippet', () => {
    const snippet = item('<|>', 'branch block');
    expect(snippet?.kind).toBe(CompletionItemKind.Snippet);
    expect(snippet?.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(snippet?.textEdit?.newText).toContain('outbound from lan via ${7:cloud}');
  });
  it('the scenario skeleton offers the branches of the fleet', () => {
    expect(item(`${bilbao.text}\n<|>`, 'scenario block', {}, bilbao.uri)?.textEdit?.newText).toContain('in ${2:bilbao} {');
  });
  it('after `branch NAME`: uses', () => completes('branch x <|>')(['uses']));
  it('after `uses`: the profiles visible from the file', () => completes(at(station01.text, 'uses '), station01.others, station01.uri)(['station', 'station-24h']));
  it('a profile does not use itself', () => completes(at(profile.text, 'profile station-24h uses '), profile.others, profile.uri)(['station']));
  it('after `scenario "…" in`: the branches', () => completes('branch a { }\nbranch b { }\nscenario "x" in <|>')(['a', 'b']));
  it('inside a comment or a string: nothing', () => {
    completes('# bra<|>')([]);
    completes('scenario "cloud <|>')([]);
  });
});

describe('completion inside a branch or profile', () => {
  it('at the start of a setting: the setting keywords and block snippets', () => inBilbao('lan 10.222.237.0/24\n')(container));
  it('after a finished setting on the same line', () => completes(at(bilbao.text, 'group front parallel [reception, desk1] ring 20s').replace('<|>', ' <|>'), {}, bilbao.uri)(container));
  it('after a phone\'s address or `registered`: its transport, then the settings', () => {
    completes(at(bilbao.text, 'phone desk1 101 at 10.222.237.11').replace('<|>', ' <|>'), {}, bilbao.uri)(['transport', ...container]);
    completes('branch b {\n  phone desk 101 registered <|>')(['transport', ...container]);
    completes('branch b {\n  phone desk 101 at 10.0.0.2 transport <|>')(['udp', 'tcp', 'tls']);
  });
  it('after `]`: the group ring time, then the settings', () => inBilbao('[reception, desk1] ')(['ring', ...container]));
  it('after `edge`: listen; after `listen`: transports', () => {
    completes('branch b {\n  edge <|>')(['listen']);
    completes('branch b {\n  edge listen <|>')(['udp', 'tcp', 'tls']);
    completes('branch b {\n  edge listen udp 10.0.0.1, <|>')(['udp', 'tcp', 'tls']);
  });
  it('after `phone NAME NUMBER`: at or registered', () => completes('branch b {\n  phone desk 101 <|>')(['at', 'registered']));
  it('after `group NAME`: the modes', () => completes('branch b {\n  group g <|>')(['parallel', 'serial']));
  it('where a new name is declared: nothing', () => {
    completes('branch b {\n  gateway <|>')([]);
    completes('branch b {\n  phone <|>')([]);
  });
});

describe('completion inside nested blocks', () => {
  it('gateway: the properties not written yet (before and after the cursor)', () => completes('branch b {\n  gateway pstn { address 10.10.1.3 <|> }\n}')(['transport', 'kind', 'channels', 'probe', 'rewrite', 'caller-id']));
  it('timers: the timers not written yet', () => inBilbao('timers { no-answer 10s ')(['trying', 't1', 't2']));
  it('upstream: proxy, transport, probe and the probe snippet', () => completes('branch b {\n  upstream u { <|> }\n}')(['proxy', 'transport', 'probe', 'probe options']));
  it('on the probe line: its remaining fields, then the upstream\'s', () =>
    completes('branch b {\n  upstream u { proxy sip:p.example.com probe options every 15s <|> }\n}')(['timeout', 'down after', 'up after', 'holdoff', 'transport']));
  it('after `probe`: options; after `down`: after', () => {
    completes('branch b {\n  upstream u { probe <|>')(['options']);
    completes('branch b {\n  upstream u { probe options down <|>')(['after']);
  });
  it('register: forward and keep local copy; with path after forward NAME', () => {
    completes('branch b {\n  register { <|> }\n}')(['forward', 'keep local copy']);
    inBilbao('forward cloud ')(['with path', 'keep local copy']);
    completes('branch b {\n  register { forward cloud with <|>')(['path']);
  });
  it('limits: the four limits; those written are not offered again', () => {
    completes('branch b {\n  limits { <|> }\n}')(['per-source', 'outside', 'max-expires', 'max-contacts']);
    completes('branch b {\n  limits { per-source 30 per 2s  <|> }\n}')(['outside', 'max-expires', 'max-contacts']);
    completes('profile p {\n  limits { max-contacts 5\n    <|>\n  }\n}')(['per-source', 'outside', 'max-expires']);
  });
  it('limits: per after a count, then windows; max-expires durations', () => {
    completes('branch b {\n  limits { per-source 30 <|>')(['per']);
    completes('branch b {\n  limits { outside 200 <|>')(['per']);
    completes('branch b {\n  limits { outside 200 per <|>')(['1s', '2s', '5s', '10s']);
    completes('branch b {\n  limits { max-expires <|>')(['1h', '10m', '2h', '24h']);
    expect(item('branch b {\n  limits { max-expires <|>', '1h')?.detail).toBe('default');
    completes('branch b {\n  limits { per-source <|>')([]);
    completes('branch b {\n  limits { max-contacts <|>')([]);
  });
  it('the limits snippet carries surv\'s defaults', () => {
    expect(item('branch b {\n  <|>\n}', 'limits block')?.textEdit?.newText)
      .toBe('limits { per-source ${1:30} per ${2:2s}  outside ${3:200} per ${4:1s}  max-expires ${5:1h}  max-contacts ${6:5} }');
  });
  it('outbound: from, lan, via', () => {
    completes('branch b {\n  outbound <|>')(['from']);
    completes('branch b {\n  outbound from <|>')(['lan']);
    completes('branch b {\n  outbound from lan <|>')(['via']);
  });
  it('outbound block: its items and snippets', () => inBilbao('outbound from lan via cloud {\n')(['on timeout', 'pass', 'emergency', 'rewrite', 'local-calls', 'on timeout block', 'rewrite block']));
  it('local-calls: its three modes', () => completes('branch b {\n  outbound from lan via c {\n    local-calls <|> }')(['survival', 'always', 'off']));
  it('after a group\'s number: its modes', () => completes('branch b {\n  group shop 200 <|>')(['parallel', 'serial']));
  it('on timeout block: announce, redirect, relay to', () => completes('branch b {\n  outbound from lan via c {\n    on timeout { <|> }')(['announce', 'redirect', 'relay to']));
  it('after an emergency number: direct to, then the outbound items', () =>
    inBilbao('emergency 112, 091 ')(['direct to', 'on timeout', 'pass', 'emergency', 'rewrite', 'local-calls', 'on timeout block', 'rewrite block']));
  it('rewrite block: the rules not written yet', () => inCritical('rewrite { match 0 ')(['prefix']));
  it('after a caller-id number: for and private, then the gateway statements', () =>
    completes('branch b {\n  gateway g { address 10.0.0.3 caller-id +34944123000 <|> }\n}')(['for', 'private', 'transport', 'kind', 'channels', 'probe', 'rewrite', 'caller-id']));
  it('after caller-id ... for EXTENSION: private', () =>
    completes('branch b {\n  gateway g { caller-id +349441231XX for 1XX <|> }\n}')(['private', 'address', 'transport', 'kind', 'channels', 'probe', 'rewrite', 'caller-id']));
  it('inbound block: ring, did and rewrite; after a ring target: for, then', () => {
    completes('branch b {\n  inbound from g { <|> }')(['ring', 'did', 'rewrite']);
    inBilbao('ring front ')(['for', 'then', 'ring', 'did', 'rewrite']);
    inBilbao('ring front then ')(['ring']);
  });
});

describe('completion of references', () => {
  it('via: the upstreams', () => inBilbao('via ')(['cloud']));
  it('redirect NNN to: the gateways', () => inBilbao('redirect 302 to ')(['pstn']));
  it('relay to and direct to: the gateways', () => {
    inCritical('relay to ')(['isdn30', 'lifeline']);
    inCritical('direct to ')(['isdn30', 'lifeline']);
  });
  it('after a comma in a gateway list (relay, redirect, direct): the gateways', () => {
    const two = 'branch b {\n  gateway lte { address 10.0.0.4  kind trunk  channels 4 }\n  gateway isdn { address 10.0.0.3  kind bri }\n  outbound from lan via u {\n';
    completes(`${two}    on timeout { relay to lte, <|> }\n  }\n}`)(['lte', 'isdn']);
    completes(`${two}    on timeout { redirect 302 to lte, <|> }\n  }\n}`)(['lte', 'isdn']);
    completes(`${two}    emergency 112, 091 direct to isdn, <|>\n  }\n}`)(['lte', 'isdn']);
  });
  it('forward: the upstreams', () => inBilbao('forward ')(['cloud']));
  it('inbound from: the gateways', () => inCritical('inbound from ')(['isdn30', 'lifeline']));
  it('ring and then ring: phones, then groups', () => inBilbao('ring front then ring ')(['reception', 'desk1', 'front']));
  it('did N to: phones, then groups', () =>
    inCritical('did 944552100 to ')(['switchboard', 'triage', 'icu-desk', 'ward-a', 'ward-b', 'ward-c', 'admin', 'dect-duty', 'front-desk', 'nurses']));
  it('group members after [ and after a comma: the phones', () => {
    inBilbao('group front parallel [')(['reception', 'desk1']);
    inBilbao('group front parallel [reception, ')(['reception', 'desk1']);
  });
  it('names a branch inherits from its profile count', () => {
    completes(at(station07.text, 'inbound from '), station07.others, station07.uri)(['pstn']);
    completes(at(station07.text, 'then ring '), station07.others, station07.uri)(['shop', 'office']);
  });
  it('in a profile: its own names and those its branches supply', () =>
    completes(at(profile.text, 'inbound from pstn { ring '), profile.others, profile.uri)(['shop', 'office', 'kiosk', 'counter']));
  it('the detail of a name comes from the resolved model', () => {
    expect(item(at(bilbao.text, 'redirect 302 to '), 'pstn', {}, bilbao.uri)?.detail).toBe('gateway · bri, 2 channels · 10.10.1.3:5060');
    expect(item(at(bilbao.text, 'via '), 'cloud', {}, bilbao.uri)?.kind).toBe(CompletionItemKind.Reference);
  });
});

describe('completion of values', () => {
  it('transport: udp, tcp, tls', () => completes('branch b {\n  gateway g { transport <|>')(['udp', 'tcp', 'tls']));
  it('kind: the gateway kinds with their channel defaults', () => {
    const text = 'branch b {\n  gateway g { kind <|>';
    completes(text)(['bri', 'pri', 'fxo', 'trunk']);
    expect(itemsAt(text).map((i) => i.detail)).toEqual(['2 channels by default', '30 channels by default', '1 channel by default', 'channels required']);
  });
  it('announce: the provisional codes and a snippet with the text', () => {
    const text = at(bilbao.text, 'announce <|>181');
    completes(text, {}, bilbao.uri)(['180', '181', '182', '183', '181 "Survival Activated - please standby"']);
    expect(item(text, '181', {}, bilbao.uri)?.detail).toBe('Call Is Being Forwarded');
    expect(item(text, '181 "Survival Activated - please standby"', {}, bilbao.uri)?.insertTextFormat).toBe(InsertTextFormat.Snippet);
  });
  it('redirect: 302 first and preselected, then 301 and 380', () => {
    const text = at(bilbao.text, 'redirect <|>302');
    completes(text, {}, bilbao.uri)(['302', '301', '380']);
    const first = item(text, '302', {}, bilbao.uri);
    expect(first?.preselect).toBe(true);
    expect(first?.sortText).toBe('000');
  });
  it('pass: all, the classes and common codes', () => {
    completes('branch b {\n  outbound from lan via c {\n    pass <|>')(['all', '3xx', '4xx', '5xx', '6xx', '404', '408', '480', '486', '487', '503', '603']);
    inCritical('pass 3xx, ')(['3xx', '4xx', '5xx', '6xx', '404', '408', '480', '486', '487', '503', '603']);
  });
  it('durations after a timer key, the default first', () => {
    inBilbao('timers { no-answer ')(['10s', '5s', '8s', '15s']);
    // trying defaults to the no-answer value, 10 s unless written.
    completes('branch b {\n  timers { trying <|> }\n}')(['10s', '5s', '8s', '15s']);
    expect(item('branch b {\n  timers { trying <|> }\n}', '10s')?.detail).toBe('default');
    expect(item(at(bilbao.text, 'timers { no-answer '), '10s', {}, bilbao.uri)?.detail).toBe('default');
    inCritical('probe options every ')(['15s', '10s', '30s', '60s']);
    inCritical('holdoff ')(['0s', '30s', '60s', '2m']);
    inCritical('ring front-desk for ')(['20s', '15s', '30s', '45s', '60s']);
    inBilbao('[reception, desk1] ring ')(['20s', '15s', '25s', '30s']);
  });
  it('typed digits: the same digits with each unit', () => {
    completes('branch b {\n  timers { t1 5<|>')(['5ms', '5s', '5m', '500ms', '1s']);
    const unit = item('branch b {\n  timers { t1 5<|>', '5ms');
    expect(unit?.kind).toBe(CompletionItemKind.Unit);
    expect(unit?.textEdit).toEqual({ range: { start: { line: 1, character: 14 }, end: { line: 1, character: 15 } }, newText: '5ms' });
  });
});

describe('completion in a scenario', () => {
  const actors = ['reception', 'desk1', 'pstn', 'cloud', 'expect', 'network loss', 'seed', 'stranger'];
  it('at the start of a line: the actors of the branch and the statements', () => inBilbao('"cloud down, desk dials out" in bilbao {\n')(actors));
  it('after a state on a new line: no continuation, a new statement', () => inBilbao('  cloud silent\n')(actors));
  it('after a state on the same line: from, until, then a new statement', () => completes(at(bilbao.text, '  cloud silent').replace('<|>', ' <|>'), {}, bilbao.uri)(['from', 'until', ...actors]));
  it('at the start of an existing statement: the actors and statements', () =>
    completes(at(bilbao.text, '  <|>cloud silent'), {}, bilbao.uri)(actors));
  it('after an actor name: the states of its kind', () => {
    const states = (actor: string) => completes(at(bilbao.text, '  cloud silent').replace('<|>', `\n  ${actor} <|>`), {}, bilbao.uri);
    states('cloud')(['up', 'silent', 'slow', 'answers', 'trying', 'ignores invite', 'flapping', 'down', 'sends']);
    states('pstn')(['up', 'silent', 'slow', 'answers', 'busy', 'full', 'down', 'calls', 'sends']);
    states('desk1')(['up', 'silent', 'answers', 'busy', 'no-answer', 'unregistered', 'ignores redirect', 'calls', 'registers']);
  });
  it('expect: the actors; then gets, answers, marked down', () => {
    inBilbao('expect ')(['reception', 'desk1', 'pstn', 'cloud']);
    inBilbao('expect desk1 ')(['gets', 'answers', 'marked down']);
  });
  it('expect X gets: reply codes with their reason phrases', () => {
    const items = itemsAt(at(bilbao.text, 'expect desk1 gets <|>181'), {}, bilbao.uri);
    expect(items.find((i) => i.label === '181')?.detail).toBe('Call Is Being Forwarded');
    expect(items.find((i) => i.label === '486')?.detail).toBe('Busy Here');
    expect(items.map((i) => i.label).slice(0, 5)).toEqual(['100', '180', '181', '182', '183']);
  });
  it('after the code of an expectation: at, within, contact', () =>
    completes(at(bilbao.text, 'expect desk1 gets 181 at 10s').replace('<|>', '\n  expect desk1 gets 183 <|>'), {}, bilbao.uri)(['at', 'within', 'contact', ...actors]));
  it('a state answers: codes and after', () => inBilbao('  cloud answers ')(['200', '180', '183', '404', '480', '486', '500', '503', '603', 'after']));
  it('calls: the phones', () => inBilbao('  desk1 calls ')(['reception', 'desk1']));
  it('a time after at: scenario durations', () => inBilbao('expect desk1 answers at ')(['1s', '2s', '5s', '10s', '30s']));
});

describe('completion on broken text', () => {
  it('an unfinished last line: names from the tokens the parser dropped', () =>
    completes('branch b {\n  upstream cloud { proxy sip:a.example.com }\n  gateway pstn { kind fxo }\n  outbound from lan via <|>')(['cloud']));
  it('an unclosed nested block still knows where it is', () =>
    completes('branch b {\n  gateway pstn { kind bri <|>\n  phone x 1 at 10.0.0.1\n}')(['address', 'transport', 'channels', 'probe', 'rewrite', 'caller-id']));
  const broken = example('examples/broken/syntax-errors.surv');
  it('a file with syntax errors: settings, references and values still work', () => {
    inExample(broken)('timers { no-answer 10  ringing 60s ')(['trying', 't1', 't2', 'budget']);
    inExample(broken)('redirect 302 to ')(['pstn']);
    inExample(broken)('group front parallel [reception, ')(['reception', 'desk1']);
  });
  it('a top-level keyword ends an unclosed block', () => completes('branch b {\n  gateway g {\nbranch c <|>')(['uses']));
});
