// Values and required settings: SURV025 (duration), SURV026 (other values),
// SURV032 (missing setting), SURV055 (no channels), SURV056 (odd BRI channels),
// SURV061 (digits).
import { describe, expect, it } from 'vitest';
import { BASE, edit, edits, expectDiagnostic, PROFILE, stationBranch, withScenario } from './helper.js';

describe('SURV025 bad duration', () => {
  it('asks for a unit, offering seconds and milliseconds', () => {
    expectDiagnostic(edit(BASE, 'no-answer 10s', 'no-answer «10»'), {
      code: 'SURV025', severity: 'error', message: "'10' needs a unit: 10s or 10ms", data: { replacements: ['10s', '10ms'] },
    });
  });

  it('names an unknown unit', () => {
    expectDiagnostic(edit(BASE, 'ringing 60s', 'ringing «60sec»'), {
      code: 'SURV025', severity: 'error', message: "unknown unit 'sec' in '60sec': use ms, s, m or h",
    });
  });

  it('reports a name where a duration is needed', () => {
    expectDiagnostic(edit(BASE, 'ring 20s', 'ring «fast»'), {
      code: 'SURV025', severity: 'error', message: "expected a duration such as 10s, found name 'fast'",
    });
  });

  it('checks a scenario time', () => {
    expectDiagnostic(withScenario('cloud silent\n  desk1 calls 944000000 at «5»'), {
      code: 'SURV025', severity: 'error', message: "'5' needs a unit: 5s or 5ms", data: { replacements: ['5s', '5ms'] },
    });
  });
});

describe('SURV026 bad value', () => {
  it('reports an unknown gateway kind (and not also a missing kind)', () => {
    expectDiagnostic(edit(BASE, 'kind bri', 'kind «isdn»'), {
      code: 'SURV026', severity: 'error', message: "expected a gateway kind (bri, pri, fxo or trunk), found name 'isdn'",
    });
  });

  it('reports an unknown transport of a gateway', () => {
    expectDiagnostic(edit(BASE, 'kind bri', 'transport «sctp»  kind bri'), {
      code: 'SURV026', severity: 'error', message: "expected a transport (udp, tcp or tls), found name 'sctp'",
    });
  });

  it('reports an unknown transport of an edge listen address', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp', 'edge listen «sctp»'), {
      code: 'SURV026', severity: 'error', message: "expected a transport (udp, tcp or tls), found name 'sctp'",
    });
  });

  it('reports a channel count that is not a number', () => {
    expectDiagnostic(edit(BASE, 'channels 2', 'channels «two»'), {
      code: 'SURV026', severity: 'error', message: "expected a channel count (a whole number), found name 'two'",
    });
  });

  it('reports a channel count out of range', () => {
    expectDiagnostic(edit(BASE, 'kind bri  channels 2', 'kind trunk  channels «200000»'), {
      code: 'SURV026', severity: 'error', message: 'a channel count must be between 0 and 100000, not 200000',
    });
  });

  it('reports a probe count of 0', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  probe options down after «0»'), {
      code: 'SURV026', severity: 'error', message: 'a probe count must be between 1 and 100, not 0',
    });
  });

  it('reports a rewrite strip count out of range', () => {
    expectDiagnostic(edit(BASE, '    emergency', '    rewrite { match 0  strip «40» }\n    emergency'), {
      code: 'SURV026', severity: 'error', message: 'a digit count must be between 0 and 32, not 40',
    });
  });

  it('reports a reply code out of range', () => {
    expectDiagnostic(edit(BASE, '    emergency', '    pass 4xx, «700»\n    emergency'), {
      code: 'SURV026', severity: 'error', message: 'a SIP reply code must be between 100 and 699, not 700',
    });
  });

  it('reports a network loss without %', () => {
    expectDiagnostic(withScenario('network loss «5»\n  desk1 calls 944000000'), {
      code: 'SURV026', severity: 'error', message: "expected a percentage such as 5%, found number '5'",
    });
  });

  it('reports a network loss over 100%', () => {
    expectDiagnostic(withScenario('network loss «150%»\n  desk1 calls 944000000'), {
      code: 'SURV026', severity: 'error', message: 'a loss rate cannot exceed 100%, not 150%',
    });
  });

  it('reports a seed that is not a number', () => {
    expectDiagnostic(withScenario('seed «abc»\n  desk1 calls 944000000'), {
      code: 'SURV026', severity: 'error', message: "expected a seed (a whole number), found name 'abc'",
    });
  });
});

