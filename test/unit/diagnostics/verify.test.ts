// The verify codes (SURV080-SURV086, found by `surv verify`, not by the checker): one
// design per invariant that breaks it, with the exact finding and where it points.
// SURV084 and SURV085 cannot be produced by the simulator as it stands (it never
// diverts a call that rang; it answers REGISTERs from the local copy when asked), so
// their checks run on a real run with the offending message or registration put in.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch, type Scenario } from '../../../grammar/src/index.js';
import { simulate, type SimulationResult } from '../../../engines/simulate/index.js';
import { checkScenario, verifyBranch } from '../../../engines/verify/index.js';

/** A clean branch `lab`; `edit` changes its text. */
function design(edit: (text: string) => string = (t) => t, scenario = ''): string {
  return edit(`branch lab {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone desk 100 at 10.1.0.10
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival"  redirect 302 to pstn }
    emergency 112
  }
  inbound from pstn { ring desk }
}
`) + scenario;
}

function model(text: string): { branch: Branch; scenarios: readonly Scenario[] } {
  const analysis = analyze([{ uri: 'lab.surv', text }], { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return { branch: analysis.model.branches[0]!, scenarios: analysis.model.scenarios };
}

/** The origin of `needle` in `text`, the first one after `after` when given. */
function at(text: string, needle: string, after = '') {
  const start = text.indexOf(needle, text.indexOf(after));
  return { kind: 'source', uri: 'lab.surv', start, end: start + needle.length };
}

describe('verify codes', () => {
  it('a clean design breaks none', () => {
    expect(verifyBranch(model(design()).branch).violations).toEqual([]);
  });

  it('SURV080: a call with no final reply (a PSTN call ringing a phone nobody answers for 30 minutes)', () => {
    const text = design((t) => t.replace('ring desk }', 'ring desk for 30m }'));
    const [v, ...rest] = verifyBranch(model(text).branch).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV080', invariant: 'final-reply',
      message: 'pstn calls 900000000 gets no final reply within 10m; the last reply was 180 Ringing at 0s (desk no-answer)',
      origin: at(text, 'lab'),
    });
  });

  it('SURV081: relay with no announcement to a gateway that is down doubles the post-dial delay', () => {
    const text = design((t) => t.replace('on timeout { announce 181 "Survival"  redirect 302 to pstn }', 'on timeout { relay to pstn }'));
    const [v, ...rest] = verifyBranch(model(text).branch).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV081', invariant: 'post-dial-budget',
      message: 'post-dial delay 20s is over the budget of 15s: desk calls 944000000; it hears nothing until 503 No Gateway Available at 20s (cloud silent, pstn down)',
      origin: at(text, '15s'),
    });
  });

  it('SURV081: an upstream that sends 100 Trying and then nothing holds the caller for trying, counted in the budget', () => {
    // check's SURV045 counts trying (14 s fits 15 s); verify runs it: 100 at once, survival at
    // 14 s, the relay to a gateway that is down waits its no-answer: the worst combination.
    const text = design((t) => t.replace('budget 15s', 'trying 14s  budget 15s')
      .replace('on timeout { announce 181 "Survival"  redirect 302 to pstn }', 'on timeout { relay to pstn }'));
    const [v, ...rest] = verifyBranch(model(text).branch).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV081', invariant: 'post-dial-budget',
      message: 'post-dial delay 24s is over the budget of 15s: desk calls 944000000; it hears nothing until 503 No Gateway Available at 24s (cloud trying, pstn down)',
      origin: at(text, '15s'),
    });
  });

  it('SURV081 with the default budget points at the via list', () => {
    const text = design((t) => t.replace('  budget 15s', '').replace('no-answer 10s', 'no-answer 15s')
      .replace('on timeout { announce 181 "Survival"  redirect 302 to pstn }', 'on timeout { relay to pstn }'));
    const [v] = verifyBranch(model(text).branch).violations;
    expect(v).toMatchObject({ code: 'SURV081', message: expect.stringMatching(/^post-dial delay 30s is over the budget of 20s: /), origin: at(text, 'cloud', 'lan via') });
  });

  it('SURV082: emergency calls go to a gateway that is down while another is up', () => {
    const text = design((t) => t.replace('emergency 112', 'emergency 112 direct to lifeline')
      .replace('  gateway pstn {', '  gateway lifeline { address 10.1.0.4  kind fxo }\n  gateway pstn {')
      .replace('inbound from pstn', 'inbound from pstn, lifeline'));
    const [v, ...rest] = verifyBranch(model(text).branch).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV082', invariant: 'emergency-reaches-gateway',
      message: 'desk calls 112 (an emergency number) reaches no gateway that is up: it goes to lifeline (busy) while pstn is up (lifeline busy)',
      origin: at(text, 'lifeline', 'direct to'),
    });
  });

  it('SURV082: fixed by a list: lifeline busy, the call fails over to pstn', () => {
    const text = design((t) => t.replace('emergency 112', 'emergency 112 direct to lifeline, pstn')
      .replace('  gateway pstn {', '  gateway lifeline { address 10.1.0.4  kind fxo }\n  gateway pstn {')
      .replace('inbound from pstn', 'inbound from pstn, lifeline'));
    // Left: two silent gateways in turn are over the budget (SURV081), which is true.
    expect(verifyBranch(model(text).branch).violations.map((v) => [v.code, v.message])).toEqual([
      ['SURV081', 'post-dial delay 20s is over the budget of 15s: desk calls 112; it hears nothing until 503 No Gateway Available at 20s (lifeline down, pstn down)'],
    ]);
  });

  it('SURV088: holds with gateway lists; fails on the edge from before them (first gateway only)', () => {
    const text = design((t) => t.replace('announce 181 "Survival"  redirect 302 to pstn', 'announce 181 "Survival"  relay to pstn, lte')
      .replace('  gateway pstn {', '  gateway lte { address 10.1.0.4  kind trunk  channels 2 }\n  gateway pstn {')
      .replace('inbound from pstn', 'inbound from pstn, lte'));
    const { branch } = model(text);
    expect(verifyBranch(branch).violations.filter((v) => v.code === 'SURV088')).toEqual([]);
    const broken = verifyBranch(branch, { gatewayLists: 'first-only' }).violations.filter((v) => v.code === 'SURV088');
    expect(broken.map((v) => ({ ...v, scenario: undefined }))).toEqual([
      {
        branch: 'lab', code: 'SURV088', invariant: 'gateway-list-carries', scenario: undefined,
        message: 'desk calls 944000000 gets 486 Busy Here at 10s while lte, of its relay list pstn, lte, is up with a free channel (cloud silent, pstn busy)',
        origin: at(text, 'relay to pstn, lte'),
      },
      {
        branch: 'lab', code: 'SURV088', invariant: 'gateway-list-carries', scenario: undefined,
        message: 'desk calls 112 gets 486 Busy Here at 0s while lte, of its emergency list pstn, lte, is up with a free channel (pstn busy)',
        origin: at(text, 'emergency 112'),
      },
    ]);
  });

  it('SURV083: an upstream whose proxy is the edge itself (calls and REGISTERs both loop)', () => {
    const text = design((t) => t.replace('sip:pbx.example.com:5060', 'sip:10.1.0.1:5060'));
    const violations = verifyBranch(model(text).branch).violations;
    const loop = 'whose address is the edge itself (udp 10.1.0.1:5060); it would come back to the edge and loop until Max-Forwards runs out (everything up)';
    expect(violations).toMatchObject([
      { code: 'SURV083', invariant: 'no-loop', message: `desk calls 944000000: the edge sends the INVITE to cloud, ${loop}`, origin: at(text, 'sip:10.1.0.1:5060') },
      { code: 'SURV083', invariant: 'no-loop', message: `desk registers: the edge sends the REGISTER to cloud, ${loop}`, origin: at(text, 'sip:10.1.0.1:5060') },
    ]);
  });

  it('SURV083: a request seen with Max-Forwards 0, or with the edge twice in its Via', () => {
    const text = design(undefined, 'scenario "s" in lab {\n  cloud silent\n  desk calls 944000000\n}\n');
    const { branch, scenarios } = model(text);
    const result = simulate(branch, scenarios[0]!);
    const invite = result.trace.find((t) => t.from === 'edge' && t.summary === 'INVITE')!;
    const exhausted = { ...result, trace: result.trace.map((t) => (t === invite ? { ...t, message: { ...t.message, maxForwards: 0 } } : t)) };
    expect(checkScenario(branch, scenarios[0]!, exhausted)).toMatchObject([{ code: 'SURV083', message: 'desk calls 944000000: edge sends an INVITE with Max-Forwards 0 (a routing loop) (cloud silent)' }]);
    const twice = { ...result, trace: result.trace.map((t) => (t === invite ? { ...t, message: { ...t.message, via: [t.message.via[0]!, ...t.message.via] } } : t)) };
    expect(checkScenario(branch, scenarios[0]!, twice)).toMatchObject([{ code: 'SURV083', message: 'desk calls 944000000: an INVITE passes the edge 2 times in one transaction (a routing loop) (cloud silent)' }]);
  });

  it('SURV084: a call that rang is sent to survival', () => {
    const text = design(undefined, 'scenario "s" in lab {\n  cloud silent\n  desk calls 944000000\n}\n');
    const { branch, scenarios } = model(text);
    const result = simulate(branch, scenarios[0]!);
    const invite = result.trace.find((t) => t.from === 'edge' && t.to === 'cloud')!;
    const ringing = {
      ...invite, atMs: 2000, from: 'cloud', to: 'edge', summary: '180', status: 180, text: 'SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n', cause: 'cloud rings',
      message: { ...invite.message, method: undefined, uri: undefined, status: 180, reason: 'Ringing' },
    };
    const rang: SimulationResult = { ...result, trace: [...result.trace.filter((t) => t.atMs < 2000), ringing, ...result.trace.filter((t) => t.atMs >= 2000)] };
    expect(checkScenario(branch, scenarios[0]!, result)).toEqual([]);
    expect(checkScenario(branch, scenarios[0]!, rang)).toMatchObject([{
      code: 'SURV084', invariant: 'rang-not-redirected',
      message: 'desk calls 944000000 rang (180 Ringing from cloud at 2s) and was still sent to survival (announce) at 10s (cloud silent)',
      origin: at(text, 'on timeout { announce 181 "Survival"  redirect 302 to pstn }'),
    }]);
  });

  it('SURV086: with the edge as it was before the trust model (trust open, a test-only option), a stranger reaches the gateway', () => {
    const text = design();
    const [v, ...rest] = verifyBranch(model(text).branch, { trust: 'open' }).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV086', invariant: 'trust-boundary',
      message: 'stranger 203.0.113.9 sends INVITE sip:0900123456@10.1.0.3: the edge sends an INVITE of it to gateway pstn at 0s; '
        + 'nothing from a stranger (203.0.113.9, outside every LAN, upstream and gateway) may reach a gateway, a phone or another host (everything up)',
      origin: at(text, 'lab'),
      scenario: '# surv verify: SURV086 (trust-boundary)\n'
        + 'scenario "SURV086 stranger 203.0.113.9 sends INVITE sip:0900123456@10.1.0.3, everything up" in lab {\n'
        + '  stranger 203.0.113.9 sends INVITE sip:0900123456@10.1.0.3\n}\n',
    });
    // The same design with the trust model (the default): nothing.
    expect(verifyBranch(model(text).branch).violations).toEqual([]);
  });

  it('SURV086 in a pasted scenario: a preloaded Route to a phone, and an upstream\'s INVITE to the gateway', () => {
    const text = design((t) => t, `scenario "attack" in lab {
  stranger 198.51.100.7 sends INVITE sip:0900123456@10.1.0.1 route sip:10.1.0.1;lr, sip:10.1.0.10;lr
  cloud sends INVITE sip:0900123456@10.1.0.3 at 1s
}
`);
    const { branch, scenarios } = model(text);
    const open = simulate(branch, scenarios[0]!, { trust: 'open' });
    expect(checkScenario(branch, scenarios[0]!, open).map((f) => [f.code, f.message])).toEqual([
      ['SURV086', 'stranger 198.51.100.7 sends INVITE sip:0900123456@10.1.0.1 route sip:10.1.0.1;lr, sip:10.1.0.10;lr: the edge sends an INVITE of it to phone desk at 0s; '
        + 'nothing from a stranger (198.51.100.7, outside every LAN, upstream and gateway) may reach a gateway, a phone or another host (everything up)'],
    ]);
    const closed = simulate(branch, scenarios[0]!);
    expect(checkScenario(branch, scenarios[0]!, closed)).toEqual([]);
  });

  it('SURV085: keep local copy, a silent upstream, and a REGISTER that does not get 200', () => {
    const text = design((t) => t.replace('forward cloud with path', 'forward cloud with path  keep local copy'), 'scenario "s" in lab {\n  cloud silent\n  desk registers\n}\n');
    const { branch, scenarios } = model(text);
    const result = simulate(branch, scenarios[0]!);
    const registered = (code: number | undefined): SimulationResult => ({
      ...result, trace: result.trace.filter((t) => t.method !== 'REGISTER'), registrations: [{ phone: 'desk', atMs: 0, code, via: code === 200 ? 'local-copy' : 'none' }],
    });
    expect(checkScenario(branch, scenarios[0]!, registered(200))).toEqual([]);
    expect(checkScenario(branch, scenarios[0]!, registered(408))).toMatchObject([{
      code: 'SURV085', invariant: 'registration-survives',
      message: 'desk registers and gets 408 while cloud (silent) gives no reply, although keep local copy is set: the phone would lose its registration (cloud silent)',
      origin: at(text, 'keep local copy'),
    }]);
    expect(checkScenario(branch, scenarios[0]!, registered(undefined))).toMatchObject([{
      code: 'SURV080', message: 'desk registers and gets no final reply to its REGISTER within 10m (cloud silent)',
    }]);
  });
});
