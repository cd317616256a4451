// The verdicts of `surv trace` (SURV090-SURV095, docs/diagnostics.md "Trace"): captures of
// the design's own runs pass with the numbers; captures of an edge that did something else
// (another design's export, an edge that relays strangers, an edited reply) are caught by
// the rule that says what went wrong, at the design line it comes from.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch, type Scenario } from '../../../grammar/src/index.js';
import { simulate, type SimulateOptions } from '../../../engines/simulate/index.js';
import type { CapturedSip, RuleFinding, TracedCall } from '../../../engines/trace/index.js';
import { captureOf, traceOf } from '../trace/helpers.js';

const design = (extra: { timers?: string; survival?: string; emergency?: string } = {}) => `branch lab {
  edge listen udp 127.0.2.1:5060
  lan 127.0.2.8/29
  gateway pstn { address 127.0.2.3:5060  kind bri  channels 2 }
  upstream cloud { proxy sip:127.0.2.2:5060 }
  timers { ${extra.timers ?? 'no-answer 2s  ringing 3s'} }
  phone desk1 101 at 127.0.2.10:5060
  outbound from lan via cloud {
    on timeout { ${extra.survival ?? 'announce 181 "Survival Activated - please standby"  redirect 302 to pstn'} }
    ${extra.emergency ?? 'emergency 112 direct to pstn'}
  }
}
scenario "silent" in lab {
  cloud silent
  pstn busy
  desk1 calls 944000000
}
scenario "404" in lab {
  cloud answers 404
  desk1 calls 944000001
}
scenario "rings" in lab {
  cloud answers 180
  desk1 calls 944000003
}
scenario "112" in lab {
  pstn answers after 1s
  desk1 calls 112
}
scenario "stranger" in lab {
  stranger 127.0.2.99 sends INVITE sip:0900123456@127.0.2.3
}
`;

function model(text: string): { branch: Branch; scenarios: readonly Scenario[] } {
  const { model: m } = analyze([{ uri: 'lab.surv', text }], { symbols: false });
  return { branch: m.branches[0]!, scenarios: m.scenarios };
}

const base = model(design());

