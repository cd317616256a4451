// Every construct of the grammar (docs/language.md, "Reference: grammar") parses to
// the expected typed AST: node kinds, names, literal values and types, and exact
// spans (UTF-16 offsets, end exclusive) for a sample of nodes. Comments are kept.
import { describe, expect, it } from 'vitest';
import { parse, type ast } from '../../../grammar/src/index.js';
import { spanAfter, spanOf } from './helpers.js';

const FULL = `# a file with every construct
use "shared/profile.surv"

profile base {
  timers { no-answer 8s  ringing 60s  t1 500ms  t2 4s  budget 15s }
}

profile derived uses base {
  lan 10.1.0.0/24
}

branch site uses derived {
  edge listen udp 10.1.0.1:5060, tcp 10.1.0.1, tls [2001:db8::1]:5061
  lan 10.1.0.0/24, 2001:db8:1::/64   # two networks
  gateway pstn { address 10.1.0.3  transport tcp  kind bri  channels 4 }
  upstream cloud {
    proxy sip:pbx.example.com:5060;transport=tcp
    transport tcp
    probe options every 15s timeout 2s down after 2 up after 3 holdoff 60s
  }
  upstream backup { proxy sips:backup.example.com }
  phone reception 100 at 10.1.0.10
  phone laptop +34944000120 registered
  group front parallel [reception, laptop] ring 25s
  group hunt serial [reception]
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud, backup {
    on timeout { announce 181 "Survival \\"on\\""  redirect 302 to pstn }
    pass 4xx, 503, 6xx
    emergency 112, 091 direct to pstn
    rewrite { match 0  strip 1  prefix +34 }
    rewrite { match 9 }
  }
  inbound from pstn, pstn {
    ring front for 20s then ring reception then ring hunt for 1m
    did 944000101 to reception
  }
}

branch passall { outbound from lan via cloud { pass all  on timeout { relay to pstn } } }

scenario "every statement" in site {
  cloud silent from 1s until 5s
  cloud slow 3s
  pstn answers 200 after 2s
  cloud trying
  cloud ignores invite
  reception ignores redirect
  cloud flapping down 5s up 10s
  pstn busy
  pstn full
  cloud down
  reception no-answer
  laptop unregistered
  cloud up
  reception calls 944000000 at 5s
  reception calls laptop
  laptop registers at 1s
  laptop registers
  network loss 0.5%
  seed 42
  expect reception gets 302 at 10s contact sip:944000000@10.1.0.3 "Moved Temporarily"
  expect reception gets 404 within 1s
  expect pstn answers at 2s
  expect pstn answers
  expect cloud marked down at 32s
}
`;

const result = parse(FULL, 'full.surv');
const tree = result.ast;
type DeclOf<K> = K extends 'Scenario' ? ast.ScenarioNode : ast.ContainerNode;
const decl = <K extends ast.Declaration['kind']>(kind: K, index = 0) =>
  tree.declarations.filter((d) => d.kind === kind)[index] as DeclOf<K>;
const full = decl('Branch', 0);
const settingsOf = <K extends ast.Setting['kind']>(kind: K, container: ast.ContainerNode = full) =>
  container.settings.filter((s) => s.kind === kind) as Extract<ast.Setting, { kind: K }>[];
const scenario = decl('Scenario');

/** A Value's observable parts, for toEqual. */
const v = (type: ast.ValueType, text: string) => expect.objectContaining({ type, text });

