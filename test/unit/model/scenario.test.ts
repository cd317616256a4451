// The scenario model: actor states (with kinds, codes, delays, from/until in ms),
// events (calls and registrations, `at` in ms, default 0), network loss and seed,
// and expectations.
import { describe, expect, it } from 'vitest';
import { analyzeFiles, analyzeText, at } from './helpers.js';

const BRANCH = `branch lab {
  edge listen udp 10.1.0.1
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri }
  upstream cloud { proxy sip:pbx.example.com  probe options }
  phone desk 100 at 10.1.0.10
  phone laptop 101 registered
  group front parallel [desk, laptop]
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
  inbound from pstn { ring front }
}
`;
const SCENARIO = `scenario "everything" in lab {
  cloud silent from 1s until 5s
  cloud slow 3s from 6s
  pstn answers 200 after 2s
  cloud trying
  cloud ignores invite
  desk ignores redirect
  cloud flapping down 5s up 10s
  pstn busy
  pstn full
  cloud down
  desk no-answer
  laptop unregistered
  cloud up until 1m
  desk answers
  desk calls 944000000 at 5s
  desk calls laptop
  pstn calls front at 2m
  laptop registers at 1s
  laptop registers
  network loss 0.5%
  seed 42
  expect desk gets 302 at 10s contact sip:944000000@10.1.0.3 "Moved Temporarily"
  expect desk gets 404 within 1s
  expect pstn answers at 2s
  expect laptop answers
  expect cloud marked down at 32s
}
`;
const TEXT = BRANCH + SCENARIO;
const analysis = analyzeText(TEXT, 'lab.surv');
const scenario = analysis.model.scenarios[0];

describe('a scenario with every statement', () => {
  it('analyses cleanly', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.model.scenarios).toHaveLength(1);
  });

  it('title, branch, uri', () => {
    expect(scenario).toMatchObject({ title: 'everything', branch: 'lab', uri: 'lab.surv' });
  });

  it('actor states with kinds, codes, delays and from/until in ms', () => {
    const rows = scenario?.states.map((s) => [s.actor, s.actorKind, s.state, s.code, s.delayMs, s.downForMs, s.upForMs, s.fromMs, s.untilMs]);
    expect(rows).toEqual([
      ['cloud', 'upstream', 'silent', undefined, undefined, undefined, undefined, 1_000, 5_000],
      ['cloud', 'upstream', 'slow', undefined, 3_000, undefined, undefined, 6_000, undefined],
      ['pstn', 'gateway', 'answers', 200, 2_000, undefined, undefined, 0, undefined],
      ['cloud', 'upstream', 'trying', undefined, undefined, undefined, undefined, 0, undefined],
      ['cloud', 'upstream', 'ignores-invite', undefined, undefined, undefined, undefined, 0, undefined],
      ['desk', 'phone', 'ignores-redirect', undefined, undefined, undefined, undefined, 0, undefined],
      ['cloud', 'upstream', 'flapping', undefined, undefined, 5_000, 10_000, 0, undefined],
      ['pstn', 'gateway', 'busy', undefined, undefined, undefined, undefined, 0, undefined],
      ['pstn', 'gateway', 'full', undefined, undefined, undefined, undefined, 0, undefined],
      ['cloud', 'upstream', 'down', undefined, undefined, undefined, undefined, 0, undefined],
      ['desk', 'phone', 'no-answer', undefined, undefined, undefined, undefined, 0, undefined],
      ['laptop', 'phone', 'unregistered', undefined, undefined, undefined, undefined, 0, undefined],
      ['cloud', 'upstream', 'up', undefined, undefined, undefined, undefined, 0, 60_000],
      ['desk', 'phone', 'answers', undefined, undefined, undefined, undefined, 0, undefined],
    ]);
  });

  it('origins: the title, and each statement', () => {
    const o = (needle: string, occurrence = 0) => at('lab.surv', TEXT, needle, occurrence);
    expect(scenario?.origin).toEqual(o('"everything"'));
    expect(scenario?.states[0]?.origin).toEqual(o('cloud silent from 1s until 5s'));
    expect(scenario?.events.map((e) => e.origin)).toEqual([
      o('desk calls 944000000 at 5s'), o('desk calls laptop'), o('pstn calls front at 2m'), o('laptop registers at 1s'), o('laptop registers', 1),
    ]);
    expect(scenario?.expectations[4]?.origin).toEqual(o('expect cloud marked down at 32s'));
  });

  it('events: calls to numbers, phones and groups, registrations; `at` in ms, default 0', () => {
    expect(scenario?.events.map(({ origin: _origin, ...rest }) => rest)).toEqual([
      { kind: 'call', caller: 'desk', callerKind: 'phone', target: '944000000', targetIsPhone: false, atMs: 5_000 },
      { kind: 'call', caller: 'desk', callerKind: 'phone', target: 'laptop', targetIsPhone: true, atMs: 0 },
      { kind: 'call', caller: 'pstn', callerKind: 'gateway', target: 'front', targetIsPhone: true, atMs: 120_000 },
      { kind: 'register', phone: 'laptop', atMs: 1_000 },
      { kind: 'register', phone: 'laptop', atMs: 0 },
    ]);
  });

  it('network loss (a percentage) and seed', () => {
    expect(scenario?.lossPercent).toBe(0.5);
    expect(scenario?.seed).toBe(42);
  });

  it('expectations', () => {
    expect(scenario?.expectations.map(({ origin: _origin, ...rest }) => rest)).toEqual([
      { kind: 'gets', actor: 'desk', code: 302, atMs: 10_000, withinMs: undefined, contact: 'sip:944000000@10.1.0.3', reason: 'Moved Temporarily' },
      { kind: 'gets', actor: 'desk', code: 404, atMs: undefined, withinMs: 1_000, contact: undefined, reason: undefined },
      { kind: 'answers', actor: 'pstn', atMs: 2_000 },
      { kind: 'answers', actor: 'laptop', atMs: undefined },
      { kind: 'marked-down', actor: 'cloud', atMs: 32_000 },
    ]);
  });
});

