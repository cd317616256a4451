// Scenarios: SURV070 (actor), SURV071 (state for the actor), SURV072 (expectation),
// SURV073 (no call), SURV074 (until before from); and the scenario forms of
// SURV002 and SURV053.
import { describe, it } from 'vitest';
import { BASE, edit, expectDiagnostic, expectNoDiagnostics, withScenario } from './helper.js';

const CALL = 'desk1 calls 944000000';
/** A scenario body: the given lines, then a call (so SURV073 stays quiet). */
const body = (...lines: string[]): string => [...lines, CALL].join('\n  ');

describe('correct scenarios', () => {
  it('accept every kind of statement', () => {
    expectNoDiagnostics(withScenario(body(
      'cloud silent from 0s until 60s',
      'pstn answers 200 after 2s',
      'reception no-answer',
      'network loss 5%',
      'seed 42',
      'desk1 registers at 1s',
      'reception calls desk1 at 30s',
      'expect desk1 gets 181 at 10s "Survival Activated - please standby"',
      'expect desk1 gets 302 within 11s contact sip:944000000@10.10.1.3',
      'expect pstn answers',
    ), 'everything', 'bilbao', edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  probe options')));
  });
});

describe('SURV070 unknown or unfit actor', () => {
  it('suggests the nearest actor', () => {
    expectDiagnostic(withScenario(body('«clod» silent')), {
      code: 'SURV070', severity: 'error',
      message: "branch 'bilbao' has no upstream, gateway or phone named 'clod'; did you mean 'cloud'?",
      data: { name: 'clod', replacements: ['cloud'] },
    });
  });

  it('reports a called name that is not a phone or group', () => {
    expectDiagnostic(withScenario('desk1 calls «desk9»'), {
      code: 'SURV070', severity: 'error', message: "branch 'bilbao' has no phone or group named 'desk9'; did you mean 'desk1'?",
      data: { name: 'desk9', replacements: ['desk1'] },
    });
  });

  it('reports an upstream expected to get a reply', () => {
    expectDiagnostic(withScenario(body('expect «cloud» gets 181 at 10s')), {
      code: 'SURV070', severity: 'error', message: "'cloud' is an upstream; who gets a reply must be a phone or a gateway",
      data: { name: 'cloud' },
    });
  });

  it('reports a group named as an actor, with the kinds an actor may be', () => {
    expectDiagnostic(withScenario(body('«front» silent')), {
      code: 'SURV070', severity: 'error', message: "'front' is a group; an actor must be an upstream, a gateway or a phone",
      data: { name: 'front' },
    });
  });

  it('reports a gateway that registers', () => {
    expectDiagnostic(withScenario(body('«pstn» registers')), {
      code: 'SURV070', severity: 'error', message: "'pstn' is a gateway; who registers must be a phone", data: { name: 'pstn' },
    });
  });

  it('reports a phone expected to be marked down', () => {
    expectDiagnostic(withScenario(body('expect «desk1» marked down at 30s')), {
      code: 'SURV070', severity: 'error', message: "'desk1' is a phone; what is 'marked down' must be an upstream or a gateway", data: { name: 'desk1' },
    });
  });
});

describe('SURV071 state that does not fit the actor', () => {
  it('reports an upstream-only state on a phone, listing the phone states', () => {
    expectDiagnostic(withScenario(body('desk1 «trying»')), {
      code: 'SURV071', severity: 'error',
      message: "A phone cannot be 'trying'; a phone can be: up, silent, answers, busy, no-answer, unregistered, ignores redirect",
    });
  });

  it('reports a state with arguments at the state word only', () => {
    expectDiagnostic(withScenario(body('pstn «flapping» down 5s up 5s')), {
      code: 'SURV071', severity: 'error',
      message: "A gateway cannot be 'flapping'; a gateway can be: up, silent, slow, answers, busy, full, down",
    });
  });

  it('reports a two-word state over both words', () => {
    expectDiagnostic(withScenario(body('desk1 «ignores invite»')), {
      code: 'SURV071', severity: 'error',
      message: "A phone cannot be 'ignores invite'; a phone can be: up, silent, answers, busy, no-answer, unregistered, ignores redirect",
    });
  });

  it('reports a gateway-only state on an upstream', () => {
    expectDiagnostic(withScenario(body('cloud «busy»')), {
      code: 'SURV071', severity: 'error',
      message: "An upstream cannot be 'busy'; an upstream can be: up, silent, slow, answers, trying, ignores invite, flapping, down",
    });
  });
});

describe('SURV072 expectation that cannot hold', () => {
  it('reports at and within together, at within', () => {
    expectDiagnostic(withScenario(body('expect desk1 gets 181 at 10s within «12s»')), {
      code: 'SURV072', severity: 'error', message: "say 'at' or 'within', not both",
    });
  });

  it('reports a contact on a reply that is not 3xx', () => {
    expectDiagnostic(withScenario(body('expect desk1 gets 181 at 10s contact «sip:944000000@10.10.1.3»')), {
      code: 'SURV072', severity: 'error', message: 'only a 3xx reply carries a Contact to check, not 181',
    });
  });

  it('reports marked down for an upstream that is not probed', () => {
    expectDiagnostic(withScenario(body('expect «cloud» marked down at 30s')), {
      code: 'SURV072', severity: 'error',
      message: "upstream 'cloud' is not probed, so it is never marked down: add 'probe options' to it",
    });
  });
});

describe('SURV075 stranger inside the trust model, or a request a scenario cannot send', () => {
  it('accepts a stranger outside every LAN, upstream and gateway, and an upstream that sends', () => {
    expectNoDiagnostics(withScenario([
      'stranger 203.0.113.9 sends INVITE sip:0900123456@10.10.1.3 route sip:10.222.237.1;lr, sip:10.10.1.3;lr at 2s',
      'stranger [2001:db8::9] sends BYE sip:101@10.222.237.11 to-tag',
      'cloud sends REGISTER sip:10.222.237.1',
      'pstn sends MESSAGE sip:101@10.222.237.11',
      'expect stranger gets 403 "Forbidden"',
      'expect pstn receives nothing',
    ].join('\n  ')));
  });

  it('reports a stranger inside a LAN, at the address', () => {
    expectDiagnostic(withScenario('stranger «10.222.237.20» sends OPTIONS sip:10.222.237.1'), {
      code: 'SURV075', severity: 'error',
      message: "a stranger comes from outside the trust model, but 10.222.237.20 is inside LAN 10.222.237.0/24 of branch 'bilbao': the edge trusts it as a phone",
    });
  });

  it('reports a stranger at a gateway\'s address, naming the statement to write', () => {
    expectDiagnostic(withScenario('stranger «10.10.1.3» sends INVITE sip:0900@10.222.237.1'), {
      code: 'SURV075', severity: 'error',
      message: "a stranger comes from outside the trust model, but 10.10.1.3 is the address of gateway 'pstn': write 'pstn sends ...'",
    });
  });

  it('reports a method no scenario sends, with the upper-case spelling when that is all', () => {
    expectDiagnostic(withScenario('stranger 203.0.113.9 sends «Invite» sip:0900@10.222.237.1'), {
      code: 'SURV075', severity: 'error', message: "'Invite' is not a request a scenario sends: write INVITE",
    });
    expectDiagnostic(withScenario('cloud sends «SUBSCRIBE» sip:101@10.222.237.11'), {
      code: 'SURV075', severity: 'error', message: "'SUBSCRIBE' is not a request a scenario sends: one of INVITE, REGISTER, OPTIONS, MESSAGE, BYE",
    });
  });

  it('a phone does not send: SURV070', () => {
    expectDiagnostic(withScenario('«desk1» sends OPTIONS sip:10.222.237.1'), {
      code: 'SURV070', severity: 'error', message: "'desk1' is a phone; who sends a request must be an upstream or a gateway",
    });
  });
});

describe('SURV073 scenario without a call', () => {
  it('warns at the title and suggests a call from the first phone', () => {
    expectDiagnostic(withScenario('cloud silent').replace('"outage"', '«"outage"»'), {
      code: 'SURV073', severity: 'warning', message: "scenario \"outage\" places no call: add e.g. 'reception calls 944000000'",
    });
  });

  it('stays quiet for a scenario whose only event is a registration', () => {
    expectNoDiagnostics(withScenario('cloud silent\n  desk1 registers at 1s'));
  });
});

describe('SURV074 until not after from', () => {
  it('reports at until', () => {
    expectDiagnostic(withScenario(body('cloud silent from 10s until «5s»')), {
      code: 'SURV074', severity: 'error', message: "'until' must be later than 'from' (5s is not after 10s)",
    });
  });

  it('compares with time 0 when there is no from', () => {
    expectDiagnostic(withScenario(body('cloud silent until «0s»')), {
      code: 'SURV074', severity: 'error', message: "'until' must be later than 'from' (0s is not after 0s)",
    });
  });
});

describe('scenario forms of other codes', () => {
  it('SURV002: a call needs a number or a phone', () => {
    expectDiagnostic(withScenario('cloud silent\n  «desk1 calls at 5s»'), {
      code: 'SURV002', severity: 'error', message: "'calls' needs a number or a phone",
    });
  });

  it('SURV053: an expected reason phrase must not contain CR', () => {
    expectDiagnostic(withScenario(body('expect desk1 gets 181 at 10s «"Survival\\r"»')), {
      code: 'SURV053', severity: 'error',
      message: 'the expected reason phrase contains a control character (U+000D CARRIAGE RETURN): it would break or inject into the SIP message',
    });
  });

  it('SURV053: an expected reason phrase must not hide a bidi control', () => {
    expectDiagnostic(withScenario(body('expect desk1 gets 181 at 10s «"Survival\u202e"»')), {
      code: 'SURV053', severity: 'error',
      message: 'the expected reason phrase contains a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE): it would make the text display in another order than it is sent',
    });
  });

  it('SURV063: an expected reason phrase cannot be empty: no reply has one', () => {
    expectDiagnostic(withScenario(body('expect desk1 gets 181 at 10s «""»')), {
      code: 'SURV063', severity: 'error', message: 'the expected reason phrase is empty: a reason phrase needs 1 to 128 characters',
    });
  });
});