/** The capture of `title` played on `edge` (a design the edge was exported from), traced against the base design. */
function traced(title: string, edge = base, options: SimulateOptions = {}, edit: (m: CapturedSip[]) => CapturedSip[] = (m) => m): TracedCall {
  const scenario = edge.scenarios.find((s) => s.title === title)!;
  const capture = edit(captureOf(edge.branch, simulate(edge.branch, scenario, options), scenario));
  const calls = traceOf(capture, { branches: [base.branch] });
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

const brief = (f: RuleFinding) => ({ code: f.code, status: f.status, message: f.message });
const line = (f: RuleFinding) => (f.origin?.kind === 'source' ? design().slice(0, f.origin.start).split('\n').length : undefined);

describe('captures of the design passing', () => {
  it('a silent upstream: survival at no-answer, detection 2000 ms', () => {
    const call = traced('silent');
    // The phone follows the 302 to pstn, which is busy: the call's last word is pstn's 486.
    expect(call).toMatchObject({ kind: 'outbound', caller: 'desk1', dialled: '944000000', outcome: 'failed', finalCode: 486, survival: true, detectionMs: 2000, postDialDelayMs: 2000 });
    expect(call.verdict?.status).toBe('pass');
    expect(call.verdict?.findings.map(brief)).toEqual([
      { code: 'SURV090', status: 'pass', message: 'cloud gave no reply but 100 at most; survival at 2.000s (181 to desk1), detection 2000 ms; the design goes to survival at 2.000s (no-answer 2s)' },
      { code: 'SURV094', status: 'pass', message: 'post-dial delay 2.000s; the budget is 20s' },
      { code: 'SURV095', status: 'pass', message: "the edge's 9 messages agree with the design's, max |seen - design| 0 ms" },
    ]);
  });

  it('a 404 from the upstream: passed through, never diverted', () => {
    const call = traced('404');
    expect(call).toMatchObject({ outcome: 'failed', finalCode: 404, survival: false, detectionMs: undefined, postDialDelayMs: 0 });
    expect(call.verdict?.findings.map(brief)).toEqual([
      { code: 'SURV091', status: 'pass', message: 'cloud replied 404 Not Found at 0.000s; the edge did not divert, as designed' },
      { code: 'SURV094', status: 'pass', message: 'post-dial delay 0.000s; the budget is 20s' },
      { code: 'SURV095', status: 'pass', message: "the edge's 3 messages agree with the design's, max |seen - design| 0 ms" },
    ]);
  });

  it('emergency straight to its gateway', () => {
    const call = traced('112');
    expect(call).toMatchObject({ kind: 'emergency', outcome: 'answered', finalCode: 200 });
    expect(call.verdict?.findings.map(brief)[0]).toEqual({ code: 'SURV092', status: 'pass', message: 'emergency 112 went to pstn at 0.000s, straight to its gateway as designed' });
  });

  it('a ring-no-answer whose timer fired a tick early, the far side answering the CANCEL', () => {
    // Kamailio's timers fire up to a tick early: the 408 and CANCEL at 2.981s, cloud's 487
    // answering that CANCEL is no reply of its own (the simulated cloud gives it).
    const call = traced('rings', base, {}, (capture) => capture.map((m) => (m.timeUs - capture[0]!.timeUs >= 3_000_000 ? { ...m, timeUs: m.timeUs - 19_000 } : m)));
    expect(call).toMatchObject({ outcome: 'failed', finalCode: 408, survival: false });
    expect(call.verdict?.findings.map(brief)).toEqual([
      { code: 'SURV091', status: 'pass', message: 'cloud replied 180 Ringing at 0.000s; the edge did not divert, as designed' },
      { code: 'SURV094', status: 'pass', message: 'post-dial delay 0.000s; the budget is 20s' },
      { code: 'SURV095', status: 'pass', message: "the edge's 4 messages agree with the design's, max |seen - design| 19 ms" },
    ]);
  });

  it("a phone's own Contact form and a phone that does not follow the redirect are the phone's business", () => {
    const call = traced('silent', base, {}, (capture) => {
      const follow = capture.findIndex((m) => m.text.startsWith('INVITE sip:944000000@127.0.2.3'));
      return capture.slice(0, follow).map((m) => ({ ...m, text: m.text.replace('<sip:101@127.0.2.10>', '<sip:101@127.0.2.10:5060;transport=udp>') }));
    });
    expect(call).toMatchObject({ outcome: 'failed', finalCode: 302, survival: true });
    expect(call.verdict?.status).toBe('pass');
  });

  it("a stranger's INVITE refused, nothing relayed", () => {
    const call = traced('stranger');
    expect(call).toMatchObject({ kind: 'stranger', caller: '127.0.2.99:5060', outcome: 'refused', finalCode: 403 });
    expect(call.verdict?.findings.map(brief)).toEqual([
      { code: 'SURV093', status: 'pass', message: '127.0.2.99 is outside the trust model: the edge answered 403 at 0.000s and relayed nothing' },
      { code: 'SURV095', status: 'pass', message: "the edge's 1 message agrees with the design's, max |seen - design| 0 ms" },
    ]);
  });
});

describe('captures of an edge that did something else', () => {
  it('SURV090: survival a second late (an edge exported with no-answer 3s)', () => {
    const call = traced('silent', model(design({ timers: 'no-answer 3s  ringing 3s' })));
    expect(call.verdict?.status).toBe('violation');
    const f = call.verdict!.findings.find((x) => x.code === 'SURV090')!;
    expect(brief(f)).toEqual({ code: 'SURV090', status: 'violation', message: 'cloud gave no reply but 100 at most; survival at 3.000s (181 to desk1), detection 3000 ms; the design goes to survival at 2.000s (no-answer 2s): 1000 ms late' });
    expect(line(f)).toBe(6);
    // Everything from survival on comes a second after the design's time.
    expect(call.verdict?.rows?.filter((r) => r.status !== 'ok').map((r) => `${r.status} ${r.expected ?? ''} | ${r.observed ?? ''}`)).toEqual([
      'late 2.000s  edge -> desk1  181 Survival Activated - please standby | 3.000s  edge -> desk1  181 Survival Activated - please standby',
      'late 2.000s  edge -> desk1  302 Moved Temporarily | 3.000s  edge -> desk1  302 Moved Temporarily',
      'late 2.000s  edge -> desk1  100 Trying | 3.000s  edge -> desk1  100 Trying',
      'late 2.000s  edge -> pstn  INVITE sip:944000000@127.0.2.3 | 3.000s  edge -> pstn  INVITE sip:944000000@127.0.2.3',
      'late 2.000s  edge -> desk1  486 Busy Here | 3.000s  edge -> desk1  486 Busy Here',
    ]);
    expect(call.verdict?.expected?.length).toBeGreaterThan(0);
  });

  it('SURV090: no survival at all (the edge answered 408 at no-answer)', () => {
    const scenario = base.scenarios.find((s) => s.title === 'silent')!;
    // An edge with the survival actions cut out of its failure route: what it sent before
    // no-answer, then the 408 tm sends itself.
    const capture = captureOf(base.branch, simulate(base.branch, scenario), scenario);
    const before = capture.filter((m) => m.timeUs < capture[0]!.timeUs + 2_000_000);
    const trying = before.find((m) => m.text.startsWith('SIP/2.0 100'))!;
    const timeout = { ...trying, timeUs: capture[0]!.timeUs + 2_000_000, text: trying.text.replace('SIP/2.0 100 Trying', 'SIP/2.0 408 Request Timeout').replace(/^(To: [^\r]*)/m, '$1;tag=x1') };
    const calls = traceOf([...before, timeout], { branches: [base.branch] });
    expect(calls[0]).toMatchObject({ outcome: 'failed', finalCode: 408, survival: false });
    const f = calls[0]!.verdict!.findings.find((x) => x.code === 'SURV090')!;
    expect(brief(f)).toEqual({ code: 'SURV090', status: 'violation', message: 'cloud gave no reply but 100 at most; the design goes to survival at 2.000s (no-answer 2s), the edge did not: the caller got 408 Request Timeout at 2.000s' });
  });

  it('SURV091: a ring-no-answer diverted to survival', () => {
    const call = traced('rings', base, {}, (capture) => capture.map((m) => (m.text.startsWith('SIP/2.0 408')
      ? { ...m, text: m.text.replace('SIP/2.0 408 Request Timeout', 'SIP/2.0 181 Survival Activated - please standby') } : m)));
    expect(call.survival).toBe(true);
    const f = call.verdict!.findings.find((x) => x.code === 'SURV091')!;
    expect(brief(f)).toEqual({ code: 'SURV091', status: 'violation', message: 'cloud replied 180 Ringing at 0.000s; the design never diverts this call, but the edge went to survival at 3.000s (181 to desk1)' });
    expect(line(f)).toBe(9);
  });

  it('SURV092: an emergency call sent to the upstream (an edge exported without the emergency line)', () => {
    const call = traced('112', model(design({ emergency: '' })));
    const f = call.verdict!.findings.find((x) => x.code === 'SURV092')!;
    expect(brief(f)).toEqual({ code: 'SURV092', status: 'violation', message: 'emergency 112 went to the upstream cloud at 0.000s; the design sends it straight to pstn' });
    expect(line(f)).toBe(10);
  });

  it("SURV093: a stranger's INVITE relayed (an edge without the trust model)", () => {
    const call = traced('stranger', base, { trust: 'open' });
    const f = call.verdict!.findings.find((x) => x.code === 'SURV093')!;
    expect(brief(f)).toEqual({ code: 'SURV093', status: 'violation', message: "the edge relayed 127.0.2.99's INVITE to pstn at 0.000s; 127.0.2.99 is outside the trust model" });
    expect(line(f)).toBe(3);
  });

  it('SURV094: post-dial delay over the budget', () => {
    const tight = model(design({ timers: 'no-answer 2s  ringing 3s  budget 1s' }));
    const scenario = tight.scenarios.find((s) => s.title === 'silent')!;
    const calls = traceOf(captureOf(tight.branch, simulate(tight.branch, scenario), scenario), { branches: [tight.branch] });
    const f = calls[0]!.verdict!.findings.find((x) => x.code === 'SURV094')!;
    expect(brief(f)).toEqual({ code: 'SURV094', status: 'violation', message: 'post-dial delay 2.000s; the budget is 1s' });
  });

  it('SURV095: the announcement with another reason phrase', () => {
    const call = traced('silent', base, {}, (capture) => capture.map((m) => ({ ...m, text: m.text.replace('181 Survival Activated - please standby', '181 Call Is Being Forwarded') })));
    const f = call.verdict!.findings.find((x) => x.code === 'SURV095')!;
    expect(brief(f)).toEqual({ code: 'SURV095', status: 'violation', message: "1 of the edge's messages differs from the design's: 2.000s  edge -> desk1  181 Survival Activated - please standby: another reason phrase (SIP/2.0 181 Call Is Being Forwarded)" });
  });
});