describe('scenario defaults and resolution', () => {
  it('seed 1 and loss 0 by default', () => {
    const a = analyzeText(`${BRANCH}scenario "plain" in lab {\n  desk calls 1234\n}\n`);
    expect(a.model.scenarios[0]).toMatchObject({ seed: 1, lossPercent: 0, states: [], expectations: [] });
  });

  it('scenarios come in file order, then source order; one for an unknown branch is left out', () => {
    const a = analyzeFiles([
      { uri: 'b.surv', text: `${BRANCH}scenario "b1" in lab { desk calls 1 }\nscenario "b2" in lab { desk calls 2 }\n` },
      { uri: 'a.surv', text: 'scenario "a1" in lab { desk calls 3 }\nscenario "a2" in nowhere { desk calls 4 }\n' },
    ]);
    expect(a.model.scenarios.map((s) => [s.uri, s.title])).toEqual([['b.surv', 'b1'], ['b.surv', 'b2'], ['a.surv', 'a1']]);
    expect(a.diagnostics.filter((d) => d.code === 'SURV010').map((d) => d.message)).toEqual(["no branch named 'nowhere'"]);
  });

  it('a scenario can be in another file than its branch (branches are global)', () => {
    const a = analyzeFiles([{ uri: 'branch.surv', text: BRANCH }, { uri: 'scen.surv', text: 'scenario "s" in lab { desk calls 944 }\n' }]);
    expect(a.diagnostics).toEqual([]);
    expect(a.model.scenarios.map((s) => [s.uri, s.branch])).toEqual([['scen.surv', 'lab']]);
  });

  it("the scenario's actors come from the merged branch (profile entities count)", () => {
    const a = analyzeText(`profile base { upstream cloud { proxy sip:pbx.example.com } }
branch x uses base {
  edge listen udp 10.9.0.1
  lan 10.9.0.0/24
  gateway pstn { address 10.9.0.3  kind fxo }
  phone p 100 at 10.9.0.10
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
scenario "s" in x { cloud silent  p calls 944 }
`);
    expect(a.diagnostics).toEqual([]);
    expect(a.model.scenarios[0]?.states.map((s) => [s.actor, s.actorKind])).toEqual([['cloud', 'upstream']]);
  });

  it('a state on an unknown actor is left out of the model', () => {
    const a = analyzeText(`${BRANCH}scenario "s" in lab { clod silent  desk calls 1 }\n`);
    expect(a.model.scenarios[0]?.states).toEqual([]);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['SURV070']);
  });

  it('an expected contact may have a bracketed IPv6 host (docs: the bracket is part of the URI)', () => {
    const a = analyzeText(`${BRANCH}scenario "v6" in lab {\n  desk calls 945000000\n  expect desk gets 302 at 10s contact sip:945000000@[2001:db8:700:1::3]\n}\n`);
    expect(a.diagnostics).toEqual([]);
    expect(a.model.scenarios[0]?.expectations[0]).toMatchObject({ kind: 'gets', code: 302, contact: 'sip:945000000@[2001:db8:700:1::3]' });
  });

  it('a state with no from starts at 0 and has no end', () => {
    const a = analyzeText(`${BRANCH}scenario "s" in lab { cloud silent  desk calls 1 }\n`);
    expect(a.model.scenarios[0]?.states[0]).toMatchObject({ fromMs: 0, untilMs: undefined });
  });
});