describe('a file with every construct', () => {
  it('parses without diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('has the file node over the whole text, the use and the declarations in order', () => {
    expect(tree.kind).toBe('File');
    expect(tree.uses).toHaveLength(1);
    expect(tree.uses[0]?.kind).toBe('Use');
    expect(tree.uses[0]?.path).toMatchObject({ type: 'string', text: 'shared/profile.surv', terminated: true, badEscapes: [] });
    expect(tree.declarations.map((d) => d.kind)).toEqual(['Profile', 'Profile', 'Branch', 'Branch', 'Scenario']);
  });

  it('profiles and branches: names, uses, keyword spans', () => {
    const base = decl('Profile', 0);
    const derived = decl('Profile', 1);
    expect(base.name).toMatchObject({ type: 'name', text: 'base' });
    expect(base.uses).toBeUndefined();
    expect(derived.name?.text).toBe('derived');
    expect(derived.uses).toMatchObject({ type: 'name', text: 'base' });
    expect(full.name?.text).toBe('site');
    expect(full.uses?.text).toBe('derived');
    expect(decl('Branch', 1).name?.text).toBe('passall');
    expect(full.settings.map((s) => s.kind)).toEqual([
      'Edge', 'Lan', 'Gateway', 'Upstream', 'Upstream', 'Phone', 'Phone', 'Group', 'Group', 'Register', 'Outbound', 'Inbound',
    ]);
  });

  it('edge: transports and addresses of every listen, in order', () => {
    const [edge] = settingsOf('Edge');
    expect(edge?.listens.map((l) => [l.kind, l.transport?.text, l.address?.type, l.address?.text])).toEqual([
      ['Listen', 'udp', 'address', '10.1.0.1:5060'],
      ['Listen', 'tcp', 'address', '10.1.0.1'],
      ['Listen', 'tls', 'address', '[2001:db8::1]:5061'],
    ]);
  });

  it('lan: every network, IPv4 and IPv6', () => {
    const [lan] = settingsOf('Lan');
    expect(lan?.networks).toEqual([v('address', '10.1.0.0/24'), v('address', '2001:db8:1::/64')]);
  });

  it('gateway: name and every property', () => {
    const [gw] = settingsOf('Gateway');
    expect(gw?.name?.text).toBe('pstn');
    expect(gw?.properties.map((p) => [p.kind, p.key, p.value?.type, p.value?.text])).toEqual([
      ['Property', 'address', 'address', '10.1.0.3'],
      ['Property', 'transport', 'keyword', 'tcp'],
      ['Property', 'kind', 'keyword', 'bri'],
      ['Property', 'channels', 'number', '4'],
    ]);
  });

  it('upstream: proxy, transport and probe options flattened to probe-* properties', () => {
    const [cloud, backup] = settingsOf('Upstream');
    expect(cloud?.name?.text).toBe('cloud');
    expect(cloud?.properties.map((p) => [p.key, p.value?.type, p.value?.text])).toEqual([
      ['proxy', 'uri', 'sip:pbx.example.com:5060;transport=tcp'],
      ['transport', 'keyword', 'tcp'],
      ['probe', undefined, undefined],
      ['probe-every', 'duration', '15s'],
      ['probe-timeout', 'duration', '2s'],
      ['probe-down-after', 'number', '2'],
      ['probe-up-after', 'number', '3'],
      ['probe-holdoff', 'duration', '60s'],
    ]);
    expect(backup?.properties.map((p) => [p.key, p.value?.text])).toEqual([['proxy', 'sips:backup.example.com']]);
  });

  it('timers: every field', () => {
    const [timers] = settingsOf('Timers', decl('Profile', 0));
    expect(timers?.properties.map((p) => [p.key, p.value?.type, p.value?.text])).toEqual([
      ['no-answer', 'duration', '8s'], ['ringing', 'duration', '60s'], ['t1', 'duration', '500ms'],
      ['t2', 'duration', '4s'], ['budget', 'duration', '15s'],
    ]);
  });

  it('phones: fixed address or registered', () => {
    const [reception, laptop] = settingsOf('Phone');
    expect(reception).toMatchObject({ kind: 'Phone', name: v('name', 'reception'), extension: v('number', '100'), address: v('address', '10.1.0.10') });
    expect(reception?.registered).toBeUndefined();
    expect(laptop).toMatchObject({ name: v('name', 'laptop'), extension: v('number', '+34944000120') });
    expect(laptop?.address).toBeUndefined();
    expect(laptop?.registered).toBeDefined();
  });

  it('groups: mode, members, optional ring', () => {
    const [front, hunt] = settingsOf('Group');
    expect(front).toMatchObject({
      name: v('name', 'front'), mode: v('keyword', 'parallel'),
      members: [v('name', 'reception'), v('name', 'laptop')], ring: v('duration', '25s'),
    });
    expect(hunt).toMatchObject({ name: v('name', 'hunt'), mode: v('keyword', 'serial'), members: [v('name', 'reception')] });
    expect(hunt?.ring).toBeUndefined();
  });

  it('register: forward, with path, keep local copy', () => {
    const [register] = settingsOf('Register');
    expect(register?.properties.map((p) => [p.key, p.value?.text])).toEqual([
      ['forward', 'cloud'], ['with-path', undefined], ['keep-local-copy', undefined],
    ]);
  });

  it('outbound: via chain and every item', () => {
    const [out] = settingsOf('Outbound');
    expect(out?.via.map((x) => x.text)).toEqual(['cloud', 'backup']);
    expect(out?.items.map((i) => i.kind)).toEqual(['OnTimeout', 'Pass', 'Emergency', 'Rewrite', 'Rewrite']);
    const [onTimeout, pass, emergency, rewrite1, rewrite2] = out?.items ?? [];
    expect(onTimeout).toMatchObject({
      kind: 'OnTimeout',
      actions: [
        { kind: 'Announce', code: v('number', '181'), text: { type: 'string', text: 'Survival "on"', terminated: true }, target: undefined },
        { kind: 'Redirect', code: v('number', '302'), text: undefined, target: v('name', 'pstn') },
      ],
    });
    expect(pass).toMatchObject({ kind: 'Pass', codes: [v('class', '4xx'), v('number', '503'), v('class', '6xx')] });
    expect(emergency).toMatchObject({ kind: 'Emergency', numbers: [v('number', '112'), v('number', '091')], gateway: v('name', 'pstn') });
    expect((rewrite1 as ast.RewriteNode).properties.map((p) => [p.key, p.value?.text])).toEqual([['match', '0'], ['strip', '1'], ['prefix', '+34']]);
    expect((rewrite2 as ast.RewriteNode).properties.map((p) => [p.key, p.value?.text])).toEqual([['match', '9']]);
  });

  it('outbound: pass all and relay', () => {
    const [out] = settingsOf('Outbound', decl('Branch', 1));
    expect(out?.items[0]).toMatchObject({ kind: 'Pass', codes: undefined });
    expect(out?.items[1]).toMatchObject({ kind: 'OnTimeout', actions: [{ kind: 'Relay', code: undefined, text: undefined, target: v('name', 'pstn') }] });
  });

  it('inbound: from list, ring chain with optional for, did', () => {
    const [inbound] = settingsOf('Inbound');
    expect(inbound?.from.map((x) => x.text)).toEqual(['pstn', 'pstn']);
    const [chain, did] = inbound?.items ?? [];
    expect(chain?.kind).toBe('RingChain');
    expect((chain as ast.RingChainNode).steps.map((s) => [s.kind, s.target?.text, s.duration?.text])).toEqual([
      ['RingStep', 'front', '20s'], ['RingStep', 'reception', undefined], ['RingStep', 'hunt', '1m'],
    ]);
    expect(did).toMatchObject({ kind: 'Did', number: v('number', '944000101'), target: v('name', 'reception') });
  });

  it('scenario: title, branch, actor states', () => {
    expect(scenario).toMatchObject({ kind: 'Scenario', title: { type: 'string', text: 'every statement', terminated: true }, branch: v('name', 'site') });
    const states = scenario.items.filter((i): i is ast.StateNode => i.kind === 'State');
    expect(states.map((s) => [s.actor.text, s.state])).toEqual([
      ['cloud', 'silent'], ['cloud', 'slow'], ['pstn', 'answers'], ['cloud', 'trying'], ['cloud', 'ignores-invite'],
      ['reception', 'ignores-redirect'], ['cloud', 'flapping'], ['pstn', 'busy'], ['pstn', 'full'], ['cloud', 'down'],
      ['reception', 'no-answer'], ['laptop', 'unregistered'], ['cloud', 'up'],
    ]);
    expect(states[0]).toMatchObject({ from: v('duration', '1s'), until: v('duration', '5s') });
    expect(states[1]).toMatchObject({ delay: v('duration', '3s') });
    expect(states[2]).toMatchObject({ code: v('number', '200'), delay: v('duration', '2s') });
    expect(states[6]).toMatchObject({ downFor: v('duration', '5s'), upFor: v('duration', '10s') });
  });

  it('scenario: events, network, seed', () => {
    const events = scenario.items.filter((i): i is ast.EventNode => i.kind === 'Event');
    expect(events.map((e) => [e.actor?.text, e.verb, e.target?.type, e.target?.text, e.at?.text])).toEqual([
      ['reception', 'calls', 'number', '944000000', '5s'],
      ['reception', 'calls', 'name', 'laptop', undefined],
      ['laptop', 'registers', undefined, undefined, '1s'],
      ['laptop', 'registers', undefined, undefined, undefined],
    ]);
    const network = scenario.items.filter((i): i is ast.NetworkNode => i.kind === 'Network');
    expect(network.map((n) => [n.setting, n.value?.type, n.value?.text])).toEqual([['loss', 'percent', '0.5%'], ['seed', 'number', '42']]);
  });

  it('scenario: every form of expectation', () => {
    const expects = scenario.items.filter((i): i is ast.ExpectNode => i.kind === 'Expect');
    expect(expects).toHaveLength(5);
    expect(expects[0]).toMatchObject({
      actor: v('name', 'reception'), what: 'gets', code: v('number', '302'), at: v('duration', '10s'),
      contact: v('uri', 'sip:944000000@10.1.0.3'), reason: { type: 'string', text: 'Moved Temporarily' },
    });
    expect(expects[1]).toMatchObject({ what: 'gets', code: v('number', '404'), within: v('duration', '1s'), at: undefined });
    expect(expects[2]).toMatchObject({ actor: v('name', 'pstn'), what: 'answers', at: v('duration', '2s') });
    expect(expects[3]).toMatchObject({ what: 'answers', at: undefined });
    expect(expects[4]).toMatchObject({ actor: v('name', 'cloud'), what: 'marked-down', at: v('duration', '32s') });
  });
});