describe('SURV032 missing setting', () => {
  it('reports a branch without edge at its name, with what is missing in data', () => {
    expectDiagnostic(edits(BASE, ['branch bilbao', 'branch «bilbao»'], ['  edge listen udp 10.222.237.1:5060\n', '']), {
      code: 'SURV032', severity: 'error', message: "branch 'bilbao' has no edge listen address: add e.g. 'edge listen udp 10.0.0.1:5060'",
      data: { name: 'bilbao', missing: 'edge listen address' },
    });
  });

  it('reports a branch without lan', () => {
    expectDiagnostic(edits(BASE, ['branch bilbao', 'branch «bilbao»'], ['  lan 10.222.237.0/24\n', '']), {
      code: 'SURV032', severity: 'error', message: "branch 'bilbao' has no lan: add e.g. 'lan 10.0.0.0/24': only phones inside a LAN get survival",
      data: { name: 'bilbao', missing: 'lan' },
    });
  });

  it('reports a branch without upstream (the references to it fail too)', () => {
    expectDiagnostic(edits(BASE, ['branch bilbao', 'branch «bilbao»'], ['  upstream cloud { proxy sip:pbx.example.com:5060 }\n', '']), {
      code: 'SURV032', severity: 'error', message: "branch 'bilbao' has no upstream: add e.g. 'upstream cloud { proxy sip:pbx.example.com }'",
      data: { name: 'bilbao', missing: 'upstream' }, others: ['SURV010'],
    });
  });

  it('reports a gateway without address at its name', () => {
    expectDiagnostic(edit(BASE, 'gateway pstn { address 10.10.1.3  kind bri', 'gateway «pstn» { kind bri'), {
      code: 'SURV032', severity: 'error', message: "gateway 'pstn' has no address", data: { name: 'pstn', missing: 'address' },
    });
  });

  it('reports a gateway without kind', () => {
    expectDiagnostic(edit(BASE, 'gateway pstn { address 10.10.1.3  kind bri', 'gateway «pstn» { address 10.10.1.3'), {
      code: 'SURV032', severity: 'error', message: "gateway 'pstn' has no kind: say bri, pri, fxo or trunk", data: { name: 'pstn', missing: 'kind' },
    });
  });

  it('reports a SIP trunk without a channel count', () => {
    expectDiagnostic(edit(BASE, 'gateway pstn { address 10.10.1.3  kind bri  channels 2 }', 'gateway «pstn» { address 10.10.1.3  kind trunk }'), {
      code: 'SURV032', severity: 'error', message: "gateway 'pstn' is a SIP trunk: say how many channels it carries",
      data: { name: 'pstn', missing: 'channels' },
    });
  });

  it('reports an upstream without proxy', () => {
    expectDiagnostic(edit(BASE, 'upstream cloud { proxy sip:pbx.example.com:5060 }', 'upstream «cloud» { transport tcp }'), {
      code: 'SURV032', severity: 'error', message: "upstream 'cloud' has no proxy URI", data: { name: 'cloud', missing: 'proxy' },
    });
  });

  it('reports a group without members', () => {
    expectDiagnostic(edit(BASE, 'group front parallel [reception, desk1]', 'group «front» parallel [ ]'), {
      code: 'SURV032', severity: 'error', message: "group 'front' has no members", data: { name: 'front', missing: 'members' },
    });
  });

  it('reads `[]` as an empty member list too (not as an IPv6 address)', () => {
    expectDiagnostic(edit(BASE, 'group front parallel [reception, desk1]', 'group «front» parallel []'), {
      code: 'SURV032', severity: 'error', message: "group 'front' has no members", data: { name: 'front', missing: 'members' },
    });
  });

  it('reports a gateway completed by neither profile nor branch at the branch name, related to the profile', () => {
    expectDiagnostic(`${edit(PROFILE, 'gateway pstn', 'gateway ‹pstn›')}${stationBranch(1).replace('branch station-01', 'branch «station-01»').replace('  gateway pstn { address 10.60.1.3 }\n', '')}`, {
      code: 'SURV032', severity: 'error', message: "gateway 'pstn' has no address (in branch 'station-01')",
      data: { name: 'pstn', missing: 'address' }, related: ['set here'],
    });
  });
});

describe('SURV055 gateway without channels', () => {
  it("reports channels 0 at the count and offers the kind's default count", () => {
    expectDiagnostic(edit(BASE, 'kind bri  channels 2', 'kind pri  channels «0»'), {
      code: 'SURV055', severity: 'error', message: "gateway 'pstn' has no channels: no call could ever use it",
      data: { replacements: ['30'] },
    });
  });

  it('offers nothing for a SIP trunk, which has no default count', () => {
    const d = expectDiagnostic(edit(BASE, 'kind bri  channels 2', 'kind trunk  channels «0»'), {
      code: 'SURV055', severity: 'error', message: "gateway 'pstn' has no channels: no call could ever use it",
    });
    expect(d.data).toBeUndefined();
  });
});

describe('SURV056 BRI channels not a multiple of 2', () => {
  it('warns at the count and offers the nearest whole number of BRIs', () => {
    expectDiagnostic(edit(BASE, 'channels 2', 'channels «3»'), {
      code: 'SURV056', severity: 'warning', message: 'an ISDN BRI has 2 channels per line, so 3 is not a whole number of BRIs',
      data: { replacements: ['4'] },
    });
  });

  it('offers 2 for a single channel', () => {
    expectDiagnostic(edit(BASE, 'channels 2', 'channels «1»'), {
      code: 'SURV056', severity: 'warning', message: 'an ISDN BRI has 2 channels per line, so 1 is not a whole number of BRIs',
      data: { replacements: ['2'] },
    });
  });
});

describe('SURV061 not a number', () => {
  it('reports an extension that is a name', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101', 'phone desk1 «desk»'), {
      code: 'SURV061', severity: 'error', message: "expected an extension (digits, optionally led by +), found name 'desk'",
    });
  });

  it('reports a DID number that is a duration-like word', () => {
    expectDiagnostic(edit(BASE, 'ring reception }', 'ring reception\n    did «944x» to desk1\n  }'), {
      code: 'SURV061', severity: 'error', message: "expected a DID number (digits, optionally led by +, with Xs at the end for any digits), found duration '944x'",
    });
  });

  it('reports a rewrite prefix that is not digits', () => {
    expectDiagnostic(edit(BASE, '    emergency', '    rewrite { match «0s»  strip 1 }\n    emergency'), {
      code: 'SURV061', severity: 'error', message: "expected a number prefix (digits, optionally led by +), found duration '0s'",
    });
  });

  it('reports a scenario call to an address', () => {
    expectDiagnostic(withScenario('cloud silent\n  desk1 calls «10.1.1.1»'), {
      code: 'SURV061', severity: 'error', message: "expected a number to call (digits, optionally led by +), found address '10.1.1.1'",
    });
  });
});
