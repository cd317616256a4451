// Numbers both ways: SURV047 (X counts), SURV048 (a did pattern or caller-id that never
// applies), SURV049 (a did pattern to extensions no phone has), SURV067 (a rewrite rule
// that never applies), SURV061 for number patterns where a number is needed.
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, expectDiagnostic, expectNoDiagnostics } from './helper.js';

const GATEWAY = 'gateway pstn { address 10.10.1.3  kind bri  channels 2 }';
const gateway = (body: string) => edit(BASE, GATEWAY, `gateway pstn {\n    address 10.10.1.3  kind bri  channels 2\n    ${body}\n  }`);
const inbound = (body: string) => edit(BASE, 'inbound from pstn { ring front then ring reception }', `inbound from pstn {\n    ring front\n    ${body}\n  }`);

describe('number rules that are right', () => {
  it('gateway rewrite and caller-id lines, inbound rewrite and did patterns: no finding', () => {
    expectNoDiagnostics(gateway('rewrite { match +34 strip 3 }\n    rewrite { match 0034 strip 4 }\n    caller-id +3494412310X for 10X\n    caller-id +34944123000 private'));
    expectNoDiagnostics(inbound('rewrite { match +34 strip 3 }\n    did 944123100 to reception\n    did 9441231XX to 1XX\n    did 9441232XX to front'));
  });

  it('the model keeps them, the gateway rules replacing nothing else', () => {
    const b = check(gateway('rewrite { match +34 strip 3 }\n    caller-id +3494412310X for 10X')).model.branches[0]!;
    const g = b.gateways[0]!;
    expect(g.rewrite?.value.map(({ match, strip, prefix }) => ({ match, strip, prefix }))).toEqual([{ match: '+34', strip: 3, prefix: '' }]);
    expect(g.callerIds.value.map(({ number, extensions, private: p }) => ({ number, extensions, private: p }))).toEqual([
      { number: { prefix: '+3494412310', digits: 1 }, extensions: { prefix: '10', digits: 1 }, private: false },
    ]);
    expect(b.outbound?.rewrite.value).toEqual([]);
  });
});

describe('number rules through profiles', () => {
  it('a gateway\'s rewrite rules and caller-id lines each win whole at the nearest level that writes any', () => {
    const text = `profile office {
  gateway pstn {
    address 10.10.1.3  kind bri  channels 2
    rewrite { match +34 strip 3 }
    caller-id +34944123000
  }
  inbound from pstn { rewrite { match +34 strip 3 }  ring desk1  did 9441231XX to 1XX }
}
${BASE.replace('branch bilbao {', 'branch bilbao uses office {').replace('  gateway pstn { address 10.10.1.3  kind bri  channels 2 }\n', '  gateway pstn { caller-id +349441231XX for 1XX }\n').replace('  inbound from pstn { ring front then ring reception }\n', '  inbound from pstn { ring front  did 944123100 to reception }\n')}`;
    const b = check(text).model.branches[0]!;
    const g = b.gateways[0]!;
    expect(g.rewrite?.value.map((r) => r.match)).toEqual(['+34']);
    expect(g.callerIds.value.map((c) => c.number.prefix)).toEqual(['+349441231']);
    expect(b.inbound?.normalise.value.map((r) => r.match)).toEqual(['+34']);
    expect(b.inbound?.dids.map((d) => d.number)).toEqual(['944123100']);
    expect(b.inbound?.didPatterns.map((d) => d.pattern)).toEqual([{ prefix: '9441231', digits: 2 }]);
  });
});