describe('exact spans (UTF-16 offsets, end exclusive)', () => {
  it('keyword spans: a container keyword, registered, a two-word state', () => {
    expect(full.keywordSpan).toEqual(spanOf(FULL, 'branch', 0));
    expect(settingsOf('Phone')[1]?.registered).toEqual(spanOf(FULL, 'registered', 0));
    const states = scenario.items.filter((i): i is ast.StateNode => i.kind === 'State');
    expect(states[4]?.stateSpan).toEqual(spanOf(FULL, 'ignores invite'));
    expect(states[12]?.stateSpan).toEqual(spanAfter(FULL, '  cloud up\n', 'up'));
  });

  it('a name, a network, a URI and a string span exactly their source text', () => {
    expect(full.name).toMatchObject(spanOf(FULL, 'site', 0));
    const [lan] = settingsOf('Lan');
    expect(lan?.networks[0]).toMatchObject(spanOf(FULL, '10.1.0.0/24', 1));
    expect(lan?.networks[1]).toMatchObject(spanOf(FULL, '2001:db8:1::/64'));
    const [cloud] = settingsOf('Upstream');
    expect(cloud?.properties[0]?.value).toMatchObject(spanOf(FULL, 'sip:pbx.example.com:5060;transport=tcp'));
    // A string's span includes both quotes (its text is the decoded content).
    expect(tree.uses[0]?.path).toMatchObject(spanOf(FULL, '"shared/profile.surv"'));
    expect(tree.uses[0]).toMatchObject(spanOf(FULL, 'use "shared/profile.surv"'));
  });

  it('a block spans from its keyword to its closing brace', () => {
    const [gw] = settingsOf('Gateway');
    expect({ start: gw?.start, end: gw?.end }).toEqual(spanOf(FULL, 'gateway pstn { address 10.1.0.3  transport tcp  kind bri  channels 4 }'));
    const derived = decl('Profile', 1);
    expect({ start: derived.start, end: derived.end }).toEqual(spanOf(FULL, 'profile derived uses base {\n  lan 10.1.0.0/24\n}'));
  });

  it('a statement spans from its keyword to its last literal', () => {
    const [phone] = settingsOf('Phone');
    expect({ start: phone?.start, end: phone?.end }).toEqual(spanOf(FULL, 'phone reception 100 at 10.1.0.10'));
    const [edge] = settingsOf('Edge');
    expect({ start: edge?.start, end: edge?.end }).toEqual(spanOf(FULL, 'edge listen udp 10.1.0.1:5060, tcp 10.1.0.1, tls [2001:db8::1]:5061'));
    expect({ start: edge?.listens[2]?.start, end: edge?.listens[2]?.end }).toEqual(spanOf(FULL, 'tls [2001:db8::1]:5061'));
    const [group] = settingsOf('Group');
    expect({ start: group?.start, end: group?.end }).toEqual(spanOf(FULL, 'group front parallel [reception, laptop] ring 25s'));
  });

  it('properties: the key span covers multi-word keys, the node ends at the value', () => {
    const [cloud] = settingsOf('Upstream');
    const downAfter = cloud?.properties.find((p) => p.key === 'probe-down-after');
    expect(downAfter?.keySpan).toEqual(spanOf(FULL, 'down after', 0));
    expect({ start: downAfter?.start, end: downAfter?.end }).toEqual(spanOf(FULL, 'down after 2'));
    const probe = cloud?.properties.find((p) => p.key === 'probe');
    expect(probe?.keySpan).toEqual(spanOf(FULL, 'probe options'));
    const [register] = settingsOf('Register');
    const keep = register?.properties.find((p) => p.key === 'keep-local-copy');
    expect(keep?.keySpan).toEqual(spanOf(FULL, 'keep local copy'));
    const ringing = settingsOf('Timers', decl('Profile', 0))[0]?.properties[1];
    expect(ringing?.keySpan).toEqual(spanOf(FULL, 'ringing'));
    expect(ringing?.value).toMatchObject(spanOf(FULL, '60s'));
  });

  it('scenario items and survival actions', () => {
    const announce = (settingsOf('Outbound')[0]?.items[0] as ast.OnTimeoutNode).actions[0];
    expect(announce?.keywordSpan).toEqual(spanOf(FULL, 'announce'));
    expect({ start: announce?.start, end: announce?.end }).toEqual(spanOf(FULL, 'announce 181 "Survival \\"on\\""'));
    expect(announce?.text).toMatchObject(spanOf(FULL, '"Survival \\"on\\""'));
    const expectation = scenario.items.find((i) => i.kind === 'Expect');
    expect({ start: expectation?.start, end: expectation?.end })
      .toEqual(spanOf(FULL, 'expect reception gets 302 at 10s contact sip:944000000@10.1.0.3 "Moved Temporarily"'));
    expect(scenario.title).toMatchObject(spanOf(FULL, '"every statement"'));
  });

  it('the file span covers the text from the first token to the last', () => {
    expect(tree.start).toBe(FULL.indexOf('use'));
    expect(tree.end).toBe(FULL.lastIndexOf('}') + 1);
  });
});