describe('SURV047 X counts', () => {
  it('a caller-id pattern and its for pattern with different X counts', () => {
    expectDiagnostic(gateway('caller-id +349441231XX for «1X»'), {
      code: 'SURV047', severity: 'error', message: "caller-id +349441231XX has 2 Xs but 'for 1X' has 1 X: the caller's last digits fill the Xs one for one",
    });
  });

  it('a caller-id pattern without for', () => {
    expectDiagnostic(gateway('caller-id «+349441231XX»'), {
      code: 'SURV047', severity: 'error', message: "caller-id +349441231XX has 2 Xs but no 'for' pattern whose last digits fill them: say e.g. 'for 1XX'",
    });
  });

  it('a did pattern and its extension pattern with different X counts', () => {
    expectDiagnostic(inbound('did 9441231XX to «1XXX»'), {
      code: 'SURV047', severity: 'error', message: "did 9441231XX has 2 Xs but 'to 1XXX' has 3 Xs: the called number's last digits fill the Xs one for one",
    });
  });

  it('an extension pattern for a plain did', () => {
    expectDiagnostic(inbound('did 944123100 to «1XX»'), {
      code: 'SURV047', severity: 'error', message: "'to 1XX' picks the extension from the called number's last digits, so the did needs as many Xs: write e.g. 'did 9441231XX'",
    });
  });
});

describe('SURV048 never applies', () => {
  it('a caller-id after one for every caller', () => {
    expectDiagnostic(gateway('‹caller-id› +34944123000\n    «caller-id» +34944123050 for 150'), {
      code: 'SURV048', severity: 'warning', message: 'this caller-id never applies: an earlier one is for every caller',
      related: ['the caller-id that applies first'],
    });
  });

  it('a caller-id for callers an earlier pattern takes', () => {
    expectDiagnostic(gateway('‹caller-id› +349441231XX for 1XX\n    «caller-id» +34944123050 for 150'), {
      code: 'SURV048', severity: 'warning', message: 'this caller-id never applies: an earlier one is for 1XX, which takes every caller this one is for',
      related: ['the caller-id that applies first'],
    });
  });

  it('a did pattern inside an earlier one', () => {
    expectDiagnostic(inbound('did ‹9441231XX› to 1XX\n    did «94412310X» to front'), {
      code: 'SURV048', severity: 'warning', message: 'did 94412310X never applies: the earlier did 9441231XX takes every number it would',
      related: ['the did that applies first'],
    });
  });
});

describe('SURV049 did pattern to extensions no phone has', () => {
  it('warns at the extension pattern', () => {
    expectDiagnostic(inbound('did 9441232XX to «2XX»'), {
      code: 'SURV049', severity: 'warning', message: 'no phone or group of this branch has an extension 2XX: every call to 9441232XX rings the ring chain',
    });
  });

  it('a group\'s number is an extension too: no finding when one fits', () => {
    expectNoDiagnostics(edit(inbound('did 9441232XX to 2XX'), 'group front parallel', 'group front 200 parallel'));
  });
});

describe('SURV067 rewrite rule that never applies', () => {
  it('after a shorter match, in a gateway', () => {
    expectDiagnostic(gateway('‹rewrite› { match 0 strip 1 prefix +34 }\n    rewrite { match «09» strip 2 }'), {
      code: 'SURV067', severity: 'warning', message: 'this rewrite rule never applies: the rule before it matches 0, so it takes every number this one matches',
      related: ['the rule that applies first'],
    });
  });

  it('in the inbound block', () => {
    expectDiagnostic(inbound('‹rewrite› { match +34 strip 3 }\n    rewrite { match «+3494» strip 5 }'), {
      code: 'SURV067', severity: 'warning', message: 'this rewrite rule never applies: the rule before it matches +34, so it takes every number this one matches',
      related: ['the rule that applies first'],
    });
  });

  it('after a rule without match, in the outbound block', () => {
    expectDiagnostic(edit(BASE, '    emergency', '    ‹rewrite› { strip 1 }\n    «rewrite» { prefix 0 }\n    emergency'), {
      code: 'SURV067', severity: 'warning', message: 'this rewrite rule never applies: the rule before it has no match, so it takes every number',
      related: ['the rule that applies first'],
    });
  });
});

describe('SURV061 patterns and numbers', () => {
  it('a caller-id that is a name', () => {
    expectDiagnostic(gateway('caller-id «desk»'), {
      code: 'SURV061', severity: 'error', message: "expected a calling number (digits, optionally led by +, with Xs at the end for any digits), found name 'desk'",
    });
  });

  it('a number pattern where a plain number is needed', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101', 'phone desk1 «1XX»'), {
      code: 'SURV061', severity: 'error', message: "expected an extension (digits, optionally led by +), found number pattern '1XX'",
    });
  });
});