describe('comments', () => {
  it('are kept, with their text and exact spans, and are not tokens', () => {
    expect(result.comments.map((c) => c.text)).toEqual(['# a file with every construct', '# two networks']);
    expect(result.comments[0]).toMatchObject(spanOf(FULL, '# a file with every construct'));
    expect(result.comments[1]).toMatchObject(spanOf(FULL, '# two networks'));
    expect(result.tokens.some((t) => t.image.startsWith('#'))).toBe(false);
  });

  it('run to the end of the line only (CRLF too), anywhere between tokens', () => {
    const text = 'branch b { # one\r\n  lan 10.0.0.0/24# two\n}#three';
    const r = parse(text, 'c.surv');
    expect(r.diagnostics).toEqual([]);
    expect(r.comments.map((c) => [c.text, c.start, c.end])).toEqual([
      ['# one', text.indexOf('# one'), text.indexOf('# one') + 5],
      ['# two', text.indexOf('# two'), text.indexOf('# two') + 5],
      ['#three', text.indexOf('#three'), text.length],
    ]);
    const b = r.ast.declarations[0] as ast.ContainerNode;
    expect((b.settings[0] as ast.LanNode).networks.map((n) => n.text)).toEqual(['10.0.0.0/24']);
  });

  it('a # inside a string is not a comment', () => {
    const r = parse('use "a#b.surv" # real', 'c.surv');
    expect(r.ast.uses[0]?.path?.text).toBe('a#b.surv');
    expect(r.comments.map((c) => c.text)).toEqual(['# real']);
  });
});

describe('layout', () => {
  it('a block on one line and the same block over many lines give the same tree shape', () => {
    const one = parse('branch b { gateway g { address 10.0.0.3 kind bri } timers { no-answer 5s t1 500ms } }', 'a.surv');
    const many = parse('branch b {\n  gateway g {\n    address 10.0.0.3\n    kind bri\n  }\n  timers {\n    no-answer 5s\n    t1 500ms\n  }\n}\n', 'b.surv');
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, val: unknown) => (['start', 'end', 'keySpan', 'keywordSpan'].includes(k) ? undefined : val)));
    expect(one.diagnostics).toEqual([]);
    expect(many.diagnostics).toEqual([]);
    expect(strip(one.ast)).toEqual(strip(many.ast));
  });

  it('an empty file, or one with only comments, is an empty File', () => {
    for (const text of ['', '   \n\t', '# nothing here\n# at all']) {
      const r = parse(text, 'e.surv');
      expect(r.diagnostics).toEqual([]);
      expect(r.ast).toMatchObject({ kind: 'File', uses: [], declarations: [] });
    }
  });

  it('parse defaults the uri and returns the text and a line index', () => {
    const r = parse('branch b {}\nbranch c {}');
    expect(r.uri).toBe('untitled.surv');
    expect(r.text).toBe('branch b {}\nbranch c {}');
    expect(r.lines.position(13)).toEqual({ line: 1, character: 1, offset: 13 });
  });
});
